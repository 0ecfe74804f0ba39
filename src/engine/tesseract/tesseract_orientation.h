#pragma once
// Tesseract's orientation and script detection behind the OrientationDetector interface.

#include <memory>
#include <string>

#include "engine/engine.h"

namespace tesseract {
class TessBaseAPI;
}

namespace ocrbatch::engine::tesseract {

// Orientation detection with osd.traineddata (legacy engine, PSM_OSD_ONLY). Loaded once per
// worker; throws SetupError when osd.traineddata is missing.
class TesseractOrientation : public OrientationDetector {
 public:
  explicit TesseractOrientation(const std::string& tessdata_dir);
  ~TesseractOrientation() override;
  record::Result<Orientation> detect(Pix* image) override;

 private:
  std::unique_ptr<::tesseract::TessBaseAPI> api_;
};

}  // namespace ocrbatch::engine::tesseract
