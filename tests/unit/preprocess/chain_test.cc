#include "preprocess/chain.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <cmath>

#include "engine/tesseract/tesseract_backend.h"
#include "preprocess/analysis.h"
#include "test_support.h"

namespace ocrbatch::preprocess {
namespace {

using test::grey_letter;
using test::load_sample;

constexpr double kPi = 3.14159265358979323846;
const engine::Limits kLimits = engine::tesseract::tesseract_limits();

const record::StepReport* report_of(const Page& page, const std::string& step) {
  for (const auto& r : page.done.steps)
    if (r.step == step) return &r;
  return nullptr;
}

double value_of(const record::StepReport& r, const std::string& key) {
  for (const auto& [k, v] : r.values)
    if (k == key) return v;
  return NAN;
}

Page run(const std::string& spec, image::PixPtr pix) {
  Page page = make_page(std::move(pix));
  Chain(spec, nullptr, kLimits).run(page);
  return page;
}

image::PixPtr rotated(Pix* pix, double degrees) {
  return image::PixPtr(pixRotate(pix, static_cast<float>(degrees * kPi / 180), L_ROTATE_AREA_MAP,
                                 L_BRING_IN_WHITE, 0, 0));
}

TEST(ParseSpec, AcceptsAutoNoneAndKnownSteps) {
  EXPECT_EQ(*parse_spec("auto"), "auto");
  EXPECT_EQ(*parse_spec("none"), "none");
  EXPECT_EQ(*parse_spec("deskew, binarize,deskew"), "deskew,binarize");
  const auto bad = parse_spec("deskew,sharpen");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("sharpen"), std::string::npos);
  EXPECT_FALSE(parse_spec(",").ok());
}

TEST(Chain, NoneLeavesTheImageUntouched) {
  auto letter = load_sample("letter.png");
  Pix* before = letter.get();
  Page page = make_page(std::move(letter));
  Chain chain;
  EXPECT_TRUE(chain.empty());
  chain.run(page);
  EXPECT_EQ(page.pix.get(), before);
  EXPECT_FALSE(page.done.ran);
}

TEST(Deskew, FindsTheAngleOfARotatedPage) {
  for (double degrees : {5.0, -3.0, 8.0}) {
    Page page = run("deskew", rotated(grey_letter().get(), degrees));
    ASSERT_TRUE(page.done.skew.has_value()) << degrees;
    // Leptonica rotates clockwise for positive angles; deskew undoes the tilt.
    EXPECT_NEAR(*page.done.skew, -degrees, 0.3) << degrees;
  }
}

TEST(Deskew, LeavesAStraightPageAlone) {
  Page page = run("auto", grey_letter());
  EXPECT_FALSE(page.done.skew.has_value());
  const auto* r = report_of(page, "deskew");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->applied);
  EXPECT_NEAR(value_of(*r, "angle"), 0, 0.3);
}

TEST(Scale, EnlargesSmallTextAndSetsTheResolution) {
  auto letter = grey_letter();
  image::PixPtr small(pixScaleAreaMap(letter.get(), 0.3f, 0.3f));  // a 90-dpi fax
  pixSetResolution(small.get(), 90, 90);
  Page page = run("auto", std::move(small));
  ASSERT_TRUE(page.done.scale.has_value());
  EXPECT_GT(*page.done.scale, 2.0);
  EXPECT_LT(*page.done.scale, 4.0);
  EXPECT_EQ(page.dpi, static_cast<int>(std::lround(90 * *page.done.scale)));
  EXPECT_EQ(pixGetXRes(page.pix.get()), page.dpi);
}

TEST(Scale, ShrinksHugeTextAndLeavesNormalTextAlone) {
  auto letter = grey_letter();
  image::PixPtr big(pixScaleGrayLI(letter.get(), 3.0f, 3.0f));  // a 900-dpi photo
  Page page = run("auto", std::move(big));
  ASSERT_TRUE(page.done.scale.has_value());
  EXPECT_LT(*page.done.scale, 0.6);
  EXPECT_FALSE(run("auto", grey_letter()).done.scale.has_value());
}

TEST(Binarize, LeavesABilevelImageAlone) {
  auto letter = load_sample("letter.png");
  Pix* before = letter.get();
  Page page = run("binarize", std::move(letter));
  EXPECT_EQ(page.pix.get(), before);
  const auto* r = report_of(page, "binarize");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->applied);
  ASSERT_FALSE(r->notes.empty());
  EXPECT_EQ(r->notes[0].second, "already bilevel");
}

TEST(Binarize, AutoThresholdsAnUnevenlyLitPageButNotAnEvenOne) {
  Page even = run("auto", grey_letter());
  EXPECT_EQ(pixGetDepth(even.pix.get()), 8);
  auto letter = grey_letter();
  const int w = pixGetWidth(letter.get());
  for (int y = 0; y < pixGetHeight(letter.get()); ++y)
    for (int x = 0; x < w; ++x) {
      l_uint32 v = 0;
      pixGetPixel(letter.get(), x, y, &v);
      pixSetPixel(letter.get(), x, y, v * (255 - 170 * x / w) / 255);
    }
  Page uneven = run("auto", std::move(letter));
  EXPECT_EQ(uneven.done.kind, "photo");
  EXPECT_EQ(pixGetDepth(uneven.pix.get()), 1);
}

TEST(Invert, TurnsLightOnDarkIntoDarkOnLight) {
  auto letter = grey_letter();
  pixInvert(letter.get(), letter.get());
  Page page = run("auto", std::move(letter));
  const auto* r = report_of(page, "invert");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->applied);
  l_uint32 median = 0;
  pixGetRankValue(page.pix.get(), 4, 0.5f, &median);
  EXPECT_GT(median, 200u);
}

TEST(Blank, FlagsAnEmptyPageAndStopsTheChain) {
  image::PixPtr pix(pixCreate(1200, 1600, 8));
  pixSetAllArbitrary(pix.get(), 250);
  Page page = run("auto", std::move(pix));
  EXPECT_TRUE(page.done.blank);
  EXPECT_EQ(page.done.steps.back().step, "blank");
  EXPECT_FALSE(run("auto", grey_letter()).done.blank);
}

TEST(Border, WhitensABlackScannerBorderButKeepsTheText) {
  auto letter = grey_letter();
  const int h = pixGetHeight(letter.get());
  pixRasterop(letter.get(), 0, 0, 40, h, PIX_CLR, nullptr, 0, 0);  // 8-bit: cleared is black
  l_uint32 edge = 0;
  pixGetPixel(letter.get(), 10, h / 2, &edge);
  ASSERT_EQ(edge, 0u);
  const int components_before = static_cast<int>(analyse(letter.get()).components);
  Page page = run("border", std::move(letter));
  const auto* r = report_of(page, "border");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->applied);
  pixGetPixel(page.pix.get(), 10, h / 2, &edge);
  EXPECT_EQ(edge, 255u);
  EXPECT_NEAR(analyse(page.pix.get()).components, components_before, components_before / 20);
}

// A scanned magazine page: a black band along the bottom edge, and a dark photo at the left
// that joins it. The band is a border; the photo is part of the page, and text beside it was
// lost when the whole dark region was whitened.
TEST(Border, WhitensTheBandButNotAPictureJoiningIt) {
  auto letter = grey_letter();
  const int w = pixGetWidth(letter.get()), h = pixGetHeight(letter.get());
  pixRasterop(letter.get(), 0, h - 60, w, 60, PIX_CLR, nullptr, 0, 0);        // the band
  pixRasterop(letter.get(), 0, h / 2, w / 4, h / 2, PIX_CLR, nullptr, 0, 0);  // the photo
  Page page = run("border", std::move(letter));
  const auto* r = report_of(page, "border");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->applied);
  l_uint32 band = 0, photo = 0;
  pixGetPixel(page.pix.get(), w / 2, h - 20, &band);
  pixGetPixel(page.pix.get(), w / 8, h * 3 / 5, &photo);
  EXPECT_EQ(band, 255u);
  EXPECT_EQ(photo, 0u);
}

TEST(Denoise, RemovesSpecksFromANoisyBilevelPage) {
  auto letter = load_sample("letter.png");
  const int w = pixGetWidth(letter.get()), h = pixGetHeight(letter.get());
  for (int i = 0; i < 3000; ++i) pixSetPixel(letter.get(), (i * 7919) % w, (i * 104729) % h, 1);
  l_int32 before = 0, after = 0;
  pixCountPixels(letter.get(), &before, nullptr);
  Page page = run("auto", std::move(letter));
  const auto* r = report_of(page, "denoise");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->applied);
  EXPECT_GT(value_of(*r, "removed"), 2000);
  pixCountPixels(page.pix.get(), &after, nullptr);
  EXPECT_LT(after, before);
  EXPECT_GT(after, before - 3200);  // the text itself is kept
}

TEST(Sparse, NamedItRoutesToSparseTextMode) {
  Page page = run("sparse", grey_letter());
  EXPECT_EQ(page.layout, engine::Layout::sparse);
}

TEST(Border, LeavesADarkPageAlone) {
  // Grey paper below the border threshold, black text: the paper is not a border.
  auto letter = grey_letter();
  image::PixPtr dark(pixCreate(pixGetWidth(letter.get()), pixGetHeight(letter.get()), 8));
  pixSetAllArbitrary(dark.get(), 50);
  image::PixPtr text(pixThresholdToBinary(letter.get(), 128));
  pixSetMasked(dark.get(), text.get(), 0);
  Page page = run("auto", std::move(dark));
  const auto* r = report_of(page, "border");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->applied);
  l_uint32 median = 0;
  pixGetRankValue(page.pix.get(), 1, 0.5f, &median);
  EXPECT_EQ(median, 50u);
}

TEST(Border, NeverTakesMostOfThePage) {
  // Named, border acts on any page; a dark region over most of it is still not a border.
  image::PixPtr pix(pixCreate(1200, 1600, 8));
  pixSetAllArbitrary(pix.get(), 20);
  pixRasterop(pix.get(), 0, 0, 400, 1600, PIX_SET, nullptr, 0, 0);  // a white strip
  Page page = run("border", std::move(pix));
  const auto* r = report_of(page, "border");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->applied);
  EXPECT_GT(value_of(*r, "area"), 0.5);
}

TEST(Invert, InvertsThePaletteImageAsItLooks) {
  // A 4-bit palette image whose index order has nothing to do with brightness: dark paper
  // is entry 3 and light text entry 5, every other entry mid grey.
  auto letter = grey_letter();
  const int w = pixGetWidth(letter.get()), h = pixGetHeight(letter.get());
  image::PixPtr text(pixThresholdToBinary(letter.get(), 128));
  image::PixPtr pal(pixCreate(w, h, 4));
  PIXCMAP* cmap = pixcmapCreate(4);
  for (int i = 0; i < 16; ++i) {
    const int v = i == 3 ? 20 : i == 5 ? 235 : 128;
    pixcmapAddColor(cmap, v, v, v);
  }
  pixSetColormap(pal.get(), cmap);
  pixSetAllArbitrary(pal.get(), 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      l_uint32 ink = 0;
      pixGetPixel(text.get(), x, y, &ink);
      if (ink) pixSetPixel(pal.get(), x, y, 5);
    }
  Page page = run("auto", std::move(pal));
  const auto* r = report_of(page, "invert");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->applied);
  auto grey = to_grey(page.pix.get());
  l_uint32 paper = 0, ink = 0;
  pixGetRankValue(grey.get(), 1, 0.5f, &paper);
  pixGetRankValue(grey.get(), 1, 0.01f, &ink);
  EXPECT_GT(paper, 200u);
  EXPECT_LT(ink, 60u);
}

TEST(Blank, ASmallLineOfTwoWordsIsNotBlank) {
  // Closing merges each short word into one component; at this size that is still text.
  image::PixPtr line(pixCreate(81, 18, 1));
  for (int word = 0; word < 2; ++word)
    for (int letter_index = 0; letter_index < 4; ++letter_index) {
      const int x = 4 + word * 40 + letter_index * 9;
      pixRasterop(line.get(), x, 4, 7, 1, PIX_SET, nullptr, 0, 0);   // top bar
      pixRasterop(line.get(), x, 13, 7, 1, PIX_SET, nullptr, 0, 0);  // bottom bar
      pixRasterop(line.get(), x, 4, 1, 10, PIX_SET, nullptr, 0, 0);  // left stem
      pixRasterop(line.get(), x + 6, 4, 1, 10, PIX_SET, nullptr, 0, 0);
    }
  Page page = run("auto", std::move(line));
  EXPECT_FALSE(page.done.blank);
  ASSERT_TRUE(page.analysis.has_value());
  EXPECT_TRUE(page.analysis->line);
}

// Box-shaped capitals, `count` of them, `height` pixels high, drawn with `value` on `pix`.
void draw_letters(Pix* pix, int count, int height, l_uint32 value) {
  const int width = height * 7 / 10, stroke = std::max(1, height / 8);
  for (int k = 0; k < count; ++k) {
    const int x = 6 + k * (width + 3 * stroke), y = (pixGetHeight(pix) - height) / 2;
    for (int yy = y; yy < y + height; ++yy)
      for (int xx = x; xx < x + width; ++xx)
        if (yy < y + stroke || yy >= y + height - stroke || xx < x + stroke ||
            xx >= x + width - stroke)
          pixSetPixel(pix, xx, yy, value);
  }
}

TEST(Blank, FaintLightLettersOnGreyAreNotBlank) {
  // Light letters on a grey ground (a sign), too weak for Sauvola; Tesseract's global
  // threshold sees them, and so must the blank check.
  image::PixPtr crop(pixCreate(90, 36, 8));
  pixSetAllArbitrary(crop.get(), 125);
  draw_letters(crop.get(), 5, 20, 175);
  Page page = run("auto", std::move(crop));
  EXPECT_FALSE(page.done.blank);
}

}  // namespace
}  // namespace ocrbatch::preprocess
