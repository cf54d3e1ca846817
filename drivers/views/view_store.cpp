#include "drivers/views/view_store.hpp"

#include "drivers/store/rocksdb_log.hpp"
#include "drivers/store/store_directory.hpp"

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

std::string be64(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8)
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

std::uint64_t from_be64(std::string_view in) {
  std::uint64_t v = 0;
  for (unsigned char c : in)
    v = (v << 8) | c;
  return v;
}

} // namespace

std::string checkpoint_key(std::string_view projection) {
  return "checkpoint/" + std::string{projection};
}

struct view_store::impl {
  std::string dir;
  view_store_options opts;
  std::unique_ptr<rocksdb::DB> db;

  ~impl() {
    if (db) db->Close();
  }
};

view_store::view_store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
view_store::~view_store() = default;

const std::string& view_store::directory() const {
  return impl_->dir;
}

result<std::unique_ptr<view_store>> view_store::open(const std::string& directory,
                                                     view_store_options options) {
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
  return std::unique_ptr<view_store>(new view_store(std::move(p)));
}

status view_store::commit(std::span<const view_commit> parts) {
  rocksdb::WriteBatch wb;
  for (const auto& part : parts) {
    if (part.changes) {
      for (const auto& k : part.changes->deletes)
        wb.Delete(slice(k));
      for (const auto& [k, v] : part.changes->puts)
        wb.Put(slice(k), slice(v));
    }
    wb.Put(checkpoint_key(part.projection), be64(part.position));
  }
  rocksdb::WriteOptions wo;
  wo.sync = impl_->opts.sync;
  auto s = impl_->db->Write(wo, &wb);
  if (!s.ok())
    return io(s, "view store " + impl_->dir + ": committing " + std::to_string(wb.Count()) +
                     " writes");
  return {};
}

result<std::optional<std::uint64_t>> view_store::checkpoint(std::string_view projection) const {
  auto v = get(checkpoint_key(projection));
  if (!v) return v.error();
  if (!*v) return std::optional<std::uint64_t>{};
  if ((*v)->size() != 8)
    return status{errc::corrupt_record, "view store " + impl_->dir + ": checkpoint of '" +
                                            std::string{projection} + "' is malformed"};
  return std::optional<std::uint64_t>{from_be64(**v)};
}

result<std::optional<std::string>> view_store::get(std::string_view key) const {
  std::string v;
  auto s = impl_->db->Get(rocksdb::ReadOptions{}, slice(key), &v);
  if (s.IsNotFound()) return std::optional<std::string>{};
  if (!s.ok()) return io(s, "view store " + impl_->dir + ": reading '" + std::string{key} + "'");
  return std::optional<std::string>{std::move(v)};
}

status view_store::scan(std::string_view prefix,
                        const std::function<bool(std::string_view, std::string_view)>& fn) const {
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

result<std::vector<std::pair<std::string, std::string>>> view_store::dump() const {
  std::vector<std::pair<std::string, std::string>> out;
  auto st = scan("", [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return true;
  });
  if (!st) return st;
  return out;
}

status view_store::put_raw_for_testing(std::string_view key, std::string_view value) {
  auto s = impl_->db->Put(rocksdb::WriteOptions{}, slice(key), slice(value));
  if (!s.ok()) return io(s, "raw put");
  return {};
}

status view_store::delete_raw_for_testing(std::string_view key) {
  auto s = impl_->db->Delete(rocksdb::WriteOptions{}, slice(key));
  if (!s.ok()) return io(s, "raw delete");
  return {};
}

} // namespace hotline::drivers
