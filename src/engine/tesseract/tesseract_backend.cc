#include "engine/tesseract/tesseract_backend.h"

#include <algorithm>
#include <utility>

#include "engine/tesseract/tessdata.h"
#include "engine/tesseract/tesseract_orientation.h"
#include "engine/tesseract/tesseract_recognizer.h"
#include "util/hash.h"

namespace ocrbatch::engine::tesseract {

Limits tesseract_limits() {
  Limits limits;
  limits.engine = "Tesseract";
  limits.max_side = 32767;
  // The median height of character components (about the x-height plus a little) at which
  // Tesseract reads best: 300-dpi 10-point text. It reads well from roughly 12 to 60 and loses
  // text quickly below 10; above 40 the extra pixels only cost time.
  limits.text_height = 24;
  return limits;
}

Fingerprint tesseract_fingerprint(const BackendOptions& options, const std::string& datapath,
                                  bool orientation) {
  Fingerprint out;
  const int oem = options.tesseract.oem < 0 ? 3 : options.tesseract.oem;  // unset means 3
  out.settings = {TesseractRecognizer::version(), "lang=" + options.lang,
                  "psm=" + std::to_string(options.tesseract.psm), "oem=" + std::to_string(oem)};
  auto variables = options.tesseract.variables;
  std::sort(variables.begin(), variables.end());
  for (const auto& [name, value] : variables) out.variables.push_back(name + "=" + value);
  // The models by content, so an updated traineddata package invalidates old results.
  std::string dir = datapath;
  if (!dir.empty() && dir.back() != '/') dir += '/';
  if (orientation) out.models.emplace_back("osd", util::file_hash(dir + "osd.traineddata"));
  for (const auto& lang : split_langs(options.lang))
    out.models.emplace_back(lang, util::file_hash(dir + lang + ".traineddata"));
  return out;
}

TesseractBackend::TesseractBackend(BackendOptions options) : options_(std::move(options)) {
  check_languages(options_);
  first_ = std::make_unique<TesseractRecognizer>(options_);
  datapath_ = first_->datapath();
}

TesseractBackend::~TesseractBackend() = default;

std::string TesseractBackend::version() const { return TesseractRecognizer::version(); }

Fingerprint TesseractBackend::fingerprint(bool orientation) const {
  return tesseract_fingerprint(options_, datapath_, orientation);
}

Limits TesseractBackend::limits() const { return tesseract_limits(); }

std::unique_ptr<Recognizer> TesseractBackend::make_recognizer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (first_) return std::move(first_);
  }
  return std::make_unique<TesseractRecognizer>(options_);
}

std::unique_ptr<OrientationDetector> TesseractBackend::make_orientation_detector() {
  return std::make_unique<TesseractOrientation>(datapath_);
}

}  // namespace ocrbatch::engine::tesseract
