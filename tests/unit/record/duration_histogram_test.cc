#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "record/record.h"

namespace ocrbatch::record {
namespace {

// The nearest-rank quantile of `values`: the value at rank ceil(q * n) in sorted order.
double exact_quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(q * values.size() - 1e-9));
  return values[std::max<size_t>(rank, 1) - 1];
}

void expect_quantiles_within_the_stated_error(const std::vector<double>& values) {
  DurationHistogram h;
  for (double v : values) h.add(v);
  for (double q : {0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999}) {
    const double exact = exact_quantile(values, q);
    EXPECT_NEAR(h.quantile(q), exact, exact * DurationHistogram::kQuantileError * 1.0001)
        << "q " << q;
  }
  EXPECT_EQ(h.quantile(1), *std::max_element(values.begin(), values.end()));
  EXPECT_EQ(h.max_s, *std::max_element(values.begin(), values.end()));
  EXPECT_EQ(h.min_s, *std::min_element(values.begin(), values.end()));
}

TEST(DurationHistogram, QuantilesOfAUniformSpreadAreWithinOnePercent) {
  std::vector<double> values;
  for (int ms = 1; ms <= 20000; ++ms) values.push_back(ms / 1000.0);
  expect_quantiles_within_the_stated_error(values);
  DurationHistogram h;
  for (double v : values) h.add(v);
  EXPECT_NEAR(h.quantile(0.5), 10.0, 0.1);
  EXPECT_NEAR(h.quantile(0.95), 19.0, 0.19);
  EXPECT_NEAR(h.quantile(0.99), 19.8, 0.198);
}

TEST(DurationHistogram, QuantilesOfALongTailedSpreadAreWithinOnePercent) {
  std::mt19937 random(11);
  std::lognormal_distribution<double> page_time(0.0, 1.0);  // median 1 s, p99 near 10 s
  std::vector<double> values;
  for (int i = 0; i < 50000; ++i) values.push_back(page_time(random));
  expect_quantiles_within_the_stated_error(values);
}

TEST(DurationHistogram, ASlowTenthShowsInP95AndP99ButNotInTheMedian) {
  std::vector<double> values(900, 0.2);
  values.insert(values.end(), 100, 20.0);
  DurationHistogram h;
  for (double v : values) h.add(v);
  EXPECT_NEAR(h.quantile(0.5), 0.2, 0.002);
  EXPECT_NEAR(h.quantile(0.9), 0.2, 0.002);
  EXPECT_NEAR(h.quantile(0.95), 20.0, 0.2);
  EXPECT_NEAR(h.quantile(0.99), 20.0, 0.2);
}

TEST(DurationHistogram, OnePageIsEveryQuantileExactly) {
  DurationHistogram h;
  h.add(0.737);
  EXPECT_EQ(h.quantile(0.5), 0.737);
  EXPECT_EQ(h.quantile(0.99), 0.737);
  EXPECT_EQ(h.max_s, 0.737);
}

TEST(DurationHistogram, NoPagesGiveZero) {
  const DurationHistogram h;
  EXPECT_EQ(h.quantile(0.5), 0);
  EXPECT_EQ(h.max_s, 0);
}

TEST(DurationHistogram, TimesOutsideTheRangeStayWithinMinAndMax) {
  DurationHistogram h;
  h.add(1e-6);
  h.add(2e-6);
  h.add(200000);  // past the last bucket
  EXPECT_GE(h.quantile(0.5), 1e-6);
  EXPECT_LE(h.quantile(0.5), DurationHistogram::kQuantileFloor);
  EXPECT_EQ(h.quantile(0.99), 200000);
}

TEST(DurationHistogram, MemoryIsFixedWhateverThePageCount) {
  DurationHistogram h;
  for (int i = 0; i < 200000; ++i) h.add(0.5 + (i % 1000) / 1000.0);
  EXPECT_EQ(h.count, 200000u);
  EXPECT_LE(sizeof(DurationHistogram), 9 * 1024u);
  EXPECT_NEAR(h.quantile(0.5), 1.0, 0.01);
}

}  // namespace
}  // namespace ocrbatch::record
