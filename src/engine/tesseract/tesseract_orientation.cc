#include "engine/tesseract/tesseract_orientation.h"

#include <tesseract/baseapi.h>

#include <vector>

#include "engine/tesseract/tessdata.h"

namespace ocrbatch::engine::tesseract {

TesseractOrientation::TesseractOrientation(const std::string& tessdata_dir)
    : api_(std::make_unique<::tesseract::TessBaseAPI>()) {
  const std::string dir = resolve_tessdata(tessdata_dir);
  std::vector<std::string> names{"debug_file"};
  std::vector<std::string> values{"/dev/null"};
  if (api_->Init(dir.empty() ? nullptr : dir.c_str(), "osd", ::tesseract::OEM_TESSERACT_ONLY,
                 nullptr, 0, &names, &values, false) != 0) {
    throw SetupError("orientation detection needs osd.traineddata, not found in " +
                     (dir.empty() ? std::string("Tesseract's built-in tessdata folder") : dir) +
                     " (run scripts/bootstrap, or use --preprocess without orient)");
  }
  api_->SetPageSegMode(::tesseract::PSM_OSD_ONLY);
}

TesseractOrientation::~TesseractOrientation() { api_->End(); }

record::Result<Orientation> TesseractOrientation::detect(Pix* image) {
  api_->SetImage(image);
  int degrees = 0;
  float confidence = 0;
  const char* script = nullptr;
  float script_confidence = 0;
  const bool ok = api_->DetectOrientationScript(&degrees, &confidence, &script, &script_confidence);
  api_->Clear();
  if (!ok)
    return record::Error{record::ErrorCode::ocr_failed,
                         "too little text for orientation detection"};
  // Tesseract reports how far the text is turned counter-clockwise; we return the clockwise
  // turn that undoes it.
  return Orientation{(360 - degrees) % 360, confidence};
}

}  // namespace ocrbatch::engine::tesseract
