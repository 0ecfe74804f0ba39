#include "pdf/pdf_document.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "image/image.h"
#include "test_support.h"

namespace ocrbatch::pdf {
namespace {

using test::PdfPage;

TEST(PdfDocument, CountsPagesAndGivesTheirSizeInPoints) {
  const std::string bytes = test::pdf_document({{612, 792, ""}, {200, 100, ""}});
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->pages(), 2);
  auto second = doc->page_size(1);
  ASSERT_TRUE(second);
  EXPECT_DOUBLE_EQ(second->width, 200);
  EXPECT_DOUBLE_EQ(second->height, 100);
  EXPECT_FALSE(doc->page_size(2));
}

TEST(PdfDocument, RotatedPageIsMeasuredAsDisplayed) {
  const std::string bytes = test::pdf_document({{200, 100, "", 90}});
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc);
  auto size = doc->page_size(0);
  ASSERT_TRUE(size);
  EXPECT_DOUBLE_EQ(size->width, 100);
  EXPECT_DOUBLE_EQ(size->height, 200);
}

TEST(PdfDocument, RendersGreyPageAtTheAskedResolution) {
  // A black square over the bottom-left quarter of a 1x2 inch page.
  const std::string bytes = test::pdf_document({{72, 144, "0 0 36 72 re f"}});
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc);
  auto pix = doc->render(0, 100);
  ASSERT_TRUE(pix) << pix.error().message;
  Pix* p = pix->get();
  EXPECT_EQ(pixGetWidth(p), 100);
  EXPECT_EQ(pixGetHeight(p), 200);
  EXPECT_EQ(pixGetDepth(p), 8);
  EXPECT_EQ(pixGetXRes(p), 100);
  l_uint32 dark = 0, light = 0;
  pixGetPixel(p, 10, 190, &dark);  // Leptonica's y runs down: the bottom-left quarter
  pixGetPixel(p, 90, 10, &light);
  EXPECT_LT(dark, 40u);
  EXPECT_GT(light, 215u);
}

TEST(PdfDocument, RenderedSizeRoundsUpToWholePixels) {
  EXPECT_EQ(rendered_size({72, 144}, 300).width, 300);
  EXPECT_EQ(rendered_size({72, 144}, 300).height, 600);
  EXPECT_EQ(rendered_size({10, 10}, 100).width, 14);  // 13.9 pixels
  // A 200-inch MediaBox is measured, not rendered, so --max-pixels can refuse it.
  const auto huge = rendered_size({14400, 14400}, 300);
  EXPECT_EQ(static_cast<uint64_t>(huge.width) * huge.height, 60000ull * 60000ull);
}

TEST(PdfDocument, GarbageAfterTheHeaderIsDecodeFailedWithPopplersReason) {
  const auto doc = Document::open("%PDF-1.4\n1 0 obj << /Type /Catalog");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, record::ErrorCode::decode_failed);
  EXPECT_NE(doc.error().message.find("cannot open PDF"), std::string::npos);
  EXPECT_NE(doc.error().message.find("poppler: "), std::string::npos) << doc.error().message;
  EXPECT_EQ(doc.error().message.find("poppler: error:"), std::string::npos) << doc.error().message;
}

TEST(PdfDocument, FileCutInItsCrossReferenceTableIsReadWithARebuiltTrailer) {
  std::string bytes = test::pdf_document({{72, 72, ""}, {72, 72, ""}});
  bytes.resize(bytes.find("xref") + 10);
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_TRUE(doc->repaired());
  EXPECT_EQ(doc->page_table(100), (std::vector<int>{0, 1}));
}

TEST(PdfDocument, FileCutInItsThirdPageKeepsThePagesItHolds) {
  std::string bytes = test::pdf_document(
      {{72, 72, "0 0 9 9 re f"}, {72, 72, ""}, {72, 72, ""}, {72, 72, ""}, {72, 72, ""}});
  // Objects: catalog, page tree, then each page and its content: page 3's content is object 8.
  bytes.resize(bytes.find("8 0 obj") + 20);
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->pages(), 5);
  EXPECT_EQ(doc->page_table(100), (std::vector<int>{0, 1, 2, -1, -1}));
  EXPECT_TRUE(doc->render(1, 36));
  EXPECT_TRUE(doc->render(2, 36));  // what its content holds before the cut
}

TEST(PdfDocument, PageTreeNamingAMissingObjectMapsTheOthersToPopplersIndex) {
  std::string bytes = test::pdf_document({{72, 72, ""}, {100, 72, ""}, {200, 72, ""}});
  const size_t kid = bytes.find("5 0 R");  // the second page
  ASSERT_NE(kid, std::string::npos);
  bytes.replace(kid, 1, "9");  // object 9 does not exist
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc) << doc.error().message;
  const auto table = doc->page_table(100);
  ASSERT_EQ(table, (std::vector<int>{0, -1, 1}));
  // poppler reads the third page at index 1.
  EXPECT_DOUBLE_EQ(doc->page_size(table[2])->width, 200);
}

TEST(PdfDocument, PageTableStopsPastTheLimit) {
  const std::string bytes = test::pdf_document({{72, 72, ""}, {72, 72, ""}, {72, 72, ""}});
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->page_table(1).size(), 2u);
  EXPECT_EQ(doc->page_table(SIZE_MAX).size(), 3u);
}

// An inline grey image of `pixels` a side, placed over `inches` a side at the page's corner.
std::string inline_image(int pixels, double inches) {
  const double points = inches * 72;
  return "q " + std::to_string(points) + " 0 0 " + std::to_string(points) + " 0 0 cm BI /W " +
         std::to_string(pixels) + " /H " + std::to_string(pixels) + " /CS /G /BPC 8 ID " +
         std::string(static_cast<size_t>(pixels) * pixels, '\x80') + " EI Q\n";
}

TEST(PdfDocument, ScanTakesTheResolutionOfTheImageWithTheLargestPlacedArea) {
  // 400 pixels over 2 inches (200 dpi) and 300 pixels over 1 inch (300 dpi): the first is
  // larger on the page.
  const std::string bytes =
      test::pdf_document({{144, 144, inline_image(300, 1) + inline_image(400, 2)}});
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc);
  auto scan = doc->scan(0);
  ASSERT_TRUE(scan) << scan.error().message;
  EXPECT_EQ(scan->image_dpi, 200);
  EXPECT_DOUBLE_EQ(scan->image_cover, 1.0);
  EXPECT_TRUE(scan->words.empty());
  EXPECT_EQ(auto_dpi(*scan), 200);
}

// An inline 1-bit image of `pixels` a side over the whole of a page `inches` a side: black
// left half, white right half.
std::string inline_bilevel_image(int pixels, double inches) {
  const double points = inches * 72;
  const int row_bytes = (pixels + 7) / 8;
  std::string row(static_cast<size_t>(row_bytes), '\xff');
  for (int x = 0; x < pixels / 2; ++x) row[static_cast<size_t>(x / 8)] &= ~(0x80 >> (x % 8));
  std::string data;
  for (int y = 0; y < pixels; ++y) data += row;
  return "q " + std::to_string(points) + " 0 0 " + std::to_string(points) + " 0 0 cm BI /W " +
         std::to_string(pixels) + " /H " + std::to_string(pixels) + " /CS /G /BPC 1 ID " + data +
         " EI Q\n";
}

TEST(PdfDocument, ABlackAndWhiteScanRendersBlackAndWhite) {
  const std::string bytes = test::pdf_document({{72, 72, inline_bilevel_image(200, 1)}});
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc);
  auto scan = doc->scan(0);
  ASSERT_TRUE(scan) << scan.error().message;
  EXPECT_TRUE(scan->image_bilevel);
  ASSERT_TRUE(renders_bilevel(*scan));
  auto pix = doc->render(0, 200, {}, true);
  ASSERT_TRUE(pix) << pix.error().message;
  ASSERT_EQ(pixGetDepth(pix->get()), 1);
  ASSERT_EQ(pixGetWidth(pix->get()), 200);
  l_uint32 left = 0, right = 0;
  pixGetPixel(pix->get(), 20, 100, &left);
  pixGetPixel(pix->get(), 180, 100, &right);
  EXPECT_EQ(left, 1u);  // Leptonica's 1 is black
  EXPECT_EQ(right, 0u);
}

TEST(PdfDocument, ABlackAndWhiteScanIsReadFromItsOwnPixels) {
  const std::string bytes = test::pdf_document({{72, 72, inline_bilevel_image(200, 1)}});
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc);
  auto pix = doc->stored_bilevel_image(0, 200);
  ASSERT_TRUE(pix) << pix.error().message;
  ASSERT_TRUE(pix.value());
  ASSERT_EQ(pixGetDepth(pix->get()), 1);
  ASSERT_EQ(pixGetWidth(pix->get()), 200);
  ASSERT_EQ(pixGetHeight(pix->get()), 200);
  // Exactly the stored bits: columns 0-99 black, 100-199 white, on every row.
  for (int y : {0, 57, 199})
    for (int x : {0, 99, 100, 199}) {
      l_uint32 v = 0;
      pixGetPixel(pix->get(), x, y, &v);
      EXPECT_EQ(v, x < 100 ? 1u : 0u) << x << "," << y;
    }
  EXPECT_EQ(pixGetXRes(pix->get()), 200);
  // At another resolution the stored pixels are not the page's: the page is rendered instead.
  auto other = doc->stored_bilevel_image(0, 300);
  ASSERT_TRUE(other);
  EXPECT_FALSE(other.value());
}

TEST(PdfDocument, AGreyScanIsNotRenderedBlackAndWhite) {
  const std::string bytes = test::pdf_document({{144, 144, inline_image(400, 2)}});
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc);
  auto scan = doc->scan(0);
  ASSERT_TRUE(scan);
  EXPECT_FALSE(scan->image_bilevel);
  EXPECT_FALSE(renders_bilevel(*scan));
}

TEST(PdfDocument, ScanOfAPageWithoutImagesFindsNone) {
  const std::string bytes = test::pdf_document({{72, 72, "0 0 36 36 re f"}});
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc);
  auto scan = doc->scan(0);
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->image_dpi, 0);
  EXPECT_EQ(auto_dpi(*scan), kAutoDpi);
}

TEST(PdfDocument, AutoDpiKeepsAScansResolutionWithinItsBounds) {
  PageScan scan;
  scan.image_cover = 1;
  for (const auto& [image, expected] :
       {std::pair{200, 200}, {400, 400}, {1200, kAutoMaxDpi}, {50, kAutoMinDpi}, {0, kAutoDpi}}) {
    scan.image_dpi = image;
    EXPECT_EQ(auto_dpi(scan), expected) << image;
  }
  scan.image_dpi = 96;  // a logo on a page of vector text is no scan
  scan.image_cover = 0.1;
  EXPECT_EQ(auto_dpi(scan), kAutoDpi);
}

TEST(PdfDocument, TextLayerReadsThePageUnlessItIsAFewWordsOnAScan) {
  PageScan scan;
  EXPECT_FALSE(text_layer_reads_the_page(scan));  // no words
  scan.words.resize(3);
  scan.text_cover = 0.005;
  EXPECT_TRUE(text_layer_reads_the_page(scan));  // a born-digital page with a heading
  scan.image_cover = 0.9;
  EXPECT_FALSE(text_layer_reads_the_page(scan));  // a scan with a stamp
  scan.text_cover = 0.2;
  EXPECT_TRUE(text_layer_reads_the_page(scan));  // a scan with its OCR text layer
}

TEST(PdfDocument, TextLayoutIsInRenderedPixelsFromTheTopLeft) {
  PageScan scan;
  scan.words = {{"Invoice", 72, 72, 144, 90, 86, 0, 0, 0, 0},
                {"Harbour", 150, 72, 200, 90, 86, 0, 0, 0, 0},
                {"Ledger", 72, 100, 120, 118, 114, 0, 0, 0, 1},
                {"Below", 72, 400, 120, 418, 414, 0, 1, 0, 0}};
  const auto blocks = text_layout(scan, 300);
  ASSERT_EQ(blocks.size(), 2u);
  ASSERT_EQ(blocks[0].paragraphs.size(), 1u);
  const auto& lines = blocks[0].paragraphs[0].lines;
  ASSERT_EQ(lines.size(), 2u);
  ASSERT_EQ(lines[0].words.size(), 2u);
  const auto& word = lines[0].words[0];
  EXPECT_EQ(word.text, "Invoice");
  EXPECT_EQ(word.confidence, 100);
  EXPECT_EQ((std::vector<int>{word.bbox.x, word.bbox.y, word.bbox.w, word.bbox.h}),
            (std::vector<int>{300, 300, 300, 75}));
  EXPECT_EQ(
      (std::vector<int>{word.baseline.x1, word.baseline.y1, word.baseline.x2, word.baseline.y2}),
      (std::vector<int>{300, 358, 600, 358}));
  // The line spans both words; its baseline runs from the first word's start to the last's end.
  EXPECT_EQ(lines[0].bbox.x + lines[0].bbox.w, 834);
  EXPECT_EQ(lines[0].baseline.x2, 833);
  EXPECT_EQ(blocks[1].paragraphs[0].lines[0].words[0].text, "Below");
}

TEST(PdfDocument, RenderStopsWhenAsked) {
  const std::string bytes = test::pdf_document({{72, 72, "0 0 9 9 re f"}});
  auto doc = Document::open(bytes);
  ASSERT_TRUE(doc);
  const auto pix = doc->render(0, 72, [] { return true; });
  ASSERT_FALSE(pix);
  EXPECT_EQ(pix.error().code, record::ErrorCode::timeout);
  const auto scan = doc->scan(0, [] { return true; });
  ASSERT_FALSE(scan);
  EXPECT_EQ(scan.error().code, record::ErrorCode::timeout);
}

}  // namespace
}  // namespace ocrbatch::pdf
