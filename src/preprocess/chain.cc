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

Chain::Chain(const std::string& spec, engine::OrientationDetectorFactory make_detector,
             engine::Limits limits) {
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
  env_ = std::make_unique<StepEnv>(forced, std::move(make_detector), std::move(limits));
}

void Chain::classify(Page& page) {
  if (steps_.empty() || page.done.ran) return;
  page.done.ran = true;
  auto start = Clock::now();
  if (!page.original) {
    page.original = own(pixClone(page.pix.get()));
    page.original_xres = pixGetXRes(page.pix.get());
    page.original_yres = pixGetYRes(page.pix.get());
  }
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
}

void Chain::prepare(Page& page) {
  if (steps_.empty()) return;
  classify(page);
  for (const auto* step : steps_) {
    const auto start = Clock::now();
    record::StepReport report;
    report.step = step->name;
    step->run(page, *env_, report);
    report.ms = ms_since(start);
    page.done.steps.push_back(std::move(report));
    if (page.done.blank) break;
  }
}

bool Chain::has_step(const char* name) const {
  return std::any_of(steps_.begin(), steps_.end(),
                     [&](const StepInfo* step) { return std::string(step->name) == name; });
}

}  // namespace ocrbatch::preprocess
