#include "pipeline/reorder_buffer.h"

#include <gtest/gtest.h>

namespace ocrbatch::pipeline {
namespace {

TEST(ReorderBuffer, ReleasesOnlyContiguousSequenceNumbers) {
  ReorderBuffer<int> buffer(/*ordered=*/true);
  buffer.insert(2, 20);
  buffer.insert(1, 10);
  EXPECT_TRUE(buffer.take_ready().empty());
  buffer.insert(0, 0);
  EXPECT_EQ(buffer.take_ready(), (std::vector<int>{0, 10, 20}));
  buffer.insert(4, 40);
  EXPECT_TRUE(buffer.take_ready().empty());
  buffer.insert(3, 30);
  EXPECT_EQ(buffer.take_ready(), (std::vector<int>{30, 40}));
}

TEST(ReorderBuffer, UnorderedReleasesEverything) {
  ReorderBuffer<int> buffer(/*ordered=*/false);
  buffer.insert(5, 50);
  buffer.insert(2, 20);
  EXPECT_EQ(buffer.take_ready(), (std::vector<int>{20, 50}));
}

TEST(ReorderBuffer, TakeAllFlushesAcrossGapsInOrder) {
  ReorderBuffer<int> buffer(/*ordered=*/true);
  buffer.insert(3, 30);
  buffer.insert(1, 10);
  EXPECT_EQ(buffer.take_all(), (std::vector<int>{10, 30}));
  EXPECT_EQ(buffer.size(), 0u);
}

}  // namespace
}  // namespace ocrbatch::pipeline
