#pragma once
// Which inputs belong to this shard of a run split over several processes (--shard I/N).

#include <cstdint>
#include <string>
#include <string_view>

namespace ocrbatch::input {

// One of `count` shards. An input belongs to the shard its key hashes to, so every shard can
// walk the same inputs and the same file lands in the same shard every night.
struct Shard {
  uint32_t index = 0;
  uint32_t count = 1;

  bool owns(std::string_view key) const;
};

// The key an input is sharded by: `name` with "./" components and repeated slashes dropped,
// so "./a.png", "a.png" and ".//a.png" agree. ".." is kept as written.
std::string shard_key(std::string_view name);

// XXH3-64 of `key` with seed 0, reduced modulo `count`: the documented assignment of a key
// to a shard.
uint32_t shard_of(std::string_view key, uint32_t count);

}  // namespace ocrbatch::input
