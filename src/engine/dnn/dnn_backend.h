#pragma once
// The DNN engine as a run's backend: PP-OCR's detector through OpenCV, with lines read by
// PP-OCR's recogniser or by Tesseract (through the run's Tesseract backend). No OpenCV here.

#include <memory>
#include <mutex>
#include <string>

#include "engine/dnn/model_files.h"
#include "engine/engine.h"

namespace ocrbatch::engine::dnn {

class DnnRecognizer;

struct DnnBackendOptions {
  ModelFiles files;  // checked with open_model_files
  std::string lang;  // reported in records
  double timeout_s = 0;
};

class DnnBackend : public Backend {
 public:
  // `tesseract` reads lines when a page asks for it and detects orientation for the chain; it
  // must outlive this backend. Loads one recogniser's nets, which the first make_recognizer()
  // hands over, so damaged model files fail here, before any output exists: SetupError.
  DnnBackend(DnnBackendOptions options, Backend& tesseract);
  ~DnnBackend() override;

  std::string name() const override { return "dnn"; }
  std::string version() const override;
  // Tesseract's fingerprint (it may read the lines), the models' manifest and this version.
  Fingerprint fingerprint(bool orientation) const override;
  Limits limits() const override;
  std::unique_ptr<Recognizer> make_recognizer() override;
  std::unique_ptr<OrientationDetector> make_orientation_detector() override;

 private:
  std::unique_ptr<DnnRecognizer> build();

  DnnBackendOptions options_;
  Backend& tesseract_;
  std::mutex mutex_;
  std::unique_ptr<DnnRecognizer> first_;
};

}  // namespace ocrbatch::engine::dnn
