#include <gtest/gtest.h>

#include <string>

#include "layout_pages.h"

namespace ocrbatch::output {
namespace {

using test::has;
using test::notice_page;
using test::page_error;
using test::render;

TEST(HocrSink, DeclaresTheSystemAndTesseractsCapabilities) {
  const auto hocr = render("hocr", {notice_page()});
  EXPECT_TRUE(has(hocr, "<meta name='ocr-system' content='ocrbatch ")) << hocr;
  EXPECT_TRUE(has(hocr,
                  "<meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line "
                  "ocrx_word ocrp_wconf'/>"));
  EXPECT_TRUE(has(hocr, "<html xmlns=\"http://www.w3.org/1999/xhtml\">"));
}

TEST(HocrSink, WritesThePageTreeWithCornerBoxesAndConfidences) {
  const auto hocr = render("hocr", {notice_page()});
  EXPECT_TRUE(has(hocr,
                  "<div class='ocr_page' id='page_1' title='image &quot;samples/notice.bmp&quot;; "
                  "bbox 0 0 1200 300; ppageno 0; scan_res 300 300; x_wconf 96'>"))
      << hocr;
  EXPECT_TRUE(has(hocr,
                  "<div class='ocr_carea' id='block_1_1' title='bbox 82 78 713 181; "
                  "x_wconf 96'>"));
  EXPECT_TRUE(has(hocr,
                  "<p class='ocr_par' id='par_1_1' lang='eng' title='bbox 82 78 713 181; "
                  "x_wconf 96'>"));
  EXPECT_TRUE(has(hocr,
                  "<span class='ocr_line' id='line_1_1' title='bbox 82 78 579 120; "
                  "baseline 0 -9; x_wconf 96'>"));
  EXPECT_TRUE(has(hocr,
                  "<span class='ocrx_word' id='word_1_1' title='bbox 82 78 206 111; "
                  "x_wconf 96'>Office</span>"));
  // Numbered through the page, as tesseract numbers them.
  EXPECT_TRUE(has(hocr, "id='block_1_2'"));
  EXPECT_TRUE(has(hocr, "id='par_1_2'"));
  EXPECT_TRUE(has(hocr, "id='line_1_4'"));
  EXPECT_TRUE(has(hocr, "id='word_1_13'"));
  EXPECT_FALSE(has(hocr, "id='word_1_14'"));
}

TEST(HocrSink, BaselineIsSlopeAndOffsetFromTheLinesBottomLeft) {
  auto p = notice_page();
  auto& line = p.blocks[0].paragraphs[0].lines[0];
  line.bbox = {100, 170, 200, 45};  // bottom 215
  line.baseline = {100, 200, 300, 210};
  const auto hocr = render("hocr", {p});
  EXPECT_TRUE(has(hocr, "title='bbox 100 170 300 215; baseline 0.05 -15; x_wconf 96'")) << hocr;
  line.baseline = {150, 200, 150, 100};  // vertical: hOCR's baseline cannot say it
  EXPECT_TRUE(has(render("hocr", {p}), "title='bbox 100 170 300 215; x_wconf 96'"));
}

TEST(HocrSink, IdsAreUniqueAcrossThePagesOfTheDocument) {
  auto second = notice_page("report.tif");
  second.page = 2;
  second.pages = 3;
  const auto hocr = render("hocr", {notice_page(), second});
  EXPECT_TRUE(has(hocr,
                  "id='page_2' title='image &quot;report.tif&quot;; bbox 0 0 1200 300; "
                  "ppageno 1;"));
  EXPECT_TRUE(has(hocr, "id='word_2_1'"));
  EXPECT_TRUE(has(hocr, "id='block_2_2'"));
}

TEST(HocrSink, EscapesTextAndImageNames) {
  const auto hocr = render("hocr", {notice_page("we\"ird\\<&>'name\xff.png")});
  EXPECT_TRUE(has(hocr,
                  "title='image &quot;we\\&quot;ird\\\\&lt;&amp;&gt;&#39;name\xEF\xBF\xBD.png"
                  "&quot;;"))
      << hocr;
  EXPECT_TRUE(has(hocr, ">&lt;&amp;&gt;&quot;&#39;</span>"));
  EXPECT_TRUE(has(hocr, ">tab&#9;here&#10;line</span>"));
  EXPECT_TRUE(has(hocr, ">bad\xEF\xBF\xBD\xEF\xBF\xBD utf8 \xEF\xBF\xBD</span>"));
  EXPECT_TRUE(has(hocr,
                  ">Stra\xc3\x9f"
                  "e</span>"));
}

TEST(HocrSink, LanguageOnlyWhenThePageHasOne) {
  auto p = notice_page();
  p.lang = "eng+deu";
  EXPECT_FALSE(has(render("hocr", {p}), "lang="));
}

TEST(HocrSink, ErrorsHaveNoPage) {
  const auto hocr = render("hocr", {page_error("a.png", 0), page_error("b.tif", 2)});
  EXPECT_FALSE(has(hocr, "class='ocr_page'"));
  EXPECT_TRUE(has(hocr, "<body>\n </body>\n</html>\n"));
}

TEST(HocrSink, IsWellFormedXmlWhateverTheTextHolds) {
  if (!test::have_xmllint()) GTEST_SKIP() << "xmllint is not installed";
  auto second = notice_page("b\"<&\xff.tif");
  EXPECT_EQ(test::xmllint("", render("hocr", {notice_page(), page_error("x", 0), second})), 0);
  EXPECT_EQ(test::xmllint("", render("hocr", {})), 0);
}

}  // namespace
}  // namespace ocrbatch::output
