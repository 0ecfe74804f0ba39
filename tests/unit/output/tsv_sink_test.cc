#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "layout_pages.h"

namespace ocrbatch::output {
namespace {

using test::notice_page;
using test::page_error;
using test::render;

const char* kHeader =
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";

// Rows split on tab only, as tesseract's readers split them.
std::vector<std::vector<std::string>> rows(const std::string& tsv) {
  std::vector<std::vector<std::string>> result;
  std::istringstream lines(tsv);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields(1);
    for (char c : line) {
      if (c == '\t')
        fields.emplace_back();
      else
        fields.back() += c;
    }
    result.push_back(fields);
  }
  return result;
}

TEST(TsvSink, WritesTesseractsHeaderOnceAndTwelveColumnsOnEveryRow) {
  const auto tsv = render("tsv", {notice_page("a.png"), notice_page("b.png")});
  const auto all = rows(tsv);
  ASSERT_FALSE(all.empty());
  std::ostringstream header;
  for (size_t i = 0; i < all[0].size(); ++i) header << (i ? "\t" : "") << all[0][i];
  EXPECT_EQ(header.str(), kHeader);
  for (const auto& row : all) EXPECT_EQ(row.size(), 12u) << row[0];
  int headers = 0;
  for (const auto& row : all) headers += row[0] == "level";
  EXPECT_EQ(headers, 1);
}

TEST(TsvSink, NumbersEachLevelWithinItsParentAsTesseractDoes) {
  const auto tsv = render("tsv", {notice_page()});
  const std::string want_start = std::string(kHeader) +
                                 "\n"
                                 "1\t1\t0\t0\t0\t0\t0\t0\t1200\t300\t-1\t\n"
                                 "2\t1\t1\t0\t0\t0\t82\t78\t631\t103\t-1\t\n"
                                 "3\t1\t1\t1\t0\t0\t82\t78\t631\t103\t-1\t\n"
                                 "4\t1\t1\t1\t1\t0\t82\t78\t497\t42\t-1\t\n"
                                 "5\t1\t1\t1\t1\t1\t82\t78\t124\t33\t96.156151\tOffice\n"
                                 "5\t1\t1\t1\t1\t2\t224\t78\t136\t33\t95.984314\tclosed\n"
                                 "5\t1\t1\t1\t1\t3\t380\t86\t49\t25\t95.675194\ton\n"
                                 "5\t1\t1\t1\t1\t4\t450\t78\t129\t42\t96.239471\tFriday\n"
                                 "4\t1\t1\t1\t2\t0\t84\t148\t629\t33\t-1\t\n"
                                 "5\t1\t1\t1\t2\t1\t84\t148\t137\t33\t96.800000\tPlease\n";
  EXPECT_EQ(tsv.substr(0, want_start.size()), want_start);
  EXPECT_NE(tsv.find("\n2\t1\t2\t0\t0\t0\t100\t220\t600\t55\t-1\t\n"
                     "3\t1\t2\t1\t0\t0\t100\t220\t600\t55\t-1\t\n"
                     "4\t1\t2\t1\t1\t0\t100\t220\t600\t40\t-1\t\n"
                     "5\t1\t2\t1\t1\t1\t"),
            std::string::npos)
      << tsv;
  // The line without words keeps its row, numbered after the first.
  EXPECT_NE(tsv.find("\n4\t1\t2\t1\t2\t0\t100\t265\t10\t10\t-1\t\n"), std::string::npos);
}

TEST(TsvSink, TabsNewlinesAndControlsInTextDoNotBreakColumns) {
  const auto all = rows(render("tsv", {notice_page()}));
  std::vector<std::string> words;
  for (const auto& row : all) {
    ASSERT_EQ(row.size(), 12u);
    if (row[0] == "5") words.push_back(row[11]);
  }
  ASSERT_EQ(words.size(), 13u);
  EXPECT_EQ(words[9], "<&>\"'");
  EXPECT_EQ(words[10], "tab here line");
  EXPECT_EQ(words[11], "bad\xEF\xBF\xBD\xEF\xBF\xBD utf8  ");
  EXPECT_EQ(words[12],
            "Stra\xc3\x9f"
            "e");
}

TEST(TsvSink, WritesNoRowsForErrors) {
  EXPECT_EQ(render("tsv", {page_error("x.png", 0), page_error("y.tif", 2)}),
            std::string(kHeader) + "\n");
}

TEST(TsvSink, PageNumbersRunAcrossInputsAndAFailedPageKeepsItsNumber) {
  auto a1 = notice_page("a.tif"), a3 = notice_page("a.tif"), b = notice_page("b.png");
  a1.pages = a3.pages = 3;
  a1.page = 1;
  a3.page = 3;
  a1.blocks.clear();
  a3.blocks.clear();
  b.blocks.clear();
  const auto tsv = render("tsv", {a1, page_error("a.tif", 2), a3, page_error("gone.png", 0), b});
  std::vector<std::string> page_nums;
  for (const auto& row : rows(tsv))
    if (row[0] == "1") page_nums.push_back(row[1]);
  EXPECT_EQ(page_nums, (std::vector<std::string>{"1", "3", "4"}));
}

TEST(TsvSink, PageNumbersStayUniqueWhenInputsInterleave) {
  // --unordered writes pages as they finish, so an input's pages may come apart.
  auto a1 = notice_page("a.tif"), a3 = notice_page("a.tif"), b = notice_page("b.png");
  a1.pages = a3.pages = 3;
  a3.page = 3;
  const auto tsv = render("tsv", {a1, b, a3});
  std::vector<std::string> page_nums;
  for (const auto& row : rows(tsv))
    if (row[0] == "1") page_nums.push_back(row[1]);
  EXPECT_EQ(page_nums, (std::vector<std::string>{"1", "4", "7"}));
}

TEST(TsvSink, PageWithoutLayoutHasOnlyItsPageRow) {
  auto p = notice_page();
  p.blocks.clear();
  EXPECT_EQ(render("tsv", {p}),
            std::string(kHeader) + "\n1\t1\t0\t0\t0\t0\t0\t0\t1200\t300\t-1\t\n");
}

}  // namespace
}  // namespace ocrbatch::output
