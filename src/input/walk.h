#pragma once

#include <functional>
#include <string>

namespace ocrbatch::input {

// What a folder walk met. `error` is an errno for folders it could not open.
struct WalkVisitor {
  std::function<bool(const std::string& path)> file;  // anything that is not a folder
  std::function<bool(const std::string& path, int error)> folder_error;
  std::function<bool(const std::string& path)> dangling;  // a symlink to nothing
};

// Walks `root` recursively in sorted order, skipping names that start with '.' unless
// `hidden`, following symlinks, and entering each real folder (device, inode) once: a folder
// that symlinks make reachable by several paths is walked under the first of them in walk
// order, and a symlink loop ends. Each visitor returns false to stop; walk() then returns
// false.
bool walk(const std::string& root, bool hidden, const WalkVisitor& visit);

}  // namespace ocrbatch::input
