#include "engine/dnn/db_postprocess.h"

#include <algorithm>
#include <clipper.hpp>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace ocrbatch::engine::dnn {
namespace {

// Clipper works on integers: coordinates are scaled so growing keeps sub-pixel precision.
constexpr double kClipperScale = 256;

// minAreaRect's corners as TL, TR, BR, BL (PP-OCR's get_mini_boxes order), and its short side.
Quad ordered_corners(const cv::RotatedRect& rect, float* short_side) {
  cv::Point2f corners[4];
  rect.points(corners);
  std::sort(corners, corners + 4,
            [](const cv::Point2f& a, const cv::Point2f& b) { return a.x < b.x; });
  const auto [top_left, bottom_left] = corners[1].y > corners[0].y
                                           ? std::pair{corners[0], corners[1]}
                                           : std::pair{corners[1], corners[0]};
  const auto [top_right, bottom_right] = corners[3].y > corners[2].y
                                             ? std::pair{corners[2], corners[3]}
                                             : std::pair{corners[3], corners[2]};
  *short_side = std::min(rect.size.width, rect.size.height);
  return Quad{{Point2{top_left.x, top_left.y}, Point2{top_right.x, top_right.y},
               Point2{bottom_right.x, bottom_right.y}, Point2{bottom_left.x, bottom_left.y}}};
}

// Mean probability inside the quad, over the pixels its integer corners fill (box_score_fast:
// cheaper than the contour's own mask and what the thresholds were tuned with).
float box_score(const cv::Mat& map, const Quad& quad) {
  const RectF box = bounds(quad);
  const int x0 = std::clamp(static_cast<int>(std::floor(box.x0)), 0, map.cols - 1);
  const int x1 = std::clamp(static_cast<int>(std::ceil(box.x1)), 0, map.cols - 1);
  const int y0 = std::clamp(static_cast<int>(std::floor(box.y0)), 0, map.rows - 1);
  const int y1 = std::clamp(static_cast<int>(std::ceil(box.y1)), 0, map.rows - 1);
  cv::Mat mask = cv::Mat::zeros(y1 - y0 + 1, x1 - x0 + 1, CV_8U);
  std::vector<cv::Point> polygon;
  for (const Point2& p : quad.p) {
    polygon.emplace_back(static_cast<int>(p.x - x0), static_cast<int>(p.y - y0));
  }
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{polygon}, cv::Scalar(1));
  return static_cast<float>(cv::mean(map(cv::Rect(x0, y0, mask.cols, mask.rows)), mask)[0]);
}

// Grows the quad by area * ratio / perimeter with round joins (DB's unclip): the map marks
// text shrunk by that distance in training. Returns the grown outline's points.
std::vector<cv::Point2f> unclip(const Quad& quad, float ratio) {
  double area = 0, perimeter = 0;
  ClipperLib::Path path;
  for (int i = 0; i < 4; ++i) {
    const Point2 a = quad.p[i], b = quad.p[(i + 1) % 4];
    area += static_cast<double>(a.x) * b.y - static_cast<double>(b.x) * a.y;
    perimeter += std::hypot(b.x - a.x, b.y - a.y);
    path.emplace_back(static_cast<ClipperLib::cInt>(std::lround(a.x * kClipperScale)),
                      static_cast<ClipperLib::cInt>(std::lround(a.y * kClipperScale)));
  }
  area = std::abs(area) / 2;
  std::vector<cv::Point2f> grown;
  if (perimeter <= 0) return grown;
  ClipperLib::ClipperOffset offset;
  offset.ArcTolerance = 0.25 * kClipperScale;  // Clipper's default tolerance, in map pixels
  offset.AddPath(path, ClipperLib::jtRound, ClipperLib::etClosedPolygon);
  ClipperLib::Paths solution;
  offset.Execute(solution, area * ratio / perimeter * kClipperScale);
  for (const auto& outline : solution) {
    for (const auto& point : outline) {
      grown.emplace_back(static_cast<float>(point.X / kClipperScale),
                         static_cast<float>(point.Y / kClipperScale));
    }
  }
  return grown;
}

}  // namespace

std::vector<TextBox> db_boxes(const float* map_data, int width, int height,
                              const MapToSource& to_source, const DbParams& params) {
  std::vector<TextBox> boxes;
  if (map_data == nullptr || width <= 0 || height <= 0) return boxes;
  // OpenCV only reads through this header; the const_cast does not lead to a write.
  const cv::Mat map(height, width, CV_32F, const_cast<float*>(map_data));
  cv::Mat bitmap = map > params.threshold;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bitmap, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  const size_t candidates =
      std::min(contours.size(), static_cast<size_t>(std::max(0, params.max_candidates)));
  for (size_t i = 0; i < candidates; ++i) {
    float short_side = 0;
    const Quad core = ordered_corners(cv::minAreaRect(contours[i]), &short_side);
    if (short_side < params.min_side) continue;
    const float score = box_score(map, core);
    if (!(score >= params.box_threshold)) continue;  // NaN in the map: not scored, dropped
    const std::vector<cv::Point2f> grown = unclip(core, params.unclip_ratio);
    if (grown.size() < 3) continue;
    Quad quad = ordered_corners(cv::minAreaRect(grown), &short_side);
    if (short_side < params.min_side + 2) continue;
    for (Point2& p : quad.p) {
      p.x = std::clamp(p.x * to_source.scale_x + to_source.offset_x, 0.0f,
                       static_cast<float>(to_source.width));
      p.y = std::clamp(p.y * to_source.scale_y + to_source.offset_y, 0.0f,
                       static_cast<float>(to_source.height));
    }
    // Clamped corner by corner, a tilted box running off the source (into the padding, say)
    // can become a triangle or a dented quad, and a small one shrunk by the scale may turn
    // by less than is_convex asks: no crop can be cut from those. Keep the box's bounds, or
    // drop it when they are under a pixel square too (measured as is_convex does).
    if (!is_convex(quad)) {
      const RectF on = bounds(quad);
      quad = Quad{
          {Point2{on.x0, on.y0}, Point2{on.x1, on.y0}, Point2{on.x1, on.y1}, Point2{on.x0, on.y1}}};
      if (!is_convex(quad)) continue;
    }
    boxes.push_back({quad, score});
  }
  std::stable_sort(boxes.begin(), boxes.end(), [](const TextBox& a, const TextBox& b) {
    return a.quad.p[0].y != b.quad.p[0].y ? a.quad.p[0].y < b.quad.p[0].y
                                          : a.quad.p[0].x < b.quad.p[0].x;
  });
  return boxes;
}

}  // namespace ocrbatch::engine::dnn
