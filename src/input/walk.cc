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
              std::set<DirId>& active) {
  const DirId id{st.st_dev, st.st_ino};
  if (!active.insert(id).second) return true;  // already being walked: a loop

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
    const int err = errno;
    active.erase(id);
    return visit.folder_error(dir, err);
  }
  std::sort(names.begin(), names.end());

  bool keep_going = true;
  for (const auto& name : names) {
    const std::string path = join(dir, name);
    struct stat entry_st {};
    if (::stat(path.c_str(), &entry_st) != 0) {
      keep_going = visit.dangling(path);
    } else if (S_ISDIR(entry_st.st_mode)) {
      keep_going = walk_dir(path, entry_st, hidden, visit, active);
    } else {
      keep_going = visit.file(path);
    }
    if (!keep_going) break;
  }
  active.erase(id);
  return keep_going;
}

}  // namespace

bool walk(const std::string& root, bool hidden, const WalkVisitor& visit) {
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) return visit.folder_error(root, errno);
  std::set<DirId> active;
  return walk_dir(root, st, hidden, visit, active);
}

}  // namespace ocrbatch::input
