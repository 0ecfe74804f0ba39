#include "engine/dnn/pix_mat.h"

#include <leptonica/allheaders.h>

#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace ocrbatch::engine::dnn {
namespace {

cv::Mat grey_from_8bpp(Pix* pix) {
  const int width = pixGetWidth(pix), height = pixGetHeight(pix), wpl = pixGetWpl(pix);
  cv::Mat mat(height, width, CV_8UC1);
  const l_uint32* data = pixGetData(pix);
  for (int y = 0; y < height; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    auto* out = mat.ptr<uint8_t>(y);
    for (int x = 0; x < width; ++x) out[x] = static_cast<uint8_t>(GET_DATA_BYTE(line, x));
  }
  return mat;
}

cv::Mat bgr_from_32bpp(Pix* pix) {
  const int width = pixGetWidth(pix), height = pixGetHeight(pix), wpl = pixGetWpl(pix);
  cv::Mat mat(height, width, CV_8UC3);
  const l_uint32* data = pixGetData(pix);
  for (int y = 0; y < height; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    auto* out = mat.ptr<cv::Vec3b>(y);
    for (int x = 0; x < width; ++x) {
      l_int32 r = 0, g = 0, b = 0;
      extractRGBValues(line[x], &r, &g, &b);
      out[x] = cv::Vec3b(static_cast<uint8_t>(b), static_cast<uint8_t>(g), static_cast<uint8_t>(r));
    }
  }
  return mat;
}

cv::Mat grey_from_1bpp(Pix* pix) {
  const int width = pixGetWidth(pix), height = pixGetHeight(pix), wpl = pixGetWpl(pix);
  cv::Mat mat(height, width, CV_8UC1);
  const l_uint32* data = pixGetData(pix);
  for (int y = 0; y < height; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    auto* out = mat.ptr<uint8_t>(y);
    for (int x = 0; x < width; ++x) out[x] = GET_DATA_BIT(line, x) ? 0 : 255;
  }
  return mat;
}

}  // namespace

cv::Mat mat_from_pix(const Pix* source) {
  if (source == nullptr) return {};
  Pix* pix = const_cast<Pix*>(source);  // Leptonica's getters take non-const Pix
  const int depth = pixGetDepth(pix);
  if (depth == 1 && pixGetColormap(pix) == nullptr) return grey_from_1bpp(pix);
  if (depth == 32) return bgr_from_32bpp(pix);
  if (depth == 8 && pixGetColormap(pix) == nullptr) return grey_from_8bpp(pix);
  // Colour maps and the rarer depths: let Leptonica decide what the pixels mean.
  image::PixPtr converted(pixGetColormap(pix) != nullptr
                              ? pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC)
                              : pixConvertTo8(pix, 0));
  if (!converted) return {};
  const int converted_depth = pixGetDepth(converted.get());
  if (converted_depth == 32) return bgr_from_32bpp(converted.get());
  if (converted_depth == 8) return grey_from_8bpp(converted.get());
  image::PixPtr eight(pixConvertTo8(converted.get(), 0));
  return eight ? grey_from_8bpp(eight.get()) : cv::Mat();
}

cv::Mat pix_to_bgr(Pix* image) {
  if (image == nullptr) throw std::invalid_argument("pix_to_bgr: no image");
  const image::PixPtr rgb(pixConvertTo32(image));
  if (!rgb) throw std::runtime_error("pix_to_bgr: cannot convert to 32 bpp");
  return bgr_from_32bpp(rgb.get());
}

image::PixPtr grey_pix_from_mat(const cv::Mat& mat) {
  if (mat.empty() || mat.depth() != CV_8U) return nullptr;
  cv::Mat grey;
  if (mat.channels() == 3) {
    cv::cvtColor(mat, grey, cv::COLOR_BGR2GRAY);
  } else if (mat.channels() == 4) {
    cv::cvtColor(mat, grey, cv::COLOR_BGRA2GRAY);
  } else if (mat.channels() == 1) {
    grey = mat;
  } else {
    return nullptr;
  }
  image::PixPtr pix(pixCreate(grey.cols, grey.rows, 8));
  if (!pix) return nullptr;
  l_uint32* data = pixGetData(pix.get());
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < grey.rows; ++y) {
    l_uint32* line = data + static_cast<size_t>(y) * wpl;
    const auto* in = grey.ptr<uint8_t>(y);
    for (int x = 0; x < grey.cols; ++x) SET_DATA_BYTE(line, x, in[x]);
  }
  return pix;
}

}  // namespace ocrbatch::engine::dnn
