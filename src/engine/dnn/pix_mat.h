#pragma once
// Leptonica <-> OpenCV image conversion for the DNN path. Internal to engine/dnn: it includes
// OpenCV, which no other folder may see.

#include <opencv2/core.hpp>

#include "image/image.h"

namespace ocrbatch::engine::dnn {

// A Pix as an 8-bit Mat: 32 bpp (and colour-mapped) Pix become 3-channel BGR, the nets'
// input order; grey and binary Pix become 1-channel grey (binary: ink 0, paper 255). Other
// depths go through Leptonica's 8-bit conversion. An empty Mat for a null Pix.
cv::Mat mat_from_pix(const Pix* pix);

// An 8-bit BGR copy of any Leptonica image, grey and binary ones included: what the nets take.
// Throws std::invalid_argument for a null Pix, std::runtime_error when Leptonica cannot
// convert it.
cv::Mat pix_to_bgr(Pix* image);

// An 8-bit grey Pix (what Tesseract reads best from crops) from a 1-, 3- or 4-channel 8-bit
// Mat; colour is turned grey with OpenCV's BGR weights. Null for an empty Mat.
image::PixPtr grey_pix_from_mat(const cv::Mat& mat);

}  // namespace ocrbatch::engine::dnn
