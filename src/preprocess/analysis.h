#pragma once
// Cheap measurements of a page image, shared by the steps: grey conversion, adaptive
// binarisation, character-sized components and the classification that routes a page.

#include <vector>

#include "image/image.h"
#include "preprocess/page.h"

namespace ocrbatch::preprocess {

// Takes ownership of a Leptonica result.
inline image::PixPtr own(Pix* pix) { return image::PixPtr(pix); }

// 8-bit grey copy of any image (1-bit as 0/255, colour as luminance, colour maps removed).
image::PixPtr to_grey(Pix* pix);

// A grey copy reduced by `r` (at most 1; 1 gives a plain grey copy).
image::PixPtr reduced_grey(Pix* pix, double r);

// Sauvola thresholding of a grey image with a window sized from the text height (pixels).
// Returns a 1-bit image (1 = ink), or nullptr when the image is too small for the window.
image::PixPtr sauvola(Pix* grey, double text_height);

// A 1-bit version of any image for measuring: 1-bit as is, others by Sauvola.
image::PixPtr binary_for_analysis(Pix* pix, double text_height);

struct Component {
  int x, y, w, h;
};
// Connected components of a 1-bit image that could be characters: neither specks nor
// rules nor blocks (pictures, scanner borders).
std::vector<Component> character_components(Pix* binary);

// The components that have a neighbour of similar height beside them on the same line:
// characters of text, without the scattered specks of paper grain, noise and JPEG blocks.
std::vector<Component> in_rows(const std::vector<Component>& components);

// Components of at most `size` x `size` pixels with no other ink within a few pixels: noise,
// as opposed to the dots of i, j and punctuation (which sit near letters) and dot-matrix
// print (whose dots sit in clusters).
image::PixPtr isolated_specks(Pix* binary, int size);

// Median height of the character-sized components; 0 with fewer than `min_count`.
double median_height(const std::vector<Component>& components, size_t min_count = 8);

// The horizontal band of `lines` text heights (or the whole image, if smaller) with the
// most ink: enough text to judge orientation at a fraction of the page's cost.
image::PixPtr densest_band(Pix* pix, double text_height, int lines);

// Classifies a page image. Works on a copy reduced to at most ~1600 pixels a side, so it
// costs a few tens of milliseconds whatever the image size; sizes are reported in pixels
// of `pix` itself.
Analysis analyse(Pix* pix);

}  // namespace ocrbatch::preprocess
