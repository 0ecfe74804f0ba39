#include "progress/status_format.h"

#include <gtest/gtest.h>

#include <vector>

#include "progress/reporter.h"

namespace ocrbatch::progress {
namespace {

Status status(uint64_t done, uint64_t total, bool known, uint64_t errors, double elapsed) {
  Status s;
  s.counts.done = done;
  s.counts.total = total;
  s.counts.total_known = known;
  s.counts.total_estimated = !known;
  s.counts.errors = errors;
  s.counts.pages = done - errors;
  s.elapsed_s = elapsed;
  return s;
}

TEST(FormatDuration, UsesTheLargestSensibleUnits) {
  EXPECT_EQ(format_duration(42), "42s");
  EXPECT_EQ(format_duration(185), "3m05s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(-1), "--");
}

TEST(FormatBar, ShowsCountsRateEtaAndErrors) {
  const auto line = format_bar(status(50, 100, true, 2, 10), 100, false);
  EXPECT_NE(line.find("50/100"), std::string::npos);
  EXPECT_NE(line.find("5.0/s"), std::string::npos);
  EXPECT_NE(line.find("ETA 10s"), std::string::npos);
  EXPECT_NE(line.find("2 errors"), std::string::npos);
  EXPECT_EQ(line.front(), '[');
}

TEST(FormatBar, MarksAnEstimatedTotal) {
  const auto line = format_bar(status(5, 40, false, 0, 2), 100, false);
  EXPECT_NE(line.find("5/~40"), std::string::npos);
  EXPECT_NE(line.find("ETA 14s"), std::string::npos);
}

TEST(FormatBar, HasNoEtaBeforeARateIsKnown) {
  EXPECT_NE(format_bar(status(0, 40, true, 0, 0.1), 100, false).find("ETA --"), std::string::npos);
}

Status without_total(uint64_t done, uint64_t found, double elapsed) {
  Status s = status(done, found, false, 0, elapsed);
  s.counts.total_estimated = false;
  return s;
}

TEST(FormatBar, ShowsACountAndARateButNoEtaWithoutATotal) {
  // As with --files-from: what has been found so far is no total.
  const auto line = format_bar(without_total(12, 12, 4), 100, false);
  EXPECT_EQ(line, "12 done  3.0/s");
  EXPECT_EQ(format_plain(without_total(12, 14, 4)),
            "ocrbatch: 12 done (12 pages, 0 errors, 0 skipped), 3.00/s");
}

TEST(FormatBar, HasNoEtaOnceAnEstimateIsReached) {
  const auto line = format_bar(status(33, 33, false, 0, 10), 100, false);
  EXPECT_NE(line.find("33/~33"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA --"), std::string::npos) << line;
  EXPECT_NE(format_bar(status(33, 33, true, 0, 10), 100, false).find("ETA 0s"), std::string::npos);
}

TEST(Reporter, AnEstimatedTotalNeverShrinks) {
  LinePrinter printer(stderr);
  Reporter reporter(ProgressMode::none, true, printer);
  pipeline::Progress counts;
  counts.total_estimated = true;
  std::vector<uint64_t> shown;
  for (uint64_t total : {33, 32, 33, 31, 35}) {
    counts.total = total;
    shown.push_back(reporter.status_for(counts).counts.total);
  }
  EXPECT_EQ(shown, (std::vector<uint64_t>{33, 33, 33, 33, 35}));
  counts.total_estimated = false;
  counts.total_known = true;
  counts.total = 34;  // exact now: the estimate counted one file that held nothing
  EXPECT_EQ(reporter.status_for(counts).counts.total, 34u);
}

TEST(FormatBar, FitsNarrowTerminals) {
  for (int width : {20, 30, 45, 80}) {
    const auto line = format_bar(status(1234, 99999, true, 17, 60), width, false);
    EXPECT_LE(static_cast<int>(line.size()), width) << line;
  }
}

TEST(FormatBar, ColourOnlyWhenAsked) {
  EXPECT_EQ(format_bar(status(1, 2, true, 1, 1), 80, false).find('\x1b'), std::string::npos);
  EXPECT_NE(format_bar(status(1, 2, true, 1, 1), 80, true).find('\x1b'), std::string::npos);
}

TEST(FormatPlain, IsOneSelfContainedLogLine) {
  const auto line = format_plain(status(10, 20, true, 1, 5));
  EXPECT_EQ(line.rfind("ocrbatch: 10/20 done", 0), 0u);
  EXPECT_NE(line.find("1 errors"), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(FormatSummary, SaysWhatHappened) {
  record::RunStats stats;
  stats.pages = 3;
  stats.errors = 1;
  stats.skipped = 2;
  stats.elapsed_s = 1.5;
  stats.interrupted = true;
  EXPECT_EQ(format_summary(stats),
            "ocrbatch: 3 pages, 1 error, 2 skipped in 1.50s (2.00 pages/s), interrupted");
}

TEST(FormatSummary, NamesTheSkippedKindsMostFrequentFirst) {
  record::RunStats stats;
  stats.skipped = 3;
  stats.skipped_by_kind = {{"other", 1}, {"pdf", 2}};
  stats.elapsed_s = 0.5;
  EXPECT_EQ(format_summary(stats),
            "ocrbatch: 0 pages, 0 errors, 3 skipped (2 pdf, 1 other) in 0.50s (0.00 pages/s)");
}

TEST(FormatNothingFound, SaysNothingWasFoundAndWhatWasSkipped) {
  record::RunStats stats;
  EXPECT_TRUE(found_nothing(stats));
  EXPECT_EQ(format_nothing_found(stats), "no images found in the named paths");
  stats.skipped = 3;
  stats.skipped_by_kind = {{"other", 1}, {"pdf", 2}};
  EXPECT_EQ(format_nothing_found(stats),
            "no images found in the named paths (3 skipped: 2 pdf, 1 other)");
}

TEST(FormatNothingFound, AShardSaysItLookedOnlyAtItsShare) {
  record::RunStats stats;
  EXPECT_EQ(format_nothing_found(stats, "1/4"), "no images of shard 1/4 found in the named paths");
}

TEST(FormatNothingFound, ARunWithAnErrorACachedPageOrAStopFoundSomething) {
  record::RunStats error, cached, stopped;
  error.errors = 1;
  cached.cached = 1;
  stopped.interrupted = true;
  EXPECT_FALSE(found_nothing(error));
  EXPECT_FALSE(found_nothing(cached));
  EXPECT_FALSE(found_nothing(stopped));
}

TEST(ProgressMode, AutoIsABarOnlyOnATerminal) {
  EXPECT_EQ(resolve_progress_mode("auto", true), ProgressMode::bar);
  EXPECT_EQ(resolve_progress_mode("auto", false), ProgressMode::none);
  EXPECT_EQ(resolve_progress_mode("plain", true), ProgressMode::plain);
  EXPECT_EQ(resolve_progress_mode("none", true), ProgressMode::none);
}

}  // namespace
}  // namespace ocrbatch::progress
