#include "engine/dnn/crop.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

namespace ocrbatch::engine::dnn {
namespace {

// A grey image whose every pixel differs from its neighbours, so a wrong offset shows.
cv::Mat pattern(int width, int height) {
  cv::Mat image(height, width, CV_8UC1);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x)
      image.at<uint8_t>(y, x) = static_cast<uint8_t>((x * 7 + y * 13) % 256);
  }
  return image;
}

Quad axis_quad(float x0, float y0, float x1, float y1) {
  return Quad{{Point2{x0, y0}, Point2{x1, y0}, Point2{x1, y1}, Point2{x0, y1}}};
}

TEST(Crop, AxisAlignedQuadKeepsSizeAndContent) {
  const cv::Mat source = pattern(200, 100);
  const Crop crop = crop_quad(source, axis_quad(20, 10, 120, 40));
  ASSERT_EQ(crop.image.cols, 100);
  ASSERT_EQ(crop.image.rows, 30);
  EXPECT_FALSE(crop.rotated);
  for (int y = 0; y < 30; y += 7) {
    for (int x = 0; x < 100; x += 9) {
      EXPECT_EQ(crop.image.at<uint8_t>(y, x), source.at<uint8_t>(10 + y, 20 + x)) << x << "," << y;
    }
  }
  const Point2 back = crop.to_source.apply({5, 6});
  EXPECT_NEAR(back.x, 25, 1e-3);
  EXPECT_NEAR(back.y, 16, 1e-3);
}

TEST(Crop, BgrPageGivesBgrCropAndGreyWhenAsked) {
  cv::Mat source(60, 80, CV_8UC3, cv::Scalar(10, 20, 30));
  EXPECT_EQ(crop_quad(source, axis_quad(5, 5, 50, 25)).image.type(), CV_8UC3);
  CropParams grey;
  grey.grey = true;
  EXPECT_EQ(crop_quad(source, axis_quad(5, 5, 50, 25), grey).image.type(), CV_8UC1);
}

TEST(Crop, WholeCropMapsBackOntoARotatedQuad) {
  const cv::Mat source = pattern(300, 300);
  const cv::RotatedRect rect({150, 150}, {160, 40}, 25);
  cv::Point2f c[4];
  rect.points(c);  // bottom-left, top-left, top-right, bottom-right
  const Quad quad{{Point2{c[1].x, c[1].y}, Point2{c[2].x, c[2].y}, Point2{c[3].x, c[3].y},
                   Point2{c[0].x, c[0].y}}};
  for (const CropParams& params : {CropParams{}, tesseract_crop_params()}) {
    const Crop crop = crop_quad(source, quad, params);
    ASSERT_FALSE(crop.image.empty());
    const int border = params.border;
    const RectF inner{static_cast<float>(border), static_cast<float>(border),
                      static_cast<float>(crop.image.cols - border),
                      static_cast<float>(crop.image.rows - border)};
    const SourceBox mapped = map_to_source(crop.to_source, inner, 300, 300);
    for (int i = 0; i < 4; ++i) {
      EXPECT_NEAR(mapped.quad.p[i].x, quad.p[i].x, 1.5) << "corner " << i;
      EXPECT_NEAR(mapped.quad.p[i].y, quad.p[i].y, 1.5) << "corner " << i;
    }
    const RectF expected = bounds(quad);
    EXPECT_NEAR(mapped.bbox.x, expected.x0, 1.5);
    EXPECT_NEAR(mapped.bbox.x + mapped.bbox.w, expected.x1, 1.5);
  }
}

TEST(Crop, TallQuadIsTurnedCounterClockwise) {
  cv::Mat source(200, 100, CV_8UC1, cv::Scalar(255));
  source(cv::Rect(50, 10, 20, 10)).setTo(0);  // the top of the tall region is dark
  const Crop crop = crop_quad(source, axis_quad(50, 10, 70, 110));
  ASSERT_TRUE(crop.rotated);
  ASSERT_EQ(crop.image.cols, 100);
  ASSERT_EQ(crop.image.rows, 20);
  // The region's top is now the crop's left end.
  EXPECT_LT(crop.image.at<uint8_t>(10, 3), 50);
  EXPECT_GT(crop.image.at<uint8_t>(10, 90), 200);
  const Point2 back = crop.to_source.apply({5, 10});
  EXPECT_NEAR(back.x, 50 + (20 - 1 - 10), 1e-3);
  EXPECT_NEAR(back.y, 10 + 5, 1e-3);
}

TEST(Crop, SquareishQuadIsNotTurned) {
  cv::Mat source(200, 100, CV_8UC1, cv::Scalar(255));
  EXPECT_FALSE(crop_quad(source, axis_quad(10, 10, 50, 69)).rotated);  // 40 x 59: under 1.5
}

TEST(Crop, TesseractCropIsEnlargedAndFramedInMedianEdgeGrey) {
  cv::Mat source(100, 200, CV_8UC1, cv::Scalar(200));
  source(cv::Rect(20, 20, 30, 16)).setTo(40);  // ink touching the region's left edge
  const Crop crop = crop_quad(source, axis_quad(20, 20, 120, 36), tesseract_crop_params());
  ASSERT_EQ(crop.image.type(), CV_8UC1);
  EXPECT_EQ(crop.image.rows, 32 + 2 * 8);
  EXPECT_EQ(crop.image.cols, 200 + 2 * 8);
  // The edge ring is mostly paper (200) with some ink (40): the border takes the median.
  EXPECT_EQ(crop.image.at<uint8_t>(0, 0), 200);
  EXPECT_EQ(crop.image.at<uint8_t>(crop.image.rows - 1, 100), 200);
  EXPECT_EQ(crop.image.at<uint8_t>(24, 3), 200);
  EXPECT_LT(crop.image.at<uint8_t>(24, 20), 60);  // the ink itself, enlarged
  const Point2 back = crop.to_source.apply({8 + 100.5f, 8 + 15.5f});
  EXPECT_NEAR(back.x, 20 + 50, 0.01);
  EXPECT_NEAR(back.y, 20 + 7.5, 0.01);
}

TEST(Crop, BrokenQuadGivesEmptyCrop) {
  cv::Mat source(50, 50, CV_8UC1, cv::Scalar(255));
  EXPECT_TRUE(crop_quad(source, axis_quad(10, 10, NAN, 30)).image.empty());
  EXPECT_TRUE(crop_quad(source, axis_quad(10, 10, INFINITY, 30)).image.empty());
  EXPECT_TRUE(crop_quad(source, axis_quad(10, 10, 1e12f, 30)).image.empty());
}

// std::max drops a NaN in its second argument, so one broken corner used to pass the side check
// (fuzz_dnn_input checks it: regressions/dnn_input/quad-one-corner-nan.bin).
TEST(Crop, NotANumberInAnyOneCornerGivesEmptyCrop) {
  cv::Mat source(50, 50, CV_8UC1, cv::Scalar(255));
  for (int corner = 0; corner < 4; ++corner) {
    for (int axis = 0; axis < 2; ++axis) {
      Quad quad = axis_quad(10, 10, 40, 30);
      (axis == 0 ? quad.p[corner].x : quad.p[corner].y) = NAN;
      EXPECT_TRUE(crop_quad(source, quad).image.empty()) << "corner " << corner << " axis " << axis;
    }
  }
}

// No homography that stays finite on a rectangle maps it onto these: their "crop" used to be a
// smear of one source pixel with a to_source of NaN, or pixels sampled through infinity
// (fuzz_dnn_input checks it: regressions/dnn_input/quad-collinear-corners.bin, quad-crossed.bin).
TEST(Crop, QuadNoRectangleMapsOntoGivesEmptyCrop) {
  cv::Mat source(60, 100, CV_8UC1, cv::Scalar(255));
  const Quad on_a_line{{Point2{0, 0}, Point2{10, 0}, Point2{20, 0}, Point2{30, 0}}};
  const Quad three_on_a_line{{Point2{0, 0}, Point2{25, 0}, Point2{50, 0}, Point2{0, 30}}};
  const Quad triangle{{Point2{0, 0}, Point2{50, 0}, Point2{50, 30}, Point2{50, 30}}};
  const Quad crossed{{Point2{10, 10}, Point2{60, 40}, Point2{60, 10}, Point2{10, 40}}};
  const Quad dented{{Point2{10, 10}, Point2{60, 10}, Point2{30, 20}, Point2{10, 40}}};
  for (const Quad& quad : {on_a_line, three_on_a_line, triangle, crossed, dented}) {
    EXPECT_TRUE(crop_quad(source, quad).image.empty());
    EXPECT_TRUE(crop_quad(source, quad, tesseract_crop_params()).image.empty());
  }
  // Both windings of a convex quad still crop (counter-clockwise gives the mirror image).
  const Quad mirrored{{Point2{10, 10}, Point2{10, 40}, Point2{60, 40}, Point2{60, 10}}};
  EXPECT_FALSE(crop_quad(source, axis_quad(10, 10, 60, 40)).image.empty());
  EXPECT_FALSE(crop_quad(source, mirrored).image.empty());
}

// Opposite sides on lines that meet at the origin (here the page's top and left edges):
// getPerspectiveTransform found no map and the crop was one source pixel smeared, with a
// to_source of NaN (found by fuzz_dnn_input:
// regressions/dnn_input/quad-opposite-sides-meet-at-the-origin.bin).
TEST(Crop, QuadWhoseOppositeSidesMeetAtTheOriginCrops) {
  const cv::Mat source = pattern(200, 520);
  const Quad quad{{Point2{75.25f, 0}, Point2{192, 0}, Point2{0, 512.25f}, Point2{0, 75.25f}}};
  CropParams params;
  params.rotate_aspect = 0;
  const Crop crop = crop_quad(source, quad, params);
  ASSERT_FALSE(crop.image.empty());
  const Point2 corners[4] = {
      {0, 0},
      {static_cast<float>(crop.image.cols), 0},
      {static_cast<float>(crop.image.cols), static_cast<float>(crop.image.rows)},
      {0, static_cast<float>(crop.image.rows)}};
  for (int i = 0; i < 4; ++i) {
    const Point2 back = crop.to_source.apply(corners[i]);
    EXPECT_NEAR(back.x, quad.p[i].x, 0.05) << "corner " << i;
    EXPECT_NEAR(back.y, quad.p[i].y, 0.05) << "corner " << i;
  }
  // The pixels come from along the quad, not all from one corner of the page.
  double lowest = 0, highest = 0;
  cv::minMaxLoc(crop.image, &lowest, &highest);
  EXPECT_GT(highest - lowest, 100);
}

TEST(Crop, QuadsPartlyOutsideThePageStillCrop) {
  cv::RNG rng(3);
  cv::Mat source(80, 120, CV_8UC3, cv::Scalar(200, 200, 200));
  for (int round = 0; round < 50; ++round) {
    Quad quad;
    for (Point2& p : quad.p) {
      p = {static_cast<float>(rng.uniform(-60.0, 180.0)),
           static_cast<float>(rng.uniform(-40.0, 120.0))};
    }
    const Crop crop = crop_quad(source, quad, tesseract_crop_params());
    if (crop.image.empty()) continue;
    EXPECT_EQ(crop.image.type(), CV_8UC1);
    EXPECT_GE(crop.image.rows, 32 + 16);
  }
}

TEST(Crop, DegenerateQuadGivesEmptyCrop) {
  cv::Mat source(50, 50, CV_8UC1, cv::Scalar(255));
  EXPECT_TRUE(crop_quad(source, axis_quad(10, 10, 10.5f, 30)).image.empty());
  EXPECT_TRUE(crop_quad(cv::Mat(), axis_quad(0, 0, 10, 10)).image.empty());
}

}  // namespace
}  // namespace ocrbatch::engine::dnn
