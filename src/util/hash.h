#pragma once

#include <string>
#include <string_view>

namespace ocrbatch::util {

// XXH3-128 of `bytes` as 32 hex digits: identifies an input's content whatever its name.
std::string content_hash(std::string_view bytes);

// The same hash of a file's contents; empty if the file cannot be read.
std::string file_hash(const std::string& path);

}  // namespace ocrbatch::util
