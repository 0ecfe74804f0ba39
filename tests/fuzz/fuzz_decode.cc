// libFuzzer target: the decode path every input image takes in ocrbatch.
//   sniff -> page_count -> header -> decode (up to kMaxPages pages)
// Built as a real fuzzer with -DOCRBATCH_FUZZ=ON (clang), and as a replay driver
// (replay_main.cc) with any compiler so ctest runs the seed corpus on every test run.
//
// Pages whose header declares more than kMaxPixels are skipped before decoding, as the
// runner does with --max-pixels: a 60-byte PNG may declare 100000x100000, and letting
// Leptonica allocate that would only make the fuzzer report out-of-memory instead of
// finding bugs. The header is read with image::header, the runner's own check.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "image/image.h"

namespace {

using ocrbatch::image::Format;

constexpr int kMaxPages = 4;
constexpr uint64_t kMaxPixels = 16ull << 20;  // ~16 MP

bool fits(uint64_t w, uint64_t h) { return w * h <= kMaxPixels; }

uint32_t le16(const uint8_t* p) { return p[0] | (p[1] << 8); }

// GIF: Leptonica's header reader decodes the whole file, and giflib allocates every frame
// before Leptonica looks at it, so walk the block structure and check every frame (and the
// logical screen) ourselves. Returns false when something declared is over the cap.
bool gif_fits(const uint8_t* d, size_t n) {
  if (n < 13) return true;  // too short to declare anything: let the decoder reject it
  if (!fits(le16(d + 6), le16(d + 8))) return false;
  size_t pos = 13;
  if (d[10] & 0x80) pos += 3u * (2u << (d[10] & 7));  // global colour table
  auto skip_sub_blocks = [&] {
    while (pos < n && d[pos] != 0) pos += 1u + d[pos];
    ++pos;  // block terminator
  };
  while (pos < n) {
    const uint8_t kind = d[pos];
    if (kind == 0x2c) {  // image descriptor
      if (pos + 10 > n) return true;
      if (!fits(le16(d + pos + 5), le16(d + pos + 7))) return false;
      const uint8_t flags = d[pos + 9];
      pos += 10;
      if (flags & 0x80) pos += 3u * (2u << (flags & 7));  // local colour table
      ++pos;                                              // LZW minimum code size
      skip_sub_blocks();
    } else if (kind == 0x21) {  // extension: label, then sub-blocks
      pos += 2;
      skip_sub_blocks();
    } else {
      return true;  // trailer or garbage: giflib stops here
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace image = ocrbatch::image;
  static const bool silenced = (image::silence_library_messages(), true);
  (void)silenced;

  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Format format = image::sniff(bytes.substr(0, 16));
  if (format != image::sniff(bytes)) std::abort();  // 16 bytes must be enough, as documented
  if (format == Format::unknown) {
    // Discovery never decodes these; decode must still fail cleanly if asked.
    if (size == 0 && image::decode(bytes, format, 0).ok()) std::abort();
    return 0;
  }

  auto pages = image::page_count(bytes, format);
  if (!pages.ok()) return 0;
  if (pages.value() <= 0) std::abort();  // page_count promises a positive count
  // Leptonica's GIF "header" reader decodes the whole image, so a GIF must pass our own
  // check before image::header sees it.
  if (format == Format::gif && !gif_fits(data, size)) return 0;
  const int n = pages.value() < kMaxPages ? pages.value() : kMaxPages;
  for (int page = 0; page < n; ++page) {
    // As the runner: the header first, refusing big pages before decoding; a header that
    // cannot be read is left to the decoder.
    auto head = image::header(bytes, format, page);
    uint64_t declared = 0;
    if (head.ok()) {
      const auto& h = head.value();
      if (h.width < 0 || h.height < 0) continue;  // not a size: nothing sensible to compare
      declared = static_cast<uint64_t>(h.width) * static_cast<uint64_t>(h.height);
      if (declared > kMaxPixels) continue;
    }
    auto pix = image::decode(bytes, format, page);
    if (!pix.ok()) continue;
    const auto info = image::info(pix.value().get());
    if (info.width <= 0 || info.height <= 0) std::abort();  // decode promises pixels
    // The header must not understate what decoding produced, or --max-pixels could be
    // bypassed with a small header on a big image.
    const uint64_t decoded = static_cast<uint64_t>(info.width) * static_cast<uint64_t>(info.height);
    if (head.ok() && decoded > declared) std::abort();
  }
  return 0;
}
