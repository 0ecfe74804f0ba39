#include "engine/tesseract/tesseract_recognizer.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "engine/tesseract/tessdata.h"
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

bool inside(const record::Box& inner, const record::Box& outer) {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w &&
         inner.y + inner.h <= outer.y + outer.h;
}

std::vector<record::Line> lines_in(const std::vector<record::Block>& blocks) {
  std::vector<record::Line> lines;
  for (const auto& block : blocks)
    for (const auto& paragraph : block.paragraphs)
      for (const auto& line : paragraph.lines) lines.push_back(line);
  return lines;
}

TEST(TesseractRecognizer, TheTreeHasEveryWordWithABoxInsideThePage) {
  TesseractRecognizer engine(BackendOptions{});
  auto pix = load_sample("notice.bmp");
  const auto info = image::info(pix.get());
  auto result = engine.recognize(pix.get(), nullptr);
  ASSERT_TRUE(result.ok());
  const auto words = record::words_of(result->blocks);
  ASSERT_EQ(static_cast<int>(words.size()), result->words);
  EXPECT_EQ(words.front().text, "Office");
  for (const auto& word : words) {
    EXPECT_GE(word.bbox.x, 0);
    EXPECT_GT(word.bbox.w, 0);
    EXPECT_LE(word.bbox.x + word.bbox.w, info.width);
    EXPECT_LE(word.bbox.y + word.bbox.h, info.height);
  }
  const auto lines = record::lines_of(result->blocks);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].text, "Please use the side entrance");
}

// Two paragraphs, far apart on one page: the notice above the first page of the report.
image::PixPtr two_paragraph_page() {
  auto top = image::PixPtr(pixConvertTo8(load_sample("notice.bmp").get(), 0));
  auto bottom = image::PixPtr(pixConvertTo8(load_sample("report.tif").get(), 0));
  const int gap = 200;
  const int w = std::max(pixGetWidth(top.get()), pixGetWidth(bottom.get()));
  const int h = pixGetHeight(top.get()) + gap + pixGetHeight(bottom.get());
  image::PixPtr page(pixCreate(w, h, 8));
  pixSetAll(page.get());
  pixRasterop(page.get(), 0, 0, pixGetWidth(top.get()), pixGetHeight(top.get()), PIX_SRC, top.get(),
              0, 0);
  pixRasterop(page.get(), 0, pixGetHeight(top.get()) + gap, pixGetWidth(bottom.get()),
              pixGetHeight(bottom.get()), PIX_SRC, bottom.get(), 0, 0);
  return page;
}

TEST(TesseractRecognizer, FillsTheLayoutTreeOfATwoParagraphPage) {
  TesseractRecognizer engine(BackendOptions{});
  auto page = two_paragraph_page();
  auto result = engine.recognize(page.get(), nullptr);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& blocks = result->blocks;
  int paragraphs = 0, words = 0;
  for (const auto& block : blocks) {
    EXPECT_GT(block.confidence, 50);
    for (const auto& paragraph : block.paragraphs) {
      ++paragraphs;
      EXPECT_TRUE(inside(paragraph.bbox, block.bbox));
      EXPECT_GT(paragraph.confidence, 50);
      for (const auto& line : paragraph.lines) {
        EXPECT_TRUE(inside(line.bbox, paragraph.bbox));
        EXPECT_GT(line.confidence, 50);
        EXPECT_FALSE(line.baseline.empty());
        // Left to right, near the bottom of the line's box.
        EXPECT_LT(line.baseline.x1, line.baseline.x2);
        EXPECT_GT(line.baseline.y1, line.bbox.y + line.bbox.h / 2);
        EXPECT_LE(line.baseline.y1, line.bbox.y + line.bbox.h);
        ASSERT_FALSE(line.words.empty());
        for (const auto& word : line.words) {
          ++words;
          EXPECT_FALSE(word.text.empty());
          EXPECT_TRUE(inside(word.bbox, line.bbox)) << word.text;
          // The line's baseline under the word's own stretch of it.
          EXPECT_EQ(word.baseline.x1, word.bbox.x) << word.text;
          EXPECT_EQ(word.baseline.x2, word.bbox.x + word.bbox.w) << word.text;
          EXPECT_NEAR(word.baseline.y1, line.baseline.y1, 6) << word.text;
        }
      }
    }
  }
  EXPECT_EQ(paragraphs, 2);
  EXPECT_EQ(words, result->words);
  const auto lines = lines_in(blocks);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(record::text_of(lines[0]), "Office closed on Friday");
  EXPECT_EQ(record::text_of(lines[2]), "Page one of the quarterly report.");
  // Each line's words, joined, are the line as the page text has it.
  std::string joined;
  for (const auto& line : lines) joined += record::text_of(line) + "\n";
  std::string text = result->text;
  text.erase(std::remove(text.begin(), text.end(), '\f'), text.end());
  std::string compact;  // the page text without the blank lines between paragraphs
  for (size_t i = 0; i < text.size(); ++i)
    if (!(text[i] == '\n' && (compact.empty() || compact.back() == '\n'))) compact += text[i];
  EXPECT_EQ(joined, compact);
}

// --detail line|word as they were read before the tree: straight from Tesseract's iterator,
// one item per line and one per word.
struct DirectItems {
  std::vector<record::TextItem> lines, words;
};

DirectItems items_read_directly(Pix* pix) {
  ::tesseract::TessBaseAPI api;
  std::vector<std::string> names{"debug_file"};
  std::vector<std::string> values{"/dev/null"};
  const std::string dir = resolve_tessdata("");
  EXPECT_EQ(api.Init(dir.empty() ? nullptr : dir.c_str(), "eng", ::tesseract::OEM_DEFAULT, nullptr,
                     0, &names, &values, false),
            0);
  api.SetPageSegMode(::tesseract::PSM_AUTO);
  api.SetImage(pix);
  EXPECT_EQ(api.Recognize(nullptr), 0);
  const auto item_at = [](const ::tesseract::ResultIterator& it,
                          ::tesseract::PageIteratorLevel level) {
    record::TextItem item;
    std::unique_ptr<char[]> text(it.GetUTF8Text(level));
    item.text = text.get();
    while (!item.text.empty() && (item.text.back() == '\n' || item.text.back() == ' '))
      item.text.pop_back();
    item.confidence = std::round(it.Confidence(level) * 10.0) / 10.0;
    int left = 0, top = 0, right = 0, bottom = 0;
    it.BoundingBox(level, &left, &top, &right, &bottom);
    item.bbox = record::Box{left, top, right - left, bottom - top};
    return item;
  };
  DirectItems items;
  std::unique_ptr<::tesseract::ResultIterator> it(api.GetIterator());
  do {
    if (it->Empty(::tesseract::RIL_WORD)) continue;
    items.words.push_back(item_at(*it, ::tesseract::RIL_WORD));
    if (it->IsAtBeginningOf(::tesseract::RIL_TEXTLINE))
      items.lines.push_back(item_at(*it, ::tesseract::RIL_TEXTLINE));
  } while (it->Next(::tesseract::RIL_WORD));
  api.End();
  return items;
}

void expect_same_items(const std::vector<record::TextItem>& got,
                       const std::vector<record::TextItem>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].text, want[i].text) << i;
    EXPECT_EQ(got[i].confidence, want[i].confidence) << want[i].text;
    EXPECT_EQ(got[i].bbox.x, want[i].bbox.x) << want[i].text;
    EXPECT_EQ(got[i].bbox.y, want[i].bbox.y) << want[i].text;
    EXPECT_EQ(got[i].bbox.w, want[i].bbox.w) << want[i].text;
    EXPECT_EQ(got[i].bbox.h, want[i].bbox.h) << want[i].text;
  }
}

TEST(TesseractRecognizer, TheTreesLinesAndWordsAreWhatTheIteratorGives) {
  auto pix = load_sample("letter.png");
  TesseractRecognizer engine(BackendOptions{});
  auto result = engine.recognize(pix.get(), nullptr);
  ASSERT_TRUE(result.ok());
  const DirectItems direct = items_read_directly(pix.get());
  expect_same_items(record::words_of(result->blocks), direct.words);
  expect_same_items(record::lines_of(result->blocks), direct.lines);
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
