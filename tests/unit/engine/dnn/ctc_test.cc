#include "engine/dnn/ctc.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "test_support.h"

namespace ocrbatch::engine::dnn {
namespace {

// Classes: 0 blank, 1 "a", 2 "b", 3 "中", 4 "文", 5 space.
const Dictionary& dictionary() {
  static const Dictionary d({"a", "b", "中", "文"});
  return d;
}

// One frame per entry: the winning class and its probability; the rest share what is left.
std::vector<float> frames_of(const std::vector<std::pair<int, float>>& winners) {
  const int classes = dictionary().classes();
  std::vector<float> scores;
  for (const auto& [cls, p] : winners) {
    for (int c = 0; c < classes; ++c) scores.push_back(c == cls ? p : (1 - p) / (classes - 1));
  }
  return scores;
}

CtcLine decode(const std::vector<std::pair<int, float>>& winners) {
  const auto scores = frames_of(winners);
  return ctc_greedy_decode(scores.data(), static_cast<int>(winners.size()), dictionary().classes(),
                           dictionary());
}

TEST(Ctc, RepeatsCollapse) {
  const CtcLine line = decode({{1, 0.9f}, {1, 0.8f}, {1, 0.95f}, {2, 0.7f}});
  EXPECT_EQ(line.text, "ab");
  ASSERT_EQ(line.chars.size(), 2u);
  EXPECT_EQ(line.chars[0].first_frame, 0);
  EXPECT_EQ(line.chars[0].last_frame, 2);
  EXPECT_FLOAT_EQ(line.chars[0].confidence, 0.95f);  // the best of its frames
}

TEST(Ctc, BlankSeparatesRepeats) {
  EXPECT_EQ(decode({{1, 0.9f}, {0, 0.9f}, {1, 0.9f}}).text, "aa");
  EXPECT_EQ(decode({{0, 0.9f}, {0, 0.9f}}).text, "");
}

TEST(Ctc, SpaceClassAndUtf8) {
  const CtcLine line = decode({{3, 0.9f}, {5, 0.9f}, {4, 0.9f}, {0, 0.9f}});
  EXPECT_EQ(line.text, "中 文");
  EXPECT_EQ(line.frames, 4);
}

TEST(Ctc, ConfidenceIsTheMeanOfCharacters) {
  const CtcLine line = decode({{1, 0.9f}, {0, 0.99f}, {2, 0.5f}});
  EXPECT_NEAR(line.confidence, 0.7f, 1e-6);
  EXPECT_EQ(decode({{0, 0.9f}}).confidence, 0);
}

TEST(Ctc, FramePositions) {
  const CtcLine line = decode({{0, 0.9f}, {1, 0.9f}, {0, 0.9f}, {0, 0.9f}, {2, 0.9f}, {2, 0.9f}});
  ASSERT_EQ(line.chars.size(), 2u);
  EXPECT_EQ(line.chars[0].first_frame, 1);
  EXPECT_EQ(line.chars[1].first_frame, 4);
  EXPECT_EQ(line.chars[1].last_frame, 5);
}

TEST(Ctc, LogitsAreTurnedIntoProbabilities) {
  const int classes = dictionary().classes();
  std::vector<float> logits(classes, 0.0f);
  logits[2] = std::log(5.0f);  // softmax: 5 / (5 + 5 ones)
  const CtcLine line = ctc_greedy_decode(logits.data(), 1, classes, dictionary(), true);
  EXPECT_EQ(line.text, "b");
  EXPECT_NEAR(line.confidence, 0.5f, 1e-5);
}

TEST(Ctc, ClassCountMustMatchTheDictionary) {
  std::vector<float> scores(10, 0.1f);
  EXPECT_THROW(ctc_greedy_decode(scores.data(), 1, 10, dictionary()), std::invalid_argument);
}

TEST(Ctc, DictionaryKeepsBlankLinesAndStripsCarriageReturns) {
  const Dictionary d = Dictionary::parse("a\r\n\nb\n");
  EXPECT_EQ(d.classes(), 3 + 2);
  EXPECT_EQ(d.symbol(1), "a");
  EXPECT_EQ(d.symbol(2), "");
  EXPECT_EQ(d.symbol(3), "b");
  EXPECT_EQ(d.symbol(4), " ");
  EXPECT_EQ(d.symbol(0), "");
}

TEST(Ctc, DictionaryLoadsFromAFileAndReportsAMissingOne) {
  test::TempDir dir;
  const auto loaded = Dictionary::load(dir.write("keys.txt", "一\n二\n三\n"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.value().classes(), 5);
  EXPECT_EQ(loaded.value().symbol(2), "二");
  const auto missing = Dictionary::load(dir.file("none.txt"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, record::ErrorCode::not_found);
}

// a . b . a . . . . b . a: spikes 2 frames apart within words, 5 across the missing space.
TEST(Ctc, WideGapBetweenLatinCharactersSplitsWords) {
  const CtcLine line = decode({{1, 0.9f},
                               {0, 0.9f},
                               {2, 0.9f},
                               {0, 0.9f},
                               {1, 0.9f},
                               {0, 0.9f},
                               {0, 0.9f},
                               {0, 0.9f},
                               {0, 0.9f},
                               {2, 0.7f},
                               {0, 0.9f},
                               {1, 0.9f}});
  EXPECT_EQ(line.text, "ababa");
  const auto words = split_words(line);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].text, "aba");
  EXPECT_EQ(words[0].first_frame, 0);
  EXPECT_EQ(words[0].last_frame, 4);
  EXPECT_EQ(words[1].text, "ba");
  EXPECT_EQ(words[1].first_frame, 9);
  EXPECT_EQ(words[1].last_frame, 11);
  EXPECT_NEAR(words[1].confidence, 0.8f, 1e-6);
  EXPECT_EQ(join_words(words), "aba ba");
}

TEST(Ctc, WordBoxCoversItsFramesWidenedByThePad) {
  const CtcWord word{"ab", 0.9f, 2, 5};
  // 40 frames over 320 crop pixels: 8 pixels a frame.
  const RectF box = word_box_in_crop(word, 40, 320, 1.0f, 300, 48);
  EXPECT_FLOAT_EQ(box.x0, 8);
  EXPECT_FLOAT_EQ(box.x1, 56);
  EXPECT_FLOAT_EQ(box.y1, 48);
  const RectF clipped = word_box_in_crop({"b", 0.9f, 0, 39}, 40, 320, 1.0f, 300, 48);
  EXPECT_FLOAT_EQ(clipped.x0, 0);
  EXPECT_FLOAT_EQ(clipped.x1, 300);
}

TEST(Ctc, MedianSpacingIgnoresSpacesAndChinese) {
  EXPECT_FLOAT_EQ(
      median_spacing(decode({{1, 0.9f}, {0, 0.9f}, {0, 0.9f}, {2, 0.9f}, {5, 0.9f}, {1, 0.9f}})),
      3);
  EXPECT_FLOAT_EQ(median_spacing(decode({{3, 0.9f}, {0, 0.9f}, {4, 0.9f}})), 0);
}

TEST(Ctc, EvenSpacingKeepsOneWord) {
  const CtcLine line = decode({{1, 0.9f}, {0, 0.9f}, {2, 0.9f}, {0, 0.9f}, {1, 0.9f}});
  EXPECT_EQ(split_words(line).size(), 1u);
}

TEST(Ctc, EmittedSpaceSplitsWords) {
  const CtcLine line = decode({{1, 0.9f}, {5, 0.9f}, {2, 0.9f}, {5, 0.9f}, {0, 0.9f}});
  const auto words = split_words(line);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].text, "a");
  EXPECT_EQ(words[1].text, "b");
  EXPECT_EQ(words[1].first_frame, 2);
}

TEST(Ctc, ChineseIsNotSplitByGaps) {
  const CtcLine line = decode({{3, 0.9f},
                               {0, 0.9f},
                               {4, 0.9f},
                               {0, 0.9f},
                               {0, 0.9f},
                               {0, 0.9f},
                               {0, 0.9f},
                               {0, 0.9f},
                               {3, 0.9f}});
  const auto words = split_words(line);
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0].text, "中文中");
}

}  // namespace
}  // namespace ocrbatch::engine::dnn
