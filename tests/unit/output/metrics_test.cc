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

TEST(PrometheusText, RunInfoNamesTheRunAndItsShard) {
  MetricsContext context;
  EXPECT_EQ(prometheus_text(sample_stats(), context).find("ocrbatch_run_info"), std::string::npos)
      << "no id, no series";
  context.run_id = "3f0c9a4e-5b1d-4c3e-9a8f-6d2e1b7c4a90";
  EXPECT_NE(prometheus_text(sample_stats(), context)
                .find("\nocrbatch_run_info{run_id=\"3f0c9a4e-5b1d-4c3e-9a8f-6d2e1b7c4a90\"} 1\n"),
            std::string::npos);
  context.shard = std::make_pair(2u, 4u);
  EXPECT_NE(prometheus_text(sample_stats(), context)
                .find("ocrbatch_run_info{run_id=\"3f0c9a4e-5b1d-4c3e-9a8f-6d2e1b7c4a90\",shard="
                      "\"2\",shard_count=\"4\"} 1\n"),
            std::string::npos);
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

TEST(PrometheusText, WhileARunGoesItShowsQueueInFlightAndTheLastPage) {
  MetricsContext context;
  context.now_s = 1700000100;
  context.in_progress = true;
  context.activity.queued = 6;
  context.activity.in_flight = 2;
  context.activity.held = 3;
  context.activity.started_s = 1700000000;
  context.activity.last_page_s = 1700000040.5;
  const auto text = prometheus_text(sample_stats(), context);
  EXPECT_NE(text.find("# TYPE ocrbatch_run_in_progress gauge\nocrbatch_run_in_progress 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ocrbatch_queue_depth 6\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_pages_in_flight 2\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_records_held 3\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_last_page_timestamp_seconds 1700000040.5\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_seconds_since_last_page 59.5\n"), std::string::npos);
  // Pages so far, and no exit code or end time of a run that has not ended.
  EXPECT_NE(text.find("ocrbatch_pages 2\n"), std::string::npos);
  EXPECT_EQ(text.find("ocrbatch_exit_code"), std::string::npos);
  EXPECT_EQ(text.find("ocrbatch_last_run_timestamp_seconds"), std::string::npos);
}

TEST(PrometheusText, BeforeTheFirstPageTheWaitCountsFromTheStart) {
  MetricsContext context;
  context.now_s = 1700000100;
  context.in_progress = true;
  context.activity.started_s = 1700000030;
  const auto text = prometheus_text({}, context);
  EXPECT_NE(text.find("ocrbatch_last_page_timestamp_seconds 0\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_seconds_since_last_page 70\n"), std::string::npos);
}

TEST(PrometheusText, AfterTheRunItHasTheExitCodeAndNothingInProgress) {
  MetricsContext context;
  context.now_s = 1700000100;
  context.exit_code = 1;
  context.last_run_s = 1700000100;
  const auto text = prometheus_text(sample_stats(), context);
  EXPECT_NE(text.find("ocrbatch_run_in_progress 0\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_queue_depth 0\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_pages_in_flight 0\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_exit_code 1\n"), std::string::npos);
  EXPECT_NE(text.find("ocrbatch_last_run_timestamp_seconds 1700000100\n"), std::string::npos);
}

TEST(PrometheusText, EarlierValuesAreReadBackByName) {
  MetricsContext context;
  context.exit_code = 75;
  context.last_run_s = 1700000200;
  const auto text = prometheus_text({}, context);
  EXPECT_EQ(sample_from(text, "ocrbatch_exit_code"), 75.0);
  EXPECT_EQ(sample_from(text, "ocrbatch_last_run_timestamp_seconds"), 1700000200.0);
  EXPECT_EQ(sample_from(text, "ocrbatch_exit"), std::nullopt);
  EXPECT_EQ(sample_from("ocrbatch_exit_code x\n", "ocrbatch_exit_code"), std::nullopt);
}

TEST(PrometheusText, LastSuccessSurvivesARoundTrip) {
  MetricsContext context;
  context.last_success_s = 1700000123;
  EXPECT_EQ(last_success_from(prometheus_text({}, context)), 1700000123);
  EXPECT_EQ(last_success_from("garbage"), 0);
}

}  // namespace
}  // namespace ocrbatch::output
