#include "engine/dnn/geometry.h"

#include <algorithm>
#include <cmath>

namespace ocrbatch::engine::dnn {
namespace {

float distance(Point2 a, Point2 b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Twice the signed area of the triangle a, b, c: how far the path turns at b.
double turn(Point2 a, Point2 b, Point2 c) {
  return (static_cast<double>(b.x) - a.x) * (static_cast<double>(c.y) - b.y) -
         (static_cast<double>(b.y) - a.y) * (static_cast<double>(c.x) - b.x);
}

}  // namespace

RectF bounds(const Quad& quad) {
  RectF rect{quad.p[0].x, quad.p[0].y, quad.p[0].x, quad.p[0].y};
  for (const Point2& point : quad.p) {
    rect.x0 = std::min(rect.x0, point.x);
    rect.y0 = std::min(rect.y0, point.y);
    rect.x1 = std::max(rect.x1, point.x);
    rect.y1 = std::max(rect.y1, point.y);
  }
  return rect;
}

float quad_width(const Quad& quad) {
  return (distance(quad.p[0], quad.p[1]) + distance(quad.p[3], quad.p[2])) / 2;
}

float quad_height(const Quad& quad) {
  return (distance(quad.p[0], quad.p[3]) + distance(quad.p[1], quad.p[2])) / 2;
}

bool is_convex(const Quad& quad) {
  constexpr double kMinTurn = 1;
  int left = 0, right = 0;
  for (int i = 0; i < 4; ++i) {
    const double t = turn(quad.p[(i + 3) % 4], quad.p[i], quad.p[(i + 1) % 4]);
    if (t >= kMinTurn) ++left;
    if (t <= -kMinTurn) ++right;
  }
  return left == 4 || right == 4;
}

Point2 Homography::apply(Point2 point) const {
  const double x = point.x, y = point.y;
  const double w = m[6] * x + m[7] * y + m[8];
  return {static_cast<float>((m[0] * x + m[1] * y + m[2]) / w),
          static_cast<float>((m[3] * x + m[4] * y + m[5]) / w)};
}

Homography Homography::then(const Homography& next) const {
  Homography product;
  for (int row = 0; row < 3; ++row) {
    for (int col = 0; col < 3; ++col) {
      double sum = 0;
      for (int k = 0; k < 3; ++k) sum += next.m[row * 3 + k] * m[k * 3 + col];
      product.m[row * 3 + col] = sum;
    }
  }
  return product;
}

Homography translation(double dx, double dy) { return {{1, 0, dx, 0, 1, dy, 0, 0, 1}}; }

Homography scaling(double sx, double sy) { return {{sx, 0, 0, 0, sy, 0, 0, 0, 1}}; }

PixelBox pixel_box(const RectF& rect, int width, int height) {
  if (!std::isfinite(rect.x0) || !std::isfinite(rect.y0) || !std::isfinite(rect.x1) ||
      !std::isfinite(rect.y1)) {
    return {};
  }
  // Clamped as doubles first: a float too large for int cannot be cast.
  const auto edge = [](double value, int low, int high) {
    return static_cast<int>(std::clamp(value, static_cast<double>(low), static_cast<double>(high)));
  };
  const int x0 = edge(std::floor(rect.x0), 0, width);
  const int y0 = edge(std::floor(rect.y0), 0, height);
  const int x1 = edge(std::ceil(rect.x1), x0, width);
  const int y1 = edge(std::ceil(rect.y1), y0, height);
  return {x0, y0, x1 - x0, y1 - y0};
}

SourceBox map_to_source(const Homography& crop_to_source, const RectF& box_in_crop,
                        int source_width, int source_height) {
  const Quad in_crop{
      {Point2{box_in_crop.x0, box_in_crop.y0}, Point2{box_in_crop.x1, box_in_crop.y0},
       Point2{box_in_crop.x1, box_in_crop.y1}, Point2{box_in_crop.x0, box_in_crop.y1}}};
  SourceBox mapped;
  for (int i = 0; i < 4; ++i) mapped.quad.p[i] = crop_to_source.apply(in_crop.p[i]);
  mapped.bbox = pixel_box(bounds(mapped.quad), source_width, source_height);
  return mapped;
}

}  // namespace ocrbatch::engine::dnn
