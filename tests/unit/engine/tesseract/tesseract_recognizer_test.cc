#include "engine/tesseract/tesseract_recognizer.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "image/image.h"
#include "test_support.h"

namespace ocrbatch::engine::tesseract {
namespace {

using test::load_sample;

TEST(TesseractRecognizer, RecognisesARenderedSample) {
  BackendOptions options;
  TesseractRecognizer engine(options);
  auto result = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NE(result->text.find("Office closed on Friday"), std::string::npos) << result->text;
  EXPECT_GT(result->confidence, 70);
  EXPECT_GE(result->words, 8);
  EXPECT_EQ(engine.lang(), "eng");
}

TEST(TesseractRecognizer, IsReusableAcrossPages) {
  TesseractRecognizer engine(BackendOptions{});
  const auto first = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  const auto second = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first.value().text, second.value().text);
}

TEST(TesseractRecognizer, WordDetailGivesBoxesInsideThePage) {
  BackendOptions options;
  options.detail = record::Detail::word;
  TesseractRecognizer engine(options);
  auto pix = load_sample("notice.bmp");
  const auto info = image::info(pix.get());
  auto result = engine.recognize(pix.get(), nullptr);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(static_cast<int>(result->items.size()), result->words);
  EXPECT_EQ(result->items.front().text, "Office");
  for (const auto& word : result->items) {
    EXPECT_GE(word.bbox.x, 0);
    EXPECT_GT(word.bbox.w, 0);
    EXPECT_LE(word.bbox.x + word.bbox.w, info.width);
    EXPECT_LE(word.bbox.y + word.bbox.h, info.height);
  }
}

TEST(TesseractRecognizer, LineDetailGivesOneItemPerLine) {
  BackendOptions options;
  options.detail = record::Detail::line;
  TesseractRecognizer engine(options);
  auto result = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->items.size(), 2u);
  EXPECT_EQ(result->items[1].text, "Please use the side entrance");
}

// A line crop, as a text detector hands it over: the warm engine that reads whole pages reads
// it in single-line mode, and goes back to the run's mode for the next page.
TEST(TesseractRecognizer, ReadsALineCropWithTheSingleLineHint) {
  TesseractRecognizer engine(BackendOptions{});
  auto page = load_sample("notice.bmp");
  BOX* first_line = boxCreate(60, 66, 560, 66);  // "Office closed on Friday", with a margin
  image::PixPtr line(pixClipRectangle(page.get(), first_line, nullptr));
  boxDestroy(&first_line);
  for (int i = 0; i < 3; ++i) {
    auto read = engine.recognize(line.get(), nullptr, PageHints{Layout::single_line});
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(read->text, "Office closed on Friday\n");
    EXPECT_EQ(read->words, 4);
    EXPECT_EQ(read->layout_mode, 7);  // the mode the record would report
  }
  auto whole = engine.recognize(page.get(), nullptr);
  ASSERT_TRUE(whole.ok());
  EXPECT_NE(whole->text.find("Please use the side entrance"), std::string::npos) << whole->text;
  EXPECT_EQ(whole->layout_mode, 0) << "read with the run's own --psm";
  auto sparse = engine.recognize(page.get(), nullptr, PageHints{Layout::sparse});
  ASSERT_TRUE(sparse.ok());
  EXPECT_EQ(sparse->layout_mode, 11);
}

TEST(TesseractRecognizer, CancelStopsRecognition) {
  TesseractRecognizer engine(BackendOptions{});
  auto result = engine.recognize(load_sample("letter.png").get(), [] { return true; });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, record::ErrorCode::ocr_failed);
}

TEST(TesseractRecognizer, TimeoutGivesATimeoutErrorAndTheEngineStaysUsable) {
  BackendOptions options;
  options.timeout_s = 0.001;
  TesseractRecognizer slow_limit(options);
  auto result = slow_limit.recognize(load_sample("letter.png").get(), nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, record::ErrorCode::timeout);

  // The engine survives a timeout: the next page gets its own full deadline and the same
  // clean result, not a crash or a leftover from the page before.
  auto again = slow_limit.recognize(load_sample("letter.png").get(), nullptr);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, record::ErrorCode::timeout);
  EXPECT_EQ(again.error().message, result.error().message);
}

TEST(TesseractRecognizer, UnknownVariableIsASetupError) {
  BackendOptions options;
  options.tesseract.variables = {{"no_such_variable_anywhere", "1"}};
  EXPECT_THROW(TesseractRecognizer engine(options), SetupError);
}

}  // namespace
}  // namespace ocrbatch::engine::tesseract
