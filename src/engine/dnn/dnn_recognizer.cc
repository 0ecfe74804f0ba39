#include "engine/dnn/dnn_recognizer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "engine/dnn/crop.h"
#include "engine/dnn/ctc.h"
#include "engine/dnn/db_postprocess.h"
#include "engine/dnn/direction_vote.h"
#include "engine/dnn/nets_impl.h"
#include "engine/dnn/pix_mat.h"
#include "engine/dnn/reading_order.h"

namespace ocrbatch::engine::dnn {

using record::ErrorCode;

// The recogniser's widths are loaded when a line first needs each, so a worker that only
// ever has Tesseract read its lines loads none of them.
struct DnnRecognizer::Nets {
  explicit Nets(const ModelFiles& files)
      : det(files), cls(files), rec(files), dictionary(load_dictionary(files)) {}
  static Dictionary load_dictionary(const ModelFiles& files) {
    auto loaded = Dictionary::load(files.keys());
    if (!loaded) throw SetupError(loaded.error().message);
    return std::move(*loaded);
  }
  DetNet det;
  ClsNet cls;
  RecNet rec;
  Dictionary dictionary;
};

namespace {

// The detector finds nothing on text that touches the image's edge (a word or line crop):
// it learnt text with paper around it. A frame of the image's own edge colour gives it that.
constexpr int kDetectorPad = 16;
// Direction votes are taken from at most this many of the longest lines: enough to be sure,
// at about 5 ms a line.
constexpr size_t kDirectionLines = 16;
// A line gap, in text heights, that no gap within a row reaches.
constexpr float kWholeRow = 1000;

cv::Scalar median_edge_colour(const cv::Mat& bgr) {
  std::vector<uchar> values[3];
  const auto add = [&](int y, int x) {
    const auto& px = bgr.at<cv::Vec3b>(y, x);
    for (int c = 0; c < 3; ++c) values[c].push_back(px[c]);
  };
  for (int x = 0; x < bgr.cols; ++x) {
    add(0, x);
    add(bgr.rows - 1, x);
  }
  for (int y = 0; y < bgr.rows; ++y) {
    add(y, 0);
    add(y, bgr.cols - 1);
  }
  cv::Scalar out;
  for (int c = 0; c < 3; ++c) {
    auto& v = values[c];
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    out[c] = v[v.size() / 2];
  }
  return out;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  std::string out = text.substr(first, last - first + 1);
  // A single-line reading has no line breaks of its own.
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

int count_words(const std::string& text) {
  std::istringstream in(text);
  std::string word;
  int n = 0;
  while (in >> word) ++n;
  return n;
}

// A crop turned by 180 degrees, and its map back to the source.
void turn_half(Crop& crop) {
  cv::rotate(crop.image, crop.image, cv::ROTATE_180);
  Homography flip;
  flip.m = {-1, 0, crop.image.cols - 1.0, 0, -1, crop.image.rows - 1.0, 0, 0, 1};
  crop.to_source = flip.then(crop.to_source);
}

// The quad as it lies on the page turned by 180 degrees, corners starting at the turned
// text's top-left, for reading order on an upside-down page.
Quad turned_half(const Quad& quad, int width, int height) {
  Quad out;
  for (int i = 0; i < 4; ++i) {
    const Point2& p = quad.p[(i + 2) % 4];
    out.p[i] = {width - p.x, height - p.y};
  }
  return out;
}

// A page lying on its side has nearly all its text, by length, in tall lines; an upright
// form or photo has a vertical label or sign at most.
constexpr float kQuarterTurnShare = 0.6f;

bool lies_turned_by_quarter(const std::vector<TextBox>& boxes) {
  const float tall_aspect = CropParams{}.rotate_aspect;
  double tall = 0, all = 0;
  for (const auto& box : boxes) {
    const float w = quad_width(box.quad), h = quad_height(box.quad);
    const double length = std::max(w, h);
    all += length;
    if (h >= tall_aspect * w) tall += length;
  }
  return all > 0 && tall > kQuarterTurnShare * all;
}

// The quad on the page turned by 90 degrees clockwise (a source of `height` rows), corners
// starting again at the turned text's top-left.
Quad turned_quarter(const Quad& quad, int height) {
  Quad out;
  for (int i = 0; i < 4; ++i) {
    const Point2& p = quad.p[(i + 3) % 4];
    out.p[i] = {height - 1.0f - p.y, p.x};
  }
  return out;
}

// One detected box as read: a piece of a layout line.
struct LineText {
  std::string text;
  double confidence = 0;  // 0..100
  int words = 0;
  std::vector<record::Word> word_boxes;  // source pixels
  record::Box bbox;                      // source pixels
  // The crop's bottom edge from its start to its end as the text reads: the line's box is
  // cut around its letters, so that edge is where they stand, give or take the descenders.
  record::Baseline baseline;
};

record::Box to_record_box(const PixelBox& b) { return {b.x, b.y, b.w, b.h}; }

// A box's bottom edge in reading direction (p[3] to p[2] of its mapped quad), clipped to the
// source like its box.
record::Baseline bottom_edge(const SourceBox& mapped, int width, int height) {
  const auto coordinate = [](float v, int high) {
    if (!std::isfinite(v)) return 0;
    return static_cast<int>(std::lround(std::clamp(static_cast<double>(v), 0.0, 1.0 * high)));
  };
  const Point2& from = mapped.quad.p[3];
  const Point2& to = mapped.quad.p[2];
  return {coordinate(from.x, width), coordinate(from.y, height), coordinate(to.x, width),
          coordinate(to.y, height)};
}

record::Word source_word(std::string text, double confidence, const Homography& to_source,
                         const RectF& in_crop, int width, int height) {
  const SourceBox mapped = map_to_source(to_source, in_crop, width, height);
  return {std::move(text), confidence, to_record_box(mapped.bbox),
          bottom_edge(mapped, width, height)};
}

}  // namespace

DnnRecognizer::DnnRecognizer(DnnSettings settings, RecognizerFactory make_line_reader)
    : settings_(std::move(settings)), make_line_reader_(std::move(make_line_reader)) {
  try {
    nets_ = std::make_unique<Nets>(settings_.files);
  } catch (const SetupError&) {
    throw;
  } catch (const std::exception& e) {
    throw SetupError(std::string("the DNN engine cannot load its models: ") + e.what());
  }
}

DnnRecognizer::~DnnRecognizer() = default;

record::Result<Recognition> DnnRecognizer::recognize(Pix* image, const CancelCheck& cancel,
                                                     const PageHints& hints) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const int limit_ms = hints.timeout_ms > 0 ? hints.timeout_ms : settings_.timeout_ms;
  const auto remaining_ms = [&]() -> int {
    if (limit_ms <= 0) return 0;
    const auto spent =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    return static_cast<int>(std::max<long long>(1, limit_ms - spent));
  };
  const auto out_of_time = [&] {
    return limit_ms > 0 && Clock::now() - start >= std::chrono::milliseconds(limit_ms);
  };
  const auto timeout_error = [&] {
    return record::Error{ErrorCode::timeout, "recognition took longer than the " +
                                                 std::to_string(limit_ms / 1000.0).substr(0, 5) +
                                                 " s limit (--timeout)"};
  };
  const auto cancelled = [&] { return cancel && cancel(); };
  const bool tesseract_lines = hints.lines == LineReader::tesseract && make_line_reader_;
  if (tesseract_lines && !line_reader_) line_reader_ = make_line_reader_();

  try {
    const cv::Mat bgr = pix_to_bgr(image);
    if (bgr.empty()) return record::Error{ErrorCode::ocr_failed, "empty image"};
    const int width = bgr.cols, height = bgr.rows;

    // An image of one line is that line: PP-OCR's recogniser reads it whole, as it learnt
    // lines, where the detector's box would only trim its edges (random Chinese line crops: 22
    // errors in 96 characters read whole, 25 through the detector).
    const bool whole_line = hints.layout == Layout::single_line && !tesseract_lines;
    std::vector<TextBox> boxes;
    if (whole_line) {
      const float w = static_cast<float>(width), h = static_cast<float>(height);
      boxes.push_back({Quad{{Point2{0, 0}, Point2{w, 0}, Point2{w, h}, Point2{0, h}}}, 1});
    } else {
      cv::Mat padded;
      cv::copyMakeBorder(bgr, padded, kDetectorPad, kDetectorPad, kDetectorPad, kDetectorPad,
                         cv::BORDER_CONSTANT, median_edge_colour(bgr));
      const DetMap map = nets_->det.impl().run(padded);
      MapToSource to_source;
      to_source.scale_x = static_cast<float>(map.scale_x);
      to_source.scale_y = static_cast<float>(map.scale_y);
      to_source.offset_x = to_source.offset_y = -static_cast<float>(kDetectorPad);
      to_source.width = width;
      to_source.height = height;
      boxes = db_boxes(map.prob.data(), map.width, map.height, to_source);
    }
    if (cancelled()) return record::Error{ErrorCode::ocr_failed, "recognition cancelled"};
    if (out_of_time()) return timeout_error();

    // A page lying on its side is read turned upright by 90 degrees clockwise (the direction
    // vote then tells 90 from 270), so that its lines run across and its rows read in order.
    const bool quarter = !hints.vertical_text && lies_turned_by_quarter(boxes);
    cv::Mat frame = bgr;  // the page as its lines are cut from
    Homography frame_to_source;
    if (quarter) {
      cv::rotate(bgr, frame, cv::ROTATE_90_CLOCKWISE);
      frame_to_source.m = {0, 1, 0, -1, 0, height - 1.0, 0, 0, 1};
    }

    // Plain crops, upright as detected: what the classifier and PP-OCR's recogniser read.
    std::vector<Crop> crops;
    std::vector<Quad> frame_quads;
    for (const auto& box : boxes) {
      const Quad quad = quarter ? turned_quarter(box.quad, height) : box.quad;
      Crop crop = crop_quad(frame, quad);
      if (crop.image.empty() || crop.image.rows < 2 || crop.image.cols < 2) continue;
      crop.to_source = crop.to_source.then(frame_to_source);
      crops.push_back(std::move(crop));
      frame_quads.push_back(quad);
    }
    std::vector<Quad> quads = frame_quads;  // as the text reads: turned with the page

    Recognition result;
    // Upside down: the lines' own vote, as OSD is far costlier and unreliable on sparse text.
    bool turned = false;
    // One line's own answer is too noisy to turn it by.
    if (settings_.check_direction && !whole_line && !crops.empty()) {
      std::vector<size_t> order(crops.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return crops[a].image.cols > crops[b].image.cols; });
      if (order.size() > kDirectionLines) order.resize(kDirectionLines);
      std::vector<LineDirection> votes;
      std::vector<float> remaining;
      for (auto it = order.rbegin(); it != order.rend(); ++it)
        remaining.push_back(static_cast<float>(crops[*it].image.cols));
      for (size_t i : order) {
        votes.push_back({nets_->cls.impl().run(crops[i].image), remaining.back()});
        remaining.pop_back();
        if (direction_settled(votes, remaining)) break;
      }
      turned = vote_direction(votes).turned;
    }
    if (turned) {
      for (auto& crop : crops) turn_half(crop);
      for (auto& quad : quads) quad = turned_half(quad, frame.cols, frame.rows);
    }
    result.rotation = (quarter ? 90 : 0) + (turned ? 180 : 0);

    std::vector<LineText> lines(crops.size());
    for (size_t i = 0; i < crops.size(); ++i) {
      if (cancelled()) return record::Error{ErrorCode::ocr_failed, "recognition cancelled"};
      if (out_of_time()) return timeout_error();
      LineText& line = lines[i];
      const Crop& crop = crops[i];
      if (tesseract_lines) {
        // Tesseract reads a grey crop with a paper border, enlarged when small: cut again
        // from the page for it, turned as the page is.
        Crop prepared = crop_quad(frame, frame_quads[i], tesseract_crop_params());
        if (prepared.image.empty()) continue;
        prepared.to_source = prepared.to_source.then(frame_to_source);
        if (turned) turn_half(prepared);
        PageHints line_hints;
        line_hints.layout = Layout::single_line;
        line_hints.timeout_ms = remaining_ms();
        image::PixPtr pix = grey_pix_from_mat(prepared.image);
        auto read = line_reader_->recognize(pix.get(), cancel, line_hints);
        if (!read) {
          if (read.error().code == ErrorCode::timeout) return timeout_error();
          if (cancelled()) return record::Error{ErrorCode::ocr_failed, "recognition cancelled"};
          continue;  // an unreadable line is no text, not a failed page
        }
        line.text = trimmed(read->text);
        line.confidence = read->confidence;
        for (const auto& block : read->blocks)
          for (const auto& paragraph : block.paragraphs)
            for (const auto& read_line : paragraph.lines)
              for (const auto& word : read_line.words) {
                const RectF r{static_cast<float>(word.bbox.x), static_cast<float>(word.bbox.y),
                              static_cast<float>(word.bbox.x + word.bbox.w),
                              static_cast<float>(word.bbox.y + word.bbox.h)};
                line.word_boxes.push_back(
                    source_word(word.text, word.confidence, prepared.to_source, r, width, height));
              }
      } else {
        const RecOutput out = nets_->rec.impl().run(crop.image);
        const CtcLine decoded =
            ctc_greedy_decode(out.probs.data(), out.valid_frames, kRecClasses, nets_->dictionary);
        if (decoded.chars.empty() || decoded.confidence < settings_.min_line_confidence) continue;
        // Words split at spaces and, in Latin text, at wide gaps; a run of CJK characters
        // between spaces is one word (it has no gaps to split at), often the whole line.
        const auto words = split_words(decoded);
        line.text = join_words(words);
        line.confidence = 100.0 * decoded.confidence;
        const int scaled = rec_scaled_width(crop.image.size());
        const float input_width =
            static_cast<float>(out.bucket_width) * crop.image.cols / std::max(1, scaled);
        const float pad = median_spacing(decoded) / 2;
        for (const auto& word : words) {
          const RectF r = word_box_in_crop(word, out.frames, input_width, pad, crop.image.cols,
                                           crop.image.rows);
          line.word_boxes.push_back(
              source_word(word.text, 100.0 * word.confidence, crop.to_source, r, width, height));
        }
      }
      line.words = count_words(line.text);
      const RectF whole{0, 0, static_cast<float>(crop.image.cols),
                        static_cast<float>(crop.image.rows)};
      const SourceBox mapped = map_to_source(crop.to_source, whole, width, height);
      line.bbox = to_record_box(mapped.bbox);
      line.baseline = bottom_edge(mapped, width, height);
    }

    // Reading order, then the page text as Tesseract lays it out: a line a row, a blank line
    // between blocks.
    double confidence_sum = 0;
    ReadingOrderParams order;
    // Forms and receipts: the gaps in a row separate a label from its value or an item from
    // its price, not columns, and reading the row across kept receipts' CER under plain
    // Tesseract's (9.9% against 20.2% with columns; forms 16.4% against 28.5%). Pages of
    // running text in columns (Chinese books and magazines) need the columns (12.5% against
    // 42.7%). bench/ACCURACY.md, "Reading order".
    if (hints.layout == Layout::sparse) order.line_gap = kWholeRow;
    // A block per reading-order block, of one paragraph (reading order knows no paragraphs).
    for (const auto& layout_block : reading_order(quads, order)) {
      std::string block_text;
      record::Paragraph paragraph;
      double block_confidence = 0;
      int block_words = 0;
      for (const auto& layout_line : layout_block.lines) {
        record::Line line;
        std::string line_text;
        double line_confidence = 0;
        int line_words = 0;
        for (int index : layout_line.boxes) {
          LineText& part = lines[static_cast<size_t>(index)];
          if (part.text.empty()) continue;
          line_text += (line_text.empty() ? "" : " ") + part.text;
          if (line.words.empty()) {
            line.baseline.x1 = part.baseline.x1;
            line.baseline.y1 = part.baseline.y1;
          }
          line.baseline.x2 = part.baseline.x2;
          line.baseline.y2 = part.baseline.y2;
          line.bbox = record::united(line.bbox, part.bbox);
          line_confidence += part.confidence * part.words;
          line_words += part.words;
          for (auto& word : part.word_boxes) line.words.push_back(std::move(word));
        }
        if (line_text.empty()) continue;
        line.confidence = line_words > 0 ? line_confidence / line_words : 0;
        block_text += line_text + "\n";
        confidence_sum += line_confidence;
        block_confidence += line_confidence;
        block_words += line_words;
        result.words += line_words;
        // A line read with no word boxes (Tesseract found text but no word in it) is still
        // text: it stands as one word of its own box.
        if (line.words.empty())
          line.words.push_back({line_text, line.confidence, line.bbox, line.baseline});
        paragraph.bbox = record::united(paragraph.bbox, line.bbox);
        paragraph.lines.push_back(std::move(line));
      }
      if (block_text.empty()) continue;
      if (!result.text.empty()) result.text += "\n";
      result.text += block_text;
      paragraph.confidence = block_words > 0 ? block_confidence / block_words : 0;
      record::Block block{paragraph.bbox, paragraph.confidence, {}};
      block.paragraphs.push_back(std::move(paragraph));
      result.blocks.push_back(std::move(block));
    }
    result.confidence = result.words > 0 ? confidence_sum / result.words : 0;
    return result;
  } catch (const cv::Exception& e) {
    return record::Error{ErrorCode::ocr_failed, std::string("the DNN engine failed: ") + e.what()};
  }
}

}  // namespace ocrbatch::engine::dnn
