#include "output/sink.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace ocrbatch::output {
namespace {

using record::Detail;

record::PageResult page(const std::string& source, const std::string& text) {
  record::PageResult p;
  p.source = source;
  p.width = 100;
  p.height = 50;
  p.dpi = 300;
  p.text = text;
  p.confidence = 91.25;
  p.words = 2;
  p.lang = "eng";
  p.duration_ms = 12.3456;
  p.items = {{"hello", 95.5, {1, 2, 30, 10}}, {"world", 87.0, {40, 2, 35, 10}}};
  return p;
}

record::ErrorResult error(const std::string& source) {
  return {source, 0, {record::ErrorCode::decode_failed, "cannot decode PNG data"}};
}

std::string render(const std::string& format, const std::vector<record::Record>& records,
                   Detail detail = Detail::none) {
  std::ostringstream out;
  auto sink = make_sink(format, out, SinkOptions{detail});
  record::RunStats stats;
  sink->begin_run();
  for (const auto& r : records) {
    sink->write(r);
    stats.count(r);
  }
  sink->end_run(stats);
  return out.str();
}

// Minimal RFC 4180 reader, independent of the writer, to check round-trips.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        rows.back().back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        rows.back().back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.emplace_back(1);
      ++i;
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

TEST(SinkTable, KnowsEveryFormatAndRejectsOthers) {
  std::ostringstream out;
  for (const char* name : {"jsonl", "json", "csv", "text"})
    EXPECT_NE(make_sink(name, out, {}), nullptr);
  EXPECT_EQ(make_sink("xml", out, {}), nullptr);
}

TEST(JsonlSink, WritesOneTypedObjectPerLineAndTheSummaryLast) {
  const auto text = render("jsonl", {page("a.png", "hi\n"), error("b.png")});
  std::istringstream lines(text);
  std::vector<nlohmann::json> records;
  for (std::string line; std::getline(lines, line);) records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["type"], "page");
  EXPECT_EQ(records[0]["source"], "a.png");
  EXPECT_EQ(records[0]["page"], 1);
  EXPECT_EQ(records[0]["text"], "hi\n");
  EXPECT_DOUBLE_EQ(records[0]["confidence"].get<double>(), 91.25);
  EXPECT_DOUBLE_EQ(records[0]["duration_ms"].get<double>(), 12.3);
  EXPECT_FALSE(records[0].contains("words"));
  EXPECT_EQ(records[1]["type"], "error");
  EXPECT_EQ(records[1]["error"]["code"], "decode_failed");
  EXPECT_EQ(records[2]["type"], "summary");
  EXPECT_EQ(records[2]["pages"], 1);
  EXPECT_EQ(records[2]["errors"], 1);
  EXPECT_EQ(records[2]["errors_by_code"]["decode_failed"], 1);
}

TEST(JsonlSink, DetailAddsWordsOrLinesWithBoxes) {
  auto words = nlohmann::json::parse(
      render("jsonl", {page("a.png", "x")}, Detail::word)
          .substr(0, render("jsonl", {page("a.png", "x")}, Detail::word).find('\n')));
  ASSERT_TRUE(words.contains("words"));
  EXPECT_EQ(words["words"][1]["text"], "world");
  EXPECT_EQ(words["words"][1]["bbox"], nlohmann::json({40, 2, 35, 10}));
  const auto line_text = render("jsonl", {page("a.png", "x")}, Detail::line);
  auto lines = nlohmann::json::parse(line_text.substr(0, line_text.find('\n')));
  EXPECT_TRUE(lines.contains("lines"));
  EXPECT_FALSE(lines.contains("words"));
}

TEST(JsonlSink, InvalidUtf8InNamesDoesNotBreakTheOutput) {
  const auto text = render("jsonl", {error("bad\xff-name.png")});
  EXPECT_NO_THROW(nlohmann::json::parse(text.substr(0, text.find('\n'))));
}

TEST(JsonSink, IsOneValidDocumentWithTheSameRecords) {
  const auto doc = nlohmann::json::parse(render("json", {page("a.png", "x"), error("b.png")}));
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 3u);
  EXPECT_EQ(doc[0]["source"], "a.png");
  EXPECT_EQ(doc[2]["type"], "summary");
  EXPECT_NO_THROW(nlohmann::json::parse(render("json", {})));
}

TEST(CsvSink, QuotesFieldsSoAParserReadsThemBack) {
  const std::string nasty = "He said \"hi\", then\nleft";
  const auto rows = parse_csv(render("csv", {page("a,b.png", nasty), error("c.png")}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "type");
  EXPECT_EQ(rows[0].back(), "text");
  EXPECT_EQ(rows[1].size(), rows[0].size());
  EXPECT_EQ(rows[1][1], "a,b.png");
  EXPECT_EQ(rows[1].back(), nasty);
  EXPECT_EQ(rows[2][0], "error");
  EXPECT_EQ(rows[2].size(), rows[0].size());
  EXPECT_EQ(rows[2][12], "decode_failed");
  EXPECT_EQ(rows[0][12], "error_code");
}

TEST(CsvSink, WordDetailWritesOneRowPerWord) {
  const auto rows = parse_csv(render("csv", {page("a.png", "x")}, Detail::word));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "word");
  EXPECT_EQ(rows[1].back(), "hello");
  EXPECT_EQ(rows[2][4], "40");  // x
}

TEST(CsvSink, PageWithoutWordsStillGetsARowInDetailMode) {
  auto empty = page("blank.png", "");
  empty.items.clear();
  const auto rows = parse_csv(render("csv", {empty}, Detail::word));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "page");
  EXPECT_EQ(rows[1][1], "blank.png");
  EXPECT_EQ(rows[1].size(), rows[0].size());
}

TEST(TextSink, EndsEveryPageWithAFormFeedAndOmitsErrors) {
  EXPECT_EQ(render("text", {page("a", "one\n"), error("b"), page("c", "two\n")}), "one\n\ftwo\n\f");
}

}  // namespace
}  // namespace ocrbatch::output
