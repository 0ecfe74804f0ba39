#include "engine/tesseract/tessdata.h"

#include <cstdlib>
#include <sstream>

#include "util/file_kind.h"

namespace ocrbatch::engine::tesseract {
namespace {

using util::is_directory;
using util::is_regular_file;

}  // namespace

std::vector<std::string> split_langs(const std::string& spec) {
  std::vector<std::string> langs;
  std::stringstream in(spec);
  std::string lang;
  while (std::getline(in, lang, '+'))
    if (!lang.empty()) langs.push_back(lang);
  return langs;
}

std::string resolve_tessdata(const std::string& tessdata_dir) {
  if (!tessdata_dir.empty()) return tessdata_dir;
  if (const char* env = std::getenv("TESSDATA_PREFIX"); env != nullptr && *env != '\0') return env;
  return {};
}

void check_languages(const BackendOptions& options) {
  const std::string dir = resolve_tessdata(options.tesseract.tessdata_dir);
  if (!options.tesseract.tessdata_dir.empty() && !is_directory(dir))
    throw SetupError("tessdata folder '" + dir + "' does not exist (from --tessdata-dir)");
  if (options.tesseract.tessdata_dir.empty() && !dir.empty() && !is_directory(dir))
    throw SetupError("tessdata folder '" + dir + "' does not exist (from TESSDATA_PREFIX)");
  const auto langs = split_langs(options.lang);
  if (langs.empty()) throw SetupError("no language given (-l)");
  if (dir.empty()) return;  // Tesseract's built-in path: the engine's Init reports problems
  for (const auto& lang : langs) {
    if (!is_regular_file(dir + "/" + lang + ".traineddata"))
      throw SetupError("language '" + lang + "' not found: no " + dir + "/" + lang +
                       ".traineddata (install tesseract-ocr-" + lang +
                       " or point --tessdata-dir at a folder that has it)");
  }
}

}  // namespace ocrbatch::engine::tesseract
