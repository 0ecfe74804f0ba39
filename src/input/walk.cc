#include "input/walk.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <utility>
#include <vector>

namespace ocrbatch::input {
namespace {

using DirId = std::pair<uint64_t, uint64_t>;  // (device, inode)

std::string join(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

bool walk_dir(const std::string& dir, const struct stat& st, bool hidden, const WalkVisitor& visit,
              std::set<DirId>& visited) {
  // Once per real folder, not once per path to it: symlinks can make a tree without a loop
  // whose paths double at every level, and a loop is only the worst case of that.
  if (!visited.insert({st.st_dev, st.st_ino}).second) return true;

  std::vector<std::string> names;
  if (DIR* handle = ::opendir(dir.c_str())) {
    while (const dirent* entry = ::readdir(handle)) {
      const std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (!hidden && name[0] == '.') continue;
      names.push_back(name);
    }
    ::closedir(handle);
  } else {
    return visit.folder_error(dir, errno);
  }
  std::sort(names.begin(), names.end());

  bool keep_going = true;
  for (const auto& name : names) {
    const std::string path = join(dir, name);
    struct stat entry_st {};
    if (::stat(path.c_str(), &entry_st) != 0) {
      keep_going = visit.dangling(path);
    } else if (S_ISDIR(entry_st.st_mode)) {
      keep_going = walk_dir(path, entry_st, hidden, visit, visited);
    } else {
      keep_going = visit.file(path);
    }
    if (!keep_going) break;
  }
  return keep_going;
}

}  // namespace

bool walk(const std::string& root, bool hidden, const WalkVisitor& visit) {
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) return visit.folder_error(root, errno);
  std::set<DirId> visited;
  return walk_dir(root, st, hidden, visit, visited);
}

}  // namespace ocrbatch::input
