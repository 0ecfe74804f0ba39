#include "engine/dnn/direction_vote.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ocrbatch::engine::dnn {
namespace {

std::vector<LineDirection> lines(const std::vector<float>& p180) {
  std::vector<LineDirection> result;
  for (float p : p180) result.push_back({p, 100});
  return result;
}

TEST(DirectionVote, TurnedPageIsFound) {
  const auto vote = vote_direction(lines({0.97f, 0.99f, 0.2f, 0.95f, 0.93f, 0.98f}));
  EXPECT_TRUE(vote.turned);
  EXPECT_EQ(vote.lines, 6);
  EXPECT_EQ(vote.confident, 5);
}

TEST(DirectionVote, AFewNoisyLinesDoNotTurnAnUprightPage) {
  // 2 of 20 lines flipped with confidence: the per-line noise seen on forms.
  std::vector<float> p(20, 0.03f);
  p[4] = 0.96f;
  p[11] = 0.92f;
  const auto vote = vote_direction(lines(p));
  EXPECT_FALSE(vote.turned);
  EXPECT_EQ(vote.confident, 2);
}

TEST(DirectionVote, OneLongMisreadLineDoesNotTurnASparsePage) {
  // Its weight carries the mean over 0.5, but it is one confident vote of the three needed.
  const auto vote = vote_direction({{0.99f, 1000}, {0.1f, 50}, {0.2f, 50}, {0.3f, 50}});
  EXPECT_GT(vote.mean_p180, 0.5f);
  EXPECT_FALSE(vote.turned);
}

TEST(DirectionVote, UnsureLinesDoNotTurnAPage) {
  const auto vote = vote_direction(lines({0.6f, 0.7f, 0.65f, 0.8f}));
  EXPECT_GT(vote.mean_p180, 0.5f);
  EXPECT_FALSE(vote.turned);
}

TEST(DirectionVote, PageOfFewerLinesNeedsAllOfThem) {
  EXPECT_TRUE(vote_direction(lines({0.95f, 0.97f})).turned);
  EXPECT_FALSE(vote_direction(lines({0.95f, 0.6f})).turned);
}

TEST(DirectionVote, WeightsDecideTheMean) {
  // Confident votes are there; the long upright lines outweigh them.
  const auto vote =
      vote_direction({{0.95f, 10}, {0.95f, 10}, {0.95f, 10}, {0.05f, 500}, {0.05f, 500}});
  EXPECT_EQ(vote.confident, 3);
  EXPECT_FALSE(vote.turned);
}

TEST(DirectionVote, EmptyAndInvalidLinesDoNotCount) {
  EXPECT_FALSE(vote_direction({}).turned);
  const auto vote = vote_direction({{NAN, 100}, {0.99f, 0}, {0.99f, -1}});
  EXPECT_EQ(vote.lines, 0);
  EXPECT_FALSE(vote.turned);
}

}  // namespace
}  // namespace ocrbatch::engine::dnn
