#include "pdf/text_layer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "util/utf8.h"

namespace ocrbatch::pdf {

PageGeometry page_geometry(int width_px, int height_px, int dpi) {
  const double scale = 72.0 / (dpi > 0 ? dpi : kAssumedDpi);
  return PageGeometry{width_px * scale, height_px * scale, scale};
}

std::string utf16_hex(std::string_view utf8) {
  const std::string text = util::to_valid_utf8(utf8);
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const int length = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    uint32_t cp = length == 1 ? c : length == 2 ? c & 0x1f : length == 3 ? c & 0x0f : c & 0x07;
    for (int k = 1; k < length; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    i += length;
    if (cp > 0xffff) cp = 0xfffd;
    out += fmt::format("{:04X}", cp);
  }
  return out;
}

std::optional<WordPlacement> place_word(const record::Word& word,
                                        const record::Baseline& line_baseline,
                                        const PageGeometry& page) {
  WordPlacement out;
  out.codes = utf16_hex(word.text);
  const double glyphs = static_cast<double>(out.codes.size() / 4);
  if (glyphs == 0 || word.bbox.w <= 0 || word.bbox.h <= 0) return std::nullopt;
  // The text's direction, in pixels (y down).
  const record::Baseline& base = word.baseline.empty() ? line_baseline : word.baseline;
  double ux = 1, uy = 0;
  if (!base.empty()) {
    const double dx = base.x2 - base.x1, dy = base.y2 - base.y1, n = std::hypot(dx, dy);
    ux = dx / n;
    uy = dy / n;
  }
  // The box is upright; the word is a rectangle of length `along` and height `across` turned
  // by the baseline's angle, whose upright bounding box the box is. Solved for both; where that
  // is ill-conditioned (near 45 degrees) or gives nothing, the box's extent along each axis.
  const double W = word.bbox.w, H = word.bbox.h, ca = std::abs(ux), sa = std::abs(uy);
  double along = 0, across = 0;
  const double det = ca * ca - sa * sa;
  if (std::abs(det) > 0.2) {
    along = (W * ca - H * sa) / det;
    across = (H * ca - W * sa) / det;
  }
  if (along <= 0 || across <= 0) {
    along = W * ca + H * sa;
    across = H * ca + W * sa;
  }
  // Into points, y up: the direction u, and v a quarter turn counterclockwise from it (up
  // from the text).
  const double pux = ux, puy = -uy, pvx = -puy, pvy = pux;
  const double cx = (word.bbox.x + W / 2) * page.pt_per_px;
  const double cy = page.height_pt - (word.bbox.y + H / 2) * page.pt_per_px;
  const double length = along * page.pt_per_px, height = across * page.pt_per_px;
  out.a = pux;
  out.b = puy;
  out.c = pvx;
  out.d = pvy;
  out.e = cx - pux * length / 2 - pvx * height / 2;
  out.f = cy - puy * length / 2 - pvy * height / 2;
  out.size = height;
  out.scaling = 100 * length / (glyphs * kGlyphAdvance * height);
  return out;
}

namespace {

std::string number(double v) {
  std::string s = fmt::format("{:.4f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

}  // namespace

std::string page_content(const record::PageResult& page, const PageGeometry& geometry,
                         std::string_view image, std::string_view font) {
  std::string out;
  if (!image.empty())
    out += fmt::format("q {} 0 0 {} 0 0 cm /{} Do Q\n", number(geometry.width_pt),
                       number(geometry.height_pt), image);
  bool open = false;
  for (const auto& block : page.blocks)
    for (const auto& paragraph : block.paragraphs)
      for (const auto& line : paragraph.lines)
        for (const auto& word : line.words) {
          const auto placed = place_word(word, line.baseline, geometry);
          if (!placed) continue;
          if (!open) out += "BT 3 Tr\n";
          open = true;
          out += fmt::format("/{} {} Tf {} Tz {} {} {} {} {} {} Tm <{}> Tj\n", font,
                             number(placed->size), number(placed->scaling), number(placed->a),
                             number(placed->b), number(placed->c), number(placed->d),
                             number(placed->e), number(placed->f), placed->codes);
        }
  if (open) out += "ET\n";
  return out;
}

std::string identity_to_unicode_cmap() {
  std::string out =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  // A range may vary only in its last byte, and a block holds at most 100 ranges.
  for (int first = 0; first < 256; first += 100) {
    const int count = std::min(100, 256 - first);
    out += fmt::format("{} beginbfrange\n", count);
    for (int high = first; high < first + count; ++high)
      out += fmt::format("<{0:02X}00> <{0:02X}FF> <{0:02X}00>\n", high);
    out += "endbfrange\n";
  }
  out += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return out;
}

}  // namespace ocrbatch::pdf
