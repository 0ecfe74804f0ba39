#include "recognize/routing.h"

#include <gtest/gtest.h>

#include "engine/tesseract/tesseract_backend.h"
#include "preprocess/chain.h"
#include "test_support.h"

namespace ocrbatch::recognize {
namespace {

using preprocess::Analysis;
using preprocess::Kind;

preprocess::Page classified(Analysis analysis) {
  preprocess::Page page;
  page.analysis = analysis;
  return page;
}

Analysis document() {
  Analysis a;
  a.kind = Kind::bilevel;
  a.line_fill = 0.75;
  a.text_height = 24;
  a.components = 2000;
  return a;
}

RoutingRules automatic(const std::string& lang = "eng") {
  RoutingRules rules;
  rules.mode = EngineMode::automatic;
  rules.lang = lang;
  rules.detector_ready = true;
  return rules;
}

TEST(Routing, ADocumentScanKeepsTesseractsLayout) {
  const Route route = choose_route(classified(document()), automatic());
  EXPECT_EQ(route.layout, LayoutPath::tesseract);
  EXPECT_EQ(route.reader, Reader::tesseract);
  Analysis grey = document();
  grey.kind = Kind::grey;
  EXPECT_EQ(choose_route(classified(grey), automatic()).layout, LayoutPath::tesseract);
}

TEST(Routing, APhotoGoesToTheDetectorAndEnglishSceneTextToPpocr) {
  Analysis photo = document();
  photo.kind = Kind::photo;
  photo.line_fill = 0.1;
  Route route = choose_route(classified(photo), automatic());
  EXPECT_EQ(route.layout, LayoutPath::dnn);
  EXPECT_EQ(route.reader, Reader::ppocr);
  // PP-OCR's dictionary lacks the letters of other Latin languages.
  route = choose_route(classified(photo), automatic("deu"));
  EXPECT_EQ(route.layout, LayoutPath::dnn);
  EXPECT_EQ(route.reader, Reader::tesseract);
}

// An unevenly lit page of running text is a document, not a scene: Tesseract's preparation reads
// it far better. A photo where no text could be measured is treated as a scene.
TEST(Routing, APhotographedPageOfRunningTextKeepsTesseract) {
  Analysis page = document();
  page.kind = Kind::photo;
  page.line_fill = 0.7;
  EXPECT_EQ(choose_route(classified(page), automatic()).layout, LayoutPath::tesseract);
  page.text_height = 0;
  page.line_fill = 1;
  EXPECT_EQ(choose_route(classified(page), automatic()).layout, LayoutPath::dnn);
}

TEST(Routing, SparsePagesAndGreyPagesOfShortLinesGoToTheDetectorReadByTesseract) {
  Analysis form = document();
  form.kind = Kind::grey;
  form.sparse = true;
  form.line_fill = 0.1;
  Route route = choose_route(classified(form), automatic());
  EXPECT_EQ(route.layout, LayoutPath::dnn);
  EXPECT_EQ(route.reader, Reader::tesseract);
  Analysis receipt = document();
  receipt.kind = Kind::grey;
  receipt.line_fill = 0.35;
  route = choose_route(classified(receipt), automatic());
  EXPECT_EQ(route.layout, LayoutPath::dnn);
  EXPECT_EQ(route.reader, Reader::tesseract);
  // A bilevel page of short lines (a poem, a list) is a document.
  Analysis list = document();
  list.line_fill = 0.35;
  EXPECT_EQ(choose_route(classified(list), automatic()).layout, LayoutPath::tesseract);
}

TEST(Routing, ChineseAndJapaneseGoToTheDetectorReadByPpocr) {
  for (const char* lang : {"chi_sim", "chi_tra", "jpn", "eng+chi_sim"}) {
    const Route route = choose_route(classified(document()), automatic(lang));
    EXPECT_EQ(route.layout, LayoutPath::dnn) << lang;
    EXPECT_EQ(route.reader, Reader::ppocr) << lang;
  }
  EXPECT_FALSE(wants_ppocr("eng+deu"));
  EXPECT_FALSE(wants_ppocr("chi"));
}

TEST(Routing, BlankPagesLinesAndUnclassifiedPagesKeepTesseract) {
  Analysis blank = document();
  blank.kind = Kind::photo;
  blank.blank = true;
  EXPECT_EQ(choose_route(classified(blank), automatic()).layout, LayoutPath::tesseract);
  Analysis line = document();
  line.kind = Kind::grey;
  line.line = true;
  line.line_fill = 0.2;
  EXPECT_EQ(choose_route(classified(line), automatic()).layout, LayoutPath::tesseract);
  // --preprocess none: no classification, so auto reads as plain Tesseract would.
  EXPECT_EQ(choose_route(preprocess::Page{}, automatic()).layout, LayoutPath::tesseract);
}

TEST(Routing, ForcedEnginesAndReadersWin) {
  RoutingRules rules = automatic();
  rules.mode = EngineMode::tesseract;
  Analysis photo = document();
  photo.kind = Kind::photo;
  photo.line_fill = 0.1;
  EXPECT_EQ(choose_route(classified(photo), rules).layout, LayoutPath::tesseract);
  rules.mode = EngineMode::dnn;
  Route route = choose_route(classified(document()), rules);
  EXPECT_EQ(route.layout, LayoutPath::dnn);
  EXPECT_EQ(route.reader, Reader::tesseract);
  EXPECT_EQ(choose_route(preprocess::Page{}, rules).layout, LayoutPath::dnn);
  rules.reader = ReaderChoice::ppocr;
  EXPECT_EQ(choose_route(classified(document()), rules).reader, Reader::ppocr);
  rules = automatic("chi_sim");
  rules.reader = ReaderChoice::tesseract;
  EXPECT_EQ(choose_route(classified(document()), rules).reader, Reader::tesseract);
}

TEST(Routing, WithoutTheDetectorEveryPageKeepsTesseract) {
  RoutingRules rules = automatic("chi_sim");
  rules.detector_ready = false;
  Analysis photo = document();
  photo.kind = Kind::photo;
  photo.line_fill = 0.1;
  EXPECT_EQ(choose_route(classified(photo), rules).layout, LayoutPath::tesseract);
}

// Forms, receipts and photos are read row by row; Chinese pages of running text by column.
TEST(Routing, OnlyChinesePagesOfRunningTextAreReadByColumns) {
  Analysis form = document();
  form.kind = Kind::grey;
  form.sparse = true;
  EXPECT_TRUE(choose_route(classified(form), automatic()).rows);
  Analysis photo = document();
  photo.kind = Kind::photo;
  photo.line_fill = 0.1;
  EXPECT_TRUE(choose_route(classified(photo), automatic()).rows);
  EXPECT_FALSE(choose_route(classified(document()), automatic("chi_sim")).rows);
  EXPECT_TRUE(choose_route(classified(form), automatic("chi_sim")).rows);
}

TEST(Routing, TheRecordNamesThePath) {
  record::EngineUsed used = engine_used(Route{});
  EXPECT_EQ(used.layout, "tesseract");
  EXPECT_EQ(used.recognizer, "tesseract");
  used = engine_used(Route{LayoutPath::dnn, Reader::ppocr});
  EXPECT_EQ(used.layout, "dnn");
  EXPECT_EQ(used.recognizer, "ppocr");
}

// The classification of real samples: documents keep Tesseract.
TEST(Routing, TheDocumentSamplesKeepTesseract) {
  for (const char* sample : {"letter.png", "notice.bmp"}) {
    auto page = preprocess::make_page(test::load_sample(sample));
    preprocess::Chain("auto", nullptr, engine::tesseract::tesseract_limits()).classify(page);
    EXPECT_EQ(choose_route(page, automatic()).layout, LayoutPath::tesseract) << sample;
  }
}

TEST(Routing, AGreyOrCameraImageWithNoTextToMeasureGoesToTheDetectorWithPpocr) {
  // A word cut from a photo: too few characters to measure a text height.
  Analysis word = document();
  word.kind = Kind::grey;
  word.text_height = 0;
  word.line_fill = 1;
  Route route = choose_route(classified(word), automatic());
  EXPECT_EQ(route.layout, LayoutPath::dnn);
  EXPECT_EQ(route.reader, Reader::ppocr);
  // A bilevel scan with no text height measured is a document line: Tesseract's.
  word.kind = Kind::bilevel;
  EXPECT_EQ(choose_route(classified(word), automatic()).layout, LayoutPath::tesseract);
}

TEST(Routing, ACameraOrGreyPageReadEmptyIsRetriedOnTheDetectorUnderAutoOnly) {
  Analysis photo = document();
  photo.kind = Kind::photo;
  photo.line_fill = 0.4;  // over the scene fill: Tesseract's first
  ASSERT_EQ(choose_route(classified(photo), automatic()).layout, LayoutPath::tesseract);
  auto retry = retry_route(classified(photo), automatic(), 0);
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->layout, LayoutPath::dnn);
  EXPECT_EQ(retry->reader, Reader::ppocr);
  EXPECT_TRUE(retry->rows);
  EXPECT_FALSE(retry_route(classified(photo), automatic(), 3)) << "words were read";
  RoutingRules forced = automatic();
  forced.mode = EngineMode::tesseract;
  EXPECT_FALSE(retry_route(classified(photo), forced, 0));
  RoutingRules no_models = automatic();
  no_models.detector_ready = false;
  EXPECT_FALSE(retry_route(classified(photo), no_models, 0));
  EXPECT_FALSE(retry_route(classified(document()), automatic(), 0)) << "a bilevel scan";
  Analysis blank = photo;
  blank.blank = true;
  EXPECT_FALSE(retry_route(classified(blank), automatic(), 0));
  EXPECT_FALSE(retry_route(preprocess::Page{}, automatic(), 0)) << "--preprocess none";
}

TEST(Routing, AChineseLineImageIsReadWholeByPpocr) {
  Analysis line = document();
  line.line = true;
  Route route = choose_route(classified(line), automatic("chi_sim"));
  EXPECT_EQ(route.layout, LayoutPath::dnn);
  EXPECT_TRUE(route.whole_line);
  EXPECT_TRUE(route.vertical_text);
  // A page is detected; a line read by Tesseract is detected too (its crops get a border).
  EXPECT_FALSE(choose_route(classified(document()), automatic("chi_sim")).whole_line);
  RoutingRules tesseract_lines = automatic("chi_sim");
  tesseract_lines.reader = ReaderChoice::tesseract;
  EXPECT_FALSE(choose_route(classified(line), tesseract_lines).whole_line);
}

}  // namespace
}  // namespace ocrbatch::recognize
