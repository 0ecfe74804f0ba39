#include "preprocess/analysis.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>

namespace ocrbatch::preprocess {
namespace {

// The classification works on a copy no larger than this on its longer side.
constexpr int kAnalysisSide = 1600;
// Background brightness may vary this much (p90 - p10 of tile backgrounds, 0-255) before a
// page counts as unevenly lit.
constexpr int kUnevenSpread = 40;
// ... and by more than this share of the margin between paper and ink (unevenly_lit).
constexpr double kUnevenShare = 0.4;
// A tile whose ink is this much darker than its paper holds text.
constexpr int kTextContrast = 60;
// A page whose central region has a median below this, with light pixels present, is
// light text on a dark background.
constexpr int kInvertedMedian = 100;
// Median text run narrower than this fraction of the text block: scattered text.
constexpr double kSparseFill = 0.25;
// Images with a longer side below this (in the analysed copy) are snippets, not pages.
constexpr int kSnippetSide = 600;
// A page whose grey levels span this much (1st to 99th percentile) is not called blank
// before a global threshold has found nothing either.
constexpr int kMinContrast = 40;

struct Histogram {
  double counts[256] = {};
  double total = 0;

  explicit Histogram(Pix* grey) {
    NUMA* na = pixGetGrayHistogram(grey, 1);
    if (!na) return;
    for (int i = 0; i < 256 && i < numaGetCount(na); ++i) {
      float v = 0;
      numaGetFValue(na, i, &v);
      counts[i] = v;
      total += v;
    }
    numaDestroy(&na);
  }
  // Grey value at `rank` (0-1) of the pixels, darkest first.
  int rank(double r) const {
    double seen = 0;
    for (int i = 0; i < 256; ++i) {
      seen += counts[i];
      if (total > 0 && seen >= r * total) return i;
    }
    return 255;
  }
  double fraction(int lo, int hi) const {
    double n = 0;
    for (int i = lo; i <= hi; ++i) n += counts[i];
    return total > 0 ? n / total : 0;
  }
};

image::PixPtr clip(Pix* pix, int x, int y, int w, int h) {
  BOX* box = boxCreate(x, y, w, h);
  Pix* out = pixClipRectangle(pix, box, nullptr);
  boxDestroy(&box);
  return own(out);
}

// Whether the paper brightness varies across an 8 x 8 grid more than a global threshold
// could cope with. Each tile's background is its 90th percentile and its ink its 2nd, in
// tiles that hold text (ink well below background). The spread is the 90th minus the 10th
// percentile of the backgrounds; the margin is what separates the darkest backgrounds (10th
// percentile) from the lightest ink (90th percentile). Uneven light darkens paper towards
// the ink, so its spread is large against the margin (0.5-1.5 on shaded scans, far more on
// photos); a page of flat coloured panels (a chat bubble on white, a shaded box) has a
// spread too, but its ink is far below every background (0.3).
bool unevenly_lit(Pix* grey) {
  const int w = pixGetWidth(grey), h = pixGetHeight(grey);
  constexpr int kGrid = 8;
  if (w < kGrid * 4 || h < kGrid * 4) return false;
  std::vector<int> backgrounds, inks;
  for (int ty = 0; ty < kGrid; ++ty) {
    for (int tx = 0; tx < kGrid; ++tx) {
      const int x0 = tx * w / kGrid, y0 = ty * h / kGrid;
      auto tile = clip(grey, x0, y0, (tx + 1) * w / kGrid - x0, (ty + 1) * h / kGrid - y0);
      if (!tile) continue;
      const Histogram hist(tile.get());
      const int background = hist.rank(0.9), ink = hist.rank(0.02);
      backgrounds.push_back(background);
      if (background - ink > kTextContrast) inks.push_back(ink);
    }
  }
  if (backgrounds.size() < 10) return false;
  std::sort(backgrounds.begin(), backgrounds.end());
  const size_t n = backgrounds.size();
  const int spread = backgrounds[n * 9 / 10] - backgrounds[n / 10];
  if (spread <= kUnevenSpread) return false;
  if (inks.empty()) return true;
  std::sort(inks.begin(), inks.end());
  const int margin = backgrounds[n / 10] - inks[inks.size() * 9 / 10];
  return margin <= 0 || spread > kUnevenShare * margin;
}

// Isolated specks against character-sized components in a central crop at full
// resolution: scanner and sensor noise shows up as many specks on their own, while the dots
// of dot-matrix print sit in clusters and are not counted.
bool looks_noisy(Pix* pix, double text_height) {
  const int w = pixGetWidth(pix), h = pixGetHeight(pix);
  const int cw = std::min(w, 1000), ch = std::min(h, 1000);
  auto crop = clip(pix, (w - cw) / 2, (h - ch) / 2, cw, ch);
  if (!crop) return false;
  auto binary = binary_for_analysis(crop.get(), text_height);
  if (!binary) return false;
  auto specks = isolated_specks(binary.get(), 2);
  l_int32 isolated = 0, all = 0;
  if (!specks || pixCountConnComp(specks.get(), 8, &isolated) != 0) return false;
  if (pixCountConnComp(binary.get(), 8, &all) != 0) return false;
  return isolated >= 50 && isolated > (all - isolated) / 2;
}

// How densely text fills the block it occupies: characters are grown by about half a text
// height each way, so words and lines of running text merge into solid regions, and the
// area covered is divided by the area of the box around all text. Book pages and letters
// fill most of it; forms and receipts, with short fields and wide gaps, fill much less.
// Returns 1 when there is too little text to say.
double text_fill(Pix* binary, const std::vector<Component>& characters, double text_height) {
  if (text_height <= 0 || characters.size() < 8) return 1;
  auto mask = own(pixCreate(pixGetWidth(binary), pixGetHeight(binary), 1));
  int left = pixGetWidth(binary), top = pixGetHeight(binary), right = 0, bottom = 0;
  for (const auto& c : characters) {
    pixRasterop(mask.get(), c.x, c.y, c.w, c.h, PIX_SET, nullptr, 0, 0);
    left = std::min(left, c.x), top = std::min(top, c.y);
    right = std::max(right, c.x + c.w), bottom = std::max(bottom, c.y + c.h);
  }
  const int grow = std::max(3, static_cast<int>(std::lround(text_height)));
  auto grown = own(pixDilateBrick(nullptr, mask.get(), grow, grow));
  l_int32 covered = 0;
  if (!grown || pixCountPixels(grown.get(), &covered, nullptr) != 0) return 1;
  const double box = static_cast<double>(right - left + grow) * (bottom - top + grow);
  return box > 0 ? std::min(1.0, covered / box) : 1;
}

}  // namespace

image::PixPtr isolated_specks(Pix* binary, int size) {
  int changed = 0;
  auto specks =
      own(pixSelectBySize(binary, size, size, 8, L_SELECT_IF_BOTH, L_SELECT_IF_LTE, &changed));
  if (!specks) return nullptr;
  // Grown by a few pixels, dots with neighbours merge into clusters; what stays small was
  // alone.
  const int reach = 2 * size + 3;
  auto ink = own(pixDilateBrick(nullptr, binary, reach, reach));
  if (!ink) return nullptr;
  auto lone = own(pixSelectBySize(ink.get(), size + reach, size + reach, 8, L_SELECT_IF_BOTH,
                                  L_SELECT_IF_LTE, &changed));
  if (!lone) return nullptr;
  return own(pixAnd(nullptr, specks.get(), lone.get()));
}

image::PixPtr reduced_grey(Pix* pix, double r) {
  const auto f = static_cast<float>(r);
  if (r >= 1) return to_grey(pix);
  if (pixGetDepth(pix) == 1) return own(pixScaleToGray(pix, f));
  if (pixGetDepth(pix) == 8 && pixGetColormap(pix) == nullptr)
    return own(pixScaleAreaMap(pix, f, f));
  if (pixGetDepth(pix) == 32) {
    // Colour: reduced first, so no full-size grey copy is made only to be measured.
    auto reduced = own(pixScaleAreaMap(pix, f, f));
    return reduced ? to_grey(reduced.get()) : nullptr;
  }
  auto grey = to_grey(pix);
  return grey ? own(pixScaleAreaMap(grey.get(), f, f)) : nullptr;
}

image::PixPtr to_grey(Pix* pix) {
  if (pixGetColormap(pix) != nullptr) return own(pixRemoveColormap(pix, REMOVE_CMAP_TO_GRAYSCALE));
  if (pixGetDepth(pix) == 8) return own(pixCopy(nullptr, pix));
  return own(pixConvertTo8(pix, 0));
}

image::PixPtr sauvola(Pix* grey, double text_height) {
  const int w = pixGetWidth(grey), h = pixGetHeight(grey);
  // The window spans about two text heights: local enough for uneven light, wide enough
  // that a character's inside is not mistaken for background.
  int half = std::clamp(static_cast<int>(std::lround(text_height > 0 ? text_height : 16)), 8, 40);
  // Tiles bound the memory of the integral images on big pages; the window must fit a tile.
  const int nx = std::max(1, w / 2000), ny = std::max(1, h / 2000);
  half = std::min({half, (w / nx - 3) / 2 - 1, (h / ny - 3) / 2 - 1});
  if (half < 2) return nullptr;
  Pix* out = nullptr;
  if (pixSauvolaBinarizeTiled(grey, half, 0.34f, nx, ny, nullptr, &out) != 0) return nullptr;
  return own(out);
}

image::PixPtr binary_for_analysis(Pix* pix, double text_height) {
  if (pixGetDepth(pix) == 1) return own(pixClone(pix));
  if (pixGetDepth(pix) == 8 && pixGetColormap(pix) == nullptr) return sauvola(pix, text_height);
  auto grey = to_grey(pix);  // a converted copy only when the page is not plain grey already
  return grey ? sauvola(grey.get(), text_height) : nullptr;
}

std::vector<Component> character_components(Pix* binary) {
  std::vector<Component> out;
  BOXA* boxa = pixConnCompBB(binary, 8);
  if (!boxa) return out;
  // On a page, anything taller or wider than a sixth of it is a picture or a border. A
  // snippet (a word crop, a short line) holds nothing but its few letters, which may fill it.
  const int side = std::max(pixGetWidth(binary), pixGetHeight(binary));
  const int limit = side < kSnippetSide ? side : side / 6;
  for (int i = 0; i < boxaGetCount(boxa); ++i) {
    Component c{};
    boxaGetBoxGeometry(boxa, i, &c.x, &c.y, &c.w, &c.h);
    if (c.h < 3 || c.h > limit || c.w > limit) continue;  // specks, pictures, borders
    if (c.w > 8 * c.h || c.h > 12 * c.w) continue;        // rules and underlines
    out.push_back(c);
  }
  boxaDestroy(&boxa);
  return out;
}

std::vector<Component> in_rows(const std::vector<Component>& components) {
  std::vector<Component> sorted = components;
  std::sort(sorted.begin(), sorted.end(),
            [](const Component& a, const Component& b) { return a.x < b.x; });
  std::vector<bool> keep(sorted.size(), false);
  for (size_t i = 0; i < sorted.size(); ++i) {
    const Component& a = sorted[i];
    const int reach = a.x + a.w + std::max(2, a.h * 3 / 2);
    for (size_t j = i + 1; j < sorted.size() && sorted[j].x <= reach; ++j) {
      const Component& b = sorted[j];
      if (3 * b.h < 2 * a.h || 2 * b.h > 3 * a.h) continue;  // heights within 2:3 of each other
      const int overlap = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
      if (2 * overlap < std::min(a.h, b.h)) continue;  // side by side on one line
      keep[i] = keep[j] = true;
    }
  }
  std::vector<Component> out;
  for (size_t i = 0; i < sorted.size(); ++i)
    if (keep[i]) out.push_back(sorted[i]);
  return out;
}

double median_height(const std::vector<Component>& components, size_t min_count) {
  if (components.size() < min_count || components.empty()) return 0;
  std::vector<int> heights;
  heights.reserve(components.size());
  for (const auto& c : components) heights.push_back(c.h);
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  return heights[heights.size() / 2];
}

Analysis analyse(Pix* pix) {
  Analysis a;
  const int w = pixGetWidth(pix), h = pixGetHeight(pix);
  const bool bilevel = pixGetDepth(pix) == 1;
  const double r = std::min(1.0, static_cast<double>(kAnalysisSide) / std::max(w, h));

  image::PixPtr small = reduced_grey(pix, r);
  if (!small) return a;

  const int sw = pixGetWidth(small.get()), sh = pixGetHeight(small.get());
  const Histogram whole(small.get());
  auto centre =
      clip(small.get(), sw / 10, sh / 10, std::max(1, sw * 8 / 10), std::max(1, sh * 8 / 10));
  const Histogram middle(centre ? centre.get() : small.get());
  a.inverted = middle.rank(0.5) < kInvertedMedian && middle.rank(0.995) > 150;
  if (a.inverted) pixInvert(small.get(), small.get());

  a.uneven = !bilevel && unevenly_lit(small.get());
  if (bilevel || whole.fraction(0, 40) + whole.fraction(215, 255) >= 0.98)
    a.kind = Kind::bilevel;
  else
    a.kind = a.uneven ? Kind::photo : Kind::grey;
  // A grey image that only holds black and white is treated as bilevel by every step but
  // the ones that care about depth, which look at the image itself.

  image::PixPtr binary =
      bilevel ? own(pixThresholdToBinary(small.get(), 160)) : sauvola(small.get(), 12);
  if (!binary) return a;
  // Closing joins the dots of dot-matrix print and the breaks of faint strokes, so that
  // characters are measured whole.
  auto closed = own(pixCloseBrick(nullptr, binary.get(), 3, 3));
  const auto components = character_components(closed ? closed.get() : binary.get());
  const auto characters = in_rows(components);
  const auto textlike = [](const std::vector<Component>& found) {
    return std::any_of(found.begin(), found.end(), [](const Component& c) { return c.h >= 4; });
  };
  // On a short line or a word crop, closing can merge each word into one component wider
  // than a sixth of the image, which the size limit then drops as a picture; the letters
  // themselves, unclosed, still say there is text. Only pages that look blank pay for this.
  std::vector<Component> unclosed;
  if (!textlike(components) && closed) unclosed = character_components(binary.get());
  a.blank = !textlike(components) && !textlike(unclosed);
  if (a.blank && !bilevel && whole.rank(0.99) - whole.rank(0.01) >= kMinContrast) {
    // Faint or light letters on a grey ground (a sign, chalk) can be too weak for Sauvola
    // yet plain for a global threshold, which Tesseract uses: a page with that much
    // contrast is looked at that way too, dark on light and light on dark.
    Pix* split = nullptr;
    const int w_small = pixGetWidth(small.get()), h_small = pixGetHeight(small.get());
    if (pixOtsuAdaptiveThreshold(small.get(), w_small, h_small, 0, 0, 0.0f, nullptr, &split) == 0 &&
        split) {
      auto global = own(split);
      unclosed = character_components(global.get());
      if (!textlike(unclosed)) {
        pixInvert(global.get(), global.get());
        unclosed = character_components(global.get());
      }
      a.blank = !textlike(unclosed);
    }
  }
  a.components = static_cast<int>(components.size());
  a.text_height = median_height(characters) / r;
  // Too few characters to measure the text height (a word or two) still tell a line from a
  // page: a line is not much taller than its tallest letters.
  const auto& letters = components.empty() ? unclosed : components;
  const double rough_height = a.text_height > 0 ? a.text_height : median_height(letters, 1) / r;
  a.line = rough_height > 0 && h < 3.5 * rough_height;
  a.line_fill = a.line ? 1 : text_fill(binary.get(), characters, a.text_height * r);
  a.sparse = a.line_fill < kSparseFill;
  if (!a.blank) a.noisy = looks_noisy(pix, a.text_height);
  return a;
}

image::PixPtr densest_band(Pix* pix, double text_height, int lines) {
  const int w = pixGetWidth(pix), h = pixGetHeight(pix);
  const int band = std::min(h, static_cast<int>(lines * std::max(text_height, 20.0)));
  if (band >= h) return own(pixClone(pix));
  auto binary = binary_for_analysis(pix, text_height);
  int best = (h - band) / 2;
  if (binary) {
    NUMA* rows = pixCountPixelsByRow(binary.get(), nullptr);
    if (rows) {
      std::vector<double> prefix(h + 1, 0);
      for (int y = 0; y < h && y < numaGetCount(rows); ++y) {
        float v = 0;
        numaGetFValue(rows, y, &v);
        prefix[y + 1] = prefix[y] + v;
      }
      numaDestroy(&rows);
      double most = -1;
      for (int y = 0; y + band <= h; y += std::max(1, band / 8)) {
        if (prefix[y + band] - prefix[y] > most) most = prefix[y + band] - prefix[y], best = y;
      }
    }
  }
  BOX* box = boxCreate(0, best, w, band);
  Pix* out = pixClipRectangle(pix, box, nullptr);
  boxDestroy(&box);
  return own(out);
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::bilevel:
      return "bilevel";
    case Kind::grey:
      return "grey";
    case Kind::photo:
      return "photo";
  }
  return "grey";
}

}  // namespace ocrbatch::preprocess
