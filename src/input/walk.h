#pragma once

#include <functional>
#include <string>

namespace ocrbatch::input {

// What a folder walk met. `error` is an errno for folders it could not open. A file is
// given as its path and as `name` inside the open folder `dir_fd`: a path can be longer
// than PATH_MAX, and only openat(dir_fd, name) then reaches the file.
struct WalkVisitor {
  // Anything that is not a folder, or an entry whose status could not be read for a reason
  // other than not existing: opening it reports why.
  std::function<bool(const std::string& path, int dir_fd, const std::string& name)> file;
  std::function<bool(const std::string& path, int error)> folder_error;
  std::function<bool(const std::string& path)> dangling;  // a symlink to nothing
};

// Walks `root` recursively in sorted order, skipping names that start with '.' unless
// `hidden`, following symlinks, and entering each real folder (device, inode) once: a folder
// that symlinks make reachable by several paths is walked under the first of them in walk
// order, and a symlink loop ends. Folders are opened relative to their parent, so depth is
// limited by open descriptors (one per level), not by PATH_MAX. Each visitor returns false
// to stop; walk() then returns false.
bool walk(const std::string& root, bool hidden, const WalkVisitor& visit);

}  // namespace ocrbatch::input
