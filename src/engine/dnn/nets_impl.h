#pragma once
// The OpenCV side of nets.h, for code inside engine/dnn (and its tests) only: the nets on
// 8-bit BGR cv::Mat images.

#include <map>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>

#include "engine/dnn/nets.h"
#include "engine/dnn/pix_mat.h"

namespace ocrbatch::engine::dnn {

// The detector's input size for an image: longest side at most max_side (never enlarged), each
// side rounded to the nearest multiple of 32 and at least 32, as PaddleOCR's DetResizeForTest.
cv::Size det_input_size(cv::Size image, int max_side);

// The width a line of this size is scaled to at kLineHeight (at least 1, at most the widest
// bucket), and the bucket it is padded to.
int rec_scaled_width(cv::Size line);
int rec_bucket_for(int scaled_width);

struct DetNet::Impl {
  cv::dnn::Net net;
  int max_side = kDetMaxSide;
  DetMap run(const cv::Mat& bgr);
};

struct RecNet::Impl {
  ModelFiles files;
  std::map<int, cv::dnn::Net> nets;  // by bucket width, loaded on first use
  cv::dnn::Net& net_for(int width);
  RecOutput run(const cv::Mat& bgr);
};

struct ClsNet::Impl {
  cv::dnn::Net net;
  float run(const cv::Mat& bgr);
};

}  // namespace ocrbatch::engine::dnn
