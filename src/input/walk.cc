#include "input/walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <utility>
#include <vector>

namespace ocrbatch::input {
namespace {

using DirId = std::pair<uint64_t, uint64_t>;  // (device, inode)

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;

std::string join(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

// Walks the open folder `fd` (taken over and closed here), named `dir`.
bool walk_dir(int fd, const std::string& dir, bool hidden, const WalkVisitor& visit,
              std::set<DirId>& visited) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return visit.folder_error(dir, err);
  }
  // Once per real folder, not once per path to it: symlinks can make a tree without a loop
  // whose paths double at every level, and a loop is only the worst case of that.
  if (!visited.insert({st.st_dev, st.st_ino}).second) {
    ::close(fd);
    return true;
  }
  DIR* handle = ::fdopendir(fd);
  if (handle == nullptr) {
    const int err = errno;
    ::close(fd);
    return visit.folder_error(dir, err);
  }
  // The entry's type as readdir gives it: a regular file or a folder needs no stat here (a
  // walk of 200,000 files is then mostly readdir); links and unknown types are looked up.
  std::vector<std::pair<std::string, unsigned char>> entries;
  while (const dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (!hidden && name[0] == '.') continue;
    entries.emplace_back(std::move(name), entry->d_type);
  }
  std::sort(entries.begin(), entries.end());

  const int here = ::dirfd(handle);
  bool keep_going = true;
  for (const auto& [name, type] : entries) {
    const std::string path = join(dir, name);
    struct stat entry_st {};
    if (type == DT_REG) {
      keep_going = visit.file(path, here, name);
    } else if (type != DT_DIR && ::fstatat(here, name.c_str(), &entry_st, 0) != 0) {
      // Gone, or a link to nothing (or to a link loop); any other failure is the file's to
      // report when it is opened.
      keep_going =
          errno == ENOENT || errno == ELOOP ? visit.dangling(path) : visit.file(path, here, name);
    } else if (type == DT_DIR || S_ISDIR(entry_st.st_mode)) {
      const int child = ::openat(here, name.c_str(), kDirFlags);
      keep_going = child < 0 ? visit.folder_error(path, errno)
                             : walk_dir(child, path, hidden, visit, visited);
    } else {
      keep_going = visit.file(path, here, name);
    }
    if (!keep_going) break;
  }
  ::closedir(handle);
  return keep_going;
}

}  // namespace

bool walk(const std::string& root, bool hidden, const WalkVisitor& visit) {
  const int fd = ::open(root.c_str(), kDirFlags);
  if (fd < 0) return visit.folder_error(root, errno);
  std::set<DirId> visited;
  return walk_dir(fd, root, hidden, visit, visited);
}

}  // namespace ocrbatch::input
