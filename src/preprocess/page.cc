#include "preprocess/page.h"

#include <algorithm>
#include <cmath>

namespace ocrbatch::preprocess {

Affine Affine::rotate_about(double radians, double cx, double cy) {
  const double c = std::cos(radians), s = std::sin(radians);
  // p' = R (p - centre) + centre, with R clockwise on screen (y grows downwards).
  return {c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy};
}

Affine Affine::rotate_orth(int quads, int w, int h) {
  switch (((quads % 4) + 4) % 4) {
    case 1:
      return {0, -1, h - 1.0, 1, 0, 0};  // 90 clockwise
    case 2:
      return {-1, 0, w - 1.0, 0, -1, h - 1.0};  // 180
    case 3:
      return {0, 1, 0, -1, 0, w - 1.0};  // 270 clockwise
    default:
      return {};
  }
}

Affine Affine::then(const Affine& n) const {
  return {n.a * a + n.b * d, n.a * b + n.b * e, n.a * c + n.b * f + n.c,
          n.d * a + n.e * d, n.d * b + n.e * e, n.d * c + n.e * f + n.f};
}

Affine Affine::inverse() const {
  const double det = a * e - b * d;
  if (std::abs(det) < 1e-12) return {};
  const double ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  return {ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)};
}

void Affine::map(double x, double y, double* ox, double* oy) const {
  *ox = a * x + b * y + c;
  *oy = d * x + e * y + f;
}

Page make_page(image::PixPtr pix) {
  Page page;
  const auto info = image::info(pix.get());
  page.source_width = info.width;
  page.source_height = info.height;
  page.source_dpi = info.dpi;
  page.pix = std::move(pix);
  return page;
}

void transform(Page& page, image::PixPtr next, const Affine& step) {
  page.pix = std::move(next);
  page.to_work = page.to_work.then(step);
}

record::Box to_source(const Page& page, const record::Box& box) {
  const Affine back = page.to_work.inverse();
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  const double xs[] = {static_cast<double>(box.x), static_cast<double>(box.x + box.w)};
  const double ys[] = {static_cast<double>(box.y), static_cast<double>(box.y + box.h)};
  for (double x : xs) {
    for (double y : ys) {
      double sx = 0, sy = 0;
      back.map(x, y, &sx, &sy);
      x0 = std::min(x0, sx), y0 = std::min(y0, sy), x1 = std::max(x1, sx), y1 = std::max(y1, sy);
    }
  }
  const auto clamp = [](double v, int hi) {
    return std::clamp(static_cast<int>(std::lround(v)), 0, hi);
  };
  const int left = clamp(x0, page.source_width), top = clamp(y0, page.source_height);
  const int right = clamp(x1, page.source_width), bottom = clamp(y1, page.source_height);
  return {left, top, right - left, bottom - top};
}

record::Baseline baseline_to_source(const Page& page, const record::Baseline& baseline) {
  if (baseline.empty()) return baseline;
  const Affine back = page.to_work.inverse();
  const auto point = [&](int x, int y, int* ox, int* oy) {
    double sx = 0, sy = 0;
    back.map(x, y, &sx, &sy);
    *ox = std::clamp(static_cast<int>(std::lround(sx)), 0, page.source_width);
    *oy = std::clamp(static_cast<int>(std::lround(sy)), 0, page.source_height);
  };
  record::Baseline out;
  point(baseline.x1, baseline.y1, &out.x1, &out.y1);
  point(baseline.x2, baseline.y2, &out.x2, &out.y2);
  return out;
}

void to_source(const Page& page, std::vector<record::Block>& blocks) {
  for (auto& block : blocks) {
    block.bbox = to_source(page, block.bbox);
    for (auto& paragraph : block.paragraphs) {
      paragraph.bbox = to_source(page, paragraph.bbox);
      for (auto& line : paragraph.lines) {
        line.bbox = to_source(page, line.bbox);
        line.baseline = baseline_to_source(page, line.baseline);
        for (auto& word : line.words) {
          word.bbox = to_source(page, word.bbox);
          word.baseline = baseline_to_source(page, word.baseline);
        }
      }
    }
  }
}

}  // namespace ocrbatch::preprocess
