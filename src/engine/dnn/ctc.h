#pragma once
// Greedy CTC decoding of the PP-OCR recogniser's output, and words from the decoded
// characters' frame positions.

#include <string>
#include <vector>

#include "engine/dnn/geometry.h"
#include "record/record.h"

namespace ocrbatch::engine::dnn {

// The recogniser's classes: 0 is CTC's blank, 1..N the dictionary's lines, N+1 a space.
class Dictionary {
 public:
  explicit Dictionary(std::vector<std::string> symbols);
  // One symbol a line (ppocr_keys_v1.txt); LF or CRLF. Blank lines are symbols too, since
  // dropping one would shift every class after it.
  static record::Result<Dictionary> load(const std::string& path);
  static Dictionary parse(const std::string& text);

  int classes() const { return static_cast<int>(symbols_.size()) + 2; }
  int space_class() const { return static_cast<int>(symbols_.size()) + 1; }
  // "" for the blank, " " for the space class.
  const std::string& symbol(int cls) const;

 private:
  std::vector<std::string> symbols_;
};

struct CtcChar {
  int cls = 0;
  std::string text;
  float confidence = 0;  // the class's highest probability over its frames
  int first_frame = 0, last_frame = 0;
};

struct CtcLine {
  std::string text;            // the characters as decoded, spaces included
  std::vector<CtcChar> chars;  // spaces included
  float confidence = 0;        // mean of the characters'; 0 when there are none
  int frames = 0;
};

// `scores` holds frames x classes values, row-major. PP-OCR's exported recogniser already
// ends in a softmax (its CTC head applies one outside training); pass logits = true for a
// net that outputs raw scores. classes must equal dictionary.classes(): std::invalid_argument
// if not.
CtcLine ctc_greedy_decode(const float* scores, int frames, int classes,
                          const Dictionary& dictionary, bool logits = false);

struct WordSplitParams {
  // Between two narrow (non-CJK) characters, a gap between spike centres this many times
  // the line's median spacing, and at least min_extra_frames over it, is a space the
  // recogniser left out: PP-OCRv4 rec almost never emits one between English words.
  float gap_factor = 1.6f;
  float min_extra_frames = 1.0f;
};

struct CtcWord {
  std::string text;
  float confidence = 0;  // mean of its characters'
  int first_frame = 0, last_frame = 0;
};

// Words split at emitted spaces and at wide gaps between Latin characters; CJK text is never
// split by gaps (it has no spaces to find).
std::vector<CtcWord> split_words(const CtcLine& line, const WordSplitParams& params = {});

// The median distance in frames between neighbouring narrow characters' spike centres; 0
// with fewer than two such neighbours.
float median_spacing(const CtcLine& line);

// A word's box in crop pixels. CTC marks a character by a spike near its middle, so the
// spikes' span is widened by pad_frames on each side (half median_spacing covers the outer
// characters' halves). frames cover input_width crop pixels (the net's padded input, in crop
// pixels); the box is clipped to the crop.
RectF word_box_in_crop(const CtcWord& word, int frames, float input_width, float pad_frames,
                       int crop_width, int crop_height);

// The words joined by single spaces: the line's text with the spaces split_words found.
std::string join_words(const std::vector<CtcWord>& words);

}  // namespace ocrbatch::engine::dnn
