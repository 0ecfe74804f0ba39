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

std::vector<float> weights(size_t n, float weight = 100) { return std::vector<float>(n, weight); }

TEST(DirectionVote, LongUprightLinesSettleAnUprightPageBeforeTheShortOnes) {
  // Four long upright lines outweigh any answer from the six short ones.
  const std::vector<LineDirection> done{{0.02f, 400}, {0.05f, 380}, {0.01f, 350}, {0.03f, 300}};
  EXPECT_TRUE(direction_settled(done, weights(6, 50)));
  // With as many equal lines still to come, they could still carry the mean over 0.5.
  EXPECT_FALSE(direction_settled(lines({0.02f, 0.05f, 0.01f}), weights(4)));
}

TEST(DirectionVote, ATurnedPageIsSettledOnlyWhenTheRestCannotOutweighIt) {
  const auto done = lines({0.97f, 0.99f, 0.95f, 0.98f, 0.96f});
  EXPECT_TRUE(direction_settled(done, weights(3)));
  EXPECT_FALSE(direction_settled(done, weights(6)));
}

TEST(DirectionVote, SettledAgreesWithTheWholeVote) {
  // Every prefix that is settled gives the vote of all the lines, whatever the rest say.
  const std::vector<std::vector<float>> pages{
      {0.02f, 0.9f, 0.1f, 0.97f, 0.99f, 0.95f, 0.2f, 0.98f},
      {0.99f, 0.98f, 0.97f, 0.1f, 0.05f, 0.96f, 0.92f, 0.9f},
      {0.6f, 0.7f, 0.65f, 0.8f, 0.95f, 0.99f, 0.97f, 0.1f}};
  for (const auto& p : pages) {
    const auto all = lines(p);
    const bool whole = vote_direction(all).turned;
    for (size_t k = 0; k <= all.size(); ++k) {
      const std::vector<LineDirection> done(all.begin(), all.begin() + k);
      if (direction_settled(done, weights(all.size() - k)))
        EXPECT_EQ(vote_direction(done).turned, whole) << "after " << k << " lines";
    }
  }
}

TEST(DirectionVote, NeverSettledBeforeEnoughLinesCount) {
  EXPECT_FALSE(direction_settled({}, weights(2)));
  EXPECT_FALSE(direction_settled({{NAN, 100}, {0.01f, 1000}}, weights(1, 1)));
  EXPECT_TRUE(direction_settled(lines({0.01f, 0.02f, 0.01f}), {}));
}

}  // namespace
}  // namespace ocrbatch::engine::dnn
