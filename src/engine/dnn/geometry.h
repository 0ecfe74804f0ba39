#pragma once
// Plain geometry shared by the DNN path: detected text quads and the transforms that map a
// crop's pixels back to the page. No OpenCV here, so any folder may include it.

#include <array>

namespace ocrbatch::engine::dnn {

// Pixel coordinates, y down; integer values are pixel centres, as in OpenCV.
struct Point2 {
  float x = 0, y = 0;
};

// A text region: top-left, top-right, bottom-right, bottom-left (clockwise on screen).
struct Quad {
  std::array<Point2, 4> p;
};

// Axis-aligned, x0 <= x1 and y0 <= y1.
struct RectF {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
};

RectF bounds(const Quad& quad);

// The quad's reading direction length and text height: the means of its opposite sides.
float quad_width(const Quad& quad);
float quad_height(const Quad& quad);

// Whether the quad is convex, in either winding, with every corner turning by at least half a
// pixel square (twice the triangle's area >= 1): only such a quad is the image of a rectangle
// under a homography that stays finite on it. False for three corners on one line (or two
// equal), a crossed or a dented quad, and any corner not a number.
bool is_convex(const Quad& quad);

// A projective map of the plane, row-major 3x3; points are (x, y, 1).
struct Homography {
  std::array<double, 9> m{1, 0, 0, 0, 1, 0, 0, 0, 1};
  Point2 apply(Point2 point) const;
  // this after `first`: (a.then(b)).apply(p) == b.apply(a.apply(p)).
  Homography then(const Homography& next) const;
};

Homography translation(double dx, double dy);
Homography scaling(double sx, double sy);

// A pixel box for records: integers, clipped to a width x height image; empty (w or h 0)
// when nothing of it is inside.
struct PixelBox {
  int x = 0, y = 0, w = 0, h = 0;
};
PixelBox pixel_box(const RectF& rect, int width, int height);

// An axis-aligned box in crop pixels (say, a word) as it lies on the source page.
struct SourceBox {
  Quad quad;      // the box's corners mapped one by one: p[0] is the text's top-left, which
                  // is not the page's top-left when the crop was rotated
  PixelBox bbox;  // the quad's bounds on the source, clipped to it
};
SourceBox map_to_source(const Homography& crop_to_source, const RectF& box_in_crop,
                        int source_width, int source_height);

}  // namespace ocrbatch::engine::dnn
