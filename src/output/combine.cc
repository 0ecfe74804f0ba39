#include "output/combine.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "output/json_record.h"

namespace ocrbatch::output {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string where(const std::string& source, int page) {
  return page > 0 ? source + "#" + std::to_string(page) : source;
}

}  // namespace

const char* to_string(RunEnd end) {
  switch (end) {
    case RunEnd::complete:
      return "complete";
    case RunEnd::interrupted:
      return "interrupted";
    case RunEnd::no_summary:
      return "no_summary";
    case RunEnd::truncated:
      return "truncated";
    case RunEnd::invalid:
      return "invalid";
    case RunEnd::unreadable:
      return "unreadable";
  }
  return "invalid";
}

Combiner::Combiner(CombineOptions options) : options_(options) {}

void Combiner::add_unreadable(const std::string& file, const std::string& why) {
  ++files_;
  Run run;
  run.file = file;
  run.end = RunEnd::unreadable;
  run.detail = why;
  runs_.push_back(std::move(run));
}

void Combiner::add(const std::string& file, std::istream& in) {
  ++files_;
  Run run;
  run.file = file;
  bool open_run = true;  // `run` has not been pushed yet
  bool array = false, array_closed = false, first = true;
  std::string line;
  for (uint64_t number = 1; std::getline(in, line); ++number) {
    const bool whole_line = !in.eof();
    std::string_view body = trimmed(line);
    if (body.empty()) continue;
    if (first) {
      first = false;
      if (body == "[") {  // -f json: one record per line inside the array
        array = true;
        continue;
      }
    }
    if (array && body == "]") {
      array_closed = true;
      continue;
    }
    if (array && body.back() == ',') body.remove_suffix(1);
    json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
    const bool record = j.is_object() && j.contains("type") && j["type"].is_string() &&
                        (j["type"] == "page" || j["type"] == "error" || j["type"] == "summary");
    if (!record) {
      if (!whole_line && !j.is_object()) {
        run.end = RunEnd::truncated;
        run.detail = fmt::format("line {} is cut short", number);
      } else {
        run.end = RunEnd::invalid;
        run.detail = fmt::format("line {} is not an ocrbatch record", number);
      }
      break;
    }
    if (j["type"] == "summary") {
      finish(run, j);
      runs_.push_back(run);
      run = Run{};
      run.file = file;
      open_run = false;
      continue;
    }
    open_run = true;
    this->record(run, j);
  }
  if (in.bad() && run.end != RunEnd::invalid) {
    run.end = RunEnd::unreadable;
    run.detail = "read failed";
    open_run = true;
  }
  if (!open_run && array && !array_closed) {
    // The array never closed: the last run's output is cut short after its summary.
    runs_.back().end = std::max(runs_.back().end, RunEnd::truncated);
    runs_.back().detail = "the JSON array is not closed";
  }
  // Records after the last summary, or a file with nothing at all: a run that did not finish.
  if (open_run) runs_.push_back(std::move(run));
}

void Combiner::record(Run& run, const json& j) {
  const std::string source = j.value("source", "");
  const int page = j.contains("page") && j["page"].is_number_integer() ? j["page"].get<int>() : 0;
  if (j["type"] == "page") {
    ++run.pages;
    ++pages_;
    const double ms = j.contains("duration_ms") && j["duration_ms"].is_number()
                          ? j["duration_ms"].get<double>()
                          : 0;
    if (options_.slowest > 0) {
      if (slowest_.size() < options_.slowest) {
        slowest_.push_back({ms, source, page, run.file});
        std::push_heap(slowest_.begin(), slowest_.end());
      } else if (ms > slowest_.front().ms) {
        std::pop_heap(slowest_.begin(), slowest_.end());
        slowest_.back() = {ms, source, page, run.file};
        std::push_heap(slowest_.begin(), slowest_.end());
      }
    }
  } else {
    ++run.errors;
    ++errors_;
    std::string code = "unknown";
    if (j.contains("error") && j["error"].is_object()) code = j["error"].value("code", code);
    ++errors_by_code_[code];
  }
  std::string key = source;
  key += '\0';
  key += std::to_string(page);
  const auto [at, fresh] = seen_.emplace(std::move(key), runs_.size());
  if (fresh) return;
  ++duplicate_count_;
  const std::string& first_file = at->second < runs_.size() ? runs_[at->second].file : run.file;
  if (duplicates_.size() < options_.duplicates)
    duplicates_.push_back({source, page, {first_file, run.file}});
}

void Combiner::finish(Run& run, const json& summary) {
  run.end = summary.value("interrupted", false) ? RunEnd::interrupted : RunEnd::complete;
  run.run_id = summary.value("run_id", "");
  if (summary.contains("shard") && summary["shard"].is_object()) {
    run.shard_index = summary["shard"].value("index", int64_t{-1});
    run.shard_count = summary["shard"].value("count", int64_t{0});
    shard_counts_.insert(run.shard_count);
    shards_[run.shard_index].push_back(runs_.size());
  }
  const auto count = [&](const char* key) {
    return summary.contains(key) && summary[key].is_number_unsigned() ? summary[key].get<uint64_t>()
                                                                      : 0;
  };
  // The summary counts what the run wrote; fewer records mean lines were lost on the way.
  if (count("pages") != run.pages || count("errors") != run.errors) {
    run.end = RunEnd::invalid;
    run.detail = fmt::format("its summary counts {} pages and {} errors, but it holds {} and {}",
                             count("pages"), count("errors"), run.pages, run.errors);
  }
  skipped_ += count("skipped");
  cached_ += count("cached");
  if (summary.contains("skipped_by_kind") && summary["skipped_by_kind"].is_object())
    for (const auto& [kind, n] : summary["skipped_by_kind"].items())
      if (n.is_number_unsigned()) skipped_by_kind_[kind] += n.get<uint64_t>();
  if (summary.contains("elapsed_s") && summary["elapsed_s"].is_number())
    elapsed_s_ = std::max(elapsed_s_, summary["elapsed_s"].get<double>());
}

std::vector<int64_t> Combiner::missing() const {
  std::vector<int64_t> out;
  if (shard_counts_.size() != 1) return out;
  for (int64_t i = 0; i < *shard_counts_.begin(); ++i)
    if (shards_.count(i) == 0) out.push_back(i);
  return out;
}

RunEnd Combiner::worst() const {
  RunEnd worst = RunEnd::complete;
  for (const auto& run : runs_) worst = std::max(worst, run.end);
  return worst;
}

ordered_json Combiner::summary() const {
  ordered_json by_code = ordered_json::object();
  for (const auto& [code, n] : errors_by_code_) by_code[code] = n;
  ordered_json by_kind = ordered_json::object();
  for (const auto& [kind, n] : skipped_by_kind_) by_kind[kind] = n;
  bool interrupted = false;
  ordered_json outputs = ordered_json::array();
  for (const auto& run : runs_) {
    interrupted = interrupted || run.end == RunEnd::interrupted;
    ordered_json o{{"file", run.file}, {"end", to_string(run.end)}};
    if (!run.detail.empty()) o["detail"] = run.detail;
    if (!run.run_id.empty()) o["run_id"] = run.run_id;
    if (run.shard_count > 0)
      o["shard"] = ordered_json{{"index", run.shard_index}, {"count", run.shard_count}};
    o["pages"] = run.pages;
    o["errors"] = run.errors;
    outputs.push_back(std::move(o));
  }
  ordered_json shards = ordered_json::object();
  if (!shard_counts_.empty()) {
    shards["counts"] = shard_counts_;
    shards["missing"] = missing();
    ordered_json repeated = ordered_json::array();
    for (const auto& [index, runs] : shards_)
      if (runs.size() > 1) repeated.push_back(index);
    shards["repeated"] = repeated;
  }
  std::vector<Slow> slow = slowest_;
  std::sort(slow.begin(), slow.end());  // by duration, longest first
  ordered_json slowest = ordered_json::array();
  for (const auto& s : slow) {
    ordered_json entry{{"source", s.source}};
    if (s.page > 0) entry["page"] = s.page;
    entry["duration_ms"] = s.ms;
    entry["file"] = s.file;
    slowest.push_back(std::move(entry));
  }
  ordered_json duplicates = ordered_json::array();
  for (const auto& d : duplicates_) {
    ordered_json entry{{"source", d.source}};
    if (d.page > 0) entry["page"] = d.page;
    entry["files"] = d.files;
    duplicates.push_back(std::move(entry));
  }
  return ordered_json{
      {"type", "summary"},
      {"complete", worst() == RunEnd::complete && !missing_shards()},
      {"files", files_},
      {"pages", pages_},
      {"errors", errors_},
      {"errors_by_code", by_code},
      {"skipped", skipped_},
      {"skipped_by_kind", by_kind},
      {"cached", cached_},
      {"interrupted", interrupted},
      {"elapsed_s", elapsed_s_},
      {"shards", shards},
      {"duplicates", ordered_json{{"count", duplicate_count_}, {"first", duplicates}}},
      {"slowest", slowest},
      {"runs", outputs}};
}

std::string Combiner::human_line() const {
  size_t complete = 0;
  for (const auto& run : runs_) complete += run.end == RunEnd::complete;
  std::string line = fmt::format("{} of {} runs complete", complete, runs_.size());
  if (shard_counts_.size() == 1)
    line += fmt::format(", {} of {} shards", *shard_counts_.begin() - missing().size(),
                        *shard_counts_.begin());
  line += fmt::format(": {} page{}, {} error{}", pages_, pages_ == 1 ? "" : "s", errors_,
                      errors_ == 1 ? "" : "s");
  if (!errors_by_code_.empty()) {
    std::string codes;
    for (const auto& [code, n] : errors_by_code_)
      codes += fmt::format("{}{} {}", codes.empty() ? "" : ", ", n, code);
    line += " (" + codes + ")";
  }
  line += fmt::format(", {} skipped, {} cached", skipped_, cached_);
  if (!slowest_.empty()) {
    const Slow& top = *std::min_element(slowest_.begin(), slowest_.end());
    line += fmt::format("; slowest {:.2f}s ({})", top.ms / 1000, where(top.source, top.page));
  }
  if (duplicate_count_ > 0) line += fmt::format("; {} duplicated", duplicate_count_);
  return line;
}

std::vector<std::string> Combiner::problems() const {
  std::vector<std::string> out;
  for (const auto& run : runs_) {
    if (run.end == RunEnd::complete) continue;
    std::string why;
    switch (run.end) {
      case RunEnd::interrupted:
        why = "the run was interrupted (its summary says so)";
        break;
      case RunEnd::no_summary:
        why = "no summary record: the run did not finish (killed, or still running)";
        break;
      case RunEnd::truncated:
        why = "truncated: " + run.detail;
        break;
      case RunEnd::invalid:
        why = "not a whole ocrbatch output: " + run.detail;
        break;
      case RunEnd::unreadable:
        why = "cannot read: " + run.detail;
        break;
      case RunEnd::complete:
        break;
    }
    out.push_back(run.file + ": " + why);
  }
  if (shard_counts_.size() > 1) {
    std::string counts;
    for (const auto n : shard_counts_) counts += (counts.empty() ? "" : ", ") + std::to_string(n);
    out.push_back("outputs of runs with different shard counts (" + counts + ")");
  }
  for (const auto index : missing())
    out.push_back(
        fmt::format("shard {} of {}: no complete output given", index, *shard_counts_.begin()));
  for (const auto& [index, runs] : shards_)
    if (runs.size() > 1) {
      std::string files;
      for (const auto r : runs) files += (files.empty() ? "" : ", ") + runs_[r].file;
      out.push_back(fmt::format("shard {}: in {} outputs ({})", index, runs.size(), files));
    }
  if (duplicate_count_ > 0) {
    const auto& d = duplicates_.front();
    out.push_back(
        fmt::format("{} records repeat a (source, page) of an earlier one, first {} ({}, {})",
                    duplicate_count_, where(d.source, d.page), d.files[0], d.files[1]));
  }
  return out;
}

}  // namespace ocrbatch::output
