#include "image/image.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <string>
#include <utility>
#include <vector>

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

TEST(Pages, CountsTiffDirectoriesWithoutDecoding) {
  const auto tiff = test::multipage_tiff(4);
  auto found = pages(tiff, Format::tiff);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found.value().size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(found.value()[i].index, i);
  EXPECT_EQ(pages(test::encoded_image(Format::png), Format::png).value().size(), 1u);
}

TEST(Pages, StopsOnePagePastTheLimit) {
  EXPECT_EQ(pages(test::multipage_tiff(5), Format::tiff, 2).value().size(), 3u);
}

TEST(Pages, FailsOnATiffWithNoDirectory) {
  auto found = pages(std::string("II*\0\0\0\0\0", 8), Format::tiff);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, record::ErrorCode::decode_failed);
}

TEST(Pages, EndsAtADirectoryLoop) {
  // One directory with no entries whose next-directory offset points back at itself.
  const std::string tiff("II*\0\x08\0\0\0\0\0\x08\0\0\0", 14);
  const auto found = pages(tiff, Format::tiff);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found.value().size(), 1u);
}

TEST(Decode, ReturnsEachTiffPage) {
  const auto tiff = test::multipage_tiff(3);
  const auto found = pages(tiff, Format::tiff);
  ASSERT_TRUE(found.ok());
  for (const auto& page : found.value()) {
    auto pix = decode(tiff, Format::tiff, page);
    ASSERT_TRUE(pix.ok()) << pix.error().message;
    EXPECT_EQ(info(pix.value().get()).width, 100 + 10 * page.index);
    auto head = header(tiff, Format::tiff, page);
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head.value().width, 100 + 10 * page.index);
  }
}

// A big-endian ("MM") TIFF of uncompressed 8-bit grey pages, `height` rows of each width.
std::string big_endian_tiff(const std::vector<int>& widths, int height) {
  std::string out("MM\0*\0\0\0\0", 8);
  const auto put = [&out](uint64_t v, int size, size_t at = std::string::npos) {
    std::string bytes;
    for (int i = size - 1; i >= 0; --i) bytes.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    if (at == std::string::npos)
      out += bytes;
    else
      out.replace(at, bytes.size(), bytes);
  };
  size_t link = 4;  // where the offset of the next directory goes
  for (const int width : widths) {
    const size_t pixels = out.size();
    out.append(static_cast<size_t>(width) * height, '\x80');
    if (out.size() % 2) out.push_back('\0');  // directories start on a word boundary
    put(out.size(), 4, link);
    const std::vector<std::pair<int, uint64_t>> tags = {
        {256, static_cast<uint64_t>(width)},
        {257, static_cast<uint64_t>(height)},
        {258, 8},
        {259, 1},
        {262, 1},
        {273, pixels},
        {277, 1},
        {278, static_cast<uint64_t>(height)},
        {279, static_cast<uint64_t>(width) * height}};
    put(tags.size(), 2);
    for (const auto& [tag, value] : tags) {
      put(tag, 2);
      put(4, 2);  // LONG
      put(1, 4);
      put(value, 4);
    }
    link = out.size();
    put(0, 4);
  }
  return out;
}

TEST(Decode, ReadsPagesOfABigEndianTiff) {
  const std::string tiff = big_endian_tiff({50, 60, 70}, 40);
  const auto found = pages(tiff, Format::tiff);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found.value().size(), 3u);
  for (const auto& page : found.value()) {
    auto pix = decode(tiff, Format::tiff, page);
    ASSERT_TRUE(pix.ok()) << pix.error().message;
    EXPECT_EQ(info(pix.value().get()).width, 50 + 10 * page.index);
    EXPECT_EQ(header(tiff, Format::tiff, page).value().width, 50 + 10 * page.index);
  }
}

TEST(Decode, ReportsTruncatedAndEmptyData) {
  const auto png = test::encoded_image(Format::png, 200, 100);
  auto truncated = decode(png.substr(0, png.size() / 2), Format::png);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, record::ErrorCode::decode_failed);
  EXPECT_NE(truncated.error().message.find("PNG"), std::string::npos);

  auto empty = decode("", Format::png);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
}

TEST(Header, ReadsAGifsFirstFrameSizeWithoutDecodingIt) {
  // Logical screen 10x10, one frame declaring 30000x20000, then the trailer.
  std::string gif = std::string("GIF89a") + std::string("\x0a\x00\x0a\x00\x00\x00\x00", 7);
  gif += std::string("\x2c\x00\x00\x00\x00\x30\x75\x20\x4e\x00", 10) + std::string("\x02\x00;", 3);
  auto head = header(gif, Format::gif);
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
  const auto head = header(gif, Format::gif);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head.value().width, 64);
  const auto pix = decode(gif, Format::gif);
  ASSERT_TRUE(pix.ok()) << pix.error().message;
  EXPECT_EQ(info(pix.value().get()).width, 64);
  EXPECT_EQ(info(pix.value().get()).height, 48);
}

TEST(Header, ReadsPngAndTiffPageSizes) {
  const auto tiff = test::multipage_tiff(3);
  EXPECT_EQ(header(test::encoded_image(Format::png, 77, 33), Format::png).value().width, 77);
  EXPECT_EQ(header(tiff, Format::tiff, pages(tiff, Format::tiff).value()[2]).value().width, 120);
}

TEST(Decode, GivesSizeAndResolution) {
  auto pix = decode(test::encoded_image(Format::png, 321, 123), Format::png);
  ASSERT_TRUE(pix.ok());
  const auto i = info(pix.value().get());
  EXPECT_EQ(i.width, 321);
  EXPECT_EQ(i.height, 123);
}

}  // namespace
}  // namespace ocrbatch::image

namespace ocrbatch::image {
namespace {

TEST(Sniff, FindsAPdfHeaderWithinTheFirst1024Bytes) {
  EXPECT_EQ(sniff("%PDF-1.7\n"), Format::pdf);
  EXPECT_EQ(sniff(std::string(1000, ' ') + "%PDF-1.4"), Format::pdf);
  EXPECT_EQ(sniff(std::string(1020, ' ') + "%PDF-1.4"), Format::unknown);
  EXPECT_TRUE(has_image_extension("Report.PDF"));
}

TEST(Pages, CountsPdfPagesAndStopsOnePastTheLimit) {
  const std::string pdf = test::pdf_document({{}, {}, {}, {}});
  auto all = pages(pdf, Format::pdf);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->size(), 4u);
  EXPECT_EQ(all->back().index, 3);
  EXPECT_EQ(pages(pdf, Format::pdf, 2).value().size(), 3u);
}

TEST(Header, GivesAPdfPagesSizeAtTheRenderResolution) {
  const std::string pdf = test::pdf_document({{72, 72, ""}, {144, 72, ""}});
  auto auto_dpi = header(pdf, Format::pdf, {1, 0, 0});
  ASSERT_TRUE(auto_dpi);
  EXPECT_EQ(auto_dpi->width, 600);
  EXPECT_EQ(auto_dpi->height, 300);
  EXPECT_EQ(auto_dpi->dpi, 300);
  EXPECT_EQ(header(pdf, Format::pdf, {1, 0, 150}).value().width, 300);
}

TEST(Decode, RendersTheAskedPdfPage) {
  const std::string pdf = test::pdf_document({{72, 72, ""}, {144, 72, "0 0 144 72 re f"}});
  auto pix = decode(pdf, Format::pdf, {1, 0, 50});
  ASSERT_TRUE(pix) << pix.error().message;
  EXPECT_EQ(info(pix->get()).width, 100);
  EXPECT_EQ(info(pix->get()).dpi, 50);
  EXPECT_FALSE(decode(pdf, Format::pdf, {2, 0, 50}));
}

}  // namespace
}  // namespace ocrbatch::image
