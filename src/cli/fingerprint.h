#pragma once

#include <string>

#include "engine/engine.h"
#include "record/record.h"

namespace ocrbatch::cli {

// Whether a canonical --preprocess value checks orientation (auto includes orient), so the
// orientation detector's models count in the fingerprint.
bool checks_orientation(const std::string& preprocess);

// A hash of every setting that changes a page's record: record format, what the engine says
// of itself (version, languages, modes, variables, the model files themselves), detail level
// and preprocessing. Ledger rows made under another fingerprint are not reused. `preprocess`
// is the canonical --preprocess value.
std::string settings_fingerprint(const engine::Fingerprint& engine, record::Detail detail,
                                 const std::string& preprocess);

}  // namespace ocrbatch::cli
