#pragma once
// Detected text boxes grouped into lines and blocks, in reading order: what Tesseract's
// layout analysis gives the other path, so both fill the same records.

#include <vector>

#include "engine/dnn/geometry.h"

namespace ocrbatch::engine::dnn {

// Lengths are in multiples of the text height (a box's quad_height), so one set of values
// fits every resolution; PP-OCR's fixed 10 px suits only its 960-px inputs.
struct ReadingOrderParams {
  // Two boxes are on one row when the second's centre lies within this of the first's
  // centre line (followed along the first box's slope, so skewed lines stay apart).
  float row_tolerance = 0.5f;
  // Boxes of one row form one line when the gap between them is at most this; DB splits
  // lines at wide word gaps, while a wider gap is a column or a form's next field.
  float line_gap = 2.0f;
  // A line continues the block above it when the space between them is at most this and
  // they overlap horizontally.
  float block_gap = 1.2f;
};

// Boxes stay separate (each was recognised on its own); a line lists them left to right.
struct LayoutLine {
  std::vector<int> boxes;  // indices into the quads given
};

struct LayoutBlock {
  std::vector<LayoutLine> lines;  // top to bottom
};

// Blocks in reading order: a block comes after every block above it that it overlaps
// horizontally and after every block to its left that it overlaps vertically (so columns
// are read one after the other); otherwise the higher one first.
std::vector<LayoutBlock> reading_order(const std::vector<Quad>& quads,
                                       const ReadingOrderParams& params = {});

}  // namespace ocrbatch::engine::dnn
