#include "drivers/rocksdb/store_directory.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include <sys/stat.h>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

namespace hotline::drivers {

namespace {

namespace fs = std::filesystem;

/// Sets 0600 on the files and 0700 on the directories RocksDB creates. A
/// file is created under the umask and narrowed right after: its directory
/// is already 0700, so nobody else can reach it meanwhile.
class private_file_system final : public rocksdb::FileSystemWrapper {
public:
  using FileSystemWrapper::FileSystemWrapper;
  const char* Name() const override { return "hotline.private_file_system"; }

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    return narrow(f, target()->NewWritableFile(f, o, r, dbg), 0600);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override {
    return narrow(f, target()->ReopenWritableFile(f, o, r, dbg), 0600);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old,
                                      const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override {
    return narrow(f, target()->ReuseWritableFile(f, old, o, r, dbg), 0600);
  }
  rocksdb::IOStatus NewRandomRWFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    return narrow(f, target()->NewRandomRWFile(f, o, r, dbg), 0600);
  }
  rocksdb::IOStatus CreateDir(const std::string& d, const rocksdb::IOOptions& o,
                              rocksdb::IODebugContext* dbg) override {
    return narrow(d, target()->CreateDir(d, o, dbg), 0700);
  }
  rocksdb::IOStatus CreateDirIfMissing(const std::string& d, const rocksdb::IOOptions& o,
                                       rocksdb::IODebugContext* dbg) override {
    const bool existed = fs::exists(d);
    auto s = target()->CreateDirIfMissing(d, o, dbg);
    return existed ? s : narrow(d, std::move(s), 0700);
  }
  rocksdb::IOStatus NewLogger(const std::string& f, const rocksdb::IOOptions& o,
                              std::shared_ptr<rocksdb::Logger>* r,
                              rocksdb::IODebugContext* dbg) override {
    return narrow(f, target()->NewLogger(f, o, r, dbg), 0600);
  }
  rocksdb::IOStatus LockFile(const std::string& f, const rocksdb::IOOptions& o,
                             rocksdb::FileLock** l, rocksdb::IODebugContext* dbg) override {
    return narrow(f, target()->LockFile(f, o, l, dbg), 0600);
  }

private:
  static rocksdb::IOStatus narrow(const std::string& path, rocksdb::IOStatus s, mode_t mode) {
    if (s.ok() && ::chmod(path.c_str(), mode) != 0)
      return rocksdb::IOStatus::IOError("setting mode of " + path, std::strerror(errno));
    return s;
  }
};

std::string octal(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

} // namespace

rocksdb::Env* private_env() {
  static const auto env = rocksdb::NewCompositeEnv(
      std::make_shared<private_file_system>(rocksdb::FileSystem::Default()));
  return env.get();
}

events::status create_store_directory(const std::string& directory) {
  std::error_code ec;
  const fs::path dir{directory};
  if (fs::is_directory(dir, ec)) return {};
  if (dir.has_parent_path() && !dir.parent_path().empty()) {
    fs::create_directories(dir.parent_path(), ec);
    if (ec)
      return {events::errc::io_error, "cannot create the parent directory " +
                                          dir.parent_path().string() + ": " + ec.message()};
  }
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST)
    return {events::errc::io_error, "cannot create " + directory + ": " + std::strerror(errno)};
  if (::chmod(directory.c_str(), 0700) != 0)
    return {events::errc::io_error,
            "cannot set the mode of " + directory + ": " + std::strerror(errno)};
  return {};
}

events::status is_store(const std::string& directory) {
  std::error_code ec;
  if (!fs::exists(directory, ec))
    return {events::errc::not_found, "no store at " + directory + ": no such directory"};
  if (!fs::is_directory(directory, ec))
    return {events::errc::not_found, "no store at " + directory + ": not a directory"};
  if (!fs::exists(fs::path{directory} / "CURRENT", ec))
    return {events::errc::not_found, "no store at " + directory +
                                         ": the directory holds no RocksDB database "
                                         "(no CURRENT file)"};
  return {};
}

std::optional<std::string> permission_warning(const std::string& directory) {
  struct stat st {};
  if (::stat(directory.c_str(), &st) != 0) return std::nullopt;
  const bool dir_open = (st.st_mode & 077) != 0;
  std::size_t open_files = 0;
  std::error_code ec;
  for (fs::directory_iterator it{directory, ec}, end; !ec && it != end; it.increment(ec)) {
    struct stat fst {};
    if (::lstat(it->path().c_str(), &fst) == 0 && S_ISREG(fst.st_mode) && (fst.st_mode & 077) != 0)
      ++open_files;
  }
  if (!dir_open && open_files == 0) return std::nullopt;
  std::string what = dir_open ? "its directory has mode " + octal(st.st_mode) : std::string{};
  if (open_files > 0)
    what += (what.empty() ? "" : "; ") + std::to_string(open_files) +
            (open_files == 1 ? " file" : " files") + " readable by group or others";
  return "store " + directory + " is accessible to other users (" + what +
         "); it holds callers' numbers: `chmod -R go= " + directory + "` makes it private";
}

} // namespace hotline::drivers
