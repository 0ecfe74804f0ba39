#include "output/output_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>
#include <streambuf>

namespace ocrbatch::output {
namespace {

using record::ErrorCode;

// A path's components, without empty ones and ".", and whether it starts at "/".
struct Parts {
  bool absolute = false;
  std::vector<std::string> names;
};

Parts split(const std::string& path) {
  Parts parts;
  parts.absolute = !path.empty() && path[0] == '/';
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string name = path.substr(start, slash - start);
    if (!name.empty() && name != ".") parts.names.push_back(std::move(name));
    start = slash + 1;
  }
  return parts;
}

bool has_prefix(const Parts& path, const Parts& prefix) {
  if (path.absolute != prefix.absolute || prefix.names.size() >= path.names.size()) return false;
  for (size_t i = 0; i < prefix.names.size(); ++i)
    if (path.names[i] != prefix.names[i]) return false;
  return true;
}

record::Error unsafe(const std::string& why) { return {ErrorCode::unsafe_path, why}; }

std::string errno_text(int err) { return std::strerror(err); }

// Writes straight to a descriptor through a fixed buffer: a sink's output reaches the disk as
// pages come, whatever the input's size.
class FdBuf : public std::streambuf {
 public:
  explicit FdBuf(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof(buffer_)); }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    const char* p = pbase();
    while (p < pptr()) {
      const ssize_t n = ::write(fd_, p, static_cast<size_t>(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = n < 0 ? errno : EIO;
        return false;
      }
      p += n;
    }
    setp(buffer_, buffer_ + sizeof(buffer_));
    return true;
  }

  int fd_;
  int error_ = 0;
  char buffer_[64 * 1024];
};

// Opens (creating, if `create`) each folder of `names` but the last below `dir_fd`, refusing
// links and non-folders. Returns the last folder's descriptor, -1 with errno set when missing
// (ENOENT) or refused (ELOOP, ENOTDIR).
int open_folders(int dir_fd, const std::vector<std::string>& names, bool create) {
  int fd = ::dup(dir_fd);
  for (size_t i = 0; fd >= 0 && i + 1 < names.size(); ++i) {
    if (create && ::mkdirat(fd, names[i].c_str(), 0777) != 0 && errno != EEXIST) {
      const int err = errno;
      ::close(fd);
      errno = err;
      return -1;
    }
    const int next =
        ::openat(fd, names[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const int err = errno;
    ::close(fd);
    errno = err;
    fd = next;
  }
  return fd;
}

}  // namespace

record::Result<std::string> output_stem(const std::string& source,
                                        const std::vector<std::string>& folders,
                                        const std::vector<std::string>& files) {
  const size_t at = source.find("::");
  const std::string file = source.substr(0, at);
  std::vector<std::string> names;
  if (file == "-") {
    names.push_back("stdin");
  } else {
    const Parts path = split(file);
    size_t best = 0;
    bool walked = false;
    for (const auto& folder : folders) {
      const Parts root = split(folder);
      if (has_prefix(path, root) && (!walked || root.names.size() >= best)) {
        best = root.names.size();
        walked = true;
      }
    }
    bool named = false;
    for (const auto& f : files) named = named || f == file;
    if (walked)
      names.assign(path.names.begin() + static_cast<std::ptrdiff_t>(best), path.names.end());
    else if (named && !path.names.empty())
      names.push_back(path.names.back());
    else
      names = path.names;
  }
  for (const auto& name : names)
    if (name == "..")
      return unsafe("'" + file + "' has a '..' component: its output would leave the folder");
  if (at != std::string::npos) {
    std::string entry = source.substr(at + 2);
    for (size_t nested = entry.find("::"); nested != std::string::npos;
         nested = entry.find("::", nested + 1))
      entry.replace(nested, 2, "/");
    const Parts inside = split(entry);
    if (inside.absolute)
      return unsafe("the archive entry name '" + entry +
                    "' is absolute: its output would leave the folder");
    for (const auto& name : inside.names)
      if (name == "..")
        return unsafe("the archive entry name '" + entry +
                      "' has a '..' component: its output would leave the folder");
    names.insert(names.end(), inside.names.begin(), inside.names.end());
  }
  if (names.empty()) return unsafe("'" + source + "' gives no file name below the folder");
  std::string& last = names.back();
  const size_t dot = last.rfind('.');
  if (dot != std::string::npos && dot > 0) last.erase(dot);
  std::string stem;
  for (const auto& name : names) stem += (stem.empty() ? "" : "/") + name;
  return stem;
}

// The files of the input being written: one temporary file and sink per format.
struct OutputDir::Open {
  struct File {
    std::string final_name, temp_name;
    int fd = -1;
    std::unique_ptr<FdBuf> buf;
    std::unique_ptr<std::ostream> stream;
    std::unique_ptr<Sink> sink;
  };
  std::string stem;
  int folder_fd = -1;
  std::vector<File> files;
  record::RunStats stats;  // this input's, for its sinks' end_run
  bool any_page = false;
};

OutputDir::OutputDir(OutputDirOptions options) : options_(std::move(options)) {
  if (::mkdir(options_.dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw std::runtime_error("--output-dir '" + options_.dir +
                             "': cannot create it: " + errno_text(errno));
  dir_fd_ = ::open(options_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0)
    throw std::runtime_error("--output-dir '" + options_.dir + "': " + errno_text(errno));
  for (const auto& file : options_.files) {
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      named_files_.emplace_back(st.st_dev, st.st_ino);
  }
}

OutputDir::~OutputDir() {
  drop();
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

OutputDir::Check OutputDir::check(const std::string& source) {
  Check check;
  auto stem = output_stem(source, options_.folders, options_.files);
  if (!stem) {
    check.refused = stem.error();
    return check;
  }
  if (!stems_.insert(*stem).second) {
    check.refused = record::Error{ErrorCode::output_conflict,
                                  "its output name '" + *stem + extension_for(options_.formats[0]) +
                                      "' is taken by an earlier input of this run"};
    return check;
  }
  // Only a file on disk can be written over; an archive entry or stdin cannot.
  std::optional<std::pair<dev_t, ino_t>> own;
  struct stat src {};
  if (source.find("::") == std::string::npos && source != "-" && ::stat(source.c_str(), &src) == 0)
    own.emplace(src.st_dev, src.st_ino);
  const Parts parts = split(*stem);
  const int folder = open_folders(dir_fd_, parts.names, /*create=*/false);
  if (folder < 0) {
    if (errno == ENOENT) {
      for (const auto& format : options_.formats)
        check.needs_image = check.needs_image || needs_page_image(format);
      return check;
    }
    check.refused = unsafe("a folder on the way to its output '" + *stem +
                           "' is a symbolic link or not a folder (" + errno_text(errno) + ")");
    return check;
  }
  check.exist = true;
  for (const auto& format : options_.formats) {
    const std::string name = parts.names.back() + extension_for(format);
    struct stat st {};
    if (::fstatat(folder, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      check.exist = false;
      check.needs_image = check.needs_image || needs_page_image(format);
      continue;
    }
    const std::pair<dev_t, ino_t> id{st.st_dev, st.st_ino};
    std::string why;
    if (S_ISLNK(st.st_mode))
      why = "is a symbolic link";
    else if (!S_ISREG(st.st_mode))
      why = "is not a regular file";
    else if (own == id)
      why = "is the input itself";
    for (const auto& named : named_files_)
      if (why.empty() && named == id) why = "is an input of this run";
    if (!why.empty()) {
      check.refused = unsafe("its output '" + *stem + extension_for(format) + "' " + why +
                             ": not written over");
      break;
    }
  }
  ::close(folder);
  return check;
}

std::optional<record::Error> OutputDir::open(const std::string& source, bool only_missing) {
  auto stem = output_stem(source, options_.folders, options_.files);
  if (!stem) return stem.error();
  const Parts parts = split(*stem);
  auto open = std::make_unique<Open>();
  open->stem = *stem;
  open->folder_fd = open_folders(dir_fd_, parts.names, /*create=*/true);
  if (open->folder_fd < 0)
    return errno == ELOOP || errno == ENOTDIR
               ? unsafe("a folder on the way to its output '" + *stem +
                        "' is a symbolic link or not a folder")
               : record::Error{ErrorCode::read_failed, "cannot create the folder of its output '" +
                                                           *stem + "': " + errno_text(errno)};
  {
    std::lock_guard<std::mutex> lock(temps_mutex_);
    temps_dir_ = open->folder_fd;
  }
  open_ = std::move(open);
  std::random_device random;
  for (const auto& format : options_.formats) {
    Open::File file;
    file.final_name = parts.names.back() + extension_for(format);
    struct stat st {};
    if (only_missing &&
        ::fstatat(open_->folder_fd, file.final_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
      continue;
    // Hidden, so a later walk of the folder passes over one a crash left behind.
    for (int attempt = 0; attempt < 100 && file.fd < 0; ++attempt) {
      file.temp_name = "." + file.final_name + ".tmp." + std::to_string(random() % 1000000);
      file.fd = ::openat(open_->folder_fd, file.temp_name.c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
      if (file.fd < 0 && errno != EEXIST) break;
    }
    if (file.fd < 0)
      return record::Error{ErrorCode::read_failed, "cannot create a temporary file for '" + *stem +
                                                       extension_for(format) +
                                                       "': " + errno_text(errno)};
    {
      std::lock_guard<std::mutex> lock(temps_mutex_);
      temps_.push_back(file.temp_name);
    }
    file.buf = std::make_unique<FdBuf>(file.fd);
    file.stream = std::make_unique<std::ostream>(file.buf.get());
    file.sink = make_sink(format, *file.stream, options_.sink);
    open_->files.push_back(std::move(file));
    if (!open_->files.back().sink)
      return record::Error{ErrorCode::read_failed, "no output format called '" + format + "'"};
    open_->files.back().sink->begin_run();
  }
  return std::nullopt;
}

std::optional<record::Error> OutputDir::write(const record::Record& record, int part, int parts,
                                              bool unchanged) {
  if (part == 0) {
    drop();
    skipping_ = false;
    next_part_ = 0;
  }
  if (part != next_part_) {  // a record of this input is missing: the run stopped early
    drop();
    skipping_ = true;
  }
  next_part_ = part + 1;
  if (skipping_) return std::nullopt;
  // An input that failed as a whole has no files; its error is in the stream and on stderr.
  if (parts == 1 && std::holds_alternative<record::ErrorResult>(record)) return std::nullopt;
  const std::string& source =
      std::visit([](const auto& r) -> const std::string& { return r.source; }, record);
  if (part == 0) {
    if (auto error = open(source, unchanged)) {
      drop();
      skipping_ = true;
      return error;
    }
  }
  if (!open_ || open_->files.empty()) {
    if (part + 1 == parts) drop();
    return std::nullopt;
  }
  open_->stats.count(record);
  open_->any_page = open_->any_page || std::holds_alternative<record::PageResult>(record);
  for (auto& file : open_->files) file.sink->write(record);
  if (part + 1 < parts) return std::nullopt;
  auto error = commit();
  drop();
  return error;
}

std::optional<record::Error> OutputDir::commit() {
  // Every page failed: nothing worth a file, as when the input failed as a whole.
  if (!open_->any_page) return std::nullopt;
  for (auto& file : open_->files) {
    file.sink->end_run(open_->stats);
    file.stream->flush();
    if (file.buf->error() != 0 || !*file.stream || ::fsync(file.fd) != 0)
      return record::Error{ErrorCode::read_failed,
                           "writing '" + open_->stem + "' failed: " +
                               errno_text(file.buf->error() ? file.buf->error() : errno)};
  }
  for (auto& file : open_->files) {
    // check() saw none; renameat would replace a link put here since, but never follow it.
    struct stat st {};
    if (::fstatat(open_->folder_fd, file.final_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        !S_ISREG(st.st_mode))
      return unsafe("its output '" + open_->stem + "' became a symbolic link or other non-file");
    if (::renameat(open_->folder_fd, file.temp_name.c_str(), open_->folder_fd,
                   file.final_name.c_str()) != 0)
      return record::Error{ErrorCode::read_failed, "cannot rename its output into '" +
                                                       file.final_name + "': " + errno_text(errno)};
    file.temp_name.clear();
  }
  return std::nullopt;
}

void OutputDir::drop() {
  if (!open_) return;
  {
    std::lock_guard<std::mutex> lock(temps_mutex_);
    for (const auto& file : open_->files)
      if (!file.temp_name.empty()) ::unlinkat(open_->folder_fd, file.temp_name.c_str(), 0);
    temps_.clear();
    temps_dir_ = -1;
  }
  for (auto& file : open_->files) {
    file.sink.reset();
    file.stream.reset();
    file.buf.reset();
    if (file.fd >= 0) ::close(file.fd);
  }
  ::close(open_->folder_fd);
  open_.reset();
}

void OutputDir::finish() { drop(); }

void OutputDir::abandon() const {
  std::lock_guard<std::mutex> lock(temps_mutex_);
  for (const auto& name : temps_) ::unlinkat(temps_dir_, name.c_str(), 0);
}

}  // namespace ocrbatch::output
