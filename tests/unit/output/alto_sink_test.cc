#include <gtest/gtest.h>

#include <string>

#include "layout_pages.h"

namespace ocrbatch::output {
namespace {

using test::count;
using test::has;
using test::notice_page;
using test::page_error;
using test::render;

TEST(AltoSink, IsValidAgainstTheAlto42Schema) {
  if (!test::have_xmllint()) GTEST_SKIP() << "xmllint is not installed";
  auto second = notice_page("b\"<&\xff.tif");
  second.page = 2;
  second.pages = 2;
  second.lang = "chi_sim";
  const auto alto = render("alto", {notice_page(), page_error("x.png", 0), second});
  EXPECT_EQ(test::xmllint("--schema '" + test::alto_schema() + "'", alto), 0) << alto;
}

TEST(AltoSink, SchemaCheckCatchesAnInvalidDocument) {
  if (!test::have_xmllint()) GTEST_SKIP() << "xmllint is not installed";
  auto alto = render("alto", {notice_page()});
  alto.replace(alto.find("WC=\"0.96\""), 9, "WC=\"96\"");
  EXPECT_NE(test::xmllint("--schema '" + test::alto_schema() + "'", alto), 0);
}

TEST(AltoSink, DescribesTheSourceThePixelUnitAndTheSoftware) {
  const auto alto = render("alto", {notice_page(), notice_page("second.png")});
  EXPECT_TRUE(has(alto, "<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\""));
  EXPECT_TRUE(has(alto, "<MeasurementUnit>pixel</MeasurementUnit>"));
  EXPECT_TRUE(has(alto, "<fileName>samples/notice.bmp</fileName>"));
  EXPECT_FALSE(has(alto, "second.png"));
  EXPECT_TRUE(has(alto, "<softwareName>ocrbatch</softwareName>"));
  EXPECT_TRUE(has(alto, "<softwareVersion>"));
}

TEST(AltoSink, MapsTheTreeAsTesseractDoes) {
  const auto alto = render("alto", {notice_page()});
  EXPECT_TRUE(has(alto, "<Page ID=\"page_1\" PHYSICAL_IMG_NR=\"1\" WIDTH=\"1200\" HEIGHT=\"300\">"))
      << alto;
  EXPECT_TRUE(has(alto, "<PrintSpace HPOS=\"0\" VPOS=\"0\" WIDTH=\"1200\" HEIGHT=\"300\">"));
  EXPECT_TRUE(has(alto,
                  "<ComposedBlock ID=\"cblock_1_1\" HPOS=\"82\" VPOS=\"78\" WIDTH=\"631\" "
                  "HEIGHT=\"103\">"));
  EXPECT_TRUE(has(alto,
                  "<TextBlock ID=\"block_1_1\" HPOS=\"82\" VPOS=\"78\" WIDTH=\"631\" "
                  "HEIGHT=\"103\" LANG=\"eng\">"));
  EXPECT_TRUE(has(alto,
                  "<TextLine ID=\"line_1_1\" HPOS=\"82\" VPOS=\"78\" WIDTH=\"497\" "
                  "HEIGHT=\"42\" BASELINE=\"82,111 579,111\">"));
  EXPECT_TRUE(has(alto,
                  "<String ID=\"string_1_1\" HPOS=\"82\" VPOS=\"78\" WIDTH=\"124\" "
                  "HEIGHT=\"33\" WC=\"0.96\" CONTENT=\"Office\"/>\n"
                  "              <SP WIDTH=\"18\" VPOS=\"78\" HPOS=\"206\"/>\n"
                  "              <String ID=\"string_1_2\""));
  EXPECT_EQ(count(alto, "<ComposedBlock "), 2u);
  EXPECT_EQ(count(alto, "<TextBlock "), 2u);
  EXPECT_EQ(count(alto, "<String "), 13u);
  EXPECT_EQ(count(alto, "<SP"), 10u);
  EXPECT_TRUE(has(alto,
                  "WC=\"1\" CONTENT=\"Stra\xc3\x9f"
                  "e\"/>"));
  EXPECT_TRUE(has(alto, "WC=\"0\" CONTENT=\"bad"));
}

TEST(AltoSink, LeavesOutLinesWithoutWordsAsTextLineNeedsAString) {
  const auto alto = render("alto", {notice_page()});
  EXPECT_EQ(count(alto, "<TextLine "), 3u);
  EXPECT_FALSE(has(alto, "VPOS=\"265\""));
}

TEST(AltoSink, EscapesContent) {
  const auto alto = render("alto", {notice_page()});
  EXPECT_TRUE(has(alto, "CONTENT=\"&lt;&amp;&gt;&quot;&#39;\""));
  EXPECT_TRUE(has(alto, "CONTENT=\"tab&#9;here&#10;line\""));
}

TEST(AltoSink, LangOnlyForOneLanguageAnXsdLanguageCanName) {
  auto p = notice_page();
  p.lang = "chi_sim";
  EXPECT_FALSE(has(render("alto", {p}), "LANG="));
  p.lang = "eng+deu";
  EXPECT_FALSE(has(render("alto", {p}), "LANG="));
}

TEST(AltoSink, IdsAreUniqueAcrossPagesAndErrorsHaveNoPage) {
  auto second = notice_page("report.tif");
  second.page = 3;
  second.pages = 3;
  const auto alto = render("alto", {notice_page(), page_error("report.tif", 2), second});
  EXPECT_EQ(count(alto, "<Page "), 2u);
  EXPECT_TRUE(has(alto, "<Page ID=\"page_2\" PHYSICAL_IMG_NR=\"3\""));
  EXPECT_TRUE(has(alto, "ID=\"string_2_13\""));
}

TEST(AltoSink, ARunWithoutPagesIsStillWellFormed) {
  const auto alto = render("alto", {page_error("x.png", 0)});
  EXPECT_TRUE(has(alto, "<Layout>\n  </Layout>\n</alto>\n"));
  EXPECT_FALSE(has(alto, "sourceImageInformation"));
  if (test::have_xmllint()) {
    EXPECT_EQ(test::xmllint("", alto), 0);
  }
}

}  // namespace
}  // namespace ocrbatch::output
