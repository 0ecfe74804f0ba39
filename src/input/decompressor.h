#pragma once
// Decodes the compressed layer of an archive (gzip, bzip2, xz, zstd) as a stream, so that a
// truncated or damaged file still gives everything decoded before the damage. libarchive's
// own filters drop up to the last 64 KiB they decoded when their input ends early, which
// loses every entry of a small truncated tar.gz.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ocrbatch::input {

class Decompressor {
 public:
  enum class Status {
    ok,       // more output may follow: call again, with more input once `in` is empty
    end,      // a stream ended cleanly; call again if more input follows (another stream)
    damaged,  // corrupt data; what was produced before is good
  };

  // A decoder for the compression `head` starts with, or null when it is none of these.
  static std::unique_ptr<Decompressor> for_head(std::string_view head);
  virtual ~Decompressor() = default;

  // Decodes from `in` into `out` (up to `out_size` bytes), advancing `in` past what it took;
  // `produced` is the number of bytes written. Empty `in` means the input is over. Streams
  // concatenated (as `cat a.gz b.gz` makes them) are decoded one after the other. Input that
  // ends before a stream does gives `ok` with nothing produced: the caller calls it truncated.
  virtual Status decode(std::string_view& in, char* out, size_t out_size, size_t& produced) = 0;

  // "gzip", "bzip2", "xz" or "zstd", for messages.
  virtual const char* name() const = 0;
};

}  // namespace ocrbatch::input
