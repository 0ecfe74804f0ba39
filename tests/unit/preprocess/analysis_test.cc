#include "preprocess/analysis.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <algorithm>

#include "test_support.h"

namespace ocrbatch::preprocess {
namespace {

using test::load_sample;

image::PixPtr white(int w, int h) {
  image::PixPtr pix(pixCreate(w, h, 8));
  pixSetAllArbitrary(pix.get(), 255);
  return pix;
}

// Darkens the page from left to right, down to `low` (0-255) at the right edge: uneven light.
image::PixPtr shaded(Pix* grey, int low) {
  image::PixPtr out(pixCopy(nullptr, grey));
  const int w = pixGetWidth(out.get()), h = pixGetHeight(out.get());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      l_uint32 v = 0;
      pixGetPixel(out.get(), x, y, &v);
      pixSetPixel(out.get(), x, y, v * (255 - (255 - low) * x / w) / 255);
    }
  }
  return out;
}

TEST(Analysis, RenderedLetterIsABilevelPageWithTextOfItsSize) {
  auto letter = load_sample("letter.png");  // 1-bit, 300 dpi, 11-point text
  const Analysis a = analyse(letter.get());
  EXPECT_EQ(a.kind, Kind::bilevel);
  EXPECT_FALSE(a.blank);
  EXPECT_FALSE(a.inverted);
  EXPECT_FALSE(a.line);
  EXPECT_GT(a.text_height, 15);
  EXPECT_LT(a.text_height, 40);
}

TEST(Analysis, TextHeightFollowsTheImageScale) {
  auto invoice = load_sample("invoice.jpg");
  const double full = analyse(invoice.get()).text_height;
  image::PixPtr half(pixScaleAreaMap(invoice.get(), 0.5f, 0.5f));
  const double reduced = analyse(half.get()).text_height;
  ASSERT_GT(full, 0);
  EXPECT_NEAR(reduced / full, 0.5, 0.12);
}

TEST(Analysis, WhitePageIsBlankEvenWithDust) {
  auto page = white(1700, 2200);
  EXPECT_TRUE(analyse(page.get()).blank);
  for (int i = 0; i < 40; ++i) pixSetPixel(page.get(), 100 + i * 37, 200 + i * 41, 0);  // specks
  EXPECT_TRUE(analyse(page.get()).blank);
}

TEST(Analysis, SingleLineIsALine) {
  auto notice = load_sample("notice.bmp");
  auto line = densest_band(notice.get(), 25, 2);
  const Analysis a = analyse(line.get());
  EXPECT_FALSE(a.blank);
  EXPECT_TRUE(a.line) << a.text_height;
}

TEST(Analysis, DarkPageWithLightTextIsInverted) {
  auto invoice = load_sample("invoice.jpg");
  pixInvert(invoice.get(), invoice.get());
  EXPECT_TRUE(analyse(invoice.get()).inverted);
}

TEST(Analysis, UnevenLightMakesAPhoto) {
  auto invoice = load_sample("invoice.jpg");
  EXPECT_NE(analyse(invoice.get()).kind, Kind::photo);
  auto dim = shaded(invoice.get(), 90);
  const Analysis a = analyse(dim.get());
  EXPECT_EQ(a.kind, Kind::photo);
  EXPECT_TRUE(a.uneven);
}

// A chat bubble: the text on a flat panel of grey 192, on paper of 237 round it. The paper
// varies, but a global threshold separates every background from the ink: not uneven light,
// so the page is not Sauvola-thresholded (which lost a character of such a bubble).
TEST(Analysis, TextOnAFlatPanelIsNotUnevenLight) {
  auto invoice = load_sample("invoice.jpg");
  const int w = pixGetWidth(invoice.get()), h = pixGetHeight(invoice.get());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      l_uint32 v = 0;
      pixGetPixel(invoice.get(), x, y, &v);
      const bool panel = x > w / 10 && x < w * 9 / 10 && y > h / 10 && y < h * 9 / 10;
      pixSetPixel(invoice.get(), x, y, panel ? v * 192 / 255 : std::min<l_uint32>(v, 237));
    }
  }
  const Analysis a = analyse(invoice.get());
  EXPECT_FALSE(a.uneven);
  EXPECT_NE(a.kind, Kind::photo);
}

TEST(Analysis, SauvolaKeepsTextUnderUnevenLight) {
  auto invoice = load_sample("invoice.jpg");
  auto dim = shaded(invoice.get(), 90);
  auto binary = sauvola(dim.get(), 20);
  ASSERT_TRUE(binary);
  EXPECT_EQ(pixGetDepth(binary.get()), 1);
  // The dark side must not turn into a black slab: ink stays a small fraction.
  l_int32 ink = 0;
  pixCountPixels(binary.get(), &ink, nullptr);
  EXPECT_LT(ink, pixGetWidth(binary.get()) * pixGetHeight(binary.get()) / 8);
  EXPECT_GT(character_components(binary.get()).size(), 100u);
}

}  // namespace
}  // namespace ocrbatch::preprocess
