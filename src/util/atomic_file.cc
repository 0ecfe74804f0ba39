#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace ocrbatch::util {

namespace {

std::string real_folder(const std::string& dir) {
  char* real = ::realpath(dir.empty() ? "." : dir.c_str(), nullptr);
  if (real == nullptr) return {};
  std::string out = real;
  std::free(real);
  return out;
}

}  // namespace

std::string resolve_output_path(const std::string& path) {
  std::string current = path;
  // Follow symlinks one at a time, so a dangling one still tells us the file it names.
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) break;
    std::vector<char> target(4096);
    const ssize_t n = ::readlink(current.c_str(), target.data(), target.size() - 1);
    if (n <= 0) break;
    const std::string link(target.data(), static_cast<size_t>(n));
    const size_t slash = current.rfind('/');
    current =
        link[0] == '/' || slash == std::string::npos ? link : current.substr(0, slash + 1) + link;
  }
  const size_t slash = current.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : current.substr(0, slash == 0 ? 1 : slash);
  const std::string name = slash == std::string::npos ? current : current.substr(slash + 1);
  const std::string folder = real_folder(dir);
  if (folder.empty() || name.empty() || name == "." || name == "..") return path;
  return folder == "/" ? "/" + name : folder + "/" + name;
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw std::runtime_error("output '" + path_ + "' is a folder");
    if (!S_ISREG(st.st_mode)) {
      direct_ = true;
      stream_.open(path_, std::ios::binary);
      if (!stream_) throw std::runtime_error("cannot open '" + path_ + "' for writing");
      return;
    }
  }
  path_ = resolve_output_path(path_);
  std::vector<char> name(path_.begin(), path_.end());
  const std::string suffix = ".tmp.XXXXXX";
  name.insert(name.end(), suffix.begin(), suffix.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0)
    throw std::runtime_error("cannot create output file next to '" + path_ +
                             "': " + std::strerror(errno));
  // mkstemp makes the file 0600; give it the mode a plain create would have had.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  temp_path_ = name.data();
  stream_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!stream_) {
    ::unlink(temp_path_.c_str());
    throw std::runtime_error("cannot open '" + temp_path_ + "' for writing");
  }
}

AtomicFile::~AtomicFile() {
  if (!committed_ && !direct_) {
    stream_.close();
    ::unlink(temp_path_.c_str());
  }
}

void AtomicFile::abandon() const {
  if (!direct_) ::unlink(temp_path_.c_str());
}

void AtomicFile::commit() {
  stream_.flush();
  const bool write_ok = static_cast<bool>(stream_);
  stream_.close();
  if (!write_ok) throw std::runtime_error("writing '" + path_ + "' failed (disk full?)");
  if (direct_) {
    committed_ = true;
    return;
  }
  const int fd = ::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0)
    throw std::runtime_error("cannot rename output into '" + path_ + "': " + std::strerror(errno));
  committed_ = true;
}

}  // namespace ocrbatch::util
