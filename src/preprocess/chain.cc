#include "preprocess/chain.h"

#include <chrono>

namespace ocrbatch::preprocess {

image::PixPtr Chain::run(image::PixPtr input, std::vector<StepReport>* reports) {
  for (auto& step : steps_) {
    const auto start = std::chrono::steady_clock::now();
    input = step->apply(std::move(input));
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    if (reports) reports->push_back(StepReport{step->name(), took.count()});
  }
  return input;
}

}  // namespace ocrbatch::preprocess
