#include "engine/tesseract_engine.h"

#include <gtest/gtest.h>

#include "image/image.h"
#include "test_support.h"

namespace ocrbatch::engine {
namespace {

using test::load_sample;

TEST(TesseractEngine, RecognisesARenderedSample) {
  EngineOptions options;
  TesseractEngine engine(options);
  auto result = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_NE(result->text.find("Office closed on Friday"), std::string::npos) << result->text;
  EXPECT_GT(result->confidence, 70);
  EXPECT_GE(result->words, 8);
  EXPECT_EQ(engine.lang(), "eng");
}

TEST(TesseractEngine, IsReusableAcrossPages) {
  TesseractEngine engine(EngineOptions{});
  const auto first = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  const auto second = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first.value().text, second.value().text);
}

TEST(TesseractEngine, WordDetailGivesBoxesInsideThePage) {
  EngineOptions options;
  options.detail = record::Detail::word;
  TesseractEngine engine(options);
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

TEST(TesseractEngine, LineDetailGivesOneItemPerLine) {
  EngineOptions options;
  options.detail = record::Detail::line;
  TesseractEngine engine(options);
  auto result = engine.recognize(load_sample("notice.bmp").get(), nullptr);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->items.size(), 2u);
  EXPECT_EQ(result->items[1].text, "Please use the side entrance");
}

TEST(TesseractEngine, CancelStopsRecognition) {
  TesseractEngine engine(EngineOptions{});
  auto result = engine.recognize(load_sample("letter.png").get(), [] { return true; });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, record::ErrorCode::ocr_failed);
}

TEST(TesseractEngine, TimeoutGivesATimeoutErrorAndTheEngineStaysUsable) {
  EngineOptions options;
  options.timeout_s = 0.001;
  TesseractEngine slow_limit(options);
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

TEST(CheckLanguages, NamesTheMissingLanguageAndFolder) {
  EngineOptions options;
  options.lang = "eng+xyz";
  options.tessdata_dir = "/usr/share/tesseract-ocr/5/tessdata";
  try {
    check_languages(options);
    FAIL() << "expected SetupError";
  } catch (const SetupError& e) {
    EXPECT_NE(std::string(e.what()).find("'xyz'"), std::string::npos) << e.what();
  }
  options.tessdata_dir = "/nonexistent/tessdata";
  EXPECT_THROW(check_languages(options), SetupError);
}

TEST(TesseractEngine, UnknownVariableIsASetupError) {
  EngineOptions options;
  options.variables = {{"no_such_variable_anywhere", "1"}};
  EXPECT_THROW(TesseractEngine engine(options), SetupError);
}

TEST(TimeoutMs, SubMillisecondLimitsStayLimits) {
  EXPECT_EQ(timeout_ms_for(0), 0);
  EXPECT_EQ(timeout_ms_for(0.0005), 1);
  EXPECT_EQ(timeout_ms_for(0.0011), 2);
  EXPECT_EQ(timeout_ms_for(3), 3000);
  EXPECT_EQ(timeout_ms_for(-1), 0);
}

}  // namespace
}  // namespace ocrbatch::engine
