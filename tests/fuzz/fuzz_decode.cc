// libFuzzer target: the decode path every input image takes in ocrbatch.
//   sniff -> pages -> header -> decode (up to kMaxPages pages)
// Built as a real fuzzer with -DOCRBATCH_FUZZ=ON (clang), and as a replay driver
// (replay_main.cc) with any compiler so ctest runs the seed corpus on every test run.
//
// Pages whose header declares more than kMaxPixels are skipped before decoding, as the
// runner does with --max-pixels: a 60-byte PNG may declare 100000x100000, and letting
// Leptonica allocate that would only make the fuzzer report out-of-memory instead of
// finding bugs. The header is read with image::header, the runner's own check.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "image/image.h"

namespace {

using ocrbatch::image::Format;

constexpr int kMaxPages = 4;
constexpr uint64_t kMaxPixels = 16ull << 20;  // ~16 MP

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace image = ocrbatch::image;
  static const bool silenced = (image::silence_library_messages(), true);
  (void)silenced;

  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Format format = image::sniff(bytes);
  // As documented: 16 bytes are enough for an image, 1024 for a PDF.
  if (format != image::sniff(bytes.substr(0, 1024))) std::abort();
  if (format != Format::pdf && format != image::sniff(bytes.substr(0, 16))) std::abort();
  if (format == Format::unknown) {
    // Discovery never decodes these; decode must still fail cleanly if asked.
    if (size == 0 && image::decode(bytes, format).ok()) std::abort();
    return 0;
  }

  auto pages = image::pages(bytes, format, kMaxPages);
  if (!pages.ok()) return 0;
  if (pages.value().empty()) std::abort();  // pages promises at least one
  const size_t n = std::min(pages.value().size(), static_cast<size_t>(kMaxPages));
  for (size_t i = 0; i < n; ++i) {
    const auto& page = pages.value()[i];
    if (page.index != static_cast<int>(i)) std::abort();
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
