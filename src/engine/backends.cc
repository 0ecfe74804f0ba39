#include "engine/backends.h"

#include "engine/tesseract/tesseract_backend.h"

namespace ocrbatch::engine {

const std::vector<std::pair<std::string, BackendFactory>>& backend_table() {
  static const std::vector<std::pair<std::string, BackendFactory>> table{
      {"tesseract",
       [](const BackendOptions& options) -> std::unique_ptr<Backend> {
         return std::make_unique<tesseract::TesseractBackend>(options);
       }},
  };
  return table;
}

std::unique_ptr<Backend> make_backend(const std::string& name, const BackendOptions& options) {
  for (const auto& [known, factory] : backend_table())
    if (known == name) return factory(options);
  return nullptr;
}

}  // namespace ocrbatch::engine
