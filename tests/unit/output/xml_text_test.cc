#include "output/xml_text.h"

#include <gtest/gtest.h>

namespace ocrbatch::output {
namespace {

TEST(XmlEscape, EscapesMarkupAndBothQuotes) {
  EXPECT_EQ(xml_escape("<a & b>\"c'"), "&lt;a &amp; b&gt;&quot;c&#39;");
}

TEST(XmlEscape, KeepsTabsAndNewlinesAsCharacterReferences) {
  EXPECT_EQ(xml_escape("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
}

TEST(XmlEscape, ReplacesInvalidUtf8AndCharactersXmlForbids) {
  EXPECT_EQ(xml_escape("a\xff"
                       "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(xml_escape("a\x01\x1f"
                       "b"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(xml_escape("\xEF\xBF\xBE\xEF\xBF\xBF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(XmlEscape, KeepsValidTextAsItIs) {
  const std::string text =
      "Stra\xc3\x9f"
      "e \xe6\x9d\xb1\xe4\xba\xac \xef\xbf\xbd \xf0\x9f\x98\x80";
  EXPECT_EQ(xml_escape(text), text);
}

TEST(Decimal, RoundsAndDropsTrailingZeros) {
  EXPECT_EQ(decimal(0.0150001, 3), "0.015");
  EXPECT_EQ(decimal(-9.0, 0), "-9");
  EXPECT_EQ(decimal(-0.0001, 3), "0");
  EXPECT_EQ(decimal(0.96156, 2), "0.96");
  EXPECT_EQ(decimal(1.0, 2), "1");
  EXPECT_EQ(decimal(120.0, 0), "120");
}

TEST(SingleLanguage, NamesOneLanguageOnly) {
  EXPECT_EQ(single_language("eng"), "eng");
  EXPECT_EQ(single_language("eng+deu"), "");
  EXPECT_EQ(single_language(""), "");
}

}  // namespace
}  // namespace ocrbatch::output
