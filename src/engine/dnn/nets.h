#pragma once
// The three PP-OCR nets run through OpenCV's DNN module: the DB text detector, the line
// recogniser and the 0/180 degree direction classifier. Each object loads its net(s) once and is
// used by one thread. No OpenCV here: the OpenCV side is nets_impl.h, for engine/dnn only.

#include <memory>
#include <vector>

#include "engine/dnn/model_files.h"

struct Pix;

namespace ocrbatch::engine::dnn {

// The detector's input is scaled so that its longest side is at most this (PaddleOCR's
// det_limit_side_len); both sides become multiples of 32.
inline constexpr int kDetMaxSide = 960;
// Every recogniser and classifier input is this tall.
inline constexpr int kLineHeight = 48;
inline constexpr int kClsWidth = 192;
// Classes of the recogniser's output: 0 is the CTC blank, 1..6623 the lines of
// ppocr_keys_v1.txt, 6624 a space.
inline constexpr int kRecClasses = 6625;

// The threads OpenCV uses inside one forward pass, applied once before the first net is made.
// 1 (the default) is right for ocrbatch, whose workers each run their own nets; a value below 1
// keeps OpenCV's own default (the benchmark compares both). Calls after the first net are ignored.
void set_intra_op_threads(int threads);

// The detector's text probability map, one float in [0,1] per map pixel, row-major.
struct DetMap {
  int width = 0;
  int height = 0;
  std::vector<float> prob;
  // Input pixels per map pixel: input x = map x * scale_x (likewise y).
  double scale_x = 1;
  double scale_y = 1;
  float at(int x, int y) const { return prob[static_cast<size_t>(y) * width + x]; }
};

// The recogniser's output for one line: per frame, the probability of each class (the net ends
// in a softmax), row-major [frames, kRecClasses].
struct RecOutput {
  int frames = 0;
  int valid_frames = 0;  // frames that cover the line itself, not the padding after it
  int bucket_width = 0;  // the rec-w<W> net that read it
  std::vector<float> probs;
  const float* frame(int t) const { return probs.data() + static_cast<size_t>(t) * kRecClasses; }
};

class DetNet {
 public:
  explicit DetNet(const ModelFiles& files, int max_side = kDetMaxSide);
  ~DetNet();
  DetNet(const DetNet&) = delete;
  DetNet& operator=(const DetNet&) = delete;
  // Any depth Leptonica can convert to 32 bpp.
  DetMap run(Pix* image);

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

class RecNet {
 public:
  // Loads no net yet: each width is loaded the first time a line needs it.
  explicit RecNet(const ModelFiles& files);
  ~RecNet();
  RecNet(const RecNet&) = delete;
  RecNet& operator=(const RecNet&) = delete;
  // A line crop, upright: scaled to kLineHeight keeping its aspect (at most 1920 wide), padded to
  // the next width bucket.
  RecOutput run(Pix* line);
  // The widths loaded so far.
  std::vector<int> loaded_widths() const;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

class ClsNet {
 public:
  explicit ClsNet(const ModelFiles& files);
  ~ClsNet();
  ClsNet(const ClsNet&) = delete;
  ClsNet& operator=(const ClsNet&) = delete;
  // The probability that the line crop is turned by 180 degrees.
  float run(Pix* line);

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocrbatch::engine::dnn
