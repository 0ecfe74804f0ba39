#include "cli/fingerprint.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "preprocess/chain.h"
#include "util/hash.h"

namespace ocrbatch::cli {

std::string settings_fingerprint(const engine::EngineOptions& options, const std::string& datapath,
                                 const std::string& engine_version, const std::string& preprocess) {
  std::ostringstream parts;
  const int oem = options.oem < 0 ? 3 : options.oem;  // unset means 3, Tesseract's default
  parts << "record=2\n"
        << engine_version << "\nlang=" << options.lang << "\npsm=" << options.psm << "\noem=" << oem
        << "\ndetail=" << static_cast<int>(options.detail) << "\npreprocess=" << preprocess;
  if (preprocess != "none") parts << " v" << preprocess::kAlgorithmVersion;
  parts << "\n";
  auto variables = options.variables;
  std::sort(variables.begin(), variables.end());
  for (const auto& [name, value] : variables) parts << "var " << name << "=" << value << "\n";
  // The models by content, so an updated traineddata package invalidates old results.
  std::stringstream langs(options.lang);
  std::string lang;
  std::string dir = datapath;
  if (!dir.empty() && dir.back() != '/') dir += '/';
  // orient uses the OSD model; auto includes orient.
  const bool orients =
      preprocess == "auto" || ("," + preprocess + ",").find(",orient,") != std::string::npos;
  if (orients) parts << "model osd=" << util::file_hash(dir + "osd.traineddata") << "\n";
  while (std::getline(langs, lang, '+'))
    if (!lang.empty())
      parts << "model " << lang << "=" << util::file_hash(dir + lang + ".traineddata") << "\n";
  return util::content_hash(parts.str());
}

}  // namespace ocrbatch::cli
