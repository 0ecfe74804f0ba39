#include "engine/dnn/dnn_backend.h"

#include <opencv2/core/version.hpp>
#include <utility>

#include "engine/dnn/dnn_recognizer.h"

namespace ocrbatch::engine::dnn {

DnnBackend::DnnBackend(DnnBackendOptions options, Backend& tesseract)
    : options_(std::move(options)), tesseract_(tesseract), first_(build()) {}

DnnBackend::~DnnBackend() = default;

std::string DnnBackend::version() const {
  return std::string("PP-OCRv4 (") + kModelPackage + ") on OpenCV " CV_VERSION;
}

Fingerprint DnnBackend::fingerprint(bool orientation) const {
  Fingerprint out = tesseract_.fingerprint(orientation);
  out.settings.insert(out.settings.begin(), version());
  out.models.emplace_back("ppocr-models", options_.files.manifest_hash);
  return out;
}

Limits DnnBackend::limits() const { return tesseract_.limits(); }

std::unique_ptr<DnnRecognizer> DnnBackend::build() {
  DnnSettings settings;
  settings.files = options_.files;
  settings.lang = options_.lang;
  settings.timeout_ms = timeout_ms_for(options_.timeout_s);
  Backend* tesseract = &tesseract_;
  return std::make_unique<DnnRecognizer>(std::move(settings),
                                         [tesseract] { return tesseract->make_recognizer(); });
}

std::unique_ptr<Recognizer> DnnBackend::make_recognizer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (first_) return std::move(first_);
  }
  return build();
}

std::unique_ptr<OrientationDetector> DnnBackend::make_orientation_detector() {
  return tesseract_.make_orientation_detector();
}

}  // namespace ocrbatch::engine::dnn
