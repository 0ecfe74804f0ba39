#pragma once

#include <string>

#include "engine/engine.h"
#include "recognize/routing.h"
#include "record/record.h"

namespace ocrbatch::cli {

// Whether a canonical --preprocess value checks orientation (auto includes orient), so the
// orientation detector's models count in the fingerprint.
bool checks_orientation(const std::string& preprocess);

// What the engine side contributes: the backend that reads pages, and, when a detector path
// exists, the routing between paths. Without one (--engine tesseract, or no models) it is the
// Tesseract backend's fingerprint alone, so such results match older ledgers' rows.
engine::Fingerprint routing_fingerprint(const engine::Backend& backend,
                                        const recognize::RoutingRules& rules, bool orientation);

// A hash of every setting that changes a page's record: record format, what the engine says
// of itself (version, languages, modes, variables, the model files themselves), detail level
// and preprocessing. Ledger rows made under another fingerprint are not reused. `preprocess`
// is the canonical --preprocess value.
std::string settings_fingerprint(const engine::Fingerprint& engine, record::Detail detail,
                                 const std::string& preprocess);

}  // namespace ocrbatch::cli
