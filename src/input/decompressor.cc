#include "input/decompressor.h"

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>

namespace ocrbatch::input {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// No single call takes more than the C libraries' unsigned int counts can say.
constexpr size_t kMaxStep = UINT_MAX / 2;

class Gzip : public Decompressor {
 public:
  Gzip() { inflateInit2(&z_, 16 + MAX_WBITS); }  // 16: a gzip header, not zlib's
  ~Gzip() override { inflateEnd(&z_); }
  Status decode(std::string_view& in, char* out, size_t out_size, size_t& produced) override {
    if (ended_) {
      // Another member may follow; anything else after the end (tape padding) is ignored.
      if (trailing_ || in.empty() || static_cast<unsigned char>(in[0]) != 0x1f) {
        trailing_ = true;
        in.remove_prefix(in.size());
        produced = 0;
        return Status::end;
      }
      inflateReset(&z_);
      ended_ = false;
    }
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(std::min(in.size(), kMaxStep));
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(std::min(out_size, kMaxStep));
    const int status = inflate(&z_, Z_NO_FLUSH);
    in.remove_prefix(static_cast<size_t>(reinterpret_cast<char*>(z_.next_in) - in.data()));
    produced = static_cast<size_t>(reinterpret_cast<char*>(z_.next_out) - out);
    if (status == Z_STREAM_END) {
      ended_ = true;
      return Status::end;
    }
    if (status == Z_OK || status == Z_BUF_ERROR) return Status::ok;
    return Status::damaged;
  }
  const char* name() const override { return "gzip"; }

 private:
  z_stream z_{};
  bool ended_ = false;
  bool trailing_ = false;
};

class Bzip2 : public Decompressor {
 public:
  Bzip2() { BZ2_bzDecompressInit(&b_, 0, 0); }
  ~Bzip2() override { BZ2_bzDecompressEnd(&b_); }
  Status decode(std::string_view& in, char* out, size_t out_size, size_t& produced) override {
    if (ended_) {
      if (trailing_ || in.empty() || in[0] != 'B') {
        trailing_ = true;
        in.remove_prefix(in.size());
        produced = 0;
        return Status::end;
      }
      BZ2_bzDecompressEnd(&b_);
      b_ = bz_stream{};
      BZ2_bzDecompressInit(&b_, 0, 0);
      ended_ = false;
    }
    b_.next_in = const_cast<char*>(in.data());
    b_.avail_in = static_cast<unsigned>(std::min(in.size(), kMaxStep));
    b_.next_out = out;
    b_.avail_out = static_cast<unsigned>(std::min(out_size, kMaxStep));
    const int status = BZ2_bzDecompress(&b_);
    in.remove_prefix(static_cast<size_t>(b_.next_in - in.data()));
    produced = static_cast<size_t>(b_.next_out - out);
    if (status == BZ_STREAM_END) {
      ended_ = true;
      return Status::end;
    }
    return status == BZ_OK ? Status::ok : Status::damaged;
  }
  const char* name() const override { return "bzip2"; }

 private:
  bz_stream b_{};
  bool ended_ = false;
  bool trailing_ = false;
};

class Xz : public Decompressor {
 public:
  Xz() : ready_(lzma_stream_decoder(&x_, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK) {}
  ~Xz() override { lzma_end(&x_); }
  Status decode(std::string_view& in, char* out, size_t out_size, size_t& produced) override {
    produced = 0;
    if (!ready_) return Status::damaged;
    x_.next_in = reinterpret_cast<const uint8_t*>(in.data());
    x_.avail_in = in.size();
    x_.next_out = reinterpret_cast<uint8_t*>(out);
    x_.avail_out = out_size;
    // LZMA_CONCATENATED needs LZMA_FINISH to know the input is over; the caller says so by
    // passing no input.
    const lzma_ret status = lzma_code(&x_, in.empty() ? LZMA_FINISH : LZMA_RUN);
    in.remove_prefix(static_cast<size_t>(reinterpret_cast<const char*>(x_.next_in) - in.data()));
    produced = static_cast<size_t>(reinterpret_cast<char*>(x_.next_out) - out);
    if (status == LZMA_STREAM_END) return Status::end;
    if (status == LZMA_OK || status == LZMA_BUF_ERROR) return Status::ok;
    return Status::damaged;
  }
  const char* name() const override { return "xz"; }

 private:
  lzma_stream x_ = LZMA_STREAM_INIT;
  bool ready_;
};

class Zstd : public Decompressor {
 public:
  Zstd() : z_(ZSTD_createDStream()) { ZSTD_initDStream(z_); }
  ~Zstd() override { ZSTD_freeDStream(z_); }
  Status decode(std::string_view& in, char* out, size_t out_size, size_t& produced) override {
    ZSTD_inBuffer src{in.data(), in.size(), 0};
    ZSTD_outBuffer dst{out, out_size, 0};
    const size_t status = ZSTD_decompressStream(z_, &dst, &src);
    in.remove_prefix(src.pos);
    produced = dst.pos;
    if (ZSTD_isError(status)) return Status::damaged;
    return status == 0 ? Status::end : Status::ok;  // 0: a frame ended; more may follow
  }
  const char* name() const override { return "zstd"; }

 private:
  ZSTD_DStream* z_;
};

}  // namespace

std::unique_ptr<Decompressor> Decompressor::for_head(std::string_view head) {
  if (starts_with(head, "\x1f\x8b")) return std::make_unique<Gzip>();
  if (starts_with(head, "BZh")) return std::make_unique<Bzip2>();
  if (starts_with(head,
                  "\xfd"
                  "7zXZ"))
    return std::make_unique<Xz>();
  if (starts_with(head, "\x28\xb5\x2f\xfd")) return std::make_unique<Zstd>();
  return nullptr;
}

}  // namespace ocrbatch::input
