#include "util/base64.h"

#include <gtest/gtest.h>

namespace ocrbatch::util {
namespace {

TEST(Base64, EncodesAsRfc4648) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("scan-\xff\xfe.png"), "c2Nhbi3//i5wbmc=");
}

TEST(Base64, DecodesWhatItEncodesAndRejectsTheRest) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (size_t n = 0; n < 8; ++n)
    EXPECT_EQ(base64_decode(base64_encode(all.substr(250 - n))), all.substr(250 - n));
  EXPECT_EQ(base64_decode(base64_encode(all)), all);
  EXPECT_FALSE(base64_decode("Zg="));
  EXPECT_FALSE(base64_decode("Z!=="));
  EXPECT_FALSE(base64_decode("Zg=a"));
  EXPECT_FALSE(base64_decode("===="));
}

}  // namespace
}  // namespace ocrbatch::util
