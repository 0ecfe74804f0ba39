#include "input/discovery.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <tuple>
#include <utility>
#include <vector>

#include "input/walk.h"
#include "util/fd_reader.h"

namespace ocrbatch::input {
namespace {

using record::ErrorCode;

constexpr size_t kSniffBytes = 1024;  // a PDF's header may sit anywhere in the first 1024

// Closes a descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string errno_message(const char* what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

}  // namespace

record::ErrorCode error_code_for_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case ELOOP:
      return ErrorCode::not_found;
    case EACCES:
    case EPERM:
      return ErrorCode::permission_denied;
    default:
      return ErrorCode::read_failed;
  }
}

Discovery::Discovery(DiscoveryOptions options, ItemSink sink)
    : options_(std::move(options)), sink_(std::move(sink)) {}

bool Discovery::add_path(const std::string& path) {
  // Every shard stats a named path (a folder is walked by all of them), but only its owner
  // reads it or reports it missing.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (!mine(path)) return true;
    if (err == ENOENT || err == ENOTDIR) {
      if (const auto added = add_written_name(path)) return *added;
    }
    reached();
    return sink_(InputItem::make_error(path, error_code_for_errno(err),
                                       errno_message("cannot access", err)));
  }
  if (S_ISDIR(st.st_mode)) return walk_folder(path);
  if (!mine(path)) return true;
  return add_file(path, /*named=*/true, AT_FDCWD, path);
}

namespace {

// "name#N" with N a page number from 1: {"name", N}; anything else: {name, 0}.
std::pair<std::string, int> split_page(const std::string& name) {
  const size_t hash = name.rfind('#');
  if (hash == std::string::npos || hash == 0 || hash + 1 == name.size() || name.size() - hash > 9 ||
      name[hash + 1] == '0')
    return {name, 0};
  for (size_t i = hash + 1; i < name.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return {name, 0};
  return {name.substr(0, hash), std::stoi(name.substr(hash + 1))};
}

}  // namespace

std::optional<bool> Discovery::add_written_name(const std::string& path) {
  const auto is_file = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
  };
  const auto [base, page] = split_page(path);
  if (page > 0 && is_file(base))
    return add_file(base, true, AT_FDCWD, base, Pick{page, nullptr, path});
  // The archive is the shortest prefix before a "::" that is a file: entry names may hold
  // "::" themselves, and names of nested archives do.
  for (size_t at = path.find("::"); at != std::string::npos; at = path.find("::", at + 1)) {
    const std::string archive = path.substr(0, at);
    if (!is_file(archive)) continue;
    EntryPick pick;
    pick.entry = path.substr(at + 2);
    std::tie(pick.paged_entry, pick.page) = split_page(pick.entry);
    return add_file(archive, true, AT_FDCWD, archive, Pick{0, &pick, path});
  }
  return std::nullopt;
}

bool Discovery::add_file(const std::string& path, bool named, int dir_fd, const std::string& name,
                         const Pick& pick) {
  // Counted once the file's items are admitted, so a progress estimate never runs short.
  const Reached guard(this);
  const int raw = ::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (raw < 0) {
    const int err = errno;
    // Removed since the walk read its folder: as a walk reports a link to nothing.
    if (!named && err == ENOENT)
      return sink_(InputItem::make_skipped(path, record::SkipKind::link));
    if (err == ENXIO) {  // a Unix socket: it cannot be opened as a file at all
      if (!named) return sink_(InputItem::make_skipped(path, record::SkipKind::special));
      return sink_(
          InputItem::make_error(path, ErrorCode::unsupported_format, "a socket, not a file"));
    }
    return sink_(
        InputItem::make_error(path, error_code_for_errno(err), errno_message("cannot open", err)));
  }
  Fd fd(raw);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    return sink_(
        InputItem::make_error(path, error_code_for_errno(err), errno_message("cannot stat", err)));
  }
  if (const OutputFile* output = output_file(st)) {
    if (!named && options_.stdout_file && output == &*options_.stdout_file) return true;
    return refuse_output(path, *output);
  }
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  if (S_ISREG(st.st_mode))
    return read_opened(fd.get(), path, named, static_cast<uint64_t>(st.st_size), pick);
  // A FIFO or character device the user named, e.g. <(curl ...) or /dev/stdin, is read as a
  // stream. Met during a walk it is skipped: reading it could block forever.
  if (named && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)))
    return read_opened(fd.get(), path, named, std::nullopt, pick);
  if (!named) return sink_(InputItem::make_skipped(path, record::SkipKind::special));
  return sink_(InputItem::make_error(path, ErrorCode::unsupported_format, "not a regular file"));
}

bool Discovery::refuse_output(const std::string& name, const OutputFile& output) {
  if (options_.output_met) options_.output_met(output);
  return sink_(InputItem::make_error(
      name, ErrorCode::read_failed, "is this run's output file (" + output.option + "), not read"));
}

const OutputFile* Discovery::output_file(const struct stat& st) const {
  if (!S_ISREG(st.st_mode)) return nullptr;
  const auto is = [&](const OutputFile& f) {
    return f.dev == static_cast<uint64_t>(st.st_dev) && f.ino == static_cast<uint64_t>(st.st_ino);
  };
  for (const auto& output : options_.outputs)
    if (is(output)) return &output;
  if (options_.stdout_file && is(*options_.stdout_file)) return &*options_.stdout_file;
  return nullptr;
}

bool Discovery::add_stream(int fd, const std::string& display_name) {
  // A stream can be read only once: it is shard 0's.
  if (options_.shard && options_.shard->index != 0) return true;
  const Reached guard(this);
  struct stat st {};
  if (::fstat(fd, &st) == 0)
    if (const OutputFile* output = output_file(st)) return refuse_output(display_name, *output);
  return read_opened(fd, display_name, /*named=*/true, std::nullopt);
}

bool Discovery::read_error(const std::string& name, int err) {
  if (options_.stopped && options_.stopped()) return false;
  return sink_(
      InputItem::make_error(name, error_code_for_errno(err), errno_message("cannot read", err)));
}

bool Discovery::read_opened(int fd, const std::string& name, bool named,
                            std::optional<uint64_t> size, const Pick& pick) {
  util::FdReader reader(fd, options_.stopped);
  std::string head;
  if (!reader.read_up_to(head, kSniffBytes)) return read_error(name, errno);
  const auto format = image::sniff(head);
  // An archive's first entry can be a PDF stored as is, its header within the first 1024
  // bytes: only a file that starts with it is surely a PDF.
  const bool maybe_archive = format == image::Format::unknown ||
                             (format == image::Format::pdf && head.compare(0, 5, "%PDF-") != 0);
  if (maybe_archive && (named || has_archive_extension(name)) && looks_like_archive(head)) {
    const auto read = read_archive(reader, head, name, options_.archive, sink_, pick.entry);
    if (read != ArchiveRead::not_archive) return read == ArchiveRead::done;
  }
  if (pick.entry)
    return sink_(InputItem::make_error(
        pick.written, ErrorCode::not_found,
        "no entry " + pick.entry->entry + ": " + name + " is not an archive"));

  // Empty content, or content that is no image under an image's name, is still read: the
  // scheduler gives it its decode_failed record after hashing it, so the ledger remembers it
  // like any other content error instead of reporting it again every night.
  const bool bad_image = format == image::Format::unknown &&
                         ((head.empty() && named) || image::has_image_extension(name));
  if (format == image::Format::unknown && !bad_image) {
    if (named)
      return sink_(InputItem::make_error(name, ErrorCode::unsupported_format,
                                         "not an image, PDF or archive this build can read"));
    return sink_(InputItem::make_skipped(
        name, looks_like_archive(head) ? record::SkipKind::archive_name : record::SkipKind::other));
  }

  const auto too_large = [&] {
    return sink_(InputItem::make_error(
        name, ErrorCode::too_large,
        "input is over the " + std::to_string(options_.max_file_bytes) + "-byte limit"));
  };
  if (size && *size > options_.max_file_bytes) return too_large();
  std::string bytes = std::move(head);
  if (size) bytes.reserve(static_cast<size_t>(*size));
  // Read one byte past the limit to tell "exactly at the limit" from "over it".
  if (!reader.read_up_to(bytes, options_.max_file_bytes + 1)) return read_error(name, errno);
  if (bytes.size() > options_.max_file_bytes) return too_large();
  auto item = InputItem::make_image(name, std::move(bytes), format);
  item.page = pick.page;
  return sink_(std::move(item));
}

std::string shard_key_in_walk(const std::string& root, const std::string& path) {
  if (path.size() <= root.size()) return path;  // the named folder itself
  return path.substr(root.back() == '/' ? root.size() : root.size() + 1);
}

bool Discovery::walk_folder(const std::string& dir) {
  WalkVisitor visit;
  visit.file = [this, &dir](const std::string& path, int dir_fd, const std::string& name) {
    if (!mine(shard_key_in_walk(dir, path))) return true;
    return add_file(path, /*named=*/false, dir_fd, name);
  };
  visit.folder_error = [this, &dir](const std::string& path, int err) {
    if (!mine(shard_key_in_walk(dir, path))) return true;
    reached();
    return sink_(InputItem::make_error(path, error_code_for_errno(err),
                                       errno_message("cannot open folder", err)));
  };
  visit.dangling = [this, &dir](const std::string& path) {
    if (!mine(shard_key_in_walk(dir, path))) return true;
    // A dangling symlink, or an entry removed while we walk: nothing to read.
    reached();
    return sink_(InputItem::make_skipped(path, record::SkipKind::link));
  };
  return walk(dir, options_.hidden, visit);
}

void Discovery::reached() {
  if (options_.files_reached) ++*options_.files_reached;
}

uint64_t count_files(const std::vector<std::string>& paths, bool hidden,
                     const std::function<bool()>& stopped, const Shard* shard) {
  uint64_t count = 0;
  const auto mine = [shard](const std::string& key) { return !shard || shard->owns(key); };
  const std::string* root = nullptr;
  const auto one_more = [&](const std::string& path) {
    if (mine(shard_key_in_walk(*root, path))) ++count;
    return !(stopped && stopped());
  };
  WalkVisitor visit;
  visit.file = [&](const std::string& path, int, const std::string&) { return one_more(path); };
  visit.folder_error = [&](const std::string& path, int) { return one_more(path); };
  visit.dangling = [&](const std::string& path) { return one_more(path); };
  for (const auto& path : paths) {
    struct stat st {};
    if (path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      root = &path;
      if (!walk(path, hidden, visit)) break;
    } else if (path == "-" ? !shard || shard->index == 0 : mine(path)) {
      ++count;
    }
  }
  return count;
}

bool Discovery::add_list(int fd, char separator, const std::string& list_name) {
  util::FdReader reader(fd, options_.stopped);
  std::string path;
  while (reader.next_record(path, separator)) {
    if (separator == '\n' && !path.empty() && path.back() == '\r') path.pop_back();
    if (path.empty()) continue;
    if (!add_path(path)) return false;
  }
  if (reader.stopped()) return false;
  if (reader.at_end()) return true;
  const int err = errno;
  if (!mine(list_name)) return true;  // one report across the shards, as in a plain run
  return sink_(InputItem::make_error(list_name, error_code_for_errno(err),
                                     errno_message("cannot read list", err)));
}

InputItem InputItem::make_image(std::string name, std::string bytes, image::Format format) {
  InputItem item;
  item.kind = Kind::image;
  item.name = std::move(name);
  item.bytes = std::make_shared<const std::string>(std::move(bytes));
  item.format = format;
  return item;
}

InputItem InputItem::make_error(std::string name, record::ErrorCode code, std::string message) {
  InputItem item;
  item.kind = Kind::error;
  item.name = std::move(name);
  item.error = record::Error{code, std::move(message)};
  return item;
}

InputItem InputItem::make_skipped(std::string name, record::SkipKind why) {
  InputItem item;
  item.kind = Kind::skipped;
  item.name = std::move(name);
  item.skip = why;
  return item;
}

}  // namespace ocrbatch::input
