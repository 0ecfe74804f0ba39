#pragma once
// The backends a run can use, by name, and the options they are built from.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/tesseract/tesseract_options.h"
#include "record/record.h"

namespace ocrbatch::engine {

struct BackendOptions {
  std::string lang = "eng";  // language spec, e.g. "eng+deu"
  double timeout_s = 0;      // per page; 0: no limit
  tesseract::TesseractOptions tesseract;
};

// Builds a backend; throws SetupError when it cannot be set up (missing language or model).
using BackendFactory = std::function<std::unique_ptr<Backend>(const BackendOptions&)>;

const std::vector<std::pair<std::string, BackendFactory>>& backend_table();

// The backend called `name`, or nullptr if there is none by that name.
std::unique_ptr<Backend> make_backend(const std::string& name, const BackendOptions& options);

}  // namespace ocrbatch::engine
