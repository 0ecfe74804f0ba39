#include "recognize/page_reader.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <memory>
#include <string>

#include "engine/tesseract/tesseract_backend.h"
#include "engine/tesseract/tesseract_orientation.h"
#include "engine/tesseract/tesseract_recognizer.h"
#include "fake_engine.h"
#include "test_support.h"

namespace ocrbatch::recognize {
namespace {

using preprocess::Chain;
using preprocess::make_page;
using preprocess::Page;
using test::grey_letter;
using test::load_sample;

const engine::Limits kLimits = engine::tesseract::tesseract_limits();

const record::StepReport* report_of(const Page& page, const std::string& step) {
  for (const auto& r : page.done.steps)
    if (r.step == step) return &r;
  return nullptr;
}

TEST(ReadPage, ABlankPageIsNotRead) {
  image::PixPtr pix(pixCreate(1200, 1600, 8));
  pixSetAllArbitrary(pix.get(), 250);
  Page page = make_page(std::move(pix));
  Chain chain("auto", nullptr, kLimits);
  chain.run(page);
  ASSERT_TRUE(page.done.blank);
  test::FakeEngine engine;  // would read the page as its size
  auto rec = read_page(page, Route{}, chain, engine, nullptr);
  ASSERT_TRUE(rec.ok());
  EXPECT_TRUE(rec->text.empty());
}

// Reports a mode of its own for the sparse layout hint, none for the run's setting.
class ModeEngine : public test::FakeEngine {
 public:
  record::Result<engine::Recognition> recognize(Pix* image, const engine::CancelCheck& cancel,
                                                const engine::PageHints& hints) override {
    auto read = FakeEngine::recognize(image, cancel, hints);
    if (read) read->layout_mode = hints.layout == engine::Layout::sparse ? 42 : 0;
    return read;
  }
};

TEST(ReadPage, ASparsePageRecordsTheModeTheEngineReadItIn) {
  ModeEngine engine;
  Chain sparse("sparse", nullptr, kLimits);
  Page page = make_page(grey_letter());
  sparse.run(page);
  ASSERT_TRUE(read_page(page, Route{}, sparse, engine, nullptr).ok());
  EXPECT_EQ(page.done.psm, 42);
  const auto* r = report_of(page, "sparse");
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->values.size(), 1u);
  EXPECT_EQ(r->values[0], std::make_pair(std::string("psm"), 42.0));

  Chain deskew("deskew", nullptr, kLimits);
  Page plain = make_page(grey_letter());
  deskew.run(plain);
  ASSERT_TRUE(read_page(plain, Route{}, deskew, engine, nullptr).ok());
  EXPECT_EQ(plain.done.psm, 0);
}

// Answers by the kind of image it is given: a thresholded (1-bit) page reads as `binary`, any
// other as `plain`. Counts its calls.
class ScriptedEngine : public engine::Recognizer {
 public:
  ScriptedEngine(engine::Recognition binary, engine::Recognition plain)
      : binary_(std::move(binary)), plain_(std::move(plain)) {}
  record::Result<engine::Recognition> recognize(Pix* image, const engine::CancelCheck&,
                                                const engine::PageHints&) override {
    ++calls;
    return pixGetDepth(image) == 1 ? binary_ : plain_;
  }
  const std::string& lang() const override { return lang_; }
  int calls = 0;

 private:
  engine::Recognition binary_, plain_;
  std::string lang_ = "scripted";
};

engine::Recognition reading(std::string text, double confidence) {
  engine::Recognition r;
  r.text = std::move(text);
  r.confidence = confidence;
  r.words = 1;
  return r;
}

// The grey letter lit unevenly: auto thresholds it, so the prepared page is 1-bit.
image::PixPtr unevenly_lit_letter() {
  auto letter = grey_letter();
  const int w = pixGetWidth(letter.get());
  for (int y = 0; y < pixGetHeight(letter.get()); ++y)
    for (int x = 0; x < w; ++x) {
      l_uint32 v = 0;
      pixGetPixel(letter.get(), x, y, &v);
      pixSetPixel(letter.get(), x, y, v * (255 - 170 * x / w) / 255);
    }
  return letter;
}

const char* const kFlood =
    "am ee.\n\nA.\n\nan ee Pe i a, ' Ee a. |\n\nam\n\nA e. ir a\n\nae ee - i\n";
const char* const kLetterText = "Dear Customer,\nThank you for your order of the twelfth.\n";

TEST(Fallback, UsesThePlainReadingWhenThePreparedPageFloods) {
  ScriptedEngine engine(reading(kFlood, 35), reading(kLetterText, 40));
  Chain chain("auto", nullptr, kLimits);
  Page page = make_page(unevenly_lit_letter());
  chain.run(page);
  ASSERT_EQ(pixGetDepth(page.pix.get()), 1);
  auto rec = read_page(page, Route{}, chain, engine, nullptr);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->text, kLetterText);
  ASSERT_FALSE(page.done.steps.empty());
  const auto& last = page.done.steps.back();
  EXPECT_EQ(last.step, "fallback");
  EXPECT_TRUE(last.applied);
  EXPECT_EQ(page.done.psm, 0);
}

TEST(Fallback, UsesThePlainReadingWhenItIsClearlyMoreConfident) {
  ScriptedEngine engine(reading("Dear Custard, thank yon for yoor order.\n", 41),
                        reading(kLetterText, 58));
  Chain chain("auto", nullptr, kLimits);
  Page page = make_page(unevenly_lit_letter());
  chain.run(page);
  auto rec = read_page(page, Route{}, chain, engine, nullptr);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->text, kLetterText);
}

TEST(Fallback, KeepsThePreparedReadingWhenThePlainOneIsNoBetter) {
  const std::string prepared = "Dear Customer, thank you for your order.\n";
  ScriptedEngine engine(reading(prepared, 50), reading("Dcar Cust0mer\n", 53));
  Chain chain("auto", nullptr, kLimits);
  Page page = make_page(unevenly_lit_letter());
  chain.run(page);
  auto rec = read_page(page, Route{}, chain, engine, nullptr);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->text, prepared);
  const auto* r = report_of(page, "fallback");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->applied);
}

// Characters read at that little confidence are mostly wrong (a 280x32 Chinese line read 10
// characters at 26.8, 3 of them right): when the plain reading finds no text at all, the
// page reads as empty as plain Tesseract reads it.
TEST(Fallback, ABarelyLegibleReadingIsDroppedWhenThePlainOneFindsNoText) {
  ScriptedEngine engine(reading("Dcar Cvs1oner, tbank yon\n", 27), reading("", 0));
  Chain chain("auto", nullptr, kLimits);
  Page page = make_page(unevenly_lit_letter());
  chain.run(page);
  auto rec = read_page(page, Route{}, chain, engine, nullptr);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->text, "");
  const auto* r = report_of(page, "fallback");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->applied);
}

TEST(Fallback, ADoubtfulButLegibleReadingStandsAgainstAnEmptyPlainOne) {
  const std::string prepared = "Dear Customer, thank you for your order.\n";
  ScriptedEngine engine(reading(prepared, 48), reading("", 0));
  Chain chain("auto", nullptr, kLimits);
  Page page = make_page(unevenly_lit_letter());
  chain.run(page);
  auto rec = read_page(page, Route{}, chain, engine, nullptr);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->text, prepared);
}

TEST(Fallback, AWellReadPageIsRecognisedOnce) {
  ScriptedEngine engine(reading(kLetterText, 91), reading("never asked for\n", 99));
  Chain chain("auto", nullptr, kLimits);
  Page page = make_page(unevenly_lit_letter());
  chain.run(page);
  auto rec = read_page(page, Route{}, chain, engine, nullptr);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->text, kLetterText);
  EXPECT_EQ(engine.calls, 1);
  EXPECT_EQ(report_of(page, "fallback"), nullptr);
}

class Orientation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    engine_ = new engine::tesseract::TesseractRecognizer(engine::BackendOptions{});
  }
  static void TearDownTestSuite() { delete engine_; }

  static std::string recognise_turned(int quads, Page* out) {
    auto letter = load_sample("letter.png");
    image::PixPtr turned(quads ? pixRotateOrth(letter.get(), quads)
                               : pixCopy(nullptr, letter.get()));
    Chain chain(
        "auto", [] { return std::make_unique<engine::tesseract::TesseractOrientation>(""); },
        kLimits);
    *out = make_page(std::move(turned));
    chain.run(*out);
    auto rec = read_page(*out, Route{}, chain, *engine_, nullptr);
    return rec.ok() ? rec->text : "";
  }
  static engine::tesseract::TesseractRecognizer* engine_;
};
engine::tesseract::TesseractRecognizer* Orientation::engine_ = nullptr;

TEST_F(Orientation, TurnsAnUpsideDownPage) {
  Page page;
  const std::string text = recognise_turned(2, &page);
  EXPECT_EQ(page.done.rotation, 180);
  EXPECT_NE(text.find("warehouse"), std::string::npos) << text;
}

TEST_F(Orientation, TurnsASidewaysPage) {
  Page page;
  const std::string text = recognise_turned(3, &page);  // turned 90 counter-clockwise
  EXPECT_EQ(page.done.rotation, 90);
  EXPECT_NE(text.find("shipment"), std::string::npos) << text;
  // Turned the other way, Tesseract's own layout analysis reads the vertical lines; what
  // matters is the text.
  EXPECT_NE(recognise_turned(1, &page).find("shipment"), std::string::npos);
}

TEST_F(Orientation, NeverTurnsAnUprightPage) {
  Page page;
  const std::string text = recognise_turned(0, &page);
  EXPECT_EQ(page.done.rotation, 0);
  EXPECT_NE(text.find("regards"), std::string::npos) << text;
}

}  // namespace
}  // namespace ocrbatch::recognize
