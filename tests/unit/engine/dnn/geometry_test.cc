#include "engine/dnn/geometry.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ocrbatch::engine::dnn {
namespace {

TEST(Geometry, BoundsOfARotatedQuad) {
  const Quad quad{{Point2{10, 0}, Point2{20, 10}, Point2{10, 20}, Point2{0, 10}}};
  const RectF rect = bounds(quad);
  EXPECT_EQ(rect.x0, 0);
  EXPECT_EQ(rect.y0, 0);
  EXPECT_EQ(rect.x1, 20);
  EXPECT_EQ(rect.y1, 20);
}

TEST(Geometry, QuadWidthAndHeightAreMeanSides) {
  const Quad quad{{Point2{0, 0}, Point2{100, 0}, Point2{100, 20}, Point2{0, 30}}};
  EXPECT_NEAR(quad_width(quad), (100 + std::hypot(100, 10)) / 2, 1e-4);
  EXPECT_FLOAT_EQ(quad_height(quad), 25);
}

TEST(Geometry, ThenAppliesTheFirstTransformFirst) {
  const Homography h = scaling(2, 3).then(translation(5, 7));
  const Point2 p = h.apply({1, 1});
  EXPECT_FLOAT_EQ(p.x, 7);
  EXPECT_FLOAT_EQ(p.y, 10);
}

TEST(Geometry, PixelBoxIsClippedToTheImage) {
  const PixelBox box = pixel_box({-3.5f, 2.2f, 50.1f, 12.9f}, 40, 100);
  EXPECT_EQ(box.x, 0);
  EXPECT_EQ(box.y, 2);
  EXPECT_EQ(box.w, 40);
  EXPECT_EQ(box.h, 11);
  const PixelBox outside = pixel_box({50, 50, 60, 60}, 40, 40);
  EXPECT_EQ(outside.w, 0);
  EXPECT_EQ(outside.h, 0);
}

TEST(Geometry, PixelBoxOfHugeOrBrokenCoordinatesIsClippedOrEmpty) {
  const PixelBox huge = pixel_box({-1e12f, -1e12f, 1e12f, 1e12f}, 40, 30);
  EXPECT_EQ(huge.w, 40);
  EXPECT_EQ(huge.h, 30);
  const PixelBox broken = pixel_box({NAN, 0, 10, 10}, 40, 30);
  EXPECT_EQ(broken.w, 0);
  EXPECT_EQ(broken.h, 0);
}

TEST(Geometry, MapToSourceMapsEachCorner) {
  const SourceBox mapped = map_to_source(translation(100, 50), {0, 0, 10, 5}, 1000, 1000);
  EXPECT_FLOAT_EQ(mapped.quad.p[2].x, 110);
  EXPECT_FLOAT_EQ(mapped.quad.p[2].y, 55);
  EXPECT_EQ(mapped.bbox.x, 100);
  EXPECT_EQ(mapped.bbox.y, 50);
  EXPECT_EQ(mapped.bbox.w, 10);
  EXPECT_EQ(mapped.bbox.h, 5);
}

}  // namespace
}  // namespace ocrbatch::engine::dnn
