#include "image/image.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "test_support.h"

namespace ocrbatch::image {
namespace {

TEST(Sniff, RecognisesEachFormatByItsMagicBytes) {
  EXPECT_EQ(sniff(test::encoded_image(Format::png)), Format::png);
  EXPECT_EQ(sniff(test::encoded_image(Format::jpeg)), Format::jpeg);
  EXPECT_EQ(sniff(test::encoded_image(Format::tiff)), Format::tiff);
  EXPECT_EQ(sniff(test::encoded_image(Format::bmp)), Format::bmp);
  EXPECT_EQ(sniff("P5\n10 10\n255\n"), Format::pnm);
  EXPECT_EQ(sniff(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)), Format::webp);
  EXPECT_EQ(sniff("GIF89a...."), Format::gif);
}

TEST(Sniff, RejectsTextAndEmptyInput) {
  EXPECT_EQ(sniff(""), Format::unknown);
  EXPECT_EQ(sniff("hello world"), Format::unknown);
  EXPECT_EQ(sniff("PK\x03\x04"), Format::unknown);
  EXPECT_EQ(sniff("P9 not pnm"), Format::unknown);
}

TEST(ImageExtension, IsCaseInsensitiveAndNeedsADot) {
  EXPECT_TRUE(has_image_extension("scan.PNG"));
  EXPECT_TRUE(has_image_extension("dir.v2/page.tiff"));
  EXPECT_FALSE(has_image_extension("notes.txt"));
  EXPECT_FALSE(has_image_extension("png"));
}

TEST(PageCount, CountsTiffDirectoriesWithoutDecoding) {
  const auto tiff = test::multipage_tiff(4);
  auto pages = page_count(tiff, Format::tiff);
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(pages.value(), 4);
  EXPECT_EQ(page_count(test::encoded_image(Format::png), Format::png).value(), 1);
}

TEST(PageCount, FailsOnATiffWithNoDirectory) {
  auto pages = page_count(std::string("II*\0\0\0\0\0", 8), Format::tiff);
  ASSERT_FALSE(pages.ok());
  EXPECT_EQ(pages.error().code, record::ErrorCode::decode_failed);
}

TEST(Decode, ReturnsEachTiffPage) {
  const auto tiff = test::multipage_tiff(3);
  for (int i = 0; i < 3; ++i) {
    auto pix = decode(tiff, Format::tiff, i);
    ASSERT_TRUE(pix.ok()) << pix.error().message;
    EXPECT_EQ(info(pix.value().get()).width, 100 + 10 * i);
  }
}

TEST(Decode, ReportsTruncatedAndEmptyData) {
  const auto png = test::encoded_image(Format::png, 200, 100);
  auto truncated = decode(png.substr(0, png.size() / 2), Format::png, 0);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, record::ErrorCode::decode_failed);
  EXPECT_NE(truncated.error().message.find("PNG"), std::string::npos);

  auto empty = decode("", Format::png, 0);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
}

TEST(Header, ReadsAGifsFirstFrameSizeWithoutDecodingIt) {
  // Logical screen 10x10, one frame declaring 30000x20000, then the trailer.
  std::string gif = std::string("GIF89a") + std::string("\x0a\x00\x0a\x00\x00\x00\x00", 7);
  gif += std::string("\x2c\x00\x00\x00\x00\x30\x75\x20\x4e\x00", 10) + std::string("\x02\x00;", 3);
  auto head = header(gif, Format::gif, 0);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head.value().width, 30000);
  EXPECT_EQ(head.value().height, 20000);
}

// A second frame declaring 30000x20000 with its data cut short: giflib would allocate it and
// fail on it if the decoder were given every frame.
TEST(Decode, ReadsOnlyTheFirstFrameOfAnAnimatedGif) {
  std::string gif = test::encoded_image(Format::gif, 64, 48);
  ASSERT_EQ(gif.back(), ';');
  gif.pop_back();
  gif += std::string("\x2c\x00\x00\x00\x00\x30\x75\x20\x4e\x00\x08\x10", 12) + "cut";
  const auto head = header(gif, Format::gif, 0);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head.value().width, 64);
  const auto pix = decode(gif, Format::gif, 0);
  ASSERT_TRUE(pix.ok()) << pix.error().message;
  EXPECT_EQ(info(pix.value().get()).width, 64);
  EXPECT_EQ(info(pix.value().get()).height, 48);
}

TEST(Header, ReadsPngAndTiffPageSizes) {
  EXPECT_EQ(header(test::encoded_image(Format::png, 77, 33), Format::png, 0).value().width, 77);
  EXPECT_EQ(header(test::multipage_tiff(3), Format::tiff, 2).value().width, 120);
}

TEST(Decode, GivesSizeAndResolution) {
  auto pix = decode(test::encoded_image(Format::png, 321, 123), Format::png, 0);
  ASSERT_TRUE(pix.ok());
  const auto i = info(pix.value().get());
  EXPECT_EQ(i.width, 321);
  EXPECT_EQ(i.height, 123);
}

}  // namespace
}  // namespace ocrbatch::image
