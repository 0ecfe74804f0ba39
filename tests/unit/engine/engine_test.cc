#include "engine/engine.h"

#include <gtest/gtest.h>

namespace ocrbatch::engine {
namespace {

TEST(TimeoutMs, SubMillisecondLimitsStayLimits) {
  EXPECT_EQ(timeout_ms_for(0), 0);
  EXPECT_EQ(timeout_ms_for(0.0005), 1);
  EXPECT_EQ(timeout_ms_for(0.0011), 2);
  EXPECT_EQ(timeout_ms_for(3), 3000);
  EXPECT_EQ(timeout_ms_for(-1), 0);
}

}  // namespace
}  // namespace ocrbatch::engine
