// libFuzzer target: what the DNN engine makes of an input image, and its geometry on its own.
//   image: decode -> pix_to_bgr -> DetNet -> db_boxes -> crop_quad (default and Tesseract
//          params) for the boxes -> grey_pix_from_mat
//   other bytes, first byte even: a probability map -> db_boxes -> crop_quad for the boxes
//   other bytes, first byte odd: quads (odd, degenerate, huge, NaN) -> crop_quad on a page
// Every box is checked; the first kMaxCroppedBoxes are cropped.
// Built as a real fuzzer with -DOCRBATCH_FUZZ=ON (clang), and as a replay driver (replay_main.cc)
// with any compiler, as the other targets are.
//
// One detector, loaded once, with a small largest side (kDetSide): an execution then costs
// milliseconds, and what is fuzzed is the sizing and rounding of the input, not the net's
// arithmetic. Images over kMaxPixels (header first, as the runner's --max-pixels) are skipped.
// The models are the build's copy (OCRBATCH_FUZZ_MODELS_DIR) or $OCRBATCH_MODELS; without them
// the target stops at its first input, as the nets' unit tests fail.

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <opencv2/core.hpp>
#include <string_view>
#include <vector>

#include "engine/dnn/crop.h"
#include "engine/dnn/db_postprocess.h"
#include "engine/dnn/geometry.h"
#include "engine/dnn/model_files.h"
#include "engine/dnn/nets.h"
#include "engine/dnn/nets_impl.h"
#include "engine/dnn/pix_mat.h"
#include "image/image.h"

namespace {

namespace dnn = ocrbatch::engine::dnn;
namespace image = ocrbatch::image;

constexpr int kDetSide = 256;
constexpr uint64_t kMaxPixels = 1ull << 18;
// Crops above this many pixels are legitimate but slow (a side may be 32767 px): not made.
constexpr double kMaxCropPixels = 5e5;
constexpr size_t kMaxQuads = 8;
// Boxes of one map or image that are cropped (all are checked).
constexpr size_t kMaxCroppedBoxes = 32;

#define CHECK(condition)                                                                    \
  do {                                                                                      \
    if (!(condition)) {                                                                     \
      std::fprintf(stderr, "fuzz_dnn_input: %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
                   #condition);                                                             \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

// Reads the input front to back; past the end every read gives zeros.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  float f32() {
    uint32_t bits = 0;
    for (int i = 0; i < 4; ++i) bits |= static_cast<uint32_t>(u8()) << (8 * i);
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  size_t left() const { return size_ - std::min(pos_, size_); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

dnn::DetNet& det_net() {
  static std::unique_ptr<dnn::DetNet> net = [] {
    const char* env = std::getenv("OCRBATCH_MODELS");
    const dnn::ModelsDir dir{env != nullptr && *env != '\0' ? env : OCRBATCH_FUZZ_MODELS_DIR,
                             "the fuzz target"};
    auto files = dnn::check_model_files(dir);
    if (!files.ok()) {
      std::fprintf(stderr, "fuzz_dnn_input: %s\n", files.error().message.c_str());
      std::abort();
    }
    return std::make_unique<dnn::DetNet>(files.value(), kDetSide);
  }();
  return *net;
}

bool finite(dnn::Point2 p) { return std::isfinite(p.x) && std::isfinite(p.y); }

float distance(dnn::Point2 a, dnn::Point2 b) { return std::hypot(a.x - b.x, a.y - b.y); }

// A pattern in which every pixel differs from its neighbours, with `channels` channels.
cv::Mat page(int width, int height, int channels, uint8_t seed) {
  cv::Mat grey(height, width, CV_8UC1);
  for (int y = 0; y < height; ++y) {
    auto* row = grey.ptr<uint8_t>(y);
    for (int x = 0; x < width; ++x) row[x] = static_cast<uint8_t>(x * 7 + y * 13 + seed);
  }
  if (channels == 1) return grey;
  std::vector<cv::Mat> planes(static_cast<size_t>(channels), grey);
  cv::Mat out;
  cv::merge(planes, out);
  return out;
}

// The crop_quad contract, checked on one quad.
void check_crop(const cv::Mat& source, const dnn::Quad& quad, const dnn::CropParams& params) {
  bool all_finite = true;
  for (const dnn::Point2& p : quad.p) all_finite = all_finite && finite(p);
  // A NaN side must not win the comparison: the longer side, NaN when either is.
  const auto longer = [](float a, float b) {
    return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
  };
  const float long_w = longer(distance(quad.p[0], quad.p[1]), distance(quad.p[3], quad.p[2]));
  const float long_h = longer(distance(quad.p[0], quad.p[3]), distance(quad.p[1], quad.p[2]));
  const bool sides_ok = long_w >= 1 && long_w <= 32767 && long_h >= 1 && long_h <= 32767;
  if (all_finite && sides_ok) {
    const double rows = std::min(long_w, long_h);
    const double enlarge = params.min_height > rows ? params.min_height / rows : 1.0;
    if (static_cast<double>(long_w) * long_h * enlarge * enlarge > kMaxCropPixels) return;
  }

  const dnn::Crop crop = dnn::crop_quad(source, quad, params);
  if (crop.image.empty()) return;
  // crop.h: empty for a corner not a number, a side over 32767 px or under 1 px.
  CHECK(all_finite);
  CHECK(sides_ok);

  const cv::Mat& img = crop.image;
  CHECK(img.cols > 0 && img.rows > 0 && img.depth() == CV_8U);
  CHECK(img.channels() == (params.grey ? 1 : source.channels()));
  const int warp_w = static_cast<int>(long_w), warp_h = static_cast<int>(long_h);
  const int b = std::max(0, params.border);
  const int content_w = img.cols - 2 * b, content_h = img.rows - 2 * b;
  CHECK(content_w > 0 && content_h > 0);
  if (crop.rotated) CHECK(params.rotate_aspect > 0 && warp_h >= params.rotate_aspect * warp_w);
  const int pre_w = crop.rotated ? warp_h : warp_w;
  const int pre_h = crop.rotated ? warp_w : warp_h;
  if (params.min_height > 0 && pre_h < params.min_height) {
    CHECK(content_h == params.min_height);
  } else {
    CHECK(content_w == pre_w && content_h == pre_h);
  }
  for (double v : crop.to_source.m) CHECK(std::isfinite(v));

  auto pix = dnn::grey_pix_from_mat(img);
  CHECK(pix != nullptr);
  CHECK(pixGetWidth(pix.get()) == img.cols && pixGetHeight(pix.get()) == img.rows);
  CHECK(pixGetDepth(pix.get()) == 8);

  // The crop's content maps back onto the quad, and so onto the page when the quad is on it.
  // The enlargement's pixel alignment may reach half a pre-enlargement pixel outside: allow
  // that step, and one pixel.
  bool inside = true;
  for (const dnn::Point2& p : quad.p)
    inside = inside && p.x >= 0 && p.y >= 0 && p.x <= source.cols && p.y <= source.rows;
  const dnn::RectF on = dnn::bounds(quad);
  const float step = static_cast<float>(content_h) / pre_h;
  const float x0 = b, y0 = b, x1 = b + content_w - 1, y1 = b + content_h - 1;
  const float cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const dnn::Point2 points[5] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {cx, cy}};
  const dnn::Point2 inward[5] = {{x0 + step, y0 + step},
                                 {x1 - step, y0 + step},
                                 {x1 - step, y1 - step},
                                 {x0 + step, y1 - step},
                                 {cx + step, cy + step}};
  for (int i = 0; i < 5; ++i) {
    const dnn::Point2 at = crop.to_source.apply(points[i]);
    CHECK(finite(at));
    const float slack = 1 + distance(at, crop.to_source.apply(inward[i]));
    const bool on_quad = at.x >= on.x0 - slack && at.y >= on.y0 - slack && at.x <= on.x1 + slack &&
                         at.y <= on.y1 + slack;
    const bool on_page = at.x >= -slack && at.y >= -slack && at.x <= source.cols + slack &&
                         at.y <= source.rows + slack;
    if (!on_quad || (inside && !on_page)) {
      std::fprintf(stderr, "crop (%g, %g) -> (%g, %g); quad bounds %g,%g..%g,%g, page %dx%d\n",
                   points[i].x, points[i].y, at.x, at.y, on.x0, on.y0, on.x1, on.y1, source.cols,
                   source.rows);
      CHECK(false);
    }
  }
}

void crop_all(const cv::Mat& source, const dnn::Quad& quad) {
  check_crop(source, quad, {});
  check_crop(source, quad, dnn::tesseract_crop_params());
}

// db_boxes' contract: boxes in source pixels, on the source, scored, in order.
void check_boxes(const std::vector<dnn::TextBox>& boxes, const dnn::MapToSource& to_source,
                 const dnn::DbParams& params) {
  CHECK(boxes.size() <= static_cast<size_t>(std::max(0, params.max_candidates)));
  for (size_t i = 0; i < boxes.size(); ++i) {
    const dnn::TextBox& box = boxes[i];
    CHECK(box.score >= params.box_threshold);
    CHECK(dnn::is_convex(box.quad));  // or no crop could be cut from it
    for (const dnn::Point2& p : box.quad.p) {
      CHECK(finite(p));
      CHECK(p.x >= 0 && p.x <= to_source.width && p.y >= 0 && p.y <= to_source.height);
    }
    if (i > 0) {
      const dnn::Point2 a = boxes[i - 1].quad.p[0], b = box.quad.p[0];
      CHECK(a.y < b.y || (a.y == b.y && a.x <= b.x));
    }
  }
}

void run_image(std::string_view bytes, image::Format format) {
  auto pages = image::pages(bytes, format, 1);
  if (!pages.ok() || pages.value().empty()) return;
  const image::PageRef page = pages.value().front();
  auto head = image::header(bytes, format, page);
  if (head.ok() && static_cast<uint64_t>(std::max(0, head.value().width)) *
                           static_cast<uint64_t>(std::max(0, head.value().height)) >
                       kMaxPixels) {
    return;
  }
  auto pix = image::decode(bytes, format, page);
  if (!pix.ok()) return;
  const auto info = image::info(pix.value().get());
  if (static_cast<uint64_t>(info.width) * static_cast<uint64_t>(info.height) > kMaxPixels) return;

  const cv::Mat bgr = dnn::pix_to_bgr(pix.value().get());
  CHECK(bgr.type() == CV_8UC3 && bgr.cols == info.width && bgr.rows == info.height);
  const cv::Mat mat = dnn::mat_from_pix(pix.value().get());
  CHECK(mat.cols == info.width && mat.rows == info.height && mat.depth() == CV_8U);
  CHECK(mat.channels() == 1 || mat.channels() == 3);

  const dnn::DetMap map = det_net().impl().run(bgr);
  CHECK(map.width >= 32 && map.height >= 32 && map.width % 32 == 0 && map.height % 32 == 0);
  CHECK(map.width <= kDetSide && map.height <= kDetSide);
  CHECK(map.prob.size() == static_cast<size_t>(map.width) * map.height);
  for (float p : map.prob) CHECK(p >= 0 && p <= 1);
  CHECK(std::abs(map.scale_x * map.width - bgr.cols) < 1e-6 * bgr.cols + 1e-9);
  CHECK(std::abs(map.scale_y * map.height - bgr.rows) < 1e-6 * bgr.rows + 1e-9);

  const dnn::MapToSource to_source{
      static_cast<float>(map.scale_x), static_cast<float>(map.scale_y), 0, 0, bgr.cols, bgr.rows};
  const auto boxes = dnn::db_boxes(map.prob.data(), map.width, map.height, to_source);
  check_boxes(boxes, to_source, {});
  for (size_t i = 0; i < std::min(boxes.size(), kMaxCroppedBoxes); ++i) {
    crop_all(bgr, boxes[i].quad);
    crop_all(mat, boxes[i].quad);
  }
}

// Layout: [0] mode, [1] width - 1, [2] flags (bit 0: raw floats, bit 1: own DbParams), the
// params (4 bytes) if asked, scale and offset (4 bytes), source size (4 bytes), then the map.
void run_map(Reader& in) {
  const int width = in.u8() + 1;
  const uint8_t flags = in.u8();
  const bool raw = flags & 1;
  dnn::DbParams params;
  if (flags & 2) {
    params.threshold = in.u8() / 255.0f;
    params.box_threshold = in.u8() / 255.0f;
    params.unclip_ratio = in.u8() / 32.0f;
    params.min_side = in.u8() / 16.0f;
  }
  dnn::MapToSource to_source;
  to_source.scale_x = 0.25f + in.u8() / 16.0f;
  to_source.scale_y = 0.25f + in.u8() / 16.0f;
  to_source.offset_x = static_cast<int8_t>(in.u8());
  to_source.offset_y = static_cast<int8_t>(in.u8());
  to_source.width = 1 + in.u16() % 512;
  to_source.height = 1 + in.u16() % 512;

  std::vector<float> map;
  const size_t values = raw ? in.left() / 4 : in.left();
  map.reserve(values);
  for (size_t i = 0; i < values; ++i) {
    if (raw) {
      map.push_back(in.f32());
      continue;
    }
    // Mostly probabilities; the top codes are what a broken net could give.
    const uint8_t code = in.u8();
    const float specials[] = {NAN, INFINITY, -INFINITY, 1e30f, -0.0f};
    map.push_back(code <= 250 ? code / 250.0f : specials[code - 251]);
  }
  const int height = static_cast<int>(map.size() / static_cast<size_t>(width));
  if (height == 0) return;
  const auto boxes = dnn::db_boxes(map.data(), width, height, to_source, params);
  check_boxes(boxes, to_source, params);
  if (boxes.empty()) return;
  const cv::Mat source = page(to_source.width, to_source.height, 3, flags);
  for (size_t i = 0; i < std::min(boxes.size(), kMaxCroppedBoxes); ++i) {
    crop_all(source, boxes[i].quad);
  }
}

// Layout: [0] mode, [1] page width - 1, [2] page height - 1, [3] flags (bits 0-1: channels
// 1, 3, 4, 1; bit 2: raw float corners, else int16 quarter pixels; bit 3: own CropParams), the
// params (4 bytes) if asked, then quads of 4 corners.
void run_quads(Reader& in) {
  const int width = in.u8() + 1, height = in.u8() + 1;
  const uint8_t flags = in.u8();
  const int channels_of[4] = {1, 3, 4, 1};
  const int channels = channels_of[flags & 3];
  const bool raw = flags & 4;
  dnn::CropParams own;
  const bool has_own = flags & 8;
  if (has_own) {
    const uint8_t aspect = in.u8();
    own.rotate_aspect = aspect == 255 ? 0 : aspect / 64.0f;
    own.min_height = in.u8() % 65;
    own.border = in.u8() % 33;
    own.grey = in.u8() & 1;
  }
  const cv::Mat source = page(width, height, channels, flags);
  for (size_t n = 0; n < kMaxQuads && in.left() > 0; ++n) {
    dnn::Quad quad;
    for (dnn::Point2& p : quad.p) {
      if (raw) {
        p.x = in.f32();
        p.y = in.f32();
      } else {
        p.x = static_cast<int16_t>(in.u16()) / 4.0f;
        p.y = static_cast<int16_t>(in.u16()) / 4.0f;
      }
    }
    crop_all(source, quad);
    if (has_own) check_crop(source, quad, own);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool silenced = (image::silence_library_messages(), true);
  (void)silenced;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const image::Format format = image::sniff(bytes);
  if (format != image::Format::unknown) {
    run_image(bytes, format);
    return 0;
  }
  if (size == 0) return 0;
  Reader in(data, size);
  if (in.u8() % 2 == 0) {
    run_map(in);
  } else {
    run_quads(in);
  }
  return 0;
}
