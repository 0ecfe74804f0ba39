#include "util/hash.h"

#include <xxhash.h>

#include <cstdio>
#include <fstream>
#include <vector>

namespace ocrbatch::util {
namespace {

std::string hex(const XXH128_hash_t& h) {
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return out;
}

}  // namespace

std::string content_hash(std::string_view bytes) {
  return hex(XXH3_128bits(bytes.data(), bytes.size()));
}

uint64_t key_hash64(std::string_view key) {
  return XXH3_64bits_withSeed(key.data(), key.size(), 0);
}

std::string file_hash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    XXH3_128bits_update(state, buffer.data(), static_cast<size_t>(in.gcount()));
  }
  const auto h = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  return hex(h);
}

}  // namespace ocrbatch::util
