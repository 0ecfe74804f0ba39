#include "output/json_record.h"

#include <cmath>
#include <stdexcept>

#include "util/base64.h"
#include "util/utf8.h"

namespace ocrbatch::output {
namespace {

using nlohmann::ordered_json;

// Divides by a power of ten so the printed value is short ("341.7", not "341.70000000000005").
double round_to(double value, double scale) { return std::round(value * scale) / scale; }

ordered_json box_json(const record::Box& b) { return {b.x, b.y, b.w, b.h}; }
ordered_json baseline_json(const record::Baseline& b) { return {b.x1, b.y1, b.x2, b.y2}; }

ordered_json items_json(const std::vector<record::TextItem>& items) {
  ordered_json array = ordered_json::array();
  for (const auto& item : items) {
    array.push_back(ordered_json{
        {"text", item.text}, {"confidence", item.confidence}, {"bbox", box_json(item.bbox)}});
  }
  return array;
}

ordered_json blocks_json(const std::vector<record::Block>& blocks) {
  ordered_json out = ordered_json::array();
  for (const auto& block : blocks) {
    ordered_json paragraphs = ordered_json::array();
    for (const auto& paragraph : block.paragraphs) {
      ordered_json lines = ordered_json::array();
      for (const auto& line : paragraph.lines) {
        ordered_json words = ordered_json::array();
        for (const auto& word : line.words)
          words.push_back(ordered_json{{"text", word.text},
                                       {"confidence", word.confidence},
                                       {"bbox", box_json(word.bbox)},
                                       {"baseline", baseline_json(word.baseline)}});
        lines.push_back(ordered_json{{"bbox", box_json(line.bbox)},
                                     {"confidence", line.confidence},
                                     {"baseline", baseline_json(line.baseline)},
                                     {"words", std::move(words)}});
      }
      paragraphs.push_back(ordered_json{{"bbox", box_json(paragraph.bbox)},
                                        {"confidence", paragraph.confidence},
                                        {"lines", std::move(lines)}});
    }
    out.push_back(ordered_json{{"bbox", box_json(block.bbox)},
                               {"confidence", block.confidence},
                               {"paragraphs", std::move(paragraphs)}});
  }
  return out;
}

ordered_json steps_json(const std::vector<record::StepReport>& steps) {
  ordered_json array = ordered_json::array();
  for (const auto& step : steps) {
    ordered_json j{{"step", step.step}, {"applied", step.applied}};
    for (const auto& [key, value] : step.notes) j[key] = value;
    for (const auto& [key, value] : step.values) j[key] = value;
    j["ms"] = round_to(step.ms, 10);
    array.push_back(std::move(j));
  }
  return array;
}

std::vector<record::StepReport> steps_from_json(const nlohmann::json& array) {
  std::vector<record::StepReport> steps;
  for (const auto& j : array) {
    record::StepReport step;
    for (const auto& [key, value] : j.items()) {
      if (key == "step")
        step.step = value.get<std::string>();
      else if (key == "applied")
        step.applied = value.get<bool>();
      else if (key == "ms")
        step.ms = value.get<double>();
      else if (value.is_string())
        step.notes.emplace_back(key, value.get<std::string>());
      else if (value.is_number())
        step.values.emplace_back(key, value.get<double>());
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

// "type", "source" and, for a name that is not UTF-8, "source_bytes".
ordered_json head(const char* type, const std::string& source) {
  ordered_json j{{"type", type}, {"source", util::to_valid_utf8(source)}};
  if (!util::is_valid_utf8(source)) j["source_bytes"] = util::base64_encode(source);
  return j;
}

std::string source_from_json(const nlohmann::json& j) {
  if (j.contains("source_bytes"))
    if (auto bytes = util::base64_decode(j["source_bytes"].get<std::string>())) return *bytes;
  return j.at("source").get<std::string>();
}

}  // namespace

ordered_json to_json(const record::Record& rec, record::Detail detail) {
  if (const auto* error = std::get_if<record::ErrorResult>(&rec)) {
    ordered_json j = head("error", error->source);
    if (error->page > 0) j["page"] = error->page;
    j["error"] = ordered_json{{"code", record::to_string(error->error.code)},
                              {"message", util::to_valid_utf8(error->error.message)}};
    return j;
  }
  const auto& page = std::get<record::PageResult>(rec);
  ordered_json j = head("page", page.source);
  j["page"] = page.page;
  j["pages"] = page.pages;
  j["width"] = page.width;
  j["height"] = page.height;
  j["dpi"] = page.dpi;
  j["lang"] = page.lang;
  if (!page.engine.layout.empty())
    j["engine"] =
        ordered_json{{"layout", page.engine.layout}, {"recognizer", page.engine.recognizer}};
  if (!page.text_source.empty()) j["text_source"] = page.text_source;
  j["confidence"] = page.confidence;
  j["word_count"] = page.words;
  j["duration_ms"] = round_to(page.duration_ms, 10);
  const auto& pre = page.preprocess;
  if (pre.ran) {
    j["kind"] = pre.kind;
    j["blank"] = pre.blank;
    j["rotation"] = pre.rotation;
    if (pre.skew) j["skew"] = *pre.skew;
    if (pre.scale) j["scale"] = *pre.scale;
    if (pre.psm > 0) j["psm"] = pre.psm;
  }
  j["text"] = page.text;
  if (pre.ran) j["preprocess"] = steps_json(pre.steps);
  if (detail == record::Detail::line) j["lines"] = items_json(record::lines_of(page.blocks));
  if (detail == record::Detail::word) j["words"] = items_json(record::words_of(page.blocks));
  if (detail == record::Detail::layout) j["blocks"] = blocks_json(page.blocks);
  return j;
}

namespace {

// Quantiles of the recognised pages' times; null when no page was recognised.
ordered_json page_seconds_json(const record::DurationHistogram& h) {
  const auto value = [&h](double seconds) {
    return h.count == 0 ? ordered_json(nullptr) : ordered_json(round_to(seconds, 1000));
  };
  return ordered_json{{"count", h.count},
                      {"p50", value(h.quantile(0.5))},
                      {"p95", value(h.quantile(0.95))},
                      {"p99", value(h.quantile(0.99))},
                      {"max", value(h.max_s)}};
}

}  // namespace

ordered_json to_json(const record::RunStats& stats) {
  ordered_json by_code = ordered_json::object();
  for (const auto& [code, n] : stats.errors_by_code) by_code[code] = n;
  ordered_json by_kind = ordered_json::object();
  for (const auto& [kind, n] : stats.skipped_by_kind) by_kind[kind] = n;
  return ordered_json{{"type", "summary"},
                      {"pages", stats.pages},
                      {"errors", stats.errors},
                      {"errors_by_code", by_code},
                      {"skipped", stats.skipped},
                      {"skipped_by_kind", by_kind},
                      {"cached", stats.cached},
                      {"interrupted", stats.interrupted},
                      {"elapsed_s", round_to(stats.elapsed_s, 1000)},
                      {"pages_per_second", round_to(stats.pages_per_second(), 100)},
                      {"page_seconds", page_seconds_json(stats.page_seconds)}};
}

ordered_json with_run(const ordered_json& record, const SinkOptions& options) {
  if (options.run_id.empty() && options.shard_count == 0) return record;
  ordered_json out = ordered_json::object();
  for (auto it = record.begin(); it != record.end(); ++it) {
    out[it.key()] = it.value();
    if (it.key() != "type") continue;
    if (!options.run_id.empty()) out["run_id"] = options.run_id;
    if (options.shard_count == 0) continue;
    if (it.value() == "summary")
      out["shard"] = ordered_json{{"index", options.shard_index}, {"count", options.shard_count}};
    else
      out["shard"] = options.shard_index;
  }
  return out;
}

namespace {

record::Box box_from_json(const nlohmann::json& b) {
  return {b.at(0).get<int>(), b.at(1).get<int>(), b.at(2).get<int>(), b.at(3).get<int>()};
}

record::Baseline baseline_from_json(const nlohmann::json& b) {
  return {b.at(0).get<int>(), b.at(1).get<int>(), b.at(2).get<int>(), b.at(3).get<int>()};
}

std::vector<record::Block> blocks_from_json(const nlohmann::json& array) {
  std::vector<record::Block> blocks;
  for (const auto& b : array) {
    record::Block block{box_from_json(b.at("bbox")), b.at("confidence").get<double>(), {}};
    for (const auto& p : b.at("paragraphs")) {
      record::Paragraph paragraph{
          box_from_json(p.at("bbox")), p.at("confidence").get<double>(), {}};
      for (const auto& l : p.at("lines")) {
        record::Line line{box_from_json(l.at("bbox")),
                          l.at("confidence").get<double>(),
                          baseline_from_json(l.at("baseline")),
                          {}};
        for (const auto& w : l.at("words"))
          line.words.push_back({w.at("text").get<std::string>(), w.at("confidence").get<double>(),
                                box_from_json(w.at("bbox")), baseline_from_json(w.at("baseline"))});
        paragraph.lines.push_back(std::move(line));
      }
      block.paragraphs.push_back(std::move(paragraph));
    }
    blocks.push_back(std::move(block));
  }
  return blocks;
}

// A record remembered before the tree was kept has only its "lines" or "words": each becomes a
// line of one word, so the run's --detail (part of the ledger's settings) replays it as it was.
std::vector<record::Block> blocks_from_items(const nlohmann::json& array) {
  record::Paragraph paragraph;
  for (const auto& j : array) {
    const record::Box box = box_from_json(j.at("bbox"));
    const double confidence = j.at("confidence").get<double>();
    record::Line line{box, confidence, {}, {}};
    line.words.push_back({j.at("text").get<std::string>(), confidence, box, {}});
    paragraph.bbox = record::united(paragraph.bbox, box);
    paragraph.lines.push_back(std::move(line));
  }
  if (paragraph.lines.empty()) return {};
  record::Block block{paragraph.bbox, 0, {}};
  block.paragraphs.push_back(std::move(paragraph));
  return {std::move(block)};
}

record::ErrorCode code_from_string(const std::string& name) {
  for (int c = 0; c <= static_cast<int>(record::kLastErrorCode); ++c) {
    const auto code = static_cast<record::ErrorCode>(c);
    if (record::to_string(code) == name) return code;
  }
  throw std::invalid_argument("unknown error code '" + name + "'");
}

}  // namespace

record::Record record_from_json(const nlohmann::json& j) {
  if (j.at("type") == "error") {
    record::ErrorResult e;
    e.source = source_from_json(j);
    e.page = j.value("page", 0);
    e.error = {code_from_string(j.at("error").at("code").get<std::string>()),
               j.at("error").at("message").get<std::string>()};
    return e;
  }
  record::PageResult p;
  p.source = source_from_json(j);
  p.page = j.at("page").get<int>();
  p.pages = j.at("pages").get<int>();
  p.width = j.at("width").get<int>();
  p.height = j.at("height").get<int>();
  p.dpi = j.at("dpi").get<int>();
  p.lang = j.at("lang").get<std::string>();
  // Records remembered before engines were recorded have no "engine": replayed as they were.
  if (j.contains("engine")) {
    p.engine.layout = j["engine"].value("layout", "");
    p.engine.recognizer = j["engine"].value("recognizer", "");
  }
  p.text_source = j.value("text_source", "");
  p.confidence = j.at("confidence").get<double>();
  p.words = j.at("word_count").get<int>();
  p.duration_ms = j.at("duration_ms").get<double>();
  p.text = j.at("text").get<std::string>();
  if (j.contains("preprocess")) {
    auto& pre = p.preprocess;
    pre.ran = true;
    pre.kind = j.value("kind", "");
    pre.blank = j.value("blank", false);
    pre.rotation = j.value("rotation", 0);
    if (j.contains("skew")) pre.skew = j["skew"].get<double>();
    if (j.contains("scale")) pre.scale = j["scale"].get<double>();
    pre.psm = j.value("psm", 0);
    pre.steps = steps_from_json(j["preprocess"]);
  }
  if (j.contains("blocks"))
    p.blocks = blocks_from_json(j["blocks"]);
  else if (j.contains("words"))
    p.blocks = blocks_from_items(j["words"]);
  else if (j.contains("lines"))
    p.blocks = blocks_from_items(j["lines"]);
  return p;
}

std::string dump(const ordered_json& value) {
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace ocrbatch::output
