#include "drivers/views/rocksdb_view_store.hpp"

#include "drivers/rocksdb/rocksdb_log.hpp"
#include "drivers/rocksdb/store_directory.hpp"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

namespace hotline::drivers {

using events::errc;
using events::result;
using events::status;

namespace {

constexpr std::string_view format_key = "meta/format";
constexpr std::string_view format_value = "1";

rocksdb::Slice slice(std::string_view s) {
  return {s.data(), s.size()};
}

status io(const rocksdb::Status& s, const std::string& what) {
  return {errc::io_error, what + ": " + s.ToString()};
}

} // namespace

struct rocksdb_view_store::impl {
  std::string dir;
  rocksdb_view_store_options opts;
  std::unique_ptr<rocksdb::DB> db;

  ~impl() {
    if (db) db->Close();
  }
};

rocksdb_view_store::rocksdb_view_store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
rocksdb_view_store::~rocksdb_view_store() = default;

const std::string& rocksdb_view_store::directory() const {
  return impl_->dir;
}

result<std::unique_ptr<rocksdb_view_store>>
rocksdb_view_store::open(const std::string& directory, rocksdb_view_store_options options) {
  auto p = std::make_unique<impl>();
  p->dir = directory;
  p->opts = options;
  // Missing and not to be created: say so and leave nothing behind. To be
  // created: with its parents, 0700/0600 like an event store.
  if (!options.create_if_missing) {
    if (auto st = is_store(directory); !st)
      return status{errc::not_found, "no view store at " + directory + ": " +
                                         st.detail().substr(st.detail().find(": ") + 2)};
  } else if (auto st = create_store_directory(directory); !st) {
    return status{st.code(), "opening view store " + directory + ": " + st.detail()};
  }
  rocksdb::Options o;
  o.env = private_env();
  o.create_if_missing = options.create_if_missing;
  o.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  o.info_log = forwarding_logger("view store " + directory); // no LOG file in the views
  o.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(o, directory, &raw);
  if (!s.ok()) {
    auto text = s.ToString();
    if (s.IsIOError() && text.find("lock") != std::string::npos)
      return status{errc::store_in_use,
                    "view store " + directory + " is in use by another process: " + text};
    if (s.IsInvalidArgument() && text.find("does not exist") != std::string::npos)
      return status{errc::not_found, "no view store at " + directory};
    return io(s, "opening view store " + directory);
  }
  p->db.reset(raw);
  std::string format;
  s = p->db->Get(rocksdb::ReadOptions{}, slice(format_key), &format);
  if (s.IsNotFound()) {
    s = p->db->Put(rocksdb::WriteOptions{}, slice(format_key), slice(format_value));
    if (!s.ok()) return io(s, "writing the format marker of " + directory);
  } else if (!s.ok()) {
    return io(s, "reading the format marker of " + directory);
  } else if (format != format_value) {
    return status{errc::corrupt_record, "view store " + directory + " has format '" + format +
                                            "', this hotline reads format " +
                                            std::string{format_value}};
  }
  return std::unique_ptr<rocksdb_view_store>(new rocksdb_view_store(std::move(p)));
}

status rocksdb_view_store::commit(std::span<const view_commit> parts) {
  rocksdb::WriteBatch wb;
  for (const auto& part : parts) {
    if (part.changes) {
      for (const auto& k : part.changes->deletes)
        wb.Delete(slice(k));
      for (const auto& [k, v] : part.changes->puts)
        wb.Put(slice(k), slice(v));
    }
    wb.Put(checkpoint_key(part.projection), checkpoint_value(part.position));
  }
  rocksdb::WriteOptions wo;
  wo.sync = impl_->opts.sync;
  auto s = impl_->db->Write(wo, &wb);
  if (!s.ok())
    return io(s, "view store " + impl_->dir + ": committing " + std::to_string(wb.Count()) +
                     " writes");
  return {};
}

result<std::optional<std::uint64_t>>
rocksdb_view_store::checkpoint(std::string_view projection) const {
  auto v = get(checkpoint_key(projection));
  if (!v) return v.error();
  if (!*v) return std::optional<std::uint64_t>{};
  auto position = parse_checkpoint_value(**v);
  if (!position)
    return status{errc::corrupt_record, "view store " + impl_->dir + ": checkpoint of '" +
                                            std::string{projection} + "' is malformed"};
  return position;
}

result<std::optional<std::string>> rocksdb_view_store::get(std::string_view key) const {
  std::string v;
  auto s = impl_->db->Get(rocksdb::ReadOptions{}, slice(key), &v);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return io(s, "view store " + impl_->dir + ": reading '" + std::string{key} + "'");
  return std::optional<std::string>{std::move(v)};
}

status rocksdb_view_store::scan(std::string_view prefix, const row_visitor& fn) const {
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it{impl_->db->NewIterator(ro)};
  for (it->Seek(slice(prefix)); it->Valid(); it->Next()) {
    auto key = it->key().ToStringView();
    if (!key.starts_with(prefix)) break;
    if (!fn(key, it->value().ToStringView())) break;
  }
  if (!it->status().ok())
    return io(it->status(),
              "view store " + impl_->dir + ": scanning '" + std::string{prefix} + "'");
  return {};
}

status rocksdb_view_store::put_raw_for_testing(std::string_view key, std::string_view value) {
  auto s = impl_->db->Put(rocksdb::WriteOptions{}, slice(key), slice(value));
  if (!s.ok()) return io(s, "raw put");
  return {};
}

status rocksdb_view_store::delete_raw_for_testing(std::string_view key) {
  auto s = impl_->db->Delete(rocksdb::WriteOptions{}, slice(key));
  if (!s.ok()) return io(s, "raw delete");
  return {};
}

} // namespace hotline::drivers
