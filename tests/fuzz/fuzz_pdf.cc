// libFuzzer target: the PDF reader, as a worker reads one page of a PDF.
//   open -> page table -> per page (first kMaxPages): size, scan (images, text layer),
//   auto dpi, text layout, render at a small dpi; every pass under a deadline
// Built as a real fuzzer with -DOCRBATCH_FUZZ=ON (clang), and as a replay driver
// (replay_main.cc) with any compiler so ctest runs the seed corpus on every test run.
//
// The render is at kRenderDpi and skipped over kMaxPixels, as the worker refuses a page over
// --max-pixels; the deadline stops a page whose content takes long to run, as --timeout does,
// so a slow page is a finding only if poppler does not stop when asked.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "image/image.h"
#include "pdf/pdf_document.h"

namespace {

namespace pdf = ocrbatch::pdf;

constexpr size_t kMaxPages = 4;
constexpr int kRenderDpi = 18;
constexpr uint64_t kMaxPixels = 4ull << 20;
constexpr auto kDeadline = std::chrono::milliseconds(500);

bool box_on_page(const ocrbatch::record::Box& b, const ocrbatch::image::Info& page) {
  // A word may reach a little past the page (a glyph's box), never start far outside it.
  return b.w >= 0 && b.h >= 0 && b.x >= -page.width && b.y >= -page.height;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto doc = pdf::Document::open(bytes);
  if (!doc) {
    const auto code = doc.error().code;
    if (code != ocrbatch::record::ErrorCode::decode_failed &&
        code != ocrbatch::record::ErrorCode::encrypted &&
        code != ocrbatch::record::ErrorCode::too_large)
      std::abort();
    return 0;
  }
  if (doc.value().pages() <= 0) std::abort();  // open promises a page
  const auto table = doc.value().page_table(kMaxPages);
  if (table.empty() || table.size() > kMaxPages + 1) std::abort();
  const auto start = std::chrono::steady_clock::now();
  const pdf::StopCheck stop = [&] { return std::chrono::steady_clock::now() - start > kDeadline; };
  for (size_t i = 0; i < std::min(table.size(), kMaxPages); ++i) {
    if (table[i] < -1 || table[i] >= doc.value().pages()) std::abort();
    if (table[i] < 0) continue;
    const int index = table[i];
    const auto size = doc.value().page_size(index);
    if (!size) continue;
    if (!(size.value().width > 0 && size.value().height > 0)) std::abort();
    const auto scan = doc.value().scan(index, stop);
    if (!scan) continue;
    const int dpi = pdf::auto_dpi(scan.value());
    if (dpi < pdf::kAutoMinDpi || dpi > pdf::kAutoMaxDpi) std::abort();
    if (scan.value().image_cover < 0 || scan.value().image_cover > 1) std::abort();
    if (scan.value().text_cover < 0 || scan.value().text_cover > 1) std::abort();
    const auto rendered = pdf::rendered_size(size.value(), kRenderDpi);
    size_t words = 0;
    for (const auto& block : pdf::text_layout(scan.value(), kRenderDpi)) {
      if (!box_on_page(block.bbox, rendered)) std::abort();
      for (const auto& paragraph : block.paragraphs)
        for (const auto& line : paragraph.lines) words += line.words.size();
    }
    if (words != scan.value().words.size()) std::abort();  // every word has its place
    if (static_cast<uint64_t>(rendered.width) * static_cast<uint64_t>(rendered.height) > kMaxPixels)
      continue;
    const auto pix = doc.value().render(index, kRenderDpi, stop);
    if (!pix) continue;
    const auto info = ocrbatch::image::info(pix.value().get());
    // The page renders at the size it was measured at, so --max-pixels sees the real size.
    if (info.width != rendered.width || info.height != rendered.height) std::abort();
  }
  return 0;
}
