#pragma once
// The recognition engine interface. Workers own one engine each and never share it.

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "record/record.h"

struct Pix;

namespace ocrbatch::engine {

struct EngineOptions {
  std::string lang = "eng";          // Tesseract language spec, e.g. "eng+deu"
  int psm = 3;                       // as the tesseract CLI: fully automatic segmentation
  int oem = -1;                      // -1: Tesseract's default
  std::string tessdata_dir;          // empty: TESSDATA_PREFIX or the built-in path
  std::vector<std::pair<std::string, std::string>> variables;  // -c NAME=VALUE
  record::Detail detail = record::Detail::none;
  double timeout_s = 0;              // per page; 0: no limit
};

struct Recognition {
  std::string text;
  double confidence = 0;
  int words = 0;
  std::vector<record::TextItem> items;
};

// Polled by the engine while it works; true asks it to give up on the current page.
using CancelCheck = std::function<bool()>;

class Engine {
 public:
  virtual ~Engine() = default;
  virtual record::Result<Recognition> recognize(Pix* image, const CancelCheck& cancel) = 0;
  // The language spec actually loaded, reported in every page record.
  virtual const std::string& lang() const = 0;
};

// Thrown when an engine cannot be set up at all (missing language, bad tessdata folder,
// bad variable): a fatal configuration error, not a per-file one.
class SetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using EngineFactory = std::function<std::unique_ptr<Engine>()>;

}  // namespace ocrbatch::engine
