#include "output/combine.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace ocrbatch::output {
namespace {

std::string page(const std::string& source, int page, double ms) {
  return R"({"type":"page","run_id":"r","source":")" + source + R"(","page":)" +
         std::to_string(page) + R"(,"pages":1,"duration_ms":)" + std::to_string(ms) +
         R"(,"text":"x"})" + "\n";
}

std::string error(const std::string& source, const std::string& code) {
  return R"({"type":"error","source":")" + source + R"(","error":{"code":")" + code +
         R"(","message":"m"}})" + "\n";
}

std::string summary(int pages, int errors, int index = -1, int count = 0,
                    bool interrupted = false) {
  std::string shard = count > 0 ? R"("shard":{"index":)" + std::to_string(index) + R"(,"count":)" +
                                      std::to_string(count) + "},"
                                : "";
  return R"({"type":"summary","run_id":"r)" + std::to_string(index) + R"(",)" + shard +
         R"("pages":)" + std::to_string(pages) + R"(,"errors":)" + std::to_string(errors) +
         R"(,"errors_by_code":{},"skipped":2,"skipped_by_kind":{"pdf":2},"cached":3,"interrupted":)" +
         (interrupted ? "true" : "false") + R"(,"elapsed_s":1.5,"pages_per_second":1})" + "\n";
}

void add(Combiner& c, const std::string& file, const std::string& text) {
  std::istringstream in(text);
  c.add(file, in);
}

TEST(Combiner, TotalsCompleteShards) {
  Combiner c;
  add(c, "out-0.jsonl",
      page("a.png", 1, 100) + error("b.png", "decode_failed") + summary(1, 1, 0, 2));
  add(c, "out-1.jsonl", page("c.png", 1, 300) + page("d.tif", 2, 200) + summary(2, 0, 1, 2));
  EXPECT_EQ(c.worst(), RunEnd::complete);
  EXPECT_FALSE(c.missing_shards());
  const auto s = c.summary();
  EXPECT_EQ(s["complete"], true);
  EXPECT_EQ(s["files"], 2);
  EXPECT_EQ(s["pages"], 3);
  EXPECT_EQ(s["errors"], 1);
  EXPECT_EQ(s["errors_by_code"]["decode_failed"], 1);
  EXPECT_EQ(s["skipped"], 4);
  EXPECT_EQ(s["skipped_by_kind"]["pdf"], 4);
  EXPECT_EQ(s["cached"], 6);
  EXPECT_EQ(s["slowest"][0]["source"], "c.png");
  EXPECT_EQ(s["slowest"][1]["source"], "d.tif");
  EXPECT_EQ(s["slowest"][1]["page"], 2);
  EXPECT_EQ(s["slowest"][0]["file"], "out-1.jsonl");
  EXPECT_EQ(s["runs"][1]["shard"]["index"], 1);
  EXPECT_EQ(s["runs"][0]["run_id"], "r0");
  EXPECT_TRUE(c.problems().empty());
  EXPECT_EQ(c.errors(), 1u);
}

TEST(Combiner, KeepsOnlyTheSlowestN) {
  CombineOptions options;
  options.slowest = 2;
  Combiner c(options);
  std::string text;
  for (int i = 0; i < 50; ++i) text += page("p" + std::to_string(i) + ".png", 1, (i * 37) % 50);
  add(c, "a", text + summary(50, 0));
  const auto s = c.summary();
  ASSERT_EQ(s["slowest"].size(), 2u);
  EXPECT_EQ(s["slowest"][0]["duration_ms"], 49.0);
  EXPECT_EQ(s["slowest"][1]["duration_ms"], 48.0);
}

TEST(Combiner, AMissingSummaryIsNotComplete) {
  Combiner c;
  add(c, "out-0.jsonl", page("a.png", 1, 1) + summary(1, 0, 0, 2));
  add(c, "out-1.jsonl", page("b.png", 1, 1));
  EXPECT_EQ(c.worst(), RunEnd::no_summary);
  EXPECT_TRUE(c.missing_shards());  // shard 1 wrote no summary
  EXPECT_EQ(c.summary()["complete"], false);
  EXPECT_EQ(c.summary()["shards"]["missing"][0], 1);
  EXPECT_NE(c.problems()[0].find("out-1.jsonl: no summary record"), std::string::npos);
}

TEST(Combiner, AnEmptyFileIsNotComplete) {
  Combiner c;
  add(c, "empty", "");
  EXPECT_EQ(c.worst(), RunEnd::no_summary);
}

TEST(Combiner, ALineCutShortIsTruncated) {
  Combiner c;
  const std::string whole = page("a.png", 1, 1) + summary(1, 0);
  add(c, "cut", whole.substr(0, whole.size() - 20));
  EXPECT_EQ(c.worst(), RunEnd::truncated);
}

TEST(Combiner, AnInterruptedRunIsNotComplete) {
  Combiner c;
  add(c, "a", page("a.png", 1, 1) + summary(1, 0, -1, 0, true));
  EXPECT_EQ(c.worst(), RunEnd::interrupted);
  EXPECT_EQ(c.summary()["interrupted"], true);
}

TEST(Combiner, TextThatIsNotOcrbatchOutputIsInvalid) {
  Combiner c;
  add(c, "a", "hello\n" + summary(0, 0));
  EXPECT_EQ(c.worst(), RunEnd::invalid);
  Combiner d;
  add(d, "b", "{\"type\":\"match\"}\n" + summary(0, 0));
  EXPECT_EQ(d.worst(), RunEnd::invalid);
}

TEST(Combiner, ASummaryThatCountsMoreThanTheFileHoldsIsInvalid) {
  Combiner c;
  add(c, "a", page("a.png", 1, 1) + summary(2, 0));
  EXPECT_EQ(c.worst(), RunEnd::invalid);
  EXPECT_NE(c.problems()[0].find("counts 2 pages"), std::string::npos);
}

TEST(Combiner, AMissingShardIsNamed) {
  Combiner c;
  add(c, "out-0", summary(0, 0, 0, 3));
  add(c, "out-2", summary(0, 0, 2, 3));
  EXPECT_EQ(c.worst(), RunEnd::complete);
  EXPECT_TRUE(c.missing_shards());
  ASSERT_EQ(c.problems().size(), 1u);
  EXPECT_EQ(c.problems()[0], "shard 1 of 3: no complete output given");
}

TEST(Combiner, RunsConcatenatedInOneFileAreEachCounted) {
  Combiner c;
  add(c, "-",
      page("a.png", 1, 1) + summary(1, 0, 0, 2) + page("b.png", 1, 1) + summary(1, 0, 1, 2));
  EXPECT_EQ(c.worst(), RunEnd::complete);
  EXPECT_FALSE(c.missing_shards());
  EXPECT_EQ(c.summary()["runs"].size(), 2u);
  EXPECT_EQ(c.summary()["pages"], 2);
}

TEST(Combiner, ARecordInTwoOutputsIsReported) {
  Combiner c;
  add(c, "out-0", page("a.png", 1, 1) + page("b.png", 1, 1) + summary(2, 0, 0, 2));
  add(c, "out-1", page("a.png", 1, 1) + page("a.png", 2, 1) + summary(2, 0, 1, 2));
  const auto s = c.summary();
  EXPECT_EQ(s["duplicates"]["count"], 1);
  EXPECT_EQ(s["duplicates"]["first"][0]["source"], "a.png");
  EXPECT_EQ(s["duplicates"]["first"][0]["files"].dump(), R"(["out-0","out-1"])");
  EXPECT_NE(c.problems().back().find("first a.png#1 (out-0, out-1)"), std::string::npos);
}

TEST(Combiner, ReadsJsonArrayOutput) {
  Combiner c;
  std::string p = page("a.png", 1, 1), s = summary(1, 0);
  p.pop_back();
  s.pop_back();
  add(c, "a.json", "[\n  " + p + ",\n  " + s + "\n]\n");
  EXPECT_EQ(c.worst(), RunEnd::complete);
  EXPECT_EQ(c.summary()["pages"], 1);
  Combiner open;
  add(open, "b.json", "[\n  " + p + ",\n  " + s + "\n");
  EXPECT_EQ(open.worst(), RunEnd::truncated);
}

TEST(Combiner, AnUnreadableFileIsWorst) {
  Combiner c;
  add(c, "a", summary(0, 0));
  c.add_unreadable("b", "No such file or directory");
  EXPECT_EQ(c.worst(), RunEnd::unreadable);
  EXPECT_EQ(c.problems()[0], "b: cannot read: No such file or directory");
}

}  // namespace
}  // namespace ocrbatch::output
