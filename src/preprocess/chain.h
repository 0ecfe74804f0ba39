#pragma once
// The preprocessing seam: an ordered chain of image -> image steps run between decode and
// recognition. Steps report what they did so page records can say why a page came out
// as it did.

#include <memory>
#include <string>
#include <vector>

#include "image/image.h"

namespace ocrbatch::preprocess {

struct StepReport {
  std::string step;
  double ms = 0;
};

class Step {
 public:
  virtual ~Step() = default;
  virtual std::string name() const = 0;
  // Returns the transformed image, or the input unchanged when the step does not apply.
  virtual image::PixPtr apply(image::PixPtr input) = 0;
};

class Chain {
 public:
  void add(std::unique_ptr<Step> step) { steps_.push_back(std::move(step)); }
  bool empty() const { return steps_.empty(); }
  image::PixPtr run(image::PixPtr input, std::vector<StepReport>* reports);

 private:
  std::vector<std::unique_ptr<Step>> steps_;
};

}  // namespace ocrbatch::preprocess
