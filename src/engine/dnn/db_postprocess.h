#pragma once
// Text boxes from the DB detector's probability map (PP-OCR's DBPostProcess, "quad" boxes,
// "fast" score). cv::dnn::TextDetectionModel_DB found nothing on PP-OCRv4's map, so the
// post-processing is our own.

#include <vector>

#include "engine/dnn/geometry.h"

namespace ocrbatch::engine::dnn {

// Defaults are PP-OCR's for its det models (inference config of PP-OCRv4).
struct DbParams {
  float threshold = 0.3f;      // a map pixel is text above this
  float box_threshold = 0.6f;  // a box is kept when its mean probability reaches this
  float unclip_ratio = 1.5f;   // the map marks a shrunk text core; grow it back by this
  float min_side = 3.0f;       // short side in map pixels, before growing; min_side + 2 after
  int max_candidates = 1000;   // contours looked at, in the order they are found
};

// How map pixels lie on the source image: source = map * scale + offset (the offset undoes
// padding added before the resize), then clipped to [0, width] x [0, height]. A box that
// clipping would leave not convex becomes the axis-aligned bounds of its clipped corners, or
// is dropped when those are under a pixel square (geometry.h's is_convex).
struct MapToSource {
  float scale_x = 1, scale_y = 1;
  float offset_x = 0, offset_y = 0;
  int width = 0, height = 0;
};

struct TextBox {
  Quad quad;        // in source pixels
  float score = 0;  // mean map probability inside the box, before growing
};

// `map` holds height rows of width probabilities (0..1), row-major. Boxes come top to
// bottom, then left to right by their top-left corner; reading order is reading_order's job.
std::vector<TextBox> db_boxes(const float* map, int width, int height, const MapToSource& to_source,
                              const DbParams& params = {});

}  // namespace ocrbatch::engine::dnn
