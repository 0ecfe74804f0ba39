#include "output/json_record.h"

#include <cmath>

namespace ocrbatch::output {
namespace {

using nlohmann::ordered_json;

// Divides by a power of ten so the printed value is short ("341.7", not "341.70000000000005").
double round_to(double value, double scale) { return std::round(value * scale) / scale; }

ordered_json items_json(const std::vector<record::TextItem>& items) {
  ordered_json array = ordered_json::array();
  for (const auto& item : items) {
    array.push_back(ordered_json{{"text", item.text},
                                 {"confidence", item.confidence},
                                 {"bbox", {item.bbox.x, item.bbox.y, item.bbox.w, item.bbox.h}}});
  }
  return array;
}

}  // namespace

ordered_json to_json(const record::Record& rec, record::Detail detail) {
  if (const auto* error = std::get_if<record::ErrorResult>(&rec)) {
    ordered_json j{{"type", "error"}, {"source", error->source}};
    if (error->page > 0) j["page"] = error->page;
    j["error"] = ordered_json{{"code", record::to_string(error->error.code)},
                              {"message", error->error.message}};
    return j;
  }
  const auto& page = std::get<record::PageResult>(rec);
  ordered_json j{{"type", "page"},
                 {"source", page.source},
                 {"page", page.page},
                 {"pages", page.pages},
                 {"width", page.width},
                 {"height", page.height},
                 {"dpi", page.dpi},
                 {"lang", page.lang},
                 {"confidence", page.confidence},
                 {"word_count", page.words},
                 {"duration_ms", round_to(page.duration_ms, 10)},
                 {"text", page.text}};
  if (detail == record::Detail::line) j["lines"] = items_json(page.items);
  if (detail == record::Detail::word) j["words"] = items_json(page.items);
  return j;
}

ordered_json to_json(const record::RunStats& stats) {
  ordered_json by_code = ordered_json::object();
  for (const auto& [code, n] : stats.errors_by_code) by_code[code] = n;
  return ordered_json{{"type", "summary"},
                      {"pages", stats.pages},
                      {"errors", stats.errors},
                      {"errors_by_code", by_code},
                      {"skipped", stats.skipped},
                      {"cached", stats.cached},
                      {"interrupted", stats.interrupted},
                      {"elapsed_s", round_to(stats.elapsed_s, 1000)},
                      {"pages_per_second", round_to(stats.pages_per_second(), 100)}};
}

std::string dump(const ordered_json& value) {
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace ocrbatch::output
