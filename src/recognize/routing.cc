#include "recognize/routing.h"

namespace ocrbatch::recognize {
namespace {

// The names are part of the output contract.
const char* name(LayoutPath layout) {
  switch (layout) {
    case LayoutPath::tesseract:
      return "tesseract";
  }
  return "";
}

const char* name(Reader reader) {
  switch (reader) {
    case Reader::tesseract:
      return "tesseract";
  }
  return "";
}

}  // namespace
Route choose_route(const preprocess::Page& /*page*/) { return Route{}; }

record::EngineUsed engine_used(const Route& route) {
  return record::EngineUsed{name(route.layout), name(route.reader)};
}

}  // namespace ocrbatch::recognize
