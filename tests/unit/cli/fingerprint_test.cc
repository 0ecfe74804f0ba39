#include "cli/fingerprint.h"

#include <gtest/gtest.h>

#include "engine/tesseract/tesseract_backend.h"
#include "engine/tesseract/tesseract_recognizer.h"
#include "preprocess/chain.h"
#include "test_support.h"
#include "util/hash.h"

namespace ocrbatch::cli {
namespace {

using engine::BackendOptions;
using engine::tesseract::tesseract_fingerprint;

const char* const kTessdata = "/usr/share/tesseract-ocr/5/tessdata";

std::string fingerprint_of(const BackendOptions& options, const std::string& preprocess,
                           const std::string& datapath = kTessdata,
                           record::Detail detail = record::Detail::none) {
  return settings_fingerprint(
      tesseract_fingerprint(options, datapath, checks_orientation(preprocess)), detail, preprocess);
}

TEST(SettingsFingerprint, ChangesWithEverySettingThatChangesResults) {
  BackendOptions base;
  const auto reference = fingerprint_of(base, "none");
  EXPECT_EQ(reference, fingerprint_of(base, "none"));

  auto lang = base;
  lang.lang = "eng+deu";
  auto psm = base;
  psm.tesseract.psm = 6;
  auto variable = base;
  variable.tesseract.variables = {{"tessedit_char_whitelist", "0123456789"}};
  for (const auto& changed : {lang, psm, variable})
    EXPECT_NE(fingerprint_of(changed, "none"), reference);
  EXPECT_NE(fingerprint_of(base, "none", kTessdata, record::Detail::word), reference);
  auto other_version = tesseract_fingerprint(base, kTessdata, false);
  other_version.settings.front() = "tesseract 5.4.0";
  EXPECT_NE(settings_fingerprint(other_version, record::Detail::none, "none"), reference);
  for (const char* preprocess : {"auto", "deskew", "deskew,binarize", "binarize,deskew"})
    EXPECT_NE(fingerprint_of(base, preprocess), reference) << preprocess;
  EXPECT_NE(fingerprint_of(base, "deskew,binarize"), fingerprint_of(base, "binarize,deskew"));
}

TEST(SettingsFingerprint, IgnoresSettingsThatDoNotChangeResults) {
  BackendOptions base;
  auto default_oem = base;
  default_oem.tesseract.oem = 3;
  EXPECT_EQ(fingerprint_of(default_oem, "none"), fingerprint_of(base, "none"));
  auto timeout = base;
  timeout.timeout_s = 5;
  EXPECT_EQ(fingerprint_of(timeout, "none"), fingerprint_of(base, "none"));
}

TEST(SettingsFingerprint, DependsOnTheModelFilesContent) {
  BackendOptions base;
  EXPECT_NE(fingerprint_of(base, "none"), fingerprint_of(base, "none", "/nonexistent"));
}

// Ledgers made before the engines had a seam are keyed by this text: the same settings must
// give the same fingerprint, or every remembered page would be recognised again.
TEST(SettingsFingerprint, KeepsTheTextOlderLedgersWereKeyedBy) {
  test::TempDir models;
  models.write("eng.traineddata", "english");
  models.write("deu.traineddata", "german");
  models.write("osd.traineddata", "orientation");
  BackendOptions options;
  options.lang = "eng+deu";
  options.tesseract.psm = 6;
  options.tesseract.variables = {{"b_var", "2"}, {"a_var", "1"}};
  const std::string version = engine::tesseract::TesseractRecognizer::version();
  const std::string text =
      "record=2\n" + version + "\nlang=eng+deu\npsm=6\noem=3\ndetail=1\npreprocess=auto v" +
      std::to_string(preprocess::kAlgorithmVersion) +
      "\nvar a_var=1\nvar b_var=2\nmodel osd=" + util::content_hash("orientation") +
      "\nmodel eng=" + util::content_hash("english") +
      "\nmodel deu=" + util::content_hash("german") + "\n";
  EXPECT_EQ(fingerprint_of(options, "auto", models.path(), record::Detail::line),
            util::content_hash(text));
  const std::string plain = "record=2\n" + version +
                            "\nlang=eng+deu\npsm=6\noem=3\ndetail=1\npreprocess=none\n"
                            "var a_var=1\nvar b_var=2\nmodel eng=" +
                            util::content_hash("english") +
                            "\nmodel deu=" + util::content_hash("german") + "\n";
  EXPECT_EQ(fingerprint_of(options, "none", models.path(), record::Detail::line),
            util::content_hash(plain));
}

}  // namespace
}  // namespace ocrbatch::cli
