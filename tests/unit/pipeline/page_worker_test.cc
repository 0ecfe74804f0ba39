#include "pipeline/page_worker.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ocrbatch::pipeline
