#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ocrbatch::util {

// XXH3-128 of `bytes` as 32 hex digits: identifies an input's content whatever its name.
std::string content_hash(std::string_view bytes);

// The same hash of a file's contents; empty if the file cannot be read.
std::string file_hash(const std::string& path);

// XXH3-64 of `key` with seed 0: a fixed, documented hash for sharding inputs by name.
uint64_t key_hash64(std::string_view key);

}  // namespace ocrbatch::util
