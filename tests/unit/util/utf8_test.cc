#include "util/utf8.h"

#include <gtest/gtest.h>

namespace ocrbatch::util {
namespace {

TEST(Utf8, TellsValidFromIllFormed) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x84"));
  EXPECT_FALSE(is_valid_utf8("bad\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST(Utf8, ReplacesEachMaximalIllFormedSubpartOnce) {
  EXPECT_EQ(to_valid_utf8("ok"), "ok");
  EXPECT_EQ(to_valid_utf8("a\xff\xfe"
                          "b"),
            "a\xef\xbf\xbd\xef\xbf\xbd"
            "b");
  // A truncated three-byte sequence is one subpart, as Python's "replace" counts it.
  EXPECT_EQ(to_valid_utf8("\xe2\x82x"), "\xef\xbf\xbdx");
  EXPECT_EQ(to_valid_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_TRUE(is_valid_utf8(to_valid_utf8("\x80\xbf\xc3\xf0\x9f\x93")));
}

TEST(Printable, EscapesWhatATerminalWouldObey) {
  EXPECT_EQ(printable("evil\x1b[31m\nred\x1b]0;title\x07.png"),
            "evil\\x1b[31m\\nred\\x1b]0;title\\x07.png");
  EXPECT_EQ(printable("a\tb\rc\x7f"), "a\\tb\\rc\\x7f");
  EXPECT_EQ(printable(std::string("nul\0!", 5)), "nul\\x00!");
  EXPECT_EQ(printable("csi\xc2\x9b"), "csi\\u009b");      // C1 control
  EXPECT_EQ(printable("rtl\xe2\x80\xae"), "rtl\\u202e");  // right-to-left override
  EXPECT_EQ(printable("raw\x9b\xff"), "raw\\x9b\\xff");   // not UTF-8 at all
}

TEST(Printable, KeepsTextAndIsIdempotent) {
  const std::string text = "r\xc3\xa9sum\xc3\xa9 C:\\scans\\p1.png \xe2\x82\xac";
  EXPECT_EQ(printable(text), text);
  const std::string once = printable("x\x1b\n\xff");
  EXPECT_EQ(printable(once), once);
}

}  // namespace
}  // namespace ocrbatch::util
