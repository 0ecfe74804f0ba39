#include "pipeline/page_worker.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <atomic>
#include <new>

#include "fake_engine.h"
#include "test_support.h"

namespace ocrbatch::pipeline {
namespace {

using record::ErrorCode;
using record::ErrorResult;
using record::PageResult;

Job job_for(std::string bytes, image::Format format, int page = 1, int pages = 1) {
  Job job;
  job.seq = 7;
  job.source = "in.png";
  job.page = page;
  job.pages = pages;
  job.bytes = std::make_shared<const std::string>(std::move(bytes));
  job.format = format;
  job.key = "k";
  return job;
}

PageWorker fake_worker(PageLimits limits = {}) {
  PageWorker worker([] { return std::make_unique<test::FakeEngine>(); }, preprocess::Chain(),
                    limits);
  worker.ensure_engine();
  return worker;
}

TEST(PageWorker, RecognisesAPageIntoAPageRecord) {
  auto worker = fake_worker();
  Job job = job_for(test::encoded_image(image::Format::png, 64, 48), image::Format::png);
  const auto outcome = worker.process(job, nullptr);
  ASSERT_TRUE(outcome);
  const auto& page = std::get<PageResult>(outcome->record);
  EXPECT_EQ(page.source, "in.png");
  EXPECT_EQ(page.text, "64x48");
  EXPECT_EQ(page.width, 64);
  EXPECT_EQ(page.lang, "fake");
  EXPECT_EQ(page.engine.layout, "tesseract");
  EXPECT_EQ(page.engine.recognizer, "tesseract");
  EXPECT_EQ(outcome->key, "k");
  EXPECT_FALSE(outcome->from_cache);
  EXPECT_EQ(job.bytes, nullptr) << "the encoded file is let go once decoded";
}

TEST(PageWorker, KeepsTheSourceImageOnlyWhenTheRunWritesAPdf) {
  const std::string jpeg = test::encoded_image(image::Format::jpeg, 64, 48);
  Job plain = job_for(jpeg, image::Format::jpeg);
  EXPECT_EQ(std::get<PageResult>(fake_worker().process(plain, nullptr)->record).image, nullptr);
  PageLimits limits;
  limits.keep_image = true;
  Job job = job_for(jpeg, image::Format::jpeg);
  const auto file = job.bytes;
  const auto outcome = fake_worker(limits).process(job, nullptr);
  const auto& image = std::get<PageResult>(outcome->record).image;
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->encoding, record::PageImage::Encoding::jpeg);
  EXPECT_EQ(image->data, file) << "a JPEG page shares the file's bytes, no copy";
  EXPECT_EQ(image->width, 64);
  EXPECT_EQ(image->height, 48);
}

TEST(PageWorker, RefusesASideLongerThanTheEngineTakes) {
  PageLimits limits;
  limits.engine.engine = "Fake";
  limits.engine.max_side = 100;
  auto worker = fake_worker(limits);
  Job wide = job_for(test::encoded_image(image::Format::png, 101, 20), image::Format::png);
  const auto outcome = worker.process(wide, nullptr);
  ASSERT_TRUE(outcome);
  const auto& error = std::get<ErrorResult>(outcome->record);
  EXPECT_EQ(error.error.code, ErrorCode::too_large);
  EXPECT_EQ(error.error.message, "image is 101x20; Fake takes at most 100 pixels a side");
  Job fits = job_for(test::encoded_image(image::Format::png, 100, 20), image::Format::png);
  EXPECT_TRUE(std::holds_alternative<PageResult>(worker.process(fits, nullptr)->record));
}

TEST(PageWorker, RefusesAPageOverThePixelLimitBeforeDecoding) {
  PageLimits limits;
  limits.max_pixels = 100;
  auto worker = fake_worker(limits);
  Job job = job_for(test::encoded_image(image::Format::png, 20, 20), image::Format::png);
  const auto outcome = worker.process(job, nullptr);
  ASSERT_TRUE(outcome);
  const auto& error = std::get<ErrorResult>(outcome->record);
  EXPECT_EQ(error.error.code, ErrorCode::too_large);
  EXPECT_EQ(error.page, 0) << "a one-page file's error is about the file";
}

TEST(PageWorker, AnUndecodablePageIsThatPagesError) {
  auto worker = fake_worker();
  std::string bytes = test::multipage_tiff(3);
  bytes.resize(bytes.size() / 2);
  Job job = job_for(bytes, image::Format::tiff, 3, 3);
  const auto outcome = worker.process(job, nullptr);
  ASSERT_TRUE(outcome);
  const auto& error = std::get<ErrorResult>(outcome->record);
  EXPECT_EQ(error.page, 3);
  EXPECT_EQ(error.error.code, ErrorCode::decode_failed);
}

TEST(PageWorker, ACancelledPageHasNoRecord) {
  PageWorker worker(
      [] {
        return std::make_unique<test::FakeEngine>(
            [](int) { return std::chrono::milliseconds(2000); });
      },
      preprocess::Chain(), {});
  worker.ensure_engine();
  Job job = job_for(test::encoded_image(image::Format::png), image::Format::png);
  std::atomic<int> polls{0};
  EXPECT_FALSE(worker.process(job, [&] { return ++polls > 3; }));
}

// An engine whose recognition throws, as an allocation on a huge page can.
class ThrowingEngine : public test::FakeEngine {
 public:
  record::Result<engine::Recognition> recognize(Pix*, const engine::CancelCheck&,
                                                const engine::PageHints&) override {
    throw std::bad_alloc();
  }
};

TEST(PageWorker, AnExceptionOnAPageBecomesItsRecord) {
  PageWorker worker([] { return std::make_unique<ThrowingEngine>(); }, preprocess::Chain(), {});
  worker.ensure_engine();
  Job job = job_for(test::encoded_image(image::Format::png), image::Format::png);
  const auto outcome = worker.process(job, nullptr);
  ASSERT_TRUE(outcome);
  const auto& error = std::get<ErrorResult>(outcome->record);
  EXPECT_EQ(error.error.code, ErrorCode::ocr_failed);
  EXPECT_NE(error.error.message.find("bad_alloc"), std::string::npos) << error.error.message;
}

TEST(PageWorker, BuildsItsEngineOnceAndReportsASetupFailure) {
  int built = 0;
  PageWorker worker(
      [&built] {
        ++built;
        return std::make_unique<test::FakeEngine>();
      },
      preprocess::Chain(), {});
  worker.ensure_engine();
  worker.ensure_engine();
  EXPECT_EQ(built, 1);
  PageWorker broken(
      []() -> std::unique_ptr<engine::Recognizer> { throw engine::SetupError("no eng"); },
      preprocess::Chain(), {});
  EXPECT_THROW(broken.ensure_engine(), engine::SetupError);
}

// Reads `text` with `words` words from any image, and counts its calls.
class ScriptedEngine : public engine::Recognizer {
 public:
  ScriptedEngine(std::string text, int words, int* calls)
      : text_(std::move(text)), words_(words), calls_(calls) {}
  record::Result<engine::Recognition> recognize(Pix*, const engine::CancelCheck&,
                                                const engine::PageHints&) override {
    ++*calls_;
    engine::Recognition out;
    out.text = text_;
    out.words = words_;
    out.confidence = words_ > 0 ? 80 : 0;
    return out;
  }
  const std::string& lang() const override { return lang_; }

 private:
  std::string text_;
  int words_;
  int* calls_;
  std::string lang_ = "eng";
};

// letter.png with its ink and paper turned to two greys: classified "grey", with text.
std::string two_grey_letter() {
  image::PixPtr grey = test::grey_letter();
  const int w = pixGetWidth(grey.get()), h = pixGetHeight(grey.get());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      l_uint32 v = 0;
      pixGetPixel(grey.get(), x, y, &v);
      pixSetPixel(grey.get(), x, y, 70 + v * 110 / 255);
    }
  }
  l_uint8* data = nullptr;
  size_t size = 0;
  pixWriteMemPng(&data, &size, grey.get(), 0);
  std::string bytes(reinterpret_cast<const char*>(data), size);
  lept_free(data);
  return bytes;
}

struct RetryCase {
  int tesseract_words;
  int detector_words;
  int tesseract_calls = 0, detector_calls = 0;
  PageResult page;
};

void run_retry_case(RetryCase& c, recognize::EngineMode mode = recognize::EngineMode::automatic) {
  PageRouting routing;
  routing.rules.mode = mode;
  routing.rules.detector_ready = true;
  routing.make_detector = [&c] {
    return std::make_unique<ScriptedEngine>("SALE 70", c.detector_words, &c.detector_calls);
  };
  PageWorker worker(
      [&c] {
        return std::make_unique<ScriptedEngine>(c.tesseract_words > 0 ? "read" : "",
                                                c.tesseract_words, &c.tesseract_calls);
      },
      preprocess::Chain("deskew", nullptr, engine::Limits{}), {}, routing);
  worker.ensure_engine();
  Job job = job_for(two_grey_letter(), image::Format::png);
  const auto outcome = worker.process(job, nullptr);
  ASSERT_TRUE(outcome);
  c.page = std::get<PageResult>(outcome->record);
}

const record::StepReport* step_named(const PageResult& page, const std::string& name) {
  for (const auto& step : page.preprocess.steps)
    if (step.step == name) return &step;
  return nullptr;
}

TEST(PageWorker, AGreyPageTesseractReadsNothingFromIsReadByTheDetector) {
  RetryCase c{0, 2};
  run_retry_case(c);
  EXPECT_EQ(c.page.preprocess.kind, "grey");
  EXPECT_EQ(c.page.text, "SALE 70");
  EXPECT_EQ(c.page.engine.layout, "dnn");
  EXPECT_EQ(c.page.engine.recognizer, "ppocr");
  const auto* step = step_named(c.page, "detector");
  ASSERT_NE(step, nullptr);
  EXPECT_TRUE(step->applied);
  EXPECT_EQ(c.detector_calls, 1);
}

TEST(PageWorker, TheEmptyReadingStandsWhenTheDetectorFindsNothingEither) {
  RetryCase c{0, 0};
  run_retry_case(c);
  EXPECT_EQ(c.page.text, "");
  EXPECT_EQ(c.page.engine.layout, "tesseract");
  const auto* step = step_named(c.page, "detector");
  ASSERT_NE(step, nullptr);
  EXPECT_FALSE(step->applied);
}

TEST(PageWorker, NoSecondReadingWhenTesseractFoundWordsOrTheEngineIsForced) {
  RetryCase read{3, 2};
  run_retry_case(read);
  EXPECT_EQ(read.page.text, "read");
  EXPECT_EQ(read.detector_calls, 0);
  EXPECT_EQ(step_named(read.page, "detector"), nullptr);
  RetryCase forced{0, 2};
  run_retry_case(forced, recognize::EngineMode::tesseract);
  EXPECT_EQ(forced.page.engine.layout, "tesseract");
  EXPECT_EQ(forced.detector_calls, 0);
}

}  // namespace
}  // namespace ocrbatch::pipeline
