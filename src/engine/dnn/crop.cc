#include "engine/dnn/crop.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace ocrbatch::engine::dnn {
namespace {

constexpr float kMaxSide = 32767;
float distance(Point2 a, Point2 b) { return std::hypot(a.x - b.x, a.y - b.y); }

Homography from_mat(const cv::Mat& m) {
  Homography h;
  for (int i = 0; i < 9; ++i) h.m[i] = m.at<double>(i / 3, i % 3);
  return h;
}

// The median of the outermost pixel ring: the paper around the text, for the border.
uint8_t median_edge_grey(const cv::Mat& grey) {
  std::vector<uint8_t> edge;
  const int last_row = grey.rows - 1, last_col = grey.cols - 1;
  for (int x = 0; x <= last_col; ++x) {
    edge.push_back(grey.at<uint8_t>(0, x));
    if (last_row > 0) edge.push_back(grey.at<uint8_t>(last_row, x));
  }
  for (int y = 1; y < last_row; ++y) {
    edge.push_back(grey.at<uint8_t>(y, 0));
    if (last_col > 0) edge.push_back(grey.at<uint8_t>(y, last_col));
  }
  auto middle = edge.begin() + static_cast<std::ptrdiff_t>(edge.size() / 2);
  std::nth_element(edge.begin(), middle, edge.end());
  return *middle;
}

}  // namespace

CropParams tesseract_crop_params() {
  CropParams params;
  params.min_height = 32;
  params.border = 8;
  params.grey = true;
  return params;
}

Crop crop_quad(const cv::Mat& source, const Quad& quad, const CropParams& params) {
  Crop crop;
  for (const Point2& p : quad.p) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return crop;
  }
  const float long_width = std::max(distance(quad.p[0], quad.p[1]), distance(quad.p[3], quad.p[2]));
  const float long_height =
      std::max(distance(quad.p[0], quad.p[3]), distance(quad.p[1], quad.p[2]));
  // A side over kMaxSide is no text line and would not fit an int. A quad that is not convex
  // has no homography from a rectangle that stays finite on it: three corners on one line give
  // none, and a crossed or dented quad would be sampled through infinity.
  if (source.empty() || !(long_width >= 1 && long_width <= kMaxSide) ||
      !(long_height >= 1 && long_height <= kMaxSide) || !is_convex(quad)) {
    return crop;
  }
  const int width = static_cast<int>(long_width);
  const int height = static_cast<int>(long_height);

  // getPerspectiveTransform fixes the map's last entry to 1, which fails (a zero matrix) when
  // the origin lies on the line the quad's homography sends to infinity: say, when two opposite
  // sides run along the page's top and left edges. The quad's centre never does (that line
  // misses a convex quad), so the corners are taken relative to it.
  const float cx = (quad.p[0].x + quad.p[1].x + quad.p[2].x + quad.p[3].x) / 4;
  const float cy = (quad.p[0].y + quad.p[1].y + quad.p[2].y + quad.p[3].y) / 4;
  const cv::Point2f from[4] = {{quad.p[0].x - cx, quad.p[0].y - cy},
                               {quad.p[1].x - cx, quad.p[1].y - cy},
                               {quad.p[2].x - cx, quad.p[2].y - cy},
                               {quad.p[3].x - cx, quad.p[3].y - cy}};
  const cv::Point2f to[4] = {{0, 0},
                             {static_cast<float>(width), 0},
                             {static_cast<float>(width), static_cast<float>(height)},
                             {0, static_cast<float>(height)}};
  const cv::Matx33d centred(1, 0, -cx, 0, 1, -cy, 0, 0, 1);
  const cv::Mat warp = cv::getPerspectiveTransform(from, to) * cv::Mat(centred);
  cv::Mat inverse;
  if (cv::invert(warp, inverse) == 0) return crop;
  cv::Mat image;
  // Cubic, and edges replicated rather than black: what PP-OCR's recogniser was trained on.
  cv::warpPerspective(source, image, warp, cv::Size(width, height), cv::INTER_CUBIC,
                      cv::BORDER_REPLICATE);
  Homography to_source = from_mat(inverse);

  if (params.grey && image.channels() != 1) {
    cv::cvtColor(image, image, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  }
  if (params.rotate_aspect > 0 && image.rows >= params.rotate_aspect * image.cols) {
    // Counter-clockwise: rotated pixel (x, y) was pixel (cols - 1 - y, x).
    const double cols = image.cols;
    cv::rotate(image, image, cv::ROTATE_90_COUNTERCLOCKWISE);
    to_source = Homography{{0, -1, cols - 1, 1, 0, 0, 0, 0, 1}}.then(to_source);
    crop.rotated = true;
  }
  if (params.min_height > 0 && image.rows < params.min_height) {
    const double factor = static_cast<double>(params.min_height) / image.rows;
    const cv::Size size(std::max(1, static_cast<int>(std::lround(image.cols * factor))),
                        params.min_height);
    const double sx = static_cast<double>(size.width) / image.cols;
    const double sy = static_cast<double>(size.height) / image.rows;
    cv::resize(image, image, size, 0, 0, cv::INTER_CUBIC);
    // cv::resize aligns pixel areas: destination x came from (x + 0.5) / sx - 0.5.
    const Homography back =
        translation(0.5, 0.5).then(scaling(1 / sx, 1 / sy)).then(translation(-0.5, -0.5));
    to_source = back.then(to_source);
  }
  if (params.border > 0) {
    cv::Mat grey_image = image;
    if (image.channels() != 1) {
      cv::cvtColor(image, grey_image,
                   image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    }
    const uint8_t grey = median_edge_grey(grey_image);
    cv::copyMakeBorder(image, image, params.border, params.border, params.border, params.border,
                       cv::BORDER_CONSTANT, cv::Scalar(grey, grey, grey, 255));
    to_source = translation(-params.border, -params.border).then(to_source);
  }
  crop.image = image;
  crop.to_source = to_source;
  return crop;
}

}  // namespace ocrbatch::engine::dnn
