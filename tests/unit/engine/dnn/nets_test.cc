#include "engine/dnn/nets.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "engine/dnn/model_files.h"
#include "engine/dnn/nets_impl.h"
#include "image/image.h"
#include "test_support.h"

namespace ocrbatch::engine::dnn {
namespace {

using test::load_sample;

// The build's copy of the model folder. Missing models fail these tests: they are part of the
// build (scripts/bootstrap installs them), not an optional extra.
ModelFiles build_models() {
  auto files = check_model_files({OCRBATCH_TEST_MODELS_DIR, "the build"});
  if (!files.ok()) {
    ADD_FAILURE() << files.error().message;
    return {};
  }
  return files.value();
}

#define REQUIRE_MODELS(files)              \
  const ModelFiles files = build_models(); \
  if (files.dir.empty()) return

// notice.bmp (scripts/make-samples): "Office closed on Friday" spans x 82..578, y 78..120.
constexpr int kLineX = 82, kLineY = 78, kLineW = 497, kLineH = 43;

image::PixPtr clip(Pix* pix, int x, int y, int w, int h) {
  Box* box = boxCreate(x, y, w, h);
  Pix* out = pixClipRectangle(pix, box, nullptr);
  boxDestroy(&box);
  return image::PixPtr(out);
}

// The first line of notice.bmp with a margin of white around it, as a detector would crop it.
image::PixPtr first_line() {
  auto page = load_sample("notice.bmp");
  return clip(page.get(), kLineX - 10, kLineY - 10, kLineW + 20, kLineH + 20);
}

double mean_prob(const DetMap& map, double x0, double y0, double x1, double y1) {
  double sum = 0;
  int n = 0;
  for (int y = static_cast<int>(y0 / map.scale_y); y < static_cast<int>(y1 / map.scale_y); ++y)
    for (int x = static_cast<int>(x0 / map.scale_x); x < static_cast<int>(x1 / map.scale_x); ++x) {
      sum += map.at(x, y);
      ++n;
    }
  return n > 0 ? sum / n : 0;
}

std::vector<std::string> read_keys(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> keys;
  for (std::string line; std::getline(in, line);) keys.push_back(line);
  return keys;
}

// The simplest CTC reading, for the test only: best class per frame, repeats merged, blanks
// dropped.
std::string greedy_text(const RecOutput& out, const std::vector<std::string>& keys) {
  std::string text;
  int previous = 0;
  for (int t = 0; t < out.valid_frames; ++t) {
    const float* p = out.frame(t);
    const int best = static_cast<int>(std::max_element(p, p + kRecClasses) - p);
    if (best != previous && best != 0)
      text += best <= static_cast<int>(keys.size()) ? keys[best - 1] : std::string(" ");
    previous = best;
  }
  return text;
}

std::string without_spaces(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

TEST(DetInputSize, KeepsSmallImagesAndRoundsToMultiplesOf32) {
  EXPECT_EQ(det_input_size({1200, 300}, 960), cv::Size(960, 256));
  EXPECT_EQ(det_input_size({1700, 900}, 960), cv::Size(960, 512));
  EXPECT_EQ(det_input_size({100, 20}, 960), cv::Size(96, 32));
  EXPECT_EQ(det_input_size({640, 3000}, 960), cv::Size(192, 960));
}

TEST(RecBuckets, PadsEachLineToTheNextWidth) {
  EXPECT_EQ(rec_scaled_width({100, 48}), 100);
  EXPECT_EQ(rec_scaled_width({100, 24}), 200);
  EXPECT_EQ(rec_scaled_width({100000, 48}), 1920);
  EXPECT_EQ(rec_bucket_for(100), 160);
  EXPECT_EQ(rec_bucket_for(160), 160);
  EXPECT_EQ(rec_bucket_for(161), 320);
  EXPECT_EQ(rec_bucket_for(1500), 1920);
}

TEST(PixToBgr, KeepsTheChannelOrder) {
  image::PixPtr pix(pixCreate(2, 1, 32));
  pixSetRGBPixel(pix.get(), 0, 0, 200, 100, 10);
  const cv::Mat bgr = pix_to_bgr(pix.get());
  ASSERT_EQ(bgr.type(), CV_8UC3);
  EXPECT_EQ(bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(10, 100, 200));
}

TEST(DetNet, FindsTheTextOfARenderedNotice) {
  REQUIRE_MODELS(files);
  DetNet det(files);
  auto page = load_sample("notice.bmp");
  const DetMap map = det.run(page.get());
  EXPECT_EQ(map.width % 32, 0);
  EXPECT_EQ(map.height % 32, 0);
  EXPECT_LE(std::max(map.width, map.height), kDetMaxSide);
  // Inside the first line (its middle band) the map is text; the empty bottom margin is not.
  EXPECT_GT(mean_prob(map, kLineX + 20, kLineY + 12, kLineX + kLineW - 20, kLineY + kLineH - 12),
            0.5);
  EXPECT_LT(mean_prob(map, 0, 210, 1200, 300), 0.05);
}

// OpenCV 4.6 fuses ConvTranspose -> Add -> BatchNormalization and gets it wrong after an
// input of another size: the second image came out empty. prepare-models folds them away.
TEST(DetNet, AnImageOfAnotherSizeAfterTheFirstGetsItsOwnMap) {
  REQUIRE_MODELS(files);
  auto a = load_sample("notice.bmp");
  auto b = load_sample("letter.png");
  DetNet fresh(files);
  const DetMap b_alone = fresh.run(b.get());
  DetNet det(files);
  const DetMap a_map = det.run(a.get());
  const DetMap b_after_a = det.run(b.get());
  ASSERT_NE(a_map.height, b_alone.height);
  ASSERT_EQ(b_after_a.width, b_alone.width);
  ASSERT_EQ(b_after_a.height, b_alone.height);
  float worst = 0, peak = 0;
  for (size_t i = 0; i < b_alone.prob.size(); ++i) {
    worst = std::max(worst, std::abs(b_after_a.prob[i] - b_alone.prob[i]));
    peak = std::max(peak, b_alone.prob[i]);
  }
  EXPECT_GT(peak, 0.9F);
  EXPECT_LT(worst, 1e-4F);
}

TEST(RecNet, ReadsARenderedLine) {
  REQUIRE_MODELS(files);
  RecNet rec(files);
  auto line = first_line();
  const RecOutput out = rec.run(line.get());
  EXPECT_EQ(out.bucket_width, 480);  // 517 x 63 at height 48: 394 px
  EXPECT_EQ(out.frames, 480 / 8);
  EXPECT_EQ(out.valid_frames, 50);  // ceil(394 / 8)
  EXPECT_EQ(rec.loaded_widths(), std::vector<int>{480});
  const std::string text = greedy_text(out, read_keys(files.keys()));
  // This recogniser rarely emits the spaces between English words.
  EXPECT_EQ(without_spaces(text), "OfficeclosedonFriday") << text;
}

TEST(RecNet, LoadsEachWidthOnceWhenFirstNeeded) {
  REQUIRE_MODELS(files);
  RecNet rec(files);
  EXPECT_TRUE(rec.loaded_widths().empty());
  auto line = first_line();
  auto word = clip(line.get(), 0, 0, 120, 63);
  rec.run(word.get());
  rec.run(line.get());
  rec.run(word.get());
  EXPECT_EQ(rec.loaded_widths(), (std::vector<int>{160, 480}));
}

TEST(ClsNet, TellsAnUprightLineFromOneTurnedBy180Degrees) {
  REQUIRE_MODELS(files);
  ClsNet cls(files);
  auto line = first_line();
  image::PixPtr turned(pixRotate180(nullptr, line.get()));
  EXPECT_LT(cls.run(line.get()), 0.1F);
  EXPECT_GT(cls.run(turned.get()), 0.9F);
}

}  // namespace
}  // namespace ocrbatch::engine::dnn
