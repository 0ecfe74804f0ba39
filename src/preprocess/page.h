#pragma once
// The working state of one page while it goes through preprocessing: the current image,
// what was learnt about it, what was done, and the geometry that maps the current image
// back to the source so word boxes are reported in source pixels.

#include <optional>
#include <vector>

#include "engine/engine.h"
#include "image/image.h"
#include "record/record.h"

namespace ocrbatch::preprocess {

// x' = a*x + b*y + c, y' = d*x + e*y + f.
struct Affine {
  double a = 1, b = 0, c = 0, d = 0, e = 1, f = 0;

  static Affine scale(double s) { return {s, 0, 0, 0, s, 0}; }
  // Leptonica's rotation about the image centre, clockwise for positive angles (y down).
  static Affine rotate_about(double radians, double cx, double cy);
  // pixRotateOrth: `quads` quarter turns clockwise of a w x h image.
  static Affine rotate_orth(int quads, int w, int h);

  // This transform followed by `next`.
  Affine then(const Affine& next) const;
  Affine inverse() const;
  void map(double x, double y, double* ox, double* oy) const;
};

enum class Kind { bilevel, grey, photo };
const char* kind_name(Kind kind);

// What a cheap look at the image found. Sizes are in pixels of the image analysed.
struct Analysis {
  Kind kind = Kind::grey;
  bool line = false;       // a single text line or a short snippet, not a page
  bool inverted = false;   // light text on a dark background
  bool blank = false;      // no ink that could be text
  bool uneven = false;     // the background brightness varies across the page (photo light)
  bool noisy = false;      // many specks the size of a pixel or two
  bool sparse = false;     // short pieces of text scattered over the page (forms, receipts)
  double line_fill = 1;    // median text run width / text block width
  double text_height = 0;  // median height of character-sized components; 0 when unknown
  int components = 0;      // character-sized components found
};

struct Page {
  image::PixPtr pix;
  int source_width = 0, source_height = 0;
  int source_dpi = 0;  // from the file header; 0 when absent
  Affine to_work;      // source pixels -> pixels of `pix`
  std::optional<Analysis> analysis;

  record::Preprocessing done;  // what the record reports
  int dpi = 0;                 // effective resolution to tell the engine; 0: leave it
  engine::Layout layout = engine::Layout::configured;  // how the text is laid out, if a step knows
  // Orientation is checked after recognition, if the upright text reads poorly.
  bool orientation_pending = false;
  // The decoded image as it came in (shared, never changed by a step) and its resolution
  // fields, for the plain reading a poor prepared reading falls back to; set by Chain::run.
  image::PixPtr original;
  int original_xres = 0, original_yres = 0;
};

// Starts a page from a decoded image.
Page make_page(image::PixPtr pix);

// Replaces the working image after a geometric change described by `step`.
void transform(Page& page, image::PixPtr next, const Affine& step);

// Maps a box in working pixels back to the source image, clipped to it.
record::Box to_source(const Page& page, const record::Box& box);
// Maps a baseline's two points back to the source image, each clipped to it: a page read
// turned has its baseline turned back with it, still running as the text reads.
record::Baseline baseline_to_source(const Page& page, const record::Baseline& baseline);
// Every box and baseline of a layout tree, mapped back to the source.
void to_source(const Page& page, std::vector<record::Block>& blocks);

}  // namespace ocrbatch::preprocess
