#include "image/page_image.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <zlib.h>

#include <memory>

#include "test_support.h"

namespace ocrbatch::image {
namespace {

using record::PageImage;

std::string inflate(const std::string& data, size_t size) {
  std::string out(size, '\0');
  uLongf got = size;
  EXPECT_EQ(uncompress(reinterpret_cast<Bytef*>(out.data()), &got,
                       reinterpret_cast<const Bytef*>(data.data()), data.size()),
            Z_OK);
  out.resize(got);
  return out;
}

std::shared_ptr<const PageImage> encoded(const std::string& bytes, Format format) {
  auto shared = std::make_shared<const std::string>(bytes);
  auto pix = decode(bytes, format);
  EXPECT_TRUE(pix);
  auto image = page_image(pix.value().get(), format, shared);
  EXPECT_TRUE(image) << image.error().message;
  return image.value();
}

TEST(PageImage, JpegKeepsItsOwnBytes) {
  const std::string jpeg = test::encoded_image(Format::jpeg, 64, 48);
  const auto image = encoded(jpeg, Format::jpeg);
  EXPECT_EQ(image->encoding, PageImage::Encoding::jpeg);
  EXPECT_EQ(*image->data, jpeg);
  EXPECT_EQ(image->width, 64);
  EXPECT_EQ(image->height, 48);
}

TEST(PageImage, GreyPngIsLosslessFlateRows) {
  const std::string png = test::encoded_image(Format::png, 64, 48);
  const auto image = encoded(png, Format::png);
  ASSERT_EQ(image->encoding, PageImage::Encoding::flate);
  auto pix = decode(png, Format::png);
  PixPtr grey(pixConvertTo8(pix.value().get(), 0));
  ASSERT_EQ(image->bits, 8);
  const size_t row = static_cast<size_t>(image->width) * image->components;
  const std::string rows = inflate(*image->data, row * image->height);
  ASSERT_EQ(rows.size(), row * image->height);
  for (int y = 0; y < image->height; ++y)
    for (int x = 0; x < image->width; ++x) {
      l_uint32 v = 0;
      pixGetPixel(grey.get(), x, y, &v);
      ASSERT_EQ(static_cast<unsigned char>(rows[y * row + x * image->components]), v)
          << x << "," << y;
    }
}

TEST(PageImage, BilevelPageIsCcittG4) {
  PixPtr bits(pixCreate(80, 40, 1));
  pixRasterop(bits.get(), 10, 10, 30, 10, PIX_SET, nullptr, 0, 0);
  pixSetResolution(bits.get(), 200, 200);
  l_uint8* data = nullptr;
  size_t size = 0;
  ASSERT_EQ(pixWriteMemTiff(&data, &size, bits.get(), IFF_TIFF_G4), 0);
  const std::string tiff(reinterpret_cast<char*>(data), size);
  lept_free(data);
  const auto image = encoded(tiff, Format::tiff);
  EXPECT_EQ(image->encoding, PageImage::Encoding::ccitt_g4);
  EXPECT_EQ(image->bits, 1);
  EXPECT_EQ(image->dpi, 200);
  EXPECT_FALSE(image->data->empty());
}

}  // namespace
}  // namespace ocrbatch::image
