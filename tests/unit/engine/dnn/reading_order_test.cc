#include "engine/dnn/reading_order.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ocrbatch::engine::dnn {
namespace {

Quad box(float x0, float y0, float x1, float y1) {
  return Quad{{Point2{x0, y0}, Point2{x1, y0}, Point2{x1, y1}, Point2{x0, y1}}};
}

// A box of the given size whose left end is at (x, y), turned by `degrees` about it.
Quad skewed(float x, float y, float w, float h, float degrees) {
  const float a = degrees * static_cast<float>(M_PI) / 180, c = std::cos(a), s = std::sin(a);
  const auto at = [&](float u, float v) { return Point2{x + u * c - v * s, y + u * s + v * c}; };
  return Quad{{at(0, 0), at(w, 0), at(w, h), at(0, h)}};
}

// Every block's lines' boxes, flattened in reading order.
std::vector<int> flat(const std::vector<LayoutBlock>& blocks) {
  std::vector<int> order;
  for (const auto& block : blocks) {
    for (const auto& line : block.lines)
      order.insert(order.end(), line.boxes.begin(), line.boxes.end());
  }
  return order;
}

TEST(ReadingOrder, EmptyListGivesNoBlocks) { EXPECT_TRUE(reading_order({}).empty()); }

TEST(ReadingOrder, TwoColumnsAreReadOneAfterTheOther) {
  // Lines 30 px apart, columns 100 px apart; given in row order as DB might.
  std::vector<Quad> quads;
  for (int row = 0; row < 4; ++row) {
    const float y = 100 + row * 30;
    quads.push_back(box(50, y, 400, y + 20));   // left: 0, 2, 4, 6
    quads.push_back(box(500, y, 850, y + 20));  // right: 1, 3, 5, 7
  }
  const auto blocks = reading_order(quads);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].lines.size(), 4u);
  EXPECT_EQ(flat(blocks), (std::vector<int>{0, 2, 4, 6, 1, 3, 5, 7}));
}

TEST(ReadingOrder, HeadingOverColumnsComesFirstAndFooterLast) {
  const std::vector<Quad> quads = {box(500, 200, 850, 220), box(50, 200, 400, 220),
                                   box(300, 900, 600, 920), box(100, 100, 800, 140)};
  EXPECT_EQ(flat(reading_order(quads)), (std::vector<int>{3, 1, 0, 2}));
}

TEST(ReadingOrder, RowSplitInTwoBoxesIsOneLine) {
  // DB cut the line at a word gap of 30 px (1.5 text heights); given right part first.
  const std::vector<Quad> quads = {box(230, 50, 400, 70), box(20, 51, 200, 71),
                                   box(20, 90, 300, 110)};
  const auto blocks = reading_order(quads);
  ASSERT_EQ(blocks.size(), 1u);
  ASSERT_EQ(blocks[0].lines.size(), 2u);
  EXPECT_EQ(blocks[0].lines[0].boxes, (std::vector<int>{1, 0}));
  EXPECT_EQ(blocks[0].lines[1].boxes, (std::vector<int>{2}));
}

TEST(ReadingOrder, FarApartFieldsOfOneRowStayApartAndRowsStayInOrder) {
  // A form: label and value 300 px apart on each row.
  const std::vector<Quad> quads = {box(20, 50, 120, 70), box(420, 50, 600, 70),
                                   box(20, 150, 120, 170), box(420, 150, 600, 170)};
  const auto blocks = reading_order(quads);
  for (const auto& block : blocks) {
    for (const auto& line : block.lines) EXPECT_EQ(line.boxes.size(), 1u);
  }
  EXPECT_EQ(flat(blocks), (std::vector<int>{0, 1, 2, 3}));
}

TEST(ReadingOrder, SkewedLinesKeepTheirOwnRows) {
  // Lines turned by 4 degrees, 30 px apart, each cut in two by DB: the right half lies 21 px
  // below the left, so a level row test would break every line, and the lines' bounding
  // boxes overlap the next line's.
  std::vector<Quad> quads;
  for (int row = 0; row < 3; ++row) {
    quads.push_back(skewed(320, 100 + row * 30 + 300 * std::tan(4 * M_PI / 180), 280, 20, 4));
    quads.push_back(skewed(20, 100 + row * 30, 280, 20, 4));
  }
  const auto blocks = reading_order(quads);
  ASSERT_EQ(blocks.size(), 1u);
  ASSERT_EQ(blocks[0].lines.size(), 3u);
  EXPECT_EQ(blocks[0].lines[0].boxes, (std::vector<int>{1, 0}));
  EXPECT_EQ(blocks[0].lines[1].boxes, (std::vector<int>{3, 2}));
  EXPECT_EQ(blocks[0].lines[2].boxes, (std::vector<int>{5, 4}));
}

TEST(ReadingOrder, AShortLabelsTiltDoesNotSendItsRowAstray) {
  // A form read by whole rows: the label "City:" is a box little longer than high, which DB
  // gives a 5-degree tilt (a descender), and its value lies 300 px to the right on the same
  // row. Followed along that tilt, the row would pass 29 px below the value.
  ReadingOrderParams rows;
  rows.line_gap = 1000;
  const std::vector<Quad> quads = {skewed(20, 100, 75, 30, 5), box(400, 102, 570, 130),
                                   box(20, 190, 200, 220)};
  const auto blocks = reading_order(quads, rows);
  std::vector<std::vector<int>> lines;
  for (const auto& block : blocks)
    for (const auto& line : block.lines) lines.push_back(line.boxes);
  EXPECT_EQ(lines, (std::vector<std::vector<int>>{{0, 1}, {2}}));
}

TEST(ReadingOrder, ParagraphsSeparatedByAGapAreBlocks) {
  const std::vector<Quad> quads = {box(50, 100, 500, 120), box(50, 125, 500, 145),
                                   box(50, 300, 500, 320)};
  const auto blocks = reading_order(quads);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].lines.size(), 2u);
  EXPECT_EQ(flat(blocks), (std::vector<int>{0, 1, 2}));
}

}  // namespace
}  // namespace ocrbatch::engine::dnn
