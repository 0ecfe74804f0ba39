#include "recognize/page_reader.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <optional>
#include <sstream>

#include "preprocess/analysis.h"

namespace ocrbatch::recognize {
namespace {

using preprocess::analyse;
using preprocess::Analysis;
using preprocess::Chain;
using preprocess::densest_band;
using preprocess::orientation_candidates;
using preprocess::own;
using preprocess::Page;
using preprocess::rotate_orth;
using preprocess::run_deskew;
using preprocess::run_sparse;
using preprocess::to_source;
using Clock = std::chrono::steady_clock;
using Remaining = std::function<int()>;  // milliseconds left of the page's time limit

double ms_since(Clock::time_point start) {
  return std::round(std::chrono::duration<double, std::milli>(Clock::now() - start).count() * 10) /
         10;
}

// Below this mean word confidence the upright reading is doubtful enough to try the
// candidate rotations; a candidate must then read this much better on the same strip.
constexpr double kDoubtfulConfidence = 60;
constexpr double kBetterBy = 15;
constexpr double kMinCandidateConfidence = 55;
constexpr int kProbeBandLines = 8;  // text heights in the strip recognised per candidate
// A single line is turned only when its turned reading is this much more confident.
constexpr double kLineBetterBy = 35;

// Falling back to the plain reading: it must be this much more confident, unless the
// prepared reading is a flood of fragments (below).
constexpr double kClearlyMoreConfident = 5;
// A flood: at least this many words, and at least this share of them with no more than two
// letters or digits. Running text, receipts and forms have a quarter to a third of such
// words (a, of, to, 12, x); noise read as text has most.
constexpr int kFloodMinWords = 12;
constexpr double kFloodShortShare = 0.6;
// Below this mean word confidence a reading is mostly wrong characters (a 280x32 Chinese line
// read 10 characters at 26.8, 3 of them right; a street scene 11 words at 37.0, none right):
// against a plain reading that finds no text at all, it is no better evidence of text.
constexpr double kBarelyLegible = 40;

// The words of a reading, as far as a flood is concerned.
struct ReadingShape {
  int tokens = 0;  // whitespace-separated words with at least one letter or digit
  int short_tokens = 0;
  int empty_tokens = 0;  // words without a letter or digit (stray marks)
  double short_fraction() const {
    const int all = tokens + empty_tokens;
    return all > 0 ? static_cast<double>(short_tokens + empty_tokens) / all : 0;
  }
  bool flood() const {
    return tokens + empty_tokens >= kFloodMinWords && short_fraction() >= kFloodShortShare;
  }
};

ReadingShape shape_of(const std::string& text) {
  ReadingShape shape;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    int letters = 0;
    for (size_t i = 0; i < word.size(); ++i) {
      const auto c = static_cast<unsigned char>(word[i]);
      // Any non-ASCII character starts a UTF-8 sequence: count the sequence as one letter.
      if (c >= 0x80) {
        if ((c & 0xC0) != 0x80) ++letters;
      } else if (std::isalnum(c)) {
        ++letters;
      }
    }
    if (letters == 0)
      ++shape.empty_tokens;
    else {
      ++shape.tokens;
      shape.short_tokens += letters <= 2;
    }
  }
  return shape;
}

void boxes_to_source(const Page& page, engine::Recognition& rec) { to_source(page, rec.blocks); }

// The record says in which of its own modes the engine read the page: at the top, and in the
// report of the step that chose the layout (`sparse`, the last one in `steps`).
void record_layout_mode(record::Preprocessing& done, std::vector<record::StepReport>& steps,
                        const engine::Recognition& reading) {
  done.psm = reading.layout_mode;
  if (reading.layout_mode <= 0) return;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if (it->step != "sparse") continue;
    if (it->applied) it->values.emplace_back("psm", reading.layout_mode);
    return;
  }
}

// The reading of the prepared page, with the orientation check; boxes in working pixels.
record::Result<engine::Recognition> read_prepared(Page& page, Chain& chain,
                                                  engine::Recognizer& engine,
                                                  const engine::CancelCheck& cancel,
                                                  const Remaining& remaining) {
  engine::PageHints hints{page.layout, page.dpi, remaining()};
  auto upright = engine.recognize(page.pix.get(), cancel, hints);
  if (upright) record_layout_mode(page.done, page.done.steps, *upright);
  if (!upright || !page.orientation_pending || !chain.env() ||
      upright->confidence >= kDoubtfulConfidence)
    return upright;

  auto start = Clock::now();
  record::StepReport report;
  report.step = "orient";
  report.values.emplace_back("upright_confidence", upright->confidence);
  bool trusted = false;
  const auto candidates = orientation_candidates(page, *chain.env(), report, &trusted);
  // A line of a few words is easily read upside down with confidence (capitals such as
  // N, O, S, Z and H look the same either way), so a line is turned only on evidence
  // far stronger than a page needs.
  const bool line = page.analysis && page.analysis->line;
  const double better_by = line ? kLineBetterBy : kBetterBy;
  int best = trusted && !candidates.empty() ? candidates.front() : 0;
  image::PixPtr best_turned;  // the page turned by `best`, once a strip has chosen it
  if (!trusted && !candidates.empty()) {
    // Unsure: recognise the same strip at each rotation and take one that reads clearly
    // better than upright. A strip is one block of text.
    const double text_height = page.analysis ? page.analysis->text_height : 0;
    const auto strip_confidence = [&](Pix* pix) -> std::optional<engine::Recognition> {
      auto band = pix ? densest_band(pix, text_height, kProbeBandLines) : nullptr;
      if (!band) return std::nullopt;
      auto read =
          engine.recognize(band.get(), cancel,
                           engine::PageHints{engine::Layout::single_block, page.dpi, remaining()});
      return read ? std::optional<engine::Recognition>(std::move(*read)) : std::nullopt;
    };
    const auto base = strip_confidence(page.pix.get());
    double best_confidence = (base ? base->confidence : 0) + better_by;
    for (int degrees : candidates) {
      auto turned = own(pixRotateOrth(page.pix.get(), degrees / 90));
      const auto probe = strip_confidence(turned.get());
      if (probe && probe->words >= 2 && probe->confidence >= kMinCandidateConfidence &&
          probe->confidence > best_confidence) {
        best = degrees;
        best_confidence = probe->confidence;
        best_turned = std::move(turned);
      }
    }
  }
  if (best == 0) {
    report.ms = ms_since(start);
    page.done.steps.push_back(std::move(report));
    return upright;
  }

  // Turn, straighten (a sideways page could not be deskewed before), read again, and keep
  // whichever reading is more confident. `page` is left as it is until the turn is chosen.
  Page turned_page;
  turned_page.pix = own(pixClone(page.pix.get()));  // read only: every step makes new images
  turned_page.source_width = page.source_width, turned_page.source_height = page.source_height;
  turned_page.source_dpi = page.source_dpi;
  turned_page.to_work = page.to_work;
  turned_page.analysis = page.analysis;
  turned_page.done = page.done;
  turned_page.layout = page.layout;
  rotate_orth(turned_page, best, std::move(best_turned));
  report.values.emplace_back("rotation", best);
  report.ms = ms_since(start);
  std::optional<record::StepReport> deskew;
  if (!turned_page.done.skew) {
    start = Clock::now();
    deskew.emplace();
    deskew->step = "deskew";
    run_deskew(turned_page, *chain.env(), *deskew);
    deskew->ms = ms_since(start);
  }
  // How the text fills its block was measured across the lines of the sideways page; it is
  // measured again, and the mode chosen again, on the page as it will be read.
  std::optional<record::StepReport> sparse;
  if (chain.has_step("sparse")) {
    start = Clock::now();
    const Analysis turned = analyse(turned_page.pix.get());
    Analysis& a = *turned_page.analysis;
    a.line = turned.line;
    a.line_fill = turned.line_fill;
    a.sparse = turned.sparse;
    sparse.emplace();
    sparse->step = "sparse";
    run_sparse(turned_page, *chain.env(), *sparse);
    sparse->values.emplace(sparse->values.begin(), "line_fill",
                           std::round(a.line_fill * 100) / 100);
    sparse->ms = ms_since(start);
  }
  hints.layout = turned_page.layout;
  hints.timeout_ms = remaining();
  auto turned = engine.recognize(turned_page.pix.get(), cancel, hints);
  const double needed = upright->confidence + (line ? kLineBetterBy : 0);
  if (turned && turned->confidence > needed) {
    report.applied = true;
    report.values.emplace_back("confidence", turned->confidence);
    page.pix = std::move(turned_page.pix);
    page.to_work = turned_page.to_work;
    page.analysis = turned_page.analysis;
    page.layout = turned_page.layout;
    page.done.rotation = turned_page.done.rotation;
    page.done.skew = turned_page.done.skew;
    page.done.steps.push_back(std::move(report));
    if (deskew) page.done.steps.push_back(std::move(*deskew));
    if (sparse) page.done.steps.push_back(std::move(*sparse));
    record_layout_mode(page.done, page.done.steps, *turned);
    return turned;
  }
  report.notes.emplace_back("result", "kept upright: the turned page read no better");
  page.done.steps.push_back(std::move(report));
  return upright;
}

// Tesseract's layout path: the recogniser reads the whole page with its own layout analysis.
record::Result<engine::Recognition> read_with_its_layout(Page& page, Chain& chain,
                                                         engine::Recognizer& engine,
                                                         const engine::CancelCheck& cancel,
                                                         int timeout_ms) {
  if (page.done.blank) return engine::Recognition{};
  const auto page_start = Clock::now();
  // Later passes share what is left of the page's time limit.
  const int limit_ms = timeout_ms > 0 ? timeout_ms : engine.timeout_ms();
  const Remaining remaining = [&]() -> int {
    if (limit_ms <= 0) return 0;
    const double used =
        std::chrono::duration<double, std::milli>(Clock::now() - page_start).count();
    return std::max(1, static_cast<int>(limit_ms - used));
  };
  auto prepared = read_prepared(page, chain, engine, cancel, remaining);
  if (!prepared || !page.original) {
    if (prepared) boxes_to_source(page, *prepared);
    return prepared;
  }

  // The prepared page must not read clearly worse than the decoded image would. That is
  // checked only where it can be: the chain changed what Tesseract sees, and the prepared
  // reading is doubtful or a flood of fragments. Pages that read well pay nothing.
  const bool changed = page.pix.get() != page.original.get() ||
                       page.layout != engine::Layout::configured || page.dpi != 0;
  const ReadingShape shape = shape_of(prepared->text);
  const bool flood = shape.flood();
  // A reading without a letter or digit is no evidence, whatever confidence it carries.
  const double prepared_confidence = shape.tokens > 0 ? prepared->confidence : 0;
  if (!changed || (prepared_confidence >= kDoubtfulConfidence && !flood)) {
    boxes_to_source(page, *prepared);
    return prepared;
  }
  const auto start = Clock::now();
  record::StepReport report;
  report.step = "fallback";
  report.values.emplace_back("confidence", prepared->confidence);
  report.values.emplace_back("short_words", std::round(shape.short_fraction() * 100) / 100);
  // `scale` may have written its resolution into the shared header; pixSetResolution would
  // not write back a 0.
  pixSetXRes(page.original.get(), page.original_xres);
  pixSetYRes(page.original.get(), page.original_yres);
  auto plain = engine.recognize(page.original.get(), cancel,
                                engine::PageHints{engine::Layout::configured, 0, remaining()});
  if (!plain) {  // a failed second look changes nothing: the prepared reading stands
    report.notes.emplace_back("result", "kept the prepared reading: the plain reading failed");
    report.ms = ms_since(start);
    page.done.steps.push_back(std::move(report));
    boxes_to_source(page, *prepared);
    return prepared;
  }
  const ReadingShape plain_shape = shape_of(plain->text);
  const double plain_confidence = plain_shape.tokens > 0 ? plain->confidence : 0;
  report.values.emplace_back("plain_confidence", plain_confidence);
  report.values.emplace_back("plain_short_words",
                             std::round(plain_shape.short_fraction() * 100) / 100);
  const char* reason = nullptr;
  if (flood && !plain_shape.flood())
    reason = "the prepared page read as a flood of one- and two-character words";
  else if (plain_confidence >= prepared_confidence + kClearlyMoreConfident)
    reason = "the plain reading was clearly more confident";
  else if (plain_shape.tokens == 0 && shape.tokens > 0 && prepared_confidence < kBarelyLegible)
    reason = "the plain reading found no text and the prepared one is barely legible";
  report.ms = ms_since(start);
  if (!reason) {
    report.notes.emplace_back("result", "kept the prepared reading");
    page.done.steps.push_back(std::move(report));
    boxes_to_source(page, *prepared);
    return prepared;
  }
  // The text now comes from the decoded image as it is: the record says so, and its top-level
  // fields describe that image, not the prepared one.
  report.applied = true;
  report.notes.emplace_back("result", std::string("used the plain reading: ") + reason);
  page.done.steps.push_back(std::move(report));
  page.done.rotation = 0;
  page.done.skew.reset();
  page.done.scale.reset();
  page.done.psm = 0;
  return plain;  // boxes are already in source pixels
}

// The detector path reads the decoded image, not the prepared one: the nets learnt from
// photographs and scans as they come, and binarising or rescaling for Tesseract would only
// take information from them. Its boxes are therefore in source pixels already.
record::Result<engine::Recognition> read_detected(Page& page, const Route& route,
                                                  engine::Recognizer& engine,
                                                  const engine::CancelCheck& cancel,
                                                  int timeout_ms) {
  Pix* image = page.original ? page.original.get() : page.pix.get();
  if (page.original) {
    pixSetXRes(page.original.get(), page.original_xres);
    pixSetYRes(page.original.get(), page.original_yres);
  }
  engine::PageHints hints;
  hints.layout = route.whole_line ? engine::Layout::single_line
                 : route.rows     ? engine::Layout::sparse
                                  : engine::Layout::automatic;
  hints.lines =
      route.reader == Reader::tesseract ? engine::LineReader::tesseract : engine::LineReader::own;
  hints.vertical_text = route.vertical_text;
  hints.timeout_ms = timeout_ms;
  auto read = engine.recognize(image, cancel, hints);
  if (read) page.done.rotation = read->rotation;
  return read;
}

}  // namespace

record::Result<engine::Recognition> read_page(Page& page, const Route& route, Chain& chain,
                                              engine::Recognizer& recognizer,
                                              const engine::CancelCheck& cancel, int timeout_ms) {
  switch (route.layout) {
    case LayoutPath::tesseract:
      return read_with_its_layout(page, chain, recognizer, cancel, timeout_ms);
    case LayoutPath::dnn:
      return read_detected(page, route, recognizer, cancel, timeout_ms);
  }
  return record::Error{record::ErrorCode::ocr_failed, "no engine path for this page"};
}

}  // namespace ocrbatch::recognize
