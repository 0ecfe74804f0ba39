#include "preprocess/chain.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "preprocess/analysis.h"

namespace ocrbatch::preprocess {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::round(std::chrono::duration<double, std::milli>(Clock::now() - start).count() * 10) /
         10;
}

const StepInfo* find_step(const std::string& name) {
  for (const auto& step : steps())
    if (name == step.name) return &step;
  return nullptr;
}

// Below this mean word confidence the upright reading is doubtful enough to try the
// candidate rotations; a candidate must then read this much better on the same strip.
constexpr double kDoubtfulConfidence = 60;
constexpr double kBetterBy = 15;
constexpr double kMinCandidateConfidence = 55;
constexpr int kProbeBandLines = 8;  // text heights in the strip recognised per candidate

void boxes_to_source(const Page& page, engine::Recognition& rec) {
  for (auto& item : rec.items) item.bbox = to_source(page, item.bbox);
}

}  // namespace

engine::OrientationDetector* StepEnv::orientation() {
  if (detector_ || detector_failed_ || !make_detector_) return detector_.get();
  try {
    detector_ = make_detector_();
  } catch (const engine::SetupError&) {
    detector_failed_ = true;  // reported per page as "no osd.traineddata"
  }
  return detector_.get();
}

record::Result<std::string> parse_spec(const std::string& spec) {
  if (spec == "auto" || spec == "none") return spec;
  std::vector<std::string> names;
  std::stringstream in(spec);
  std::string name;
  while (std::getline(in, name, ',')) {
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name.empty()) continue;
    if (!find_step(name)) {
      std::string known;
      for (const auto& step : steps()) known += std::string(known.empty() ? "" : ", ") + step.name;
      return record::Error{record::ErrorCode::unsupported_format,
                           "unknown preprocessing step '" + name + "' (steps: " + known +
                               "; or auto, none; see --list-steps)"};
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (names.empty())
    return record::Error{record::ErrorCode::unsupported_format, "no preprocessing step named"};
  std::string canonical;
  for (const auto& n : names) canonical += (canonical.empty() ? "" : ",") + n;
  return canonical;
}

Chain::Chain(const std::string& spec, engine::OrientationDetectorFactory make_detector) {
  if (spec == "none") return;
  const bool forced = spec != "auto";
  if (!forced) {
    for (const auto& step : steps()) steps_.push_back(&step);
  } else {
    std::stringstream in(spec);
    std::string name;
    while (std::getline(in, name, ','))
      if (const auto* step = find_step(name)) steps_.push_back(step);
  }
  env_ = std::make_unique<StepEnv>(forced, std::move(make_detector));
}

void Chain::run(Page& page) {
  if (steps_.empty()) return;
  page.done.ran = true;
  auto start = Clock::now();
  if (!page.analysis) page.analysis = analyse(page.pix.get());
  const Analysis& a = *page.analysis;
  page.done.kind = kind_name(a.kind);
  record::StepReport classify;
  classify.step = "classify";
  classify.notes.emplace_back("kind", page.done.kind);
  classify.values.emplace_back("text_height", std::round(a.text_height * 100) / 100);
  classify.values.emplace_back("line_fill", std::round(a.line_fill * 100) / 100);
  classify.ms = ms_since(start);
  page.done.steps.push_back(std::move(classify));
  for (const auto* step : steps_) {
    start = Clock::now();
    record::StepReport report;
    report.step = step->name;
    step->run(page, *env_, report);
    report.ms = ms_since(start);
    page.done.steps.push_back(std::move(report));
    if (page.done.blank) break;
  }
}

record::Result<engine::Recognition> Chain::recognize(Page& page, engine::Engine& engine,
                                                     const engine::CancelCheck& cancel) {
  if (page.done.blank) return engine::Recognition{};
  const auto page_start = Clock::now();
  engine::PageHints hints{page.psm, page.dpi, 0};
  auto upright = engine.recognize(page.pix.get(), cancel, hints);
  if (!upright || !page.orientation_pending || upright->confidence >= kDoubtfulConfidence) {
    if (upright) boxes_to_source(page, *upright);
    return upright;
  }

  // Later passes share what is left of the page's time limit.
  const int limit_ms = engine.timeout_ms();
  const auto remaining = [&]() -> int {
    if (limit_ms <= 0) return 0;
    const double used =
        std::chrono::duration<double, std::milli>(Clock::now() - page_start).count();
    return std::max(1, static_cast<int>(limit_ms - used));
  };
  auto start = Clock::now();
  record::StepReport report;
  report.step = "orient";
  report.values.emplace_back("upright_confidence", upright->confidence);
  bool trusted = false;
  const auto candidates = orientation_candidates(page, *env_, report, &trusted);
  int best = trusted && !candidates.empty() ? candidates.front() : 0;
  image::PixPtr best_turned;  // the page turned by `best`, once a strip has chosen it
  if (!trusted && !candidates.empty()) {
    // Unsure: recognise the same strip at each rotation and take one that reads clearly
    // better than upright. A strip is one block of text: page segmentation mode 6.
    const double text_height = page.analysis ? page.analysis->text_height : 0;
    const auto strip_confidence = [&](Pix* pix) -> std::optional<engine::Recognition> {
      auto band = pix ? densest_band(pix, text_height, kProbeBandLines) : nullptr;
      if (!band) return std::nullopt;
      auto read = engine.recognize(band.get(), cancel, engine::PageHints{6, page.dpi, remaining()});
      return read ? std::optional<engine::Recognition>(std::move(*read)) : std::nullopt;
    };
    const auto base = strip_confidence(page.pix.get());
    double best_confidence = (base ? base->confidence : 0) + kBetterBy;
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
    boxes_to_source(page, *upright);
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
  rotate_orth(turned_page, best, std::move(best_turned));
  report.values.emplace_back("rotation", best);
  report.ms = ms_since(start);
  std::optional<record::StepReport> deskew;
  if (!turned_page.done.skew) {
    start = Clock::now();
    deskew.emplace();
    deskew->step = "deskew";
    run_deskew(turned_page, *env_, *deskew);
    deskew->ms = ms_since(start);
  }
  hints.timeout_ms = remaining();
  auto turned = engine.recognize(turned_page.pix.get(), cancel, hints);
  if (turned && turned->confidence > upright->confidence) {
    report.applied = true;
    report.values.emplace_back("confidence", turned->confidence);
    page.pix = std::move(turned_page.pix);
    page.to_work = turned_page.to_work;
    page.done.rotation = turned_page.done.rotation;
    page.done.skew = turned_page.done.skew;
    page.done.steps.push_back(std::move(report));
    if (deskew) page.done.steps.push_back(std::move(*deskew));
    boxes_to_source(page, *turned);
    return turned;
  }
  report.notes.emplace_back("result", "kept upright: the turned page read no better");
  page.done.steps.push_back(std::move(report));
  boxes_to_source(page, *upright);
  return upright;
}

}  // namespace ocrbatch::preprocess
