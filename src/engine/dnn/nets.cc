#include "engine/dnn/nets.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "engine/dnn/nets_impl.h"

namespace ocrbatch::engine::dnn {
namespace {

std::atomic<int> g_intra_op_threads{1};
std::once_flag g_threads_once;

// Each worker runs its own nets, so OpenCV's own pool would only compete with the other
// workers (it gave 0-40% on det and nothing on rec in the probe).
void apply_threads_once() {
  std::call_once(g_threads_once, [] {
    const int threads = g_intra_op_threads.load();
    cv::setNumThreads(threads >= 1 ? threads : -1);
  });
}

cv::dnn::Net load_net(const std::string& path) {
  apply_threads_once();
  cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
  if (net.empty()) throw std::runtime_error("OpenCV could not load " + path);
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return net;
}

// PaddleOCR's rec and cls preprocessing: keep the aspect at kLineHeight, (x/255 - 0.5) / 0.5,
// zeros (mid grey) after the line up to `width`.
cv::Mat line_blob(const cv::Mat& bgr, int scaled_width, int width) {
  cv::Mat resized;
  cv::resize(bgr, resized, cv::Size(scaled_width, kLineHeight), 0, 0, cv::INTER_LINEAR);
  cv::Mat normalised;
  resized.convertTo(normalised, CV_32FC3, 2.0 / 255.0, -1.0);
  cv::Mat padded = cv::Mat::zeros(kLineHeight, width, CV_32FC3);
  normalised.copyTo(padded(cv::Rect(0, 0, scaled_width, kLineHeight)));
  return cv::dnn::blobFromImage(padded);
}

int scaled_width_at_line_height(cv::Size line, int max_width) {
  if (line.height <= 0 || line.width <= 0) return 1;
  const double w = std::ceil(kLineHeight * static_cast<double>(line.width) / line.height);
  return static_cast<int>(std::clamp(w, 1.0, static_cast<double>(max_width)));
}

}  // namespace

void set_intra_op_threads(int threads) { g_intra_op_threads.store(threads); }

cv::Size det_input_size(cv::Size image, int max_side) {
  const int longest = std::max(image.width, image.height);
  const double ratio = longest > max_side ? static_cast<double>(max_side) / longest : 1.0;
  auto round32 = [](double side) {
    // nearbyint rounds half to even, as Python's round() in PaddleOCR.
    return std::max(static_cast<int>(std::nearbyint(std::floor(side) / 32.0)) * 32, 32);
  };
  return {round32(image.width * ratio), round32(image.height * ratio)};
}

int rec_scaled_width(cv::Size line) {
  return scaled_width_at_line_height(line, rec_widths().back());
}

int rec_bucket_for(int scaled_width) {
  for (int w : rec_widths())
    if (scaled_width <= w) return w;
  return rec_widths().back();
}

// --- det -------------------------------------------------------------------------------

DetNet::DetNet(const ModelFiles& files, int max_side) : impl_(std::make_unique<Impl>()) {
  impl_->net = load_net(files.det());
  impl_->max_side = max_side;
}
DetNet::~DetNet() = default;

DetMap DetNet::run(Pix* image) { return impl_->run(pix_to_bgr(image)); }

DetMap DetNet::Impl::run(const cv::Mat& bgr) {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  const cv::Size size = det_input_size(bgr.size(), max_side);
  cv::Mat resized;
  cv::resize(bgr, resized, size, 0, 0, cv::INTER_LINEAR);
  // PaddleOCR feeds the BGR image as read by cv2.imread to NormalizeImage, whose mean and std
  // are ImageNet's in RGB order: channel 0 (blue) gets 0.485/0.229. The net was trained so.
  cv::Mat normalised;
  resized.convertTo(normalised, CV_32FC3, 1.0 / 255.0);
  normalised -= cv::Scalar(0.485, 0.456, 0.406);
  cv::divide(normalised, cv::Scalar(0.229, 0.224, 0.225), normalised);
  net.setInput(cv::dnn::blobFromImage(normalised));
  const cv::Mat out = net.forward();  // [1, 1, h, w]
  CV_Assert(out.dims == 4 && out.size[2] == size.height && out.size[3] == size.width);
  DetMap map;
  map.width = size.width;
  map.height = size.height;
  const auto* begin = out.ptr<float>();
  map.prob.assign(begin, begin + static_cast<size_t>(size.width) * size.height);
  map.scale_x = static_cast<double>(bgr.cols) / size.width;
  map.scale_y = static_cast<double>(bgr.rows) / size.height;
  return map;
}

// --- rec -------------------------------------------------------------------------------

RecNet::RecNet(const ModelFiles& files) : impl_(std::make_unique<Impl>()) {
  impl_->files = files;
  apply_threads_once();
}
RecNet::~RecNet() = default;

RecOutput RecNet::run(Pix* line) { return impl_->run(pix_to_bgr(line)); }

std::vector<int> RecNet::loaded_widths() const {
  std::vector<int> widths;
  for (const auto& [width, net] : impl_->nets) widths.push_back(width);
  return widths;
}

cv::dnn::Net& RecNet::Impl::net_for(int width) {
  auto it = nets.find(width);
  if (it == nets.end()) it = nets.emplace(width, load_net(files.rec(width))).first;
  return it->second;
}

RecOutput RecNet::Impl::run(const cv::Mat& bgr) {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  const int scaled = rec_scaled_width(bgr.size());
  const int bucket = rec_bucket_for(scaled);
  cv::dnn::Net& net = net_for(bucket);
  net.setInput(line_blob(bgr, scaled, bucket));
  const cv::Mat out = net.forward();  // [1, T, kRecClasses]
  CV_Assert(out.dims == 3 && out.size[2] == kRecClasses);
  RecOutput result;
  result.frames = out.size[1];
  result.bucket_width = bucket;
  // Frames are evenly spaced over the padded width (8 px each at these widths).
  result.valid_frames =
      std::min(result.frames,
               static_cast<int>(std::ceil(static_cast<double>(scaled) * result.frames / bucket)));
  const auto* begin = out.ptr<float>();
  result.probs.assign(begin, begin + static_cast<size_t>(result.frames) * kRecClasses);
  return result;
}

// --- cls -------------------------------------------------------------------------------

ClsNet::ClsNet(const ModelFiles& files) : impl_(std::make_unique<Impl>()) {
  impl_->net = load_net(files.cls());
}
ClsNet::~ClsNet() = default;

float ClsNet::run(Pix* line) { return impl_->run(pix_to_bgr(line)); }

float ClsNet::Impl::run(const cv::Mat& bgr) {
  CV_Assert(bgr.type() == CV_8UC3 && !bgr.empty());
  const int scaled = scaled_width_at_line_height(bgr.size(), kClsWidth);
  net.setInput(line_blob(bgr, scaled, kClsWidth));
  const cv::Mat out = net.forward();  // [1, 2]: P(0 degrees), P(180 degrees)
  CV_Assert(out.total() == 2);
  return out.ptr<float>()[1];
}

}  // namespace ocrbatch::engine::dnn
