#include "pdf/text_layer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ocrbatch::pdf {
namespace {

record::Word word(const std::string& text, record::Box box, record::Baseline baseline = {}) {
  return record::Word{text, 90, box, baseline};
}

TEST(TextLayer, PageSizeIsTheImageAtItsResolution) {
  const auto g = page_geometry(2550, 3300, 300);
  EXPECT_DOUBLE_EQ(g.width_pt, 612);
  EXPECT_DOUBLE_EQ(g.height_pt, 792);
  // No resolution in the file: 300 assumed.
  EXPECT_DOUBLE_EQ(page_geometry(600, 300, 0).width_pt, 144);
}

TEST(TextLayer, UprightWordFillsItsBoxExactly) {
  const auto g = page_geometry(1000, 500, 72);  // 1 point a pixel
  const auto placed = place_word(word("hello", {100, 200, 150, 40}), {}, g);
  ASSERT_TRUE(placed);
  EXPECT_DOUBLE_EQ(placed->a, 1);
  EXPECT_DOUBLE_EQ(placed->b, 0);
  EXPECT_DOUBLE_EQ(placed->e, 100);
  EXPECT_DOUBLE_EQ(placed->f, 500 - 240);  // the box's bottom, y up
  EXPECT_DOUBLE_EQ(placed->size, 40);
  // Five glyphs half an em wide at size 40 are 100 points: 150 needs 150 %.
  EXPECT_DOUBLE_EQ(placed->scaling, 150);
  EXPECT_EQ(placed->codes, "00680065006C006C006F");
}

TEST(TextLayer, WordOfAPageReadTurnedRunsAlongItsBaseline) {
  const auto g = page_geometry(1000, 1000, 72);
  // Text running down the page: its baseline points down, the letters' tops face right.
  const auto placed = place_word(word("abcd", {300, 100, 40, 200}, {310, 100, 310, 300}), {}, g);
  ASSERT_TRUE(placed);
  EXPECT_NEAR(placed->a, 0, 1e-9);
  EXPECT_NEAR(placed->b, -1, 1e-9);
  EXPECT_NEAR(placed->c, 1, 1e-9);
  EXPECT_NEAR(placed->d, 0, 1e-9);
  EXPECT_NEAR(placed->size, 40, 1e-9);                   // across the text: the box's width
  EXPECT_NEAR(placed->scaling, 100 * 200 / 80.0, 1e-9);  // along it: the box's height
  // It starts at the top of the box, at its left edge (the letters' feet).
  EXPECT_NEAR(placed->e, 300, 1e-9);
  EXPECT_NEAR(placed->f, 900, 1e-9);
}

TEST(TextLayer, DeskewedWordTakesTheLineBaselineAndItsTrueHeight) {
  const auto g = page_geometry(1000, 1000, 72);
  // A word 200 long and 30 high turned by 5 degrees (clockwise on the page, y down).
  const double angle = 5 * M_PI / 180, L = 200, h = 30;
  const int W = static_cast<int>(std::lround(L * std::cos(angle) + h * std::sin(angle)));
  const int H = static_cast<int>(std::lround(L * std::sin(angle) + h * std::cos(angle)));
  const record::Baseline line{0, 0, 1000, static_cast<int>(std::lround(1000 * std::tan(angle)))};
  const auto placed = place_word(word("skewed", {100, 100, W, H}), line, g);
  ASSERT_TRUE(placed);
  EXPECT_NEAR(std::atan2(placed->b, placed->a), -angle, 1e-3);
  EXPECT_NEAR(placed->size, h, 0.6);
  EXPECT_NEAR(placed->scaling * 6 * kGlyphAdvance * placed->size / 100, L, 0.6);
}

TEST(TextLayer, CharactersOutsideTheBmpBecomeReplacementCharacters) {
  EXPECT_EQ(utf16_hex("中文"), "4E2D6587");
  EXPECT_EQ(utf16_hex("a\xF0\x9F\x98\x80"), "0061FFFD");
  EXPECT_EQ(utf16_hex("\xff"), "FFFD");
}

TEST(TextLayer, WordWithoutTextOrAreaIsLeftOut) {
  const auto g = page_geometry(100, 100, 72);
  EXPECT_FALSE(place_word(word("", {1, 1, 10, 10}), {}, g));
  EXPECT_FALSE(place_word(word("x", {1, 1, 0, 10}), {}, g));
}

TEST(TextLayer, ContentDrawsTheImageFullPageThenInvisibleWords) {
  record::PageResult page;
  record::Line line;
  line.words = {word("a", {0, 0, 10, 10}), word("b", {20, 0, 10, 10})};
  page.blocks.resize(1);
  page.blocks[0].paragraphs.resize(1);
  page.blocks[0].paragraphs[0].lines = {line};
  const auto content = page_content(page, page_geometry(100, 50, 72), "Im0", "F0");
  EXPECT_EQ(content.rfind("q 100 0 0 50 0 0 cm /Im0 Do Q\nBT 3 Tr\n", 0), 0u) << content;
  EXPECT_NE(content.find("<0061> Tj"), std::string::npos);
  EXPECT_NE(content.find("<0062> Tj\nET\n"), std::string::npos);
  // No words: no text object.
  EXPECT_EQ(page_content(record::PageResult{}, page_geometry(100, 50, 72), "", "F0"), "");
}

TEST(TextLayer, ToUnicodeRangesVaryOnlyInTheirLastByte) {
  const auto cmap = identity_to_unicode_cmap();
  EXPECT_NE(cmap.find("<0000> <00FF> <0000>"), std::string::npos);
  EXPECT_NE(cmap.find("<4E00> <4EFF> <4E00>"), std::string::npos);
  EXPECT_NE(cmap.find("<FF00> <FFFF> <FF00>"), std::string::npos);
  EXPECT_EQ(cmap.find("<0000> <FFFF> <0000>"), std::string::npos);
}

}  // namespace
}  // namespace ocrbatch::pdf
