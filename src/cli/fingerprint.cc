#include "cli/fingerprint.h"

#include <sstream>

#include "preprocess/chain.h"
#include "util/hash.h"

namespace ocrbatch::cli {

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
