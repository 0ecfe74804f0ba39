#include "engine/tesseract/tesseract_backend.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "engine/backends.h"
#include "test_support.h"

namespace ocrbatch::engine::tesseract {
namespace {

TEST(TesseractBackend, IsInTheBackendTable) {
  auto backend = make_backend("tesseract", BackendOptions{});
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->name(), "tesseract");
  EXPECT_EQ(backend->version().rfind("tesseract ", 0), 0u) << backend->version();
  EXPECT_EQ(make_backend("no-such-engine", BackendOptions{}), nullptr);
}

TEST(TesseractBackend, ABadLanguageFailsWhenTheBackendIsBuilt) {
  BackendOptions options;
  options.lang = "xyz";
  EXPECT_THROW(TesseractBackend backend(options), SetupError);
}

TEST(TesseractBackend, MakesWorkingRecognisersAndOrientationDetectors) {
  TesseractBackend backend(BackendOptions{});
  auto first = backend.make_recognizer();  // the one loaded to check the setup
  auto second = backend.make_recognizer();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first.get(), second.get());
  auto page = test::load_sample("notice.bmp");
  for (auto* recognizer : {first.get(), second.get()}) {
    auto read = recognizer->recognize(page.get(), nullptr);
    ASSERT_TRUE(read.ok());
    EXPECT_NE(read->text.find("Office closed on Friday"), std::string::npos) << read->text;
  }
  auto detector = backend.make_orientation_detector();
  ASSERT_NE(detector, nullptr);
  image::PixPtr turned(pixRotateOrth(test::load_sample("letter.png").get(), 2));
  auto found = detector->detect(turned.get());
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->rotation, 180);
}

TEST(TesseractBackend, TakesTheSidesTesseractTakes) {
  const Limits limits = TesseractBackend(BackendOptions{}).limits();
  EXPECT_EQ(limits.max_side, 32767);
  EXPECT_EQ(limits.text_height, 24);
  EXPECT_EQ(limits.engine, "Tesseract");
}

TEST(TesseractFingerprint, CountsTheOrientationModelOnlyWhenOrientationIsChecked) {
  BackendOptions options;
  options.lang = "eng+deu";
  const auto without = tesseract_fingerprint(options, "/usr/share/tesseract-ocr/5/tessdata", false);
  const auto with = tesseract_fingerprint(options, "/usr/share/tesseract-ocr/5/tessdata", true);
  ASSERT_EQ(without.models.size(), 2u);
  EXPECT_EQ(without.models[0].first, "eng");
  EXPECT_EQ(without.models[1].first, "deu");
  ASSERT_EQ(with.models.size(), 3u);
  EXPECT_EQ(with.models[0].first, "osd");
  EXPECT_FALSE(with.models[0].second.empty());
}

}  // namespace
}  // namespace ocrbatch::engine::tesseract
