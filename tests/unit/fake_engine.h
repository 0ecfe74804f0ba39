#pragma once
// A Recognizer that needs no models: it "recognises" an image as its size, optionally after a
// delay, and fails on request. Lets pipeline tests run fast and deterministically.

#include <leptonica/allheaders.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "engine/engine.h"

namespace ocrbatch::test {

class FakeEngine : public engine::Recognizer {
 public:
  // Delay per page, chosen from the image width so tests can make some pages slow.
  using DelayFn = std::function<std::chrono::milliseconds(int width)>;

  explicit FakeEngine(DelayFn delay = nullptr, std::atomic<int>* live = nullptr)
      : delay_(std::move(delay)), live_(live) {
    if (live_) ++*live_;
  }
  ~FakeEngine() override {
    if (live_) --*live_;
  }

  record::Result<engine::Recognition> recognize(Pix* image, const engine::CancelCheck& cancel,
                                                const engine::PageHints& = {}) override {
    const int width = pixGetWidth(image);
    if (delay_) {
      const auto until = std::chrono::steady_clock::now() + delay_(width);
      while (std::chrono::steady_clock::now() < until) {
        if (cancel && cancel()) return record::Error{record::ErrorCode::ocr_failed, "cancelled"};
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    if (width == kFailWidth) return record::Error{record::ErrorCode::ocr_failed, "fake failure"};
    engine::Recognition out;
    out.text = std::to_string(width) + "x" + std::to_string(pixGetHeight(image));
    out.confidence = 90;
    out.words = 1;
    return out;
  }
  const std::string& lang() const override { return lang_; }

  static constexpr int kFailWidth = 13;

 private:
  DelayFn delay_;
  std::atomic<int>* live_;
  std::string lang_ = "fake";
};

}  // namespace ocrbatch::test
