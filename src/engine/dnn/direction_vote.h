#pragma once
// Whether a page is upside down, from the direction classifier's per-line answers. One
// line's answer is too noisy to act on (7% of upright form lines came out flipped in the
// probe); the page's lines together are not (55 of 56 turned pages found, no upright page
// turned).

#include <vector>

namespace ocrbatch::engine::dnn {

struct LineDirection {
  float p180 = 0;    // the classifier's probability that the line is turned 180 degrees
  float weight = 1;  // how much the line counts: its length (say, the crop's width)
};

struct DirectionVoteParams {
  float min_mean = 0.5f;        // the weighted mean of p180 must exceed this
  float confident = 0.9f;       // a line this sure of 180 is a confident vote for it
  int min_confident_lines = 3;  // votes needed (or all lines, on a page with fewer)
};

struct DirectionVote {
  bool turned = false;  // the page is upside down
  float mean_p180 = 0;  // weighted
  int lines = 0;        // lines that counted (positive weight, p180 a number)
  int confident = 0;    // lines at or over `confident`
};

// Turned when the weighted mean exceeds min_mean and enough lines are confident: the mean
// alone lets one long misread line turn a sparse page, the count alone ignores the rest.
DirectionVote vote_direction(const std::vector<LineDirection>& lines,
                             const DirectionVoteParams& params = {});

// Whether the lines not yet classified (their weights) can still change the vote of `done`:
// they cannot when the vote comes out the same with all of them at p180 0 and all at 1, as
// the vote only grows with each line's p180. Classifying the page's lines can stop there.
// Never settled before `done` has min_confident_lines lines that count, so a line the
// classifier gives no number for cannot lower the votes needed afterwards.
bool direction_settled(const std::vector<LineDirection>& done,
                       const std::vector<float>& remaining_weights,
                       const DirectionVoteParams& params = {});

}  // namespace ocrbatch::engine::dnn
