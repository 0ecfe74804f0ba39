#include "output/sink.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "layout_pages.h"
#include "output/json_record.h"

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
  record::Line line{{1, 2, 74, 10}, 91.3, {1, 10, 75, 11}, {}};
  line.words = {{"hello", 95.5, {1, 2, 30, 10}, {1, 10, 31, 10}},
                {"world", 87.0, {40, 2, 35, 10}, {40, 11, 75, 11}}};
  record::Paragraph paragraph{{1, 2, 74, 10}, 91.2, {line}};
  p.blocks = {record::Block{{0, 1, 80, 12}, 91.1, {paragraph}}};
  return p;
}

record::ErrorResult error(const std::string& source) {
  return {source, 0, {record::ErrorCode::decode_failed, "cannot decode PNG data"}};
}

using test::render;

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
  for (const char* name : {"jsonl", "json", "csv", "text", "tsv", "hocr", "alto"})
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

TEST(SummaryRecord, CountsSkippedFilesByKindRightAfterSkipped) {
  record::RunStats stats;
  stats.skipped = 3;
  stats.skipped_by_kind = {{"pdf", 2}, {"other", 1}};
  const auto j = to_json(stats);
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  const std::vector<std::string> want{
      "type",   "pages",       "errors",    "errors_by_code",   "skipped",     "skipped_by_kind",
      "cached", "interrupted", "elapsed_s", "pages_per_second", "page_seconds"};
  EXPECT_EQ(keys, want);
  EXPECT_EQ(j["skipped_by_kind"]["pdf"], 2);
  EXPECT_EQ(j["skipped_by_kind"]["other"], 1);
  EXPECT_TRUE(to_json(record::RunStats{})["skipped_by_kind"].is_object());
}

TEST(SummaryRecord, PageSecondsGiveQuantilesOfRecognisedPagesOnly) {
  record::RunStats stats;
  for (int i = 1; i <= 100; ++i) {
    record::PageResult p;
    p.duration_ms = 10.0 * i;  // 0.01 s .. 1 s
    stats.count(p);
  }
  record::PageResult replayed;
  replayed.duration_ms = 90000;
  stats.count_replayed(replayed);
  const auto j = to_json(stats)["page_seconds"];
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"count", "p50", "p95", "p99", "max"}));
  EXPECT_EQ(j["count"], 100);
  // Within 1%, then rounded to milliseconds.
  EXPECT_NEAR(j["p50"].get<double>(), 0.5, 0.005 + 0.0005);
  EXPECT_NEAR(j["p95"].get<double>(), 0.95, 0.0095 + 0.0005);
  EXPECT_NEAR(j["p99"].get<double>(), 0.99, 0.0099 + 0.0005);
  EXPECT_EQ(j["max"], 1.0);
}

TEST(SummaryRecord, PageSecondsAreNullWithoutRecognisedPages) {
  const auto j = to_json(record::RunStats{})["page_seconds"];
  EXPECT_EQ(j["count"], 0);
  EXPECT_TRUE(j["p50"].is_null());
  EXPECT_TRUE(j["p99"].is_null());
  EXPECT_TRUE(j["max"].is_null());
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

// The "lines" and "words" of --detail line|word, as they were written before the tree existed:
// the tree's lines and words must give them byte for byte.
TEST(JsonlSink, LineAndWordDetailKeepTheirExactOutput) {
  const std::string head =
      R"({"type":"page","source":"a.png","page":1,"pages":1,"width":100,"height":50,"dpi":300,)"
      R"("lang":"eng","confidence":91.25,"word_count":2,"duration_ms":12.3,"text":"hello world",)";
  const auto words = render("jsonl", {page("a.png", "hello world")}, Detail::word);
  EXPECT_EQ(words.substr(0, words.find('\n')),
            head + R"("words":[{"text":"hello","confidence":95.5,"bbox":[1,2,30,10]},)"
                   R"({"text":"world","confidence":87.0,"bbox":[40,2,35,10]}]})");
  const auto lines = render("jsonl", {page("a.png", "hello world")}, Detail::line);
  EXPECT_EQ(lines.substr(0, lines.find('\n')),
            head + R"("lines":[{"text":"hello world","confidence":91.3,"bbox":[1,2,74,10]}]})");
}

TEST(JsonlSink, LayoutDetailWritesTheWholeTree) {
  const auto text = render("jsonl", {page("a.png", "hello world")}, Detail::layout);
  const auto j = nlohmann::ordered_json::parse(text.substr(0, text.find('\n')));
  EXPECT_FALSE(j.contains("words"));
  EXPECT_FALSE(j.contains("lines"));
  ASSERT_TRUE(j.contains("blocks"));
  const auto& block = j["blocks"][0];
  EXPECT_EQ(block.size(), 3u);
  EXPECT_EQ(block["bbox"], nlohmann::ordered_json({0, 1, 80, 12}));
  EXPECT_EQ(block["confidence"], 91.1);
  const auto& paragraph = block["paragraphs"][0];
  EXPECT_EQ(paragraph.size(), 3u);
  EXPECT_EQ(paragraph["bbox"], nlohmann::ordered_json({1, 2, 74, 10}));
  EXPECT_EQ(paragraph["confidence"], 91.2);
  const auto& line = paragraph["lines"][0];
  std::vector<std::string> keys;
  for (auto it = line.begin(); it != line.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"bbox", "confidence", "baseline", "words"}));
  EXPECT_EQ(line["baseline"], nlohmann::ordered_json({1, 10, 75, 11}));
  const auto& word = line["words"][1];
  keys.clear();
  for (auto it = word.begin(); it != word.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"text", "confidence", "bbox", "baseline"}));
  EXPECT_EQ(word["text"], "world");
  EXPECT_EQ(word["bbox"], nlohmann::ordered_json({40, 2, 35, 10}));
  EXPECT_EQ(word["baseline"], nlohmann::ordered_json({40, 11, 75, 11}));
}

TEST(JsonRecord, TheTreeSurvivesAReadBack) {
  auto p = page("a.png", "hello world");
  p.blocks.push_back(p.blocks.front());
  p.blocks.back().paragraphs.front().lines.front().words.front().confidence = 12.345678901234;
  const auto back = std::get<record::PageResult>(
      record_from_json(nlohmann::json::parse(dump(to_json(p, Detail::layout)))));
  EXPECT_EQ(dump(to_json(back, Detail::layout)), dump(to_json(p, Detail::layout)));
  ASSERT_EQ(back.blocks.size(), 2u);
  const auto& word = back.blocks[1].paragraphs[0].lines[0].words[0];
  EXPECT_EQ(word.confidence, 12.345678901234);
  EXPECT_EQ(word.baseline.x2, 31);
}

// Ledgers written before the tree kept only the run's "words" or "lines": read back, they
// give the same words or lines again.
TEST(JsonRecord, ARecordWithOnlyWordsOrLinesReadsBackAsATree) {
  for (auto detail : {Detail::word, Detail::line}) {
    const auto j = to_json(page("a.png", "hello world"), detail);
    const auto back = record_from_json(nlohmann::json::parse(dump(j)));
    EXPECT_EQ(dump(to_json(back, detail)), dump(j));
  }
  const auto none = record_from_json(to_json(page("a.png", "x"), Detail::none));
  EXPECT_TRUE(std::get<record::PageResult>(none).blocks.empty());
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
  EXPECT_EQ(rows[0][14], "text");
  EXPECT_EQ(rows[1].size(), rows[0].size());
  EXPECT_EQ(rows[1][1], "a,b.png");
  EXPECT_EQ(rows[1][14], nasty);
  EXPECT_EQ(rows[2][0], "error");
  EXPECT_EQ(rows[2].size(), rows[0].size());
  EXPECT_EQ(rows[2][12], "decode_failed");
  EXPECT_EQ(rows[0][12], "error_code");
}

TEST(CsvSink, WordDetailWritesOneRowPerWord) {
  const auto rows = parse_csv(render("csv", {page("a.png", "x")}, Detail::word));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "word");
  EXPECT_EQ(rows[1][11], "hello");
  EXPECT_EQ(rows[2][4], "40");  // x
}

TEST(CsvSink, LayoutDetailWritesWordRowsAndLineDetailLineRows) {
  EXPECT_EQ(render("csv", {page("a.png", "x")}, Detail::layout),
            render("csv", {page("a.png", "x")}, Detail::word));
  const auto rows = parse_csv(render("csv", {page("a.png", "x")}, Detail::line));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "line");
  EXPECT_EQ(rows[1][11], "hello world");
}

TEST(CsvSink, PageWithoutWordsStillGetsARowInDetailMode) {
  auto empty = page("blank.png", "");
  empty.blocks.clear();
  const auto rows = parse_csv(render("csv", {empty}, Detail::word));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], "page");
  EXPECT_EQ(rows[1][1], "blank.png");
  EXPECT_EQ(rows[1].size(), rows[0].size());
}

const std::string kRawName = "scan-\xff\xfe.png";
const std::string kShownName = "scan-\xef\xbf\xbd\xef\xbf\xbd.png";
const std::string kRawNameBase64 = "c2Nhbi3//i5wbmc=";

TEST(JsonlSink, NameThatIsNotUtf8IsValidTextPlusItsExactBytes) {
  const auto text = render("jsonl", {page(kRawName, "x"), error(kRawName), page("ok.png", "x")});
  std::istringstream lines(text);
  std::vector<nlohmann::ordered_json> records;
  for (std::string line; std::getline(lines, line);)
    records.push_back(nlohmann::ordered_json::parse(line));
  ASSERT_EQ(records.size(), 4u);
  for (int i : {0, 1}) {
    EXPECT_EQ(records[i]["source"], kShownName);
    EXPECT_EQ(records[i]["source_bytes"], kRawNameBase64);
    EXPECT_EQ(std::next(records[i].begin(), 2).key(), "source_bytes");
  }
  EXPECT_FALSE(records[2].contains("source_bytes"));
}

TEST(JsonRecord, ReadsBackTheExactBytesOfAName) {
  for (const record::Record& rec :
       {record::Record(page(kRawName, "x")), record::Record(error(kRawName))}) {
    const auto back = record_from_json(nlohmann::json::parse(dump(to_json(rec, Detail::none))));
    EXPECT_EQ(std::visit([](const auto& r) { return r.source; }, back), kRawName);
  }
}

TEST(JsonRecord, SaysWhichEnginePathReadThePageAndReadsItBack) {
  auto p = page("a.png", "x");
  p.engine = {"tesseract", "tesseract"};
  const auto j = to_json(p, Detail::none);
  EXPECT_EQ(dump(j["engine"]), R"({"layout":"tesseract","recognizer":"tesseract"})");
  EXPECT_EQ(std::next(j.find("lang")).key(), "engine");
  const auto back = std::get<record::PageResult>(record_from_json(nlohmann::json::parse(dump(j))));
  EXPECT_EQ(back.engine.layout, "tesseract");
  EXPECT_EQ(back.engine.recognizer, "tesseract");
}

// Ledgers hold records written before the field existed: they are replayed as they were.
TEST(JsonRecord, ARecordWithoutAnEngineStaysWithoutOne) {
  auto j = to_json(page("a.png", "x"), Detail::none);
  EXPECT_FALSE(j.contains("engine"));
  const auto back = record_from_json(nlohmann::json::parse(dump(j)));
  EXPECT_TRUE(std::get<record::PageResult>(back).engine.layout.empty());
  EXPECT_EQ(dump(to_json(back, Detail::none)), dump(j));
}

std::map<std::string, std::string> csv_row(const std::vector<std::vector<std::string>>& rows,
                                           size_t n) {
  std::map<std::string, std::string> row;
  for (size_t i = 0; i < rows[0].size(); ++i) row[rows[0][i]] = rows[n].at(i);
  return row;
}

TEST(CsvSink, NameThatIsNotUtf8FollowsTheJsonRule) {
  for (auto detail : {Detail::none, Detail::word}) {
    const auto text =
        render("csv", {page(kRawName, "x"), error(kRawName), page("ok.png", "x")}, detail);
    EXPECT_EQ(text.find("\xff"), std::string::npos);
    const auto rows = parse_csv(text);
    ASSERT_GE(rows.size(), 4u);
    EXPECT_EQ(rows[0].back(), "source_bytes");
    for (size_t n = 1; n < rows.size(); ++n) {
      const auto row = csv_row(rows, n);
      const bool raw = row.at("source") != "ok.png";
      EXPECT_EQ(row.at("source"), raw ? kShownName : "ok.png");
      EXPECT_EQ(row.at("source_bytes"), raw ? kRawNameBase64 : "");
    }
  }
}

std::string render_safe(const std::vector<record::Record>& records, bool safe) {
  std::ostringstream out;
  SinkOptions options;
  options.csv_safe = safe;
  auto sink = make_sink("csv", out, options);
  sink->begin_run();
  for (const auto& r : records) sink->write(r);
  sink->end_run({});
  return out.str();
}

TEST(CsvSink, SafeModeNeutralisesTextASpreadsheetWouldRun) {
  auto formula = page("=HYPERLINK(\"http://x\").png", "-2+3\n");
  formula.preprocess.ran = true;
  formula.preprocess.skew = -1.25;
  const record::ErrorResult failed{"@cmd.png", 0, {record::ErrorCode::not_found, "+gone"}};
  const auto safe = parse_csv(render_safe({formula, failed}, true));
  auto row = csv_row(safe, 1);
  EXPECT_EQ(row.at("source"), "'=HYPERLINK(\"http://x\").png");
  EXPECT_EQ(row.at("text"), "'-2+3\n");
  EXPECT_EQ(row.at("skew"), "-1.25");  // a number stays a number
  row = csv_row(safe, 2);
  EXPECT_EQ(row.at("source"), "'@cmd.png");
  EXPECT_EQ(row.at("error_message"), "'+gone");
  for (const char* lead : {"\t", "\r"}) {
    const auto rows = parse_csv(render_safe({page(std::string(lead) + "x.png", "x")}, true));
    EXPECT_EQ(csv_row(rows, 1).at("source"), std::string("'") + lead + "x.png");
  }
  const auto exact = parse_csv(render_safe({formula, failed}, false));
  EXPECT_EQ(csv_row(exact, 1).at("source"), "=HYPERLINK(\"http://x\").png");
  EXPECT_EQ(csv_row(exact, 2).at("error_message"), "+gone");
}

TEST(JsonlSink, RunIdAndShardFollowTheTypeInEveryRecord) {
  SinkOptions options;
  options.run_id = "3f0c9a4e-5b1d-4c3e-9a8f-6d2e1b7c4a90";
  std::ostringstream plain_out;
  auto plain = make_sink("jsonl", plain_out, options);
  plain->write(page("a.png", "x"));
  plain->end_run(record::RunStats{});
  EXPECT_EQ(
      plain_out.str().rfind(
          R"({"type":"page","run_id":"3f0c9a4e-5b1d-4c3e-9a8f-6d2e1b7c4a90","source":"a.png",)", 0),
      0u)
      << plain_out.str();
  EXPECT_NE(plain_out.str().find(
                R"({"type":"summary","run_id":"3f0c9a4e-5b1d-4c3e-9a8f-6d2e1b7c4a90","pages")"),
            std::string::npos)
      << plain_out.str();
  options.shard_index = 2;
  options.shard_count = 5;
  std::ostringstream out;
  auto sink = make_sink("json", out, options);
  sink->begin_run();
  sink->write(error("b.png"));
  sink->end_run(record::RunStats{});
  EXPECT_NE(
      out.str().find(
          R"({"type":"error","run_id":"3f0c9a4e-5b1d-4c3e-9a8f-6d2e1b7c4a90","shard":2,"source":"b.png")"),
      std::string::npos)
      << out.str();
  EXPECT_NE(
      out.str().find(
          R"("run_id":"3f0c9a4e-5b1d-4c3e-9a8f-6d2e1b7c4a90","shard":{"index":2,"count":5},"pages":0)"),
      std::string::npos)
      << out.str();
}

TEST(TextSink, EndsEveryPageWithAFormFeedAndOmitsErrors) {
  EXPECT_EQ(render("text", {page("a", "one\n"), error("b"), page("c", "two\n")}), "one\n\ftwo\n\f");
}

}  // namespace
}  // namespace ocrbatch::output
