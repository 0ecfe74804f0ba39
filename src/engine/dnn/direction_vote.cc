#include "engine/dnn/direction_vote.h"

#include <algorithm>
#include <cmath>

namespace ocrbatch::engine::dnn {

DirectionVote vote_direction(const std::vector<LineDirection>& lines,
                             const DirectionVoteParams& params) {
  DirectionVote vote;
  double weighted = 0, weights = 0;
  for (const LineDirection& line : lines) {
    if (!std::isfinite(line.p180) || !std::isfinite(line.weight) || line.weight <= 0) continue;
    const double p = std::clamp(line.p180, 0.0f, 1.0f);
    weighted += p * line.weight;
    weights += line.weight;
    ++vote.lines;
    if (p >= params.confident) ++vote.confident;
  }
  if (vote.lines == 0) return vote;
  vote.mean_p180 = static_cast<float>(weighted / weights);
  const int needed = std::min(params.min_confident_lines, vote.lines);
  vote.turned = vote.mean_p180 > params.min_mean && vote.confident >= std::max(needed, 1);
  return vote;
}

bool direction_settled(const std::vector<LineDirection>& done,
                       const std::vector<float>& remaining_weights,
                       const DirectionVoteParams& params) {
  if (vote_direction(done, params).lines < params.min_confident_lines) return false;
  if (remaining_weights.empty()) return true;
  std::vector<LineDirection> low = done, high = done;
  for (float weight : remaining_weights) {
    low.push_back({0.0f, weight});
    high.push_back({1.0f, weight});
  }
  return vote_direction(low, params).turned == vote_direction(high, params).turned;
}

}  // namespace ocrbatch::engine::dnn
