#pragma once
// Tesseract as a run's backend: its version, settings and model files for the ledger's
// fingerprint, its limits, and each worker's recogniser and orientation detector.

#include <memory>
#include <mutex>
#include <string>

#include "engine/backends.h"
#include "engine/engine.h"

namespace ocrbatch::engine::tesseract {

class TesseractRecognizer;

class TesseractBackend : public Backend {
 public:
  // Checks the tessdata folder and the languages, then loads one recogniser, which the first
  // make_recognizer() hands over: a bad setup fails here, before any output exists. Throws
  // SetupError.
  explicit TesseractBackend(BackendOptions options);
  ~TesseractBackend() override;

  std::string name() const override { return "tesseract"; }
  std::string version() const override;
  Fingerprint fingerprint(bool orientation) const override;
  Limits limits() const override;
  std::unique_ptr<Recognizer> make_recognizer() override;
  // Loads osd.traineddata from the folder the languages came from.
  std::unique_ptr<OrientationDetector> make_orientation_detector() override;

  // The folder the models were loaded from.
  const std::string& datapath() const { return datapath_; }

 private:
  BackendOptions options_;
  std::string datapath_;
  std::mutex mutex_;
  std::unique_ptr<TesseractRecognizer> first_;  // loaded to check the setup; handed to a worker
};

// What Tesseract reads best and what it takes at most.
Limits tesseract_limits();

// The fingerprint of `options` with the models in `datapath`: the library version, languages,
// modes and variables, and the content of each language's .traineddata (and of
// osd.traineddata, with `orientation`).
Fingerprint tesseract_fingerprint(const BackendOptions& options, const std::string& datapath,
                                  bool orientation);

}  // namespace ocrbatch::engine::tesseract
