#include "output/metrics.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace ocrbatch::output {
namespace {

record::RunStats sample_stats() {
  record::RunStats stats;
  record::PageResult fast, slow;
  fast.duration_ms = 50;
  slow.duration_ms = 3000;
  stats.count(fast);
  stats.count(slow);
  stats.count(record::ErrorResult{"x", 0, {record::ErrorCode::decode_failed, "bad"}});
  stats.cached = 4;
  stats.skipped = 2;
  stats.skipped_by_kind = {{"pdf", 2}};
  stats.elapsed_s = 10;
  return stats;
}

TEST(PrometheusText, EveryLineIsACommentOrASample) {
  MetricsContext context;
  context.now_s = 1700000000;
  context.ledger_rows = 7;
  const auto text = prometheus_text(sample_stats(), context);
  const std::regex sample(
      R"(^[a-z_]+(\{[a-z_]+="[^"]*"\})? -?[0-9.e+]+$|^[a-z_]+(\{le="\+Inf"\}) [0-9]+$)");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
  }
  EXPECT_NE(text.find("ocrbatch_pages 2\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_pages_cached 4\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_errors{code=\"decode_failed\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_errors{code=\"timeout\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_files_skipped_by_kind{kind=\"pdf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_files_skipped_by_kind{kind=\"link\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_ledger_pages 7\n"), std::string::npos);
  EXPECT_EQ(text.find("ocrbatch_ledger_bytes"), std::string::npos);
}

TEST(PrometheusText, HistogramBucketsAreCumulative) {
  const auto text = prometheus_text(sample_stats(), {});
  EXPECT_NE(text.find("ocrbatch_page_duration_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_page_duration_seconds_bucket{le=\"2.5\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_page_duration_seconds_bucket{le=\"5\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_page_duration_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_page_duration_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_page_duration_seconds_sum 3.05\n"), std::string::npos);
}

TEST(PrometheusText, LastSuccessSurvivesARoundTrip) {
  MetricsContext context;
  context.last_success_s = 1700000123;
  EXPECT_EQ(last_success_from(prometheus_text({}, context)), 1700000123);
  EXPECT_EQ(last_success_from("garbage"), 0);
}

}  // namespace
}  // namespace ocrbatch::output
