#include "engine/dnn/db_postprocess.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

namespace ocrbatch::engine::dnn {
namespace {

MapToSource same_size(const cv::Mat& map) { return {1, 1, 0, 0, map.cols, map.rows}; }

std::vector<TextBox> boxes_of(const cv::Mat& map, const MapToSource& to_source,
                              const DbParams& params = {}) {
  return db_boxes(map.ptr<float>(), map.cols, map.rows, to_source, params);
}

// What unclip adds on each side of a w x h core (w, h between the contour's pixel centres).
float expected_growth(float w, float h, float ratio = 1.5f) {
  return w * h * ratio / (2 * (w + h));
}

TEST(DbPostprocess, TwoRectanglesGiveTwoGrownQuads) {
  cv::Mat map = cv::Mat::zeros(200, 300, CV_32F);
  map(cv::Rect(50, 40, 100, 20)).setTo(0.9f);   // pixels 50..149 x 40..59
  map(cv::Rect(60, 120, 180, 30)).setTo(0.9f);  // pixels 60..239 x 120..149
  const auto boxes = boxes_of(map, same_size(map));
  ASSERT_EQ(boxes.size(), 2u);
  EXPECT_NEAR(boxes[0].score, 0.9f, 1e-4);
  const float d = expected_growth(99, 19);
  const RectF first = bounds(boxes[0].quad);
  EXPECT_NEAR(first.x0, 50 - d, 0.5);
  EXPECT_NEAR(first.x1, 149 + d, 0.5);
  EXPECT_NEAR(first.y0, 40 - d, 0.5);
  EXPECT_NEAR(first.y1, 59 + d, 0.5);
  const float d2 = expected_growth(179, 29);
  const RectF second = bounds(boxes[1].quad);
  EXPECT_NEAR(second.x0, 60 - d2, 0.5);
  EXPECT_NEAR(second.y1, 149 + d2, 0.5);
  // Corners in the documented order: top-left, top-right, bottom-right, bottom-left.
  EXPECT_LT(boxes[0].quad.p[0].x, boxes[0].quad.p[1].x);
  EXPECT_LT(boxes[0].quad.p[1].y, boxes[0].quad.p[2].y);
  EXPECT_GT(boxes[0].quad.p[2].x, boxes[0].quad.p[3].x);
}

TEST(DbPostprocess, FaintBlobIsDropped) {
  cv::Mat map = cv::Mat::zeros(100, 200, CV_32F);
  map(cv::Rect(20, 20, 100, 30)).setTo(0.4f);  // over the bitmap threshold, under the box one
  EXPECT_TRUE(boxes_of(map, same_size(map)).empty());
  DbParams lenient;
  lenient.box_threshold = 0.35f;
  EXPECT_EQ(boxes_of(map, same_size(map), lenient).size(), 1u);
}

TEST(DbPostprocess, ThinStripeIsDropped) {
  cv::Mat map = cv::Mat::zeros(100, 200, CV_32F);
  map(cv::Rect(20, 20, 150, 2)).setTo(0.95f);
  EXPECT_TRUE(boxes_of(map, same_size(map)).empty());
  map(cv::Rect(20, 60, 150, 5)).setTo(0.95f);  // 4 px between centres: kept
  EXPECT_EQ(boxes_of(map, same_size(map)).size(), 1u);
}

TEST(DbPostprocess, RotatedRectangleGivesRotatedQuad) {
  cv::Mat map = cv::Mat::zeros(300, 300, CV_32F);
  const cv::RotatedRect drawn({150, 150}, {160, 30}, 20);
  cv::Point2f corners[4];
  drawn.points(corners);
  std::vector<cv::Point> polygon(corners, corners + 4);
  cv::fillConvexPoly(map, polygon, cv::Scalar(0.9));
  const auto boxes = boxes_of(map, same_size(map));
  ASSERT_EQ(boxes.size(), 1u);
  const Quad& q = boxes[0].quad;
  const float angle = std::atan2(q.p[1].y - q.p[0].y, q.p[1].x - q.p[0].x) * 180 / CV_PI;
  EXPECT_NEAR(angle, 20, 1.5);
  EXPECT_GT(quad_width(q), 160);
  EXPECT_GT(quad_height(q), 30);
}

TEST(DbPostprocess, BoxesScaleBackToTheSourceAndAreClipped) {
  cv::Mat map = cv::Mat::zeros(100, 100, CV_32F);
  map(cv::Rect(10, 10, 40, 10)).setTo(0.9f);
  map(cv::Rect(80, 60, 20, 10)).setTo(0.9f);  // touches the right edge: growth is clipped
  const MapToSource to_source{2.0f, 3.0f, -5.0f, 0.0f, 190, 300};
  const auto boxes = boxes_of(map, to_source);
  ASSERT_EQ(boxes.size(), 2u);
  const float d = expected_growth(39, 9);
  const RectF first = bounds(boxes[0].quad);
  EXPECT_NEAR(first.x0, (10 - d) * 2 - 5, 1.0);
  EXPECT_NEAR(first.y1, (19 + d) * 3, 1.5);
  const RectF second = bounds(boxes[1].quad);
  EXPECT_FLOAT_EQ(second.x1, 190);
}

TEST(DbPostprocess, BoxesComeTopToBottomThenLeftToRight) {
  cv::Mat map = cv::Mat::zeros(200, 300, CV_32F);
  map(cv::Rect(160, 120, 100, 20)).setTo(0.9f);
  map(cv::Rect(20, 120, 100, 20)).setTo(0.9f);
  map(cv::Rect(20, 20, 100, 20)).setTo(0.9f);
  const auto boxes = boxes_of(map, same_size(map));
  ASSERT_EQ(boxes.size(), 3u);
  EXPECT_LT(boxes[0].quad.p[0].y, 50);
  EXPECT_LT(boxes[1].quad.p[0].x, 50);
  EXPECT_GT(boxes[2].quad.p[0].x, 130);
}

TEST(DbPostprocess, NotANumberInTheMapGivesNoUnscoredBox) {
  cv::Mat map = cv::Mat::zeros(100, 200, CV_32F);
  map(cv::Rect(20, 20, 150, 30)).setTo(0.9f);
  map.at<float>(30, 60) = NAN;  // a broken net output inside the text
  for (const TextBox& box : boxes_of(map, same_size(map))) {
    EXPECT_GE(box.score, 0.6f);  // false for NaN
  }
}

TEST(DbPostprocess, NoiseMapsGiveBoxesInsideTheSource) {
  cv::RNG rng(7);
  for (int round = 0; round < 20; ++round) {
    cv::Mat map(64 + round * 7, 96 + round * 5, CV_32F);
    rng.fill(map, cv::RNG::UNIFORM, 0.0, 1.0);
    cv::GaussianBlur(map, map, cv::Size(3, 3), 0);
    const MapToSource to_source{1.7f, 1.3f, -16, -16, 120, 90};
    for (const TextBox& box : boxes_of(map, to_source)) {
      EXPECT_GE(box.score, 0.6f);
      for (const Point2& p : box.quad.p) {
        EXPECT_GE(p.x, 0);
        EXPECT_LE(p.x, 120);
        EXPECT_GE(p.y, 0);
        EXPECT_LE(p.y, 90);
      }
    }
  }
}

// Tilted lines that run off the page at its corners. Clamping each corner of such a box onto
// the page used to leave a triangle or a dented quad, which crop_quad cannot cut out
// (fuzz_dnn_input checks it: regressions/dnn_input/map-tilted-line-off-the-corner.bin).
TEST(DbPostprocess, TiltedLinesRunningOffThePageGiveConvexBoxes) {
  size_t seen = 0;
  for (const cv::Point2f centre : {cv::Point2f{6, 94}, cv::Point2f{194, 6}, cv::Point2f{4, 4},
                                   cv::Point2f{196, 96}, cv::Point2f{2, 50}}) {
    for (float angle = -80; angle <= 80; angle += 10) {
      cv::Mat map = cv::Mat::zeros(100, 200, CV_32F);
      cv::Point2f corners[4];
      cv::RotatedRect(centre, {90, 16}, angle).points(corners);
      std::vector<cv::Point> polygon(corners, corners + 4);
      cv::fillConvexPoly(map, polygon, cv::Scalar(0.9));
      for (const MapToSource& to_source : {same_size(map), MapToSource{1, 1, -16, -16, 168, 68}}) {
        for (const TextBox& box : boxes_of(map, to_source)) {
          ++seen;
          EXPECT_TRUE(is_convex(box.quad))
              << "centre " << centre << " angle " << angle << " offset " << to_source.offset_x;
          const RectF on = bounds(box.quad);
          EXPECT_GE(on.x0, 0);
          EXPECT_LE(on.x1, to_source.width);
          EXPECT_GE(on.y0, 0);
          EXPECT_LE(on.y1, to_source.height);
        }
      }
    }
  }
  EXPECT_GT(seen, 100u);
}

// Small diamonds (45 degree boxes) shrunk to about a pixel square on the source. The bounds
// that replace a box that is not convex measured a pixel in float and less in double, so a box
// no crop can be cut from was kept (found by fuzz_dnn_input:
// regressions/dnn_input/map-diamond-a-pixel-square-on-the-source.bin).
TEST(DbPostprocess, PixelSizedBoxesAreConvexOrDropped) {
  DbParams params;
  params.box_threshold = 0;
  params.unclip_ratio = 0;
  params.min_side = 0;
  size_t seen = 0;
  for (int x = 0; x <= 24; ++x) {
    for (int y = 1; y <= 12; ++y) {
      cv::Mat map = cv::Mat::zeros(16, 32, CV_32F);
      const std::vector<cv::Point> diamond = {{x, y + 1},     {x + 1, y},     {x + 3, y},
                                              {x + 4, y + 1}, {x + 3, y + 2}, {x + 1, y + 2}};
      cv::fillConvexPoly(map, diamond, cv::Scalar(0.9));
      for (const float scale : {0.25f, 0.3125f, 0.375f, 0.5f}) {
        const MapToSource to_source{scale, scale, 0, 0, 100, 100};
        for (const TextBox& box : boxes_of(map, to_source, params)) {
          ++seen;
          EXPECT_TRUE(is_convex(box.quad)) << "at " << x << "," << y << " scale " << scale;
        }
      }
    }
  }
  EXPECT_GT(seen, 100u);
}

TEST(DbPostprocess, EmptyMapGivesNothing) {
  cv::Mat map = cv::Mat::zeros(32, 32, CV_32F);
  EXPECT_TRUE(boxes_of(map, same_size(map)).empty());
  EXPECT_TRUE(db_boxes(nullptr, 0, 0, {}).empty());
}

}  // namespace
}  // namespace ocrbatch::engine::dnn
