#include "engine/tesseract/tessdata.h"

#include <gtest/gtest.h>

namespace ocrbatch::engine::tesseract {
namespace {

TEST(CheckLanguages, NamesTheMissingLanguageAndFolder) {
  BackendOptions options;
  options.lang = "eng+xyz";
  options.tesseract.tessdata_dir = "/usr/share/tesseract-ocr/5/tessdata";
  try {
    check_languages(options);
    FAIL() << "expected SetupError";
  } catch (const SetupError& e) {
    EXPECT_NE(std::string(e.what()).find("'xyz'"), std::string::npos) << e.what();
  }
  options.tesseract.tessdata_dir = "/nonexistent/tessdata";
  EXPECT_THROW(check_languages(options), SetupError);
}

}  // namespace
}  // namespace ocrbatch::engine::tesseract
