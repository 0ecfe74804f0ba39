#pragma once
// Cutting a detected text quad out of the page for a recogniser. Internal to engine/dnn: it
// includes OpenCV, which no other folder may see; geometry.h maps results back without it.

#include <opencv2/core.hpp>

#include "engine/dnn/geometry.h"

namespace ocrbatch::engine::dnn {

struct CropParams {
  // A crop this many times taller than wide is vertical text (or a rotated line): turned 90
  // degrees counter-clockwise, as PP-OCR does, so recognisers see it lying.
  float rotate_aspect = 1.5f;
  // Crops less high than this (after the rotation, before the border) are enlarged to it,
  // keeping their aspect; 0 leaves sizes alone.
  int min_height = 0;
  // A frame of the crop's median edge grey, this wide; 0: none.
  int border = 0;
  bool grey = false;  // a 1-channel crop, whatever the page is
};

// What Tesseract (PSM 7) reads best: a border of paper, not of smeared edge pixels (a
// replicated border cost half the accuracy in the probe), and no tiny text.
CropParams tesseract_crop_params();

struct Crop {
  cv::Mat image;
  Homography to_source;  // crop pixel -> source pixel, warp, rotation, scale and border included
  bool rotated = false;
};

// The quad warped to an upright rectangle as wide and high as its longer opposite sides.
// Empty image when the quad is not convex (no area, three corners on one line, crossed or
// dented), has a side under 1 or over 32767 px, or a corner not a finite number.
Crop crop_quad(const cv::Mat& source, const Quad& quad, const CropParams& params = {});

}  // namespace ocrbatch::engine::dnn
