#pragma once
// What a path names, following symlinks: the checks setup code makes of model folders.

#include <string>

namespace ocrbatch::util {

bool is_directory(const std::string& path);
bool is_regular_file(const std::string& path);

}  // namespace ocrbatch::util
