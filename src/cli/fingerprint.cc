#include "cli/fingerprint.h"

#include <sstream>

#include "preprocess/chain.h"
#include "util/hash.h"

namespace ocrbatch::cli {

engine::Fingerprint routing_fingerprint(const engine::Backend& backend,
                                        const recognize::RoutingRules& rules, bool orientation) {
  engine::Fingerprint out = backend.fingerprint(orientation);
  if (!rules.detector_ready) return out;
  const auto mode = rules.mode == recognize::EngineMode::dnn ? "dnn" : "auto";
  const auto reader = rules.reader == recognize::ReaderChoice::tesseract ? "tesseract"
                      : rules.reader == recognize::ReaderChoice::ppocr   ? "ppocr"
                                                                         : "auto";
  // Raise the routing version whenever the rules in recognize/routing.cc change.
  out.settings.push_back(std::string("engine=") + mode);
  out.settings.push_back(std::string("recognizer=") + reader);
  out.settings.push_back("routing=" + std::to_string(recognize::kRoutingVersion));
  return out;
}

bool checks_orientation(const std::string& preprocess) {
  return preprocess == "auto" || ("," + preprocess + ",").find(",orient,") != std::string::npos;
}

std::string settings_fingerprint(const engine::Fingerprint& engine, record::Detail detail,
                                 const std::string& preprocess) {
  // The layout of this text is what older ledgers were keyed by: changing it, even its order,
  // makes every remembered page be recognised again.
  std::ostringstream parts;
  parts << "record=2\n";
  for (const auto& setting : engine.settings) parts << setting << "\n";
  parts << "detail=" << static_cast<int>(detail) << "\npreprocess=" << preprocess;
  if (preprocess != "none") parts << " v" << preprocess::kAlgorithmVersion;
  parts << "\n";
  for (const auto& variable : engine.variables) parts << "var " << variable << "\n";
  for (const auto& [name, hash] : engine.models) parts << "model " << name << "=" << hash << "\n";
  return util::content_hash(parts.str());
}

}  // namespace ocrbatch::cli
