#pragma once
// Preprocessing: an ordered chain of steps run on each page between decoding and
// recognition. Every chain starts by classifying the page (analysis.h); each step then
// decides from that what, if anything, to do, and reports it in the page record.
//
//   auto     every step, in the order of steps(), each acting only where the page needs it
//   none     nothing at all: the image goes to the engine as decoded (the plain baseline)
//   a,b,...  the named steps in the given order, each acting unconditionally where that
//            makes sense (see StepInfo::forced)

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "preprocess/page.h"
#include "record/record.h"

namespace ocrbatch::preprocess {

// Part of the ledger's settings fingerprint: raise it whenever a step's decisions or
// pixels change, so remembered results made by the old steps are recognised again.
constexpr int kAlgorithmVersion = 3;

// Per-worker services the steps may use: the engine's limits (the text height it reads best,
// the longest side it takes) and its orientation detector. The detector is built on first
// use, so chains without `orient`, and pages that never reach it, load nothing.
class StepEnv {
 public:
  StepEnv(bool forced, engine::OrientationDetectorFactory make_detector, engine::Limits limits)
      : forced_(forced), make_detector_(std::move(make_detector)), limits_(std::move(limits)) {}
  bool forced() const { return forced_; }
  const engine::Limits& limits() const { return limits_; }
  // Null when there is no factory or the detector's model could not be loaded.
  engine::OrientationDetector* orientation();

 private:
  bool forced_;
  engine::OrientationDetectorFactory make_detector_;
  engine::Limits limits_;
  std::unique_ptr<engine::OrientationDetector> detector_;
  bool detector_failed_ = false;
};

struct StepInfo {
  const char* name;
  const char* summary;  // what it does and when auto uses it, for --list-steps and docs
  const char* forced;   // what naming it in --preprocess changes
  void (*run)(Page& page, StepEnv& env, record::StepReport& report);
};

// Every step, in the order auto runs them.
const std::vector<StepInfo>& steps();

// Checks a --preprocess value and returns it in canonical form ("auto", "none" or the step
// names joined by commas), or an error naming the unknown step.
record::Result<std::string> parse_spec(const std::string& spec);

class Chain {
 public:
  Chain() = default;  // empty: --preprocess none
  // `spec` must have passed parse_spec; `limits` are those of the engine that reads the pages.
  Chain(const std::string& spec, engine::OrientationDetectorFactory make_detector,
        engine::Limits limits);
  bool empty() const { return steps_.empty(); }
  // Classifies the page and runs the steps; stops early at a blank page.
  void run(Page& page) {
    classify(page);
    prepare(page);
  }
  // The first half: the classification, reported as the "classify" step. Keeps the decoded
  // image as page.original. Nothing for an empty chain.
  void classify(Page& page);
  // The second half: the steps, on a classified page.
  void prepare(Page& page);

  // Whether the chain runs the step called `name`.
  bool has_step(const char* name) const;
  // The services the steps use, for the recognize stage's orientation retry; null for an
  // empty chain.
  StepEnv* env() { return env_.get(); }

 private:
  std::vector<const StepInfo*> steps_;
  std::unique_ptr<StepEnv> env_;
};

// Shared by the orient step and the orientation retry after recognition (recognize/).
// Rotations worth trying, from OSD; `trusted` when OSD was confident.
std::vector<int> orientation_candidates(Page& page, StepEnv& env, record::StepReport& report,
                                        bool* trusted);
// Turns the page `degrees` clockwise; `turned` is the turned image when the caller has it.
void rotate_orth(Page& page, int degrees, image::PixPtr turned = nullptr);
void run_deskew(Page& page, StepEnv& env, record::StepReport& report);
// Chooses the layout hint from the page's text fill (sparse for scattered text).
void run_sparse(Page& page, StepEnv& env, record::StepReport& report);

}  // namespace ocrbatch::preprocess
