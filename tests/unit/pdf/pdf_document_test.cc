#include "pdf/pdf_document.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <string>

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

TEST(PdfDocument, FileCutInItsCrossReferenceTableIsDecodeFailed) {
  std::string bytes = test::pdf_document({{72, 72, ""}, {72, 72, ""}});
  bytes.resize(bytes.find("xref") + 10);
  const auto doc = Document::open(bytes);
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, record::ErrorCode::decode_failed);
  EXPECT_NE(doc.error().message.find("xref"), std::string::npos) << doc.error().message;
}

}  // namespace
}  // namespace ocrbatch::pdf
