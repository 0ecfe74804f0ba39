#pragma once
// Tesseract behind the Recognizer interface: one TessBaseAPI, loaded once and kept warm for
// every page and crop a worker gives it.

#include <memory>
#include <string>

#include "engine/backends.h"
#include "engine/engine.h"

namespace tesseract {
class TessBaseAPI;
}

namespace ocrbatch::engine::tesseract {

class TesseractRecognizer : public Recognizer {
 public:
  // Loads the models once. Throws SetupError with a message naming what is missing.
  explicit TesseractRecognizer(const BackendOptions& options);
  ~TesseractRecognizer() override;

  record::Result<Recognition> recognize(Pix* image, const CancelCheck& cancel,
                                        const PageHints& hints = {}) override;
  const std::string& lang() const override { return lang_; }
  int timeout_ms() const override { return timeout_ms_; }
  // The folder the models were loaded from.
  std::string datapath() const;

  // "tesseract 5.3.0", for --version and the run fingerprint.
  static std::string version();

 private:
  std::unique_ptr<::tesseract::TessBaseAPI> api_;
  int timeout_ms_;
  std::string lang_;
  int psm_;
};

}  // namespace ocrbatch::engine::tesseract
