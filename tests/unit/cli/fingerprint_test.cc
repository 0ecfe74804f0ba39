#include "cli/fingerprint.h"

#include <gtest/gtest.h>

namespace ocrbatch::cli {
namespace {

const char* const kTessdata = "/usr/share/tesseract-ocr/5/tessdata";

TEST(SettingsFingerprint, ChangesWithEverySettingThatChangesResults) {
  engine::EngineOptions base;
  const auto reference = settings_fingerprint(base, kTessdata, "tesseract 5.3.0", "none");
  EXPECT_EQ(reference, settings_fingerprint(base, kTessdata, "tesseract 5.3.0", "none"));

  auto lang = base;
  lang.lang = "eng+deu";
  auto psm = base;
  psm.psm = 6;
  auto detail = base;
  detail.detail = record::Detail::word;
  auto variable = base;
  variable.variables = {{"tessedit_char_whitelist", "0123456789"}};
  for (const auto& changed : {lang, psm, detail, variable})
    EXPECT_NE(settings_fingerprint(changed, kTessdata, "tesseract 5.3.0", "none"), reference);
  EXPECT_NE(settings_fingerprint(base, kTessdata, "tesseract 5.4.0", "none"), reference);
  for (const char* preprocess : {"auto", "deskew", "deskew,binarize", "binarize,deskew"})
    EXPECT_NE(settings_fingerprint(base, kTessdata, "tesseract 5.3.0", preprocess), reference)
        << preprocess;
  EXPECT_NE(settings_fingerprint(base, kTessdata, "v", "deskew,binarize"),
            settings_fingerprint(base, kTessdata, "v", "binarize,deskew"));
}

TEST(SettingsFingerprint, IgnoresSettingsThatDoNotChangeResults) {
  engine::EngineOptions base;
  auto default_oem = base;
  default_oem.oem = 3;
  EXPECT_EQ(settings_fingerprint(default_oem, kTessdata, "v", "none"),
            settings_fingerprint(base, kTessdata, "v", "none"));
  auto timeout = base;
  timeout.timeout_s = 5;
  EXPECT_EQ(settings_fingerprint(timeout, kTessdata, "v", "none"),
            settings_fingerprint(base, kTessdata, "v", "none"));
}

TEST(SettingsFingerprint, DependsOnTheModelFilesContent) {
  engine::EngineOptions base;
  EXPECT_NE(settings_fingerprint(base, kTessdata, "v", "none"),
            settings_fingerprint(base, "/nonexistent", "v", "none"));
}

}  // namespace
}  // namespace ocrbatch::cli
