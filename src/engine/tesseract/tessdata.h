#pragma once
// Where Tesseract's models are and whether the requested ones are there.

#include <string>
#include <vector>

#include "engine/backends.h"

namespace ocrbatch::engine::tesseract {

// The languages of a spec such as "eng+deu", in order.
std::vector<std::string> split_langs(const std::string& spec);

// Where Tesseract will look for models: --tessdata-dir, else TESSDATA_PREFIX, else empty
// (the path compiled into libtesseract, which Tesseract resolves itself).
std::string resolve_tessdata(const std::string& tessdata_dir);

// Checks the tessdata folder and every requested language before any engine starts, so a
// typo fails fast with a clear message. Throws SetupError.
void check_languages(const BackendOptions& options);

}  // namespace ocrbatch::engine::tesseract
