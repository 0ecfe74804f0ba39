#pragma once
// Tesseract behind the Engine interface. The only place that includes Tesseract.

#include <memory>
#include <string>

#include "engine/engine.h"

namespace tesseract {
class TessBaseAPI;
}

namespace ocrbatch::engine {

class TesseractEngine : public Engine {
 public:
  // Loads the models once. Throws SetupError with a message naming what is missing.
  explicit TesseractEngine(const EngineOptions& options);
  ~TesseractEngine() override;

  record::Result<Recognition> recognize(Pix* image, const CancelCheck& cancel,
                                        const PageHints& hints = {}) override;
  const std::string& lang() const override { return lang_; }
  int timeout_ms() const override { return timeout_ms_; }
  // The folder the models were loaded from.
  std::string datapath() const;

  // "tesseract 5.3.0", for --version and the run fingerprint.
  static std::string version();

 private:
  std::unique_ptr<tesseract::TessBaseAPI> api_;
  record::Detail detail_;
  int timeout_ms_;
  std::string lang_;
  int psm_;
};

// Orientation detection with osd.traineddata (legacy engine, PSM_OSD_ONLY). Loaded once per
// worker; throws SetupError when osd.traineddata is missing.
class TesseractOrientation : public OrientationDetector {
 public:
  explicit TesseractOrientation(const std::string& tessdata_dir);
  ~TesseractOrientation() override;
  record::Result<Orientation> detect(Pix* image) override;

 private:
  std::unique_ptr<tesseract::TessBaseAPI> api_;
};

// Checks the tessdata folder and every requested language before any engine starts, so a
// typo fails fast with a clear message. Throws SetupError.
void check_languages(const EngineOptions& options);

}  // namespace ocrbatch::engine
