// The preprocessing steps. Each looks at the page's analysis, acts only where the page
// needs it (or, when named explicitly, where the step makes sense at all) and fills in its
// report. Leptonica does the pixel work: it is already loaded with Tesseract and has what
// each step needs (Sauvola, skew search, area-map scaling, connected components).

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "preprocess/analysis.h"
#include "preprocess/chain.h"

namespace ocrbatch::preprocess {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Text sizes, as the median height of character components (about the x-height plus a
// little; the cap height for text in capitals). The size to aim for is the engine's
// (engine::Limits::text_height: 24 pixels for Tesseract, 300-dpi 10-point text); these say
// when a page is far enough from it to be worth resampling.
constexpr double kMinHeight = 12;   // below: upscale (faxes, 100-150 dpi scans)
constexpr double kMaxHeight = 40;   // above: downscale (phone photos, 600-dpi scans)
constexpr double kDownTarget = 34;  // downscaled pages keep a little margin above the target
constexpr double kMaxUpscale = 4;
// Below this a measured height is more likely specks or broken print than text: auto does
// not enlarge on its word.
constexpr double kMinMeasurable = 7;
constexpr double kMinDownscale = 0.2;

// Deskew: Leptonica's search range and the confidence it calls trustworthy.
constexpr float kSkewRange = 15;
constexpr float kMinSkewConfidence = 3;
constexpr double kMinAutoSkew = 1.5;  // smaller tilts Tesseract's line finder handles itself

// Orientation: OSD confidence above which its answer is taken as it is; between the two it
// only nominates a candidate for the recognition-confidence check.
constexpr double kOsdConfident = 6;
constexpr double kOsdHint = 1.5;

// Border: grey at or below this is dark enough to be a scanner border; a dark region
// covering more than this fraction of the page is not one.
constexpr int kBorderDark = 64;
constexpr double kMaxBorderArea = 0.5;
// A border runs along the edge for at least this many times its depth (border_bands).
constexpr int kBandElongation = 4;

void add(record::StepReport& r, const char* key, double value) {
  r.values.emplace_back(key, value);
}
void note(record::StepReport& r, const char* key, std::string value) {
  r.notes.emplace_back(key, std::move(value));
}
double round2(double v) { return std::round(v * 100) / 100; }

Analysis& analysis(Page& page) {
  if (!page.analysis) page.analysis = analyse(page.pix.get());
  return *page.analysis;
}

// Steps that resample need plain grey or bilevel input; colour and palette images become
// grey first (Tesseract would make the same conversion itself).
void ensure_grey_or_bilevel(Page& page) {
  const int d = pixGetDepth(page.pix.get());
  if ((d == 1 || d == 8) && pixGetColormap(page.pix.get()) == nullptr) return;
  page.pix = to_grey(page.pix.get());
}

// Steps that change pixels in place first make sure they do not change the decoded image,
// which the chain keeps for the plain reading (Chain::recognize).
void make_writable(Page& page) {
  if (page.original && page.pix.get() == page.original.get())
    page.pix = own(pixCopy(nullptr, page.pix.get()));
}

// The resolution to tell the engine: the file's, scaled; else the one at which the measured
// text height is the engine's preferred one at 300 dpi.
void set_resolution(Page& page, double target_height) {
  const Analysis& a = *page.analysis;
  if (page.source_dpi >= 70)
    page.dpi = static_cast<int>(std::lround(page.source_dpi * page.done.scale.value_or(1)));
  else if (a.text_height > 0 && target_height > 0)
    page.dpi =
        static_cast<int>(std::clamp(std::lround(300 * a.text_height / target_height), 70L, 1200L));
  if (page.dpi > 0) pixSetResolution(page.pix.get(), page.dpi, page.dpi);
}

void run_blank(Page& page, StepEnv&, record::StepReport& r) {
  if (!analysis(page).blank) return;
  page.done.blank = true;
  r.applied = true;
}

void run_invert(Page& page, StepEnv& env, record::StepReport& r) {
  Analysis& a = analysis(page);
  if (!a.inverted && !env.forced()) return;
  // Inverting a palette image would flip its colour indices and leave the colours as they
  // were: the page is made grey (or plain bilevel) first.
  ensure_grey_or_bilevel(page);
  page.pix = own(pixInvert(nullptr, page.pix.get()));
  a.inverted = !a.inverted;
  r.applied = true;
}

// The part of the dark regions touching the edge (1-bit, `dark`) that is a scanner border: a
// band along a side, much longer than it is deep. Along each side the dark run inward from
// every point of the edge is measured; each stretch of the side where dark touches it is a
// band when it is at least kBandElongation times as long as its median run, and a band is
// kept up to twice that depth, so a wedge (a crooked scan) is taken whole while a picture or
// a dark photo that joins the band stays, with the text beside it.
image::PixPtr border_bands(Pix* dark) {
  const int w = pixGetWidth(dark), h = pixGetHeight(dark);
  auto bands = own(pixCreate(w, h, 1));
  if (!bands) return nullptr;
  const l_uint32* in = pixGetData(dark);
  const int in_wpl = pixGetWpl(dark);
  l_uint32* out = pixGetData(bands.get());
  const int out_wpl = pixGetWpl(bands.get());
  const auto is_dark = [&](int x, int y) { return GET_DATA_BIT(in + y * in_wpl, x) != 0; };
  const auto set = [&](int x, int y) { SET_DATA_BIT(out + y * out_wpl, x); };
  // side: 0 top, 1 bottom, 2 left, 3 right; `i` runs along the side, `d` inwards.
  for (int side = 0; side < 4; ++side) {
    const bool across = side < 2;
    const int length = across ? w : h, depth = across ? h : w;
    const auto at = [&](int i, int d, int* x, int* y) {
      *x = across ? i : (side == 2 ? d : w - 1 - d);
      *y = across ? (side == 0 ? d : h - 1 - d) : i;
    };
    std::vector<int> runs(length, 0);
    for (int i = 0; i < length; ++i) {
      int x = 0, y = 0, d = 0;
      for (; d < depth; ++d) {
        at(i, d, &x, &y);
        if (!is_dark(x, y)) break;
      }
      runs[i] = d;
    }
    for (int start = 0; start < length;) {
      if (runs[start] == 0) {
        ++start;
        continue;
      }
      int end = start;
      while (end < length && runs[end] > 0) ++end;
      std::vector<int> stretch(runs.begin() + start, runs.begin() + end);
      std::nth_element(stretch.begin(), stretch.begin() + stretch.size() / 2, stretch.end());
      const int median = stretch[stretch.size() / 2];
      if (end - start >= kBandElongation * median) {
        const int cap = 2 * median + 2;
        for (int i = start; i < end; ++i) {
          for (int d = 0; d < std::min(runs[i], cap); ++d) {
            int x = 0, y = 0;
            at(i, d, &x, &y);
            set(x, y);
          }
        }
      }
      start = end;
    }
  }
  return bands;
}

void run_border(Page& page, StepEnv& env, record::StepReport& r) {
  const Analysis& a = analysis(page);
  // On photos a dark region touching the edge may be a shadow over text; Sauvola copes
  // with those, so auto leaves them alone.
  if (a.kind == Kind::photo && !env.forced()) return;
  Pix* pix = page.pix.get();
  const int w = pixGetWidth(pix), h = pixGetHeight(pix);
  const double r0 = std::min(1.0, 1000.0 / std::max(w, h));
  auto small = reduced_grey(pix, r0);
  if (!small) return;
  // Scanner borders are near black: a fixed low threshold keeps grey shading out of them.
  // On dark paper that threshold would take the paper itself, so a border must also be
  // clearly darker than the paper (its brightness at the 90th percentile).
  l_uint32 paper = 255;
  pixGetRankValue(small.get(), 1, 0.9f, &paper);
  const int threshold = std::min<int>(kBorderDark, static_cast<int>(paper) / 2);
  if (threshold < 1) return;
  auto dark = own(pixThresholdToBinary(small.get(), threshold));
  auto inner = own(pixRemoveBorderConnComps(dark.get(), 8));
  if (!dark || !inner) return;
  auto touching = own(pixSubtract(nullptr, dark.get(), inner.get()));
  const int sw = pixGetWidth(small.get()), sh = pixGetHeight(small.get());
  int changed = 0;
  auto big = own(pixSelectBySize(touching.get(), sw / 5, sh / 5, 8, L_SELECT_IF_EITHER,
                                 L_SELECT_IF_GTE, &changed));
  l_int32 count = 0;
  if (!big || pixCountPixels(big.get(), &count, nullptr) != 0) return;
  // A scanner border is a band, not a smudge: at least 1% of the page. And it is round the
  // page, never most of it: a dark region that large is the page (dark paper, a sign).
  const double area = static_cast<double>(count) / (static_cast<double>(sw) * sh);
  if (area < 0.01) return;
  if (area > kMaxBorderArea) {
    add(r, "area", round2(area));
    note(r, "result", "kept: a border never covers most of the page");
    return;
  }
  auto bands = border_bands(big.get());
  l_int32 band_count = 0;
  if (!bands || pixCountPixels(bands.get(), &band_count, nullptr) != 0 || band_count == 0) {
    add(r, "area", round2(area));
    note(r, "result", "kept: dark, but no band along a side");
    return;
  }
  auto grown = own(pixDilateBrick(nullptr, bands.get(), 3, 3));
  auto mask =
      own(pixScaleBinary(grown.get(), static_cast<float>(w) / sw, static_cast<float>(h) / sh));
  if (!mask) return;
  ensure_grey_or_bilevel(page);
  make_writable(page);
  pixSetMasked(page.pix.get(), mask.get(), pixGetDepth(page.pix.get()) == 1 ? 0 : 255);
  r.applied = true;
  add(r, "area", round2(static_cast<double>(band_count) / (static_cast<double>(sw) * sh)));
}

// Resamples `pix` by `s`: area mapping down, linear interpolation up; bilevel stays bilevel
// when enlarged (interpolated, then thresholded), and becomes grey when reduced.
image::PixPtr resample(Pix* pix, double s) {
  const auto f = static_cast<float>(s);
  if (pixGetDepth(pix) == 1) {
    if (s < 1) return own(pixScaleToGray(pix, f));
    auto grey = to_grey(pix);
    auto big = own(pixScaleGrayLI(grey.get(), f, f));
    return big ? own(pixThresholdToBinary(big.get(), 128)) : nullptr;
  }
  return s < 1 ? own(pixScaleAreaMap(pix, f, f)) : own(pixScaleGrayLI(pix, f, f));
}

void run_scale(Page& page, StepEnv& env, record::StepReport& r) {
  Analysis& a = analysis(page);
  add(r, "text_height", round2(a.text_height));
  const engine::Limits& limits = env.limits();
  const double target = limits.text_height;
  double s = 1;
  if (a.text_height > 0 && target > 0) {
    if (env.forced())
      s = target / a.text_height;
    else if (a.text_height < kMinHeight && a.text_height >= kMinMeasurable)
      s = target / a.text_height;
    else if (a.text_height > kMaxHeight)
      s = kDownTarget / a.text_height;
    s = std::clamp(s, kMinDownscale, kMaxUpscale);
  }
  // Never grow a page past the engine's side limit.
  const int side = std::max(pixGetWidth(page.pix.get()), pixGetHeight(page.pix.get()));
  if (limits.max_side > 0) s = std::min(s, (limits.max_side - 1.0) / side);
  if (std::abs(s - 1) < 0.1) {
    set_resolution(page, target);
    return;
  }
  ensure_grey_or_bilevel(page);
  auto next = resample(page.pix.get(), s);
  if (!next) return;
  transform(page, std::move(next), Affine::scale(s));
  a.text_height *= s;
  page.done.scale = round2(s);
  r.applied = true;
  add(r, "scale", round2(s));
  set_resolution(page, target);
}

void run_orient(Page& page, StepEnv&, record::StepReport& r) {
  // Checked after recognition (Chain::recognize), and only when the text read upright has
  // low confidence: upright pages, the vast majority, pay nothing for it.
  page.orientation_pending = true;
  note(r, "method", "checked if the upright text reads poorly");
}

}  // namespace

std::vector<int> orientation_candidates(Page& page, StepEnv& env, record::StepReport& r,
                                        bool* trusted) {
  *trusted = false;
  const Analysis& a = analysis(page);
  const int w = pixGetWidth(page.pix.get()), h = pixGetHeight(page.pix.get());
  // A line or snippet is too little text for OSD; a tall narrow one is probably sideways.
  std::vector<int> fallback = h > 2 * w ? std::vector<int>{90, 270} : std::vector<int>{180};
  if (!a.line && h > w / 2) fallback = {180, 90, 270};
  engine::OrientationDetector* detector = a.line ? nullptr : env.orientation();
  if (!detector) {
    note(r, "method", a.line ? "confidence (single line)" : "confidence (no osd.traineddata)");
    return fallback;
  }
  // OSD thresholds globally; it is given our binarisation, which copes with uneven light.
  auto binary = binary_for_analysis(page.pix.get(), a.text_height);
  auto found = detector->detect(binary ? binary.get() : page.pix.get());
  if (!found) {
    note(r, "method", "confidence (osd found too little text)");
    return fallback;
  }
  add(r, "osd_rotation", found->rotation);
  add(r, "osd_confidence", round2(found->confidence));
  if (found->confidence >= kOsdConfident) {
    note(r, "method", "osd");
    *trusted = true;
    return found->rotation == 0 ? std::vector<int>{} : std::vector<int>{found->rotation};
  }
  // Weak evidence: a rotation OSD leans towards is tried on a strip; if it leans towards
  // upright, nothing is tried (low confidence alone says more about the scan than its turn).
  note(r, "method", "osd weak, confidence check");
  if (found->rotation != 0 && found->confidence >= kOsdHint) return {found->rotation};
  return {};
}

void rotate_orth(Page& page, int degrees, image::PixPtr turned) {
  const int quads = degrees / 90;
  const int w = pixGetWidth(page.pix.get()), h = pixGetHeight(page.pix.get());
  if (!turned) turned = own(pixRotateOrth(page.pix.get(), quads));
  transform(page, std::move(turned), Affine::rotate_orth(quads, w, h));
  page.done.rotation = (page.done.rotation + degrees) % 360;
}

void run_deskew(Page& page, StepEnv& env, record::StepReport& r) {
  const Analysis& a = analysis(page);
  // Lines are found as well at half size when text is 20 pixels or more, and thresholding a
  // quarter of the pixels is the bulk of the saving.
  const bool half = a.text_height >= 20 && pixGetDepth(page.pix.get()) != 1;
  const double th = half ? a.text_height / 2 : a.text_height;
  auto grey = half ? reduced_grey(page.pix.get(), 0.5) : nullptr;
  auto binary = binary_for_analysis(half ? grey.get() : page.pix.get(), th);
  if (!binary) return;
  // The search itself reduces further: text about 6 pixels high is enough to find the lines.
  const int reduce = th >= 24 ? 4 : th >= 12 ? 2 : 1;
  float angle = 0, confidence = 0;
  if (pixFindSkewSweepAndSearch(binary.get(), &angle, &confidence, reduce, std::max(1, reduce / 2),
                                kSkewRange, 1.0f, 0.01f) != 0)
    return;
  add(r, "angle", round2(angle));
  add(r, "confidence", round2(confidence));
  const double min_angle = env.forced() ? 0.1 : kMinAutoSkew;
  if (confidence < kMinSkewConfidence || std::abs(angle) < min_angle ||
      std::abs(angle) > kSkewRange)
    return;
  ensure_grey_or_bilevel(page);
  Pix* pix = page.pix.get();
  const int w = pixGetWidth(pix), h = pixGetHeight(pix);
  const double radians = angle * kPi / 180;
  const int type = pixGetDepth(pix) == 1 ? L_ROTATE_SHEAR : L_ROTATE_AREA_MAP;
  auto rotated = own(pixRotate(pix, static_cast<float>(radians), type, L_BRING_IN_WHITE, 0, 0));
  if (!rotated) return;
  transform(page, std::move(rotated), Affine::rotate_about(radians, w / 2.0, h / 2.0));
  page.done.skew = round2(angle);
  r.applied = true;
}

namespace {

void run_binarize(Page& page, StepEnv& env, record::StepReport& r) {
  const Analysis& a = analysis(page);
  if (pixGetDepth(page.pix.get()) == 1) {
    note(r, "reason", "already bilevel");
    return;
  }
  if (!env.forced() && !a.uneven && !a.noisy) return;
  auto binary = binary_for_analysis(page.pix.get(), a.text_height);  // Sauvola: not 1-bit here
  if (!binary) return;
  pixCopyResolution(binary.get(), page.pix.get());
  page.pix = std::move(binary);
  note(r, "method", "sauvola");
  r.applied = true;
}

void run_denoise(Page& page, StepEnv& env, record::StepReport& r) {
  const Analysis& a = analysis(page);
  if (!env.forced() && !a.noisy) return;
  Pix* pix = page.pix.get();
  if (pixGetDepth(pix) != 1) {
    if (!env.forced()) return;
    ensure_grey_or_bilevel(page);
    auto smooth = own(pixMedianFilter(page.pix.get(), 3, 3));
    if (!smooth) return;
    page.pix = std::move(smooth);
    note(r, "method", "median 3x3");
    r.applied = true;
    return;
  }
  // Lone specks no bigger than a twelfth of the text height (a full stop is about a fifth,
  // and sits next to a letter anyway).
  const int speck = std::max(1, static_cast<int>(a.text_height / 12));
  auto specks = isolated_specks(pix, speck);
  l_int32 removed = 0;
  if (!specks || pixCountConnComp(specks.get(), 8, &removed) != 0 || removed == 0) return;
  page.pix = own(pixSubtract(nullptr, pix, specks.get()));
  note(r, "method", "specks");
  add(r, "removed", removed);
  r.applied = true;
}

}  // namespace

void run_sparse(Page& page, StepEnv& env, record::StepReport& r) {
  const Analysis& a = analysis(page);
  const bool sparse = env.forced() || a.sparse;
  // The engine's number for the layout goes into the report once the page is read with it.
  page.layout = sparse ? engine::Layout::sparse : engine::Layout::configured;
  r.applied = sparse;
  r.values.clear();
}

const std::vector<StepInfo>& steps() {
  static const std::vector<StepInfo> table{
      {"blank",
       "flags a page with no ink that could be text: \"blank\": true, empty text, no recognition",
       "same as auto", run_blank},
      {"invert",
       "turns light text on a dark background into dark on light, when the page is mostly dark; "
       "palette images are made grey first",
       "inverts every page", run_invert},
      {"border",
       "paints near-black bands along the image edge (scanner borders) white, never dark "
       "paper, a picture joining them or most of the page; not on photos",
       "also on photos", run_border},
      {"scale",
       "resizes the page so text is about 24 pixels high: upscales when under 12 (faxes, low dpi), "
       "downscales when over 40 (photos, 600-dpi scans) to 34; tells Tesseract the resulting "
       "resolution",
       "resizes to 24 pixels whenever the text size is measurable", run_scale},
      {"orient",
       "turns pages by 90, 180 or 270 degrees: Tesseract OSD where it is confident, otherwise a "
       "comparison of recognition confidence, tried only when the upright text reads poorly; a "
       "single line needs far stronger evidence",
       "same as auto", run_orient},
      {"deskew",
       "straightens text lines tilted by 1.5 to 15 degrees (Leptonica's skew search, "
       "confidence at least 3)",
       "also tilts from 0.1 degrees", run_deskew},
      {"binarize",
       "Sauvola thresholding for unevenly lit or noisy pages; bilevel images are left alone",
       "every page that is not bilevel", run_binarize},
      {"denoise", "removes specks much smaller than the text from noisy bilevel pages",
       "every page; grey pages get a 3x3 median", run_denoise},
      {"sparse",
       "sends pages of scattered short text (forms, receipts) to page segmentation mode 11; "
       "decided again on a page the orientation check turns",
       "every page", run_sparse},
  };
  return table;
}

}  // namespace ocrbatch::preprocess
