#pragma once

#include <string>

#include "engine/engine.h"

namespace ocrbatch::cli {

// A hash of every setting that changes a page's record: record format, engine version,
// languages and the model files themselves, segmentation and engine modes, Tesseract
// variables, detail level and preprocessing. Ledger rows made under another fingerprint
// are not reused. `datapath` is the folder the models were loaded from; `preprocess` is the
// canonical --preprocess value.
std::string settings_fingerprint(const engine::EngineOptions& options, const std::string& datapath,
                                 const std::string& engine_version, const std::string& preprocess);

}  // namespace ocrbatch::cli
