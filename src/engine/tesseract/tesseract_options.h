#pragma once
// Tesseract's own settings, as the command line gives them.

#include <string>
#include <utility>
#include <vector>

namespace ocrbatch::engine::tesseract {

struct TesseractOptions {
  int psm = 3;               // as the tesseract CLI: fully automatic segmentation
  int oem = -1;              // -1: Tesseract's default
  std::string tessdata_dir;  // empty: TESSDATA_PREFIX or the built-in path
  std::vector<std::pair<std::string, std::string>> variables;  // -c NAME=VALUE
};

}  // namespace ocrbatch::engine::tesseract
