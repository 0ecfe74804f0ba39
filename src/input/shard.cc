#include "input/shard.h"

#include "util/hash.h"

namespace ocrbatch::input {

std::string shard_key(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  size_t at = 0;
  const bool absolute = !name.empty() && name[0] == '/';
  if (absolute) key += '/';
  while (at < name.size()) {
    size_t end = name.find('/', at);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view part = name.substr(at, end - at);
    if (!part.empty() && part != ".") {
      if (!key.empty() && key.back() != '/') key += '/';
      key += part;
    }
    at = end + 1;
  }
  // A name that was only "." components keeps one, so it still names something.
  if (key.empty() && !name.empty()) key = ".";
  return key;
}

uint32_t shard_of(std::string_view key, uint32_t count) {
  if (count <= 1) return 0;
  return static_cast<uint32_t>(util::key_hash64(key) % count);
}

bool Shard::owns(std::string_view key) const {
  return count <= 1 || shard_of(shard_key(key), count) == index;
}

}  // namespace ocrbatch::input
