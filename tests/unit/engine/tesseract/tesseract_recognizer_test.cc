#include "engine/tesseract/tesseract_recognizer.h"

#include <gtest/gtest.h>

#include "image/image.h"
#include "test_support.h"

namespace ocrbatch::engine::tesseract {
namespace {

using test::load_sample;

TEST(TesseractRecognizer, RecognisesARenderedSample) {
  EngineOptions options;
  TesseractRecognizer engine(options);
  auto result = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NE(result->text.find("Office closed on Friday"), std::string::npos) << result->text;
  EXPECT_GT(result->confidence, 70);
  EXPECT_GE(result->words, 8);
  EXPECT_EQ(engine.lang(), "eng");
}

TEST(TesseractRecognizer, IsReusableAcrossPages) {
  TesseractRecognizer engine(EngineOptions{});
  const auto first = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  const auto second = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first.value().text, second.value().text);
}

TEST(TesseractRecognizer, WordDetailGivesBoxesInsideThePage) {
  EngineOptions options;
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
  EngineOptions options;
  options.detail = record::Detail::line;
  TesseractRecognizer engine(options);
  auto result = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->items.size(), 2u);
  EXPECT_EQ(result->items[1].text, "Please use the side entrance");
}

TEST(TesseractRecognizer, CancelStopsRecognition) {
  TesseractRecognizer engine(EngineOptions{});
  auto result = engine.recognize(load_sample("letter.png").get(), [] { return true; });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, record::ErrorCode::ocr_failed);
}

TEST(TesseractRecognizer, TimeoutGivesATimeoutErrorAndTheEngineStaysUsable) {
  EngineOptions options;
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
  EngineOptions options;
  options.variables = {{"no_such_variable_anywhere", "1"}};
  EXPECT_THROW(TesseractRecognizer engine(options), SetupError);
}

}  // namespace
}  // namespace ocrbatch::engine::tesseract
