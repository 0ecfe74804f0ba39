#include "engine/dnn/pix_mat.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

namespace ocrbatch::engine::dnn {
namespace {

TEST(PixMat, ColourPixBecomesBgr) {
  image::PixPtr pix(pixCreate(4, 3, 32));
  pixSetRGBPixel(pix.get(), 2, 1, 10, 20, 30);
  const cv::Mat mat = mat_from_pix(pix.get());
  ASSERT_EQ(mat.type(), CV_8UC3);
  ASSERT_EQ(mat.cols, 4);
  ASSERT_EQ(mat.rows, 3);
  EXPECT_EQ(mat.at<cv::Vec3b>(1, 2), cv::Vec3b(30, 20, 10));
}

TEST(PixMat, GreyPixStaysGrey) {
  image::PixPtr pix(pixCreate(5, 2, 8));
  pixSetPixel(pix.get(), 4, 1, 77);
  const cv::Mat mat = mat_from_pix(pix.get());
  ASSERT_EQ(mat.type(), CV_8UC1);
  EXPECT_EQ(mat.at<uint8_t>(1, 4), 77);
  EXPECT_EQ(mat.at<uint8_t>(0, 0), 0);
}

TEST(PixMat, BinaryPixInkIsBlack) {
  image::PixPtr pix(pixCreate(40, 2, 1));  // wider than one 32-bit word
  pixSetPixel(pix.get(), 35, 0, 1);
  const cv::Mat mat = mat_from_pix(pix.get());
  ASSERT_EQ(mat.type(), CV_8UC1);
  EXPECT_EQ(mat.at<uint8_t>(0, 35), 0);
  EXPECT_EQ(mat.at<uint8_t>(0, 34), 255);
  EXPECT_EQ(mat.at<uint8_t>(1, 35), 255);
}

TEST(PixMat, ColourMappedPixIsConverted) {
  image::PixPtr pix(pixCreate(3, 3, 8));
  PixColormap* map = pixcmapCreate(8);
  pixcmapAddColor(map, 255, 255, 255);
  pixcmapAddColor(map, 0, 0, 255);
  pixSetColormap(pix.get(), map);
  pixSetPixel(pix.get(), 1, 1, 1);
  const cv::Mat mat = mat_from_pix(pix.get());
  ASSERT_FALSE(mat.empty());
  ASSERT_EQ(mat.type(), CV_8UC3);
  EXPECT_EQ(mat.at<cv::Vec3b>(1, 1), cv::Vec3b(255, 0, 0));
  EXPECT_EQ(mat.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
}

TEST(PixMat, MatBecomesGreyPixForTesseract) {
  cv::Mat bgr(2, 37, CV_8UC3, cv::Scalar(255, 255, 255));
  bgr.at<cv::Vec3b>(1, 36) = cv::Vec3b(0, 0, 0);
  const image::PixPtr pix = grey_pix_from_mat(bgr);
  ASSERT_TRUE(pix);
  EXPECT_EQ(pixGetDepth(pix.get()), 8);
  EXPECT_EQ(pixGetWidth(pix.get()), 37);
  l_uint32 value = 0;
  pixGetPixel(pix.get(), 36, 1, &value);
  EXPECT_EQ(value, 0u);
  pixGetPixel(pix.get(), 0, 0, &value);
  EXPECT_EQ(value, 255u);
  EXPECT_FALSE(grey_pix_from_mat(cv::Mat()));
}

TEST(PixMat, GreyRoundTrip) {
  cv::Mat grey(3, 9, CV_8UC1);
  for (int i = 0; i < grey.rows * grey.cols; ++i) grey.data[i] = static_cast<uint8_t>(i * 9);
  const image::PixPtr pix = grey_pix_from_mat(grey);
  const cv::Mat back = mat_from_pix(pix.get());
  EXPECT_EQ(cv::norm(back, grey, cv::NORM_INF), 0);
}

}  // namespace
}  // namespace ocrbatch::engine::dnn
