#include "engine/dnn/ctc.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ocrbatch::engine::dnn {
namespace {

const std::string kBlank;
const std::string kSpace = " ";

// The first code point of a UTF-8 string; 0 if it is empty or malformed.
char32_t first_code_point(const std::string& text) {
  if (text.empty()) return 0;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return lead;
  const int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || text.size() < static_cast<size_t>(length)) return 0;
  char32_t cp = lead & (0x7F >> length);
  for (int i = 1; i < length; ++i) cp = (cp << 6) | (byte(i) & 0x3F);
  return cp;
}

// Scripts written without spaces between words, and their full-width punctuation.
bool is_wide(char32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) ||  // CJK radicals, kana, CJK punctuation, ideographs
         (cp >= 0xAC00 && cp <= 0xD7AF) ||  // Hangul syllables
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compatibility ideographs
         (cp >= 0xFE30 && cp <= 0xFE4F) ||  // CJK compatibility forms
         (cp >= 0xFF00 && cp <= 0xFFEF) ||  // full- and half-width forms
         (cp >= 0x20000 && cp <= 0x3FFFF);  // supplementary ideographs
}

float centre(const CtcChar& c) { return (c.first_frame + c.last_frame) / 2.0f; }

}  // namespace

Dictionary::Dictionary(std::vector<std::string> symbols) : symbols_(std::move(symbols)) {}

Dictionary Dictionary::parse(const std::string& text) {
  std::vector<std::string> symbols;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    symbols.push_back(std::move(line));
    start = end + 1;
  }
  return Dictionary(std::move(symbols));
}

record::Result<Dictionary> Dictionary::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return record::Error{record::ErrorCode::not_found, "cannot open dictionary " + path};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return record::Error{record::ErrorCode::read_failed, "cannot read " + path};
  Dictionary dictionary = parse(text.str());
  if (dictionary.symbols_.empty()) {
    return record::Error{record::ErrorCode::read_failed, "empty dictionary " + path};
  }
  return dictionary;
}

const std::string& Dictionary::symbol(int cls) const {
  if (cls >= 1 && cls <= static_cast<int>(symbols_.size())) return symbols_[cls - 1];
  return cls == space_class() ? kSpace : kBlank;
}

CtcLine ctc_greedy_decode(const float* scores, int frames, int classes,
                          const Dictionary& dictionary, bool logits) {
  if (classes != dictionary.classes()) {
    throw std::invalid_argument("recogniser has " + std::to_string(classes) +
                                " classes, its dictionary " + std::to_string(dictionary.classes()));
  }
  CtcLine line;
  line.frames = std::max(frames, 0);
  int previous = 0;
  for (int t = 0; t < line.frames; ++t) {
    const float* row = scores + static_cast<size_t>(t) * classes;
    const int best = static_cast<int>(std::max_element(row, row + classes) - row);
    float probability = row[best];
    if (logits) {
      // Softmax of the winner only: exp(0) over the sum of exp(x - max).
      double sum = 0;
      for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(row[c] - row[best]));
      probability = static_cast<float>(1 / sum);
    }
    if (best != 0 && best == previous) {
      CtcChar& last = line.chars.back();
      last.last_frame = t;
      last.confidence = std::max(last.confidence, probability);
    } else if (best != 0) {
      line.chars.push_back({best, dictionary.symbol(best), probability, t, t});
    }
    previous = best;
  }
  double sum = 0;
  for (const CtcChar& c : line.chars) {
    line.text += c.text;
    sum += c.confidence;
  }
  if (!line.chars.empty()) line.confidence = static_cast<float>(sum / line.chars.size());
  return line;
}

float median_spacing(const CtcLine& line) {
  std::vector<float> gaps;
  for (size_t i = 1; i < line.chars.size(); ++i) {
    const CtcChar& a = line.chars[i - 1];
    const CtcChar& b = line.chars[i];
    if (a.text != kSpace && b.text != kSpace && !is_wide(first_code_point(a.text)) &&
        !is_wide(first_code_point(b.text))) {
      gaps.push_back(centre(b) - centre(a));
    }
  }
  if (gaps.empty()) return 0;
  auto middle = gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2);
  std::nth_element(gaps.begin(), middle, gaps.end());
  return *middle;
}

RectF word_box_in_crop(const CtcWord& word, int frames, float input_width, float pad_frames,
                       int crop_width, int crop_height) {
  if (frames <= 0) return {};
  const float stride = input_width / frames;
  const float x0 = (word.first_frame - pad_frames) * stride;
  const float x1 = (word.last_frame + 1 + pad_frames) * stride;
  const float width = static_cast<float>(crop_width);
  return {std::clamp(x0, 0.0f, width), 0, std::clamp(x1, 0.0f, width),
          static_cast<float>(crop_height)};
}

std::vector<CtcWord> split_words(const CtcLine& line, const WordSplitParams& params) {
  std::vector<const CtcChar*> chars;  // a null marks an emitted space
  for (const CtcChar& c : line.chars) chars.push_back(c.text == kSpace ? nullptr : &c);
  const float median = median_spacing(line);

  std::vector<CtcWord> words;
  double confidence_sum = 0;
  int count = 0;
  bool open = false;
  const auto close = [&] {
    if (open) words.back().confidence = static_cast<float>(confidence_sum / count);
    open = false;
  };
  const CtcChar* previous = nullptr;
  for (const CtcChar* c : chars) {
    if (c == nullptr) {
      close();
      previous = nullptr;
      continue;
    }
    if (open && previous && median > 0 && !is_wide(first_code_point(previous->text)) &&
        !is_wide(first_code_point(c->text))) {
      const float gap = centre(*c) - centre(*previous);
      if (gap > params.gap_factor * median && gap - median >= params.min_extra_frames) close();
    }
    if (!open) {
      words.push_back({"", 0, c->first_frame, c->last_frame});
      confidence_sum = 0;
      count = 0;
      open = true;
    }
    CtcWord& word = words.back();
    word.text += c->text;
    word.last_frame = c->last_frame;
    confidence_sum += c->confidence;
    ++count;
    previous = c;
  }
  close();
  return words;
}

std::string join_words(const std::vector<CtcWord>& words) {
  std::string text;
  for (const CtcWord& word : words) {
    if (!text.empty()) text += ' ';
    text += word.text;
  }
  return text;
}

}  // namespace ocrbatch::engine::dnn
