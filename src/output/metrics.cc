#include "output/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace ocrbatch::output {
namespace {

class Writer {
 public:
  void gauge(const char* name, const char* help, double value, const std::string& labels = "") {
    header(name, help, "gauge");
    sample(name, labels, value);
  }
  void header(const char* name, const char* help, const char* type) {
    out_ << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
  }
  void sample(const std::string& name, const std::string& labels, double value) {
    out_ << name << (labels.empty() ? "" : "{" + labels + "}") << " " << fmt::format("{}", value)
         << "\n";
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

}  // namespace

std::string prometheus_text(const record::RunStats& stats, const MetricsContext& c) {
  Writer w;
  w.gauge("ocrbatch_pages", "Page records written by the last run.",
          static_cast<double>(stats.pages));
  w.gauge("ocrbatch_pages_cached",
          "Pages the last run took from the ledger instead of recognising them again.",
          static_cast<double>(stats.cached));
  w.gauge("ocrbatch_files_skipped", "Non-image files the last run met and skipped.",
          static_cast<double>(stats.skipped));
  w.header("ocrbatch_files_skipped_by_kind", "Files the last run skipped, by why it skipped them.",
           "gauge");
  for (int i = 0; i < record::kSkipKinds; ++i) {
    const std::string kind(record::to_string(static_cast<record::SkipKind>(i)));
    const auto it = stats.skipped_by_kind.find(kind);
    w.sample("ocrbatch_files_skipped_by_kind", "kind=\"" + kind + "\"",
             it == stats.skipped_by_kind.end() ? 0.0 : static_cast<double>(it->second));
  }
  w.header("ocrbatch_errors", "Error records written by the last run, by error code.", "gauge");
  // Every code appears, zero or not, so alerts on a code never see a missing series.
  for (int i = 0; i <= static_cast<int>(record::kLastErrorCode); ++i) {
    const std::string code(record::to_string(static_cast<record::ErrorCode>(i)));
    const auto it = stats.errors_by_code.find(code);
    w.sample("ocrbatch_errors", "code=\"" + code + "\"",
             it == stats.errors_by_code.end() ? 0.0 : static_cast<double>(it->second));
  }
  w.header("ocrbatch_page_duration_seconds",
           "Decode, preprocessing and recognition time per page in the last run.", "histogram");
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= record::DurationHistogram::kBuckets; ++i) {
    cumulative += stats.page_seconds.counts[i];
    const std::string le = i < record::DurationHistogram::kBuckets
                               ? fmt::format("{}", record::DurationHistogram::kBounds[i])
                               : "+Inf";
    w.sample("ocrbatch_page_duration_seconds_bucket", "le=\"" + le + "\"",
             static_cast<double>(cumulative));
  }
  w.sample("ocrbatch_page_duration_seconds_sum", "", stats.page_seconds.sum_s);
  w.sample("ocrbatch_page_duration_seconds_count", "",
           static_cast<double>(stats.page_seconds.count));
  w.gauge("ocrbatch_run_duration_seconds", "Wall time of the last run.", stats.elapsed_s);
  w.gauge("ocrbatch_pages_per_second", "Pages recognised per second of wall time in the last run.",
          stats.pages_per_second());
  w.gauge("ocrbatch_run_interrupted", "1 if the last run was stopped by a signal.",
          stats.interrupted ? 1 : 0);
  if (!c.run_id.empty()) {
    // Joins the metrics with the records and log lines of the same run (and shard).
    std::string labels = "run_id=\"" + c.run_id + "\"";
    if (c.shard)
      labels += fmt::format(",shard=\"{}\",shard_count=\"{}\"", c.shard->first, c.shard->second);
    w.gauge("ocrbatch_run_info", "Always 1; its labels name the run (and the shard) it describes.",
            1, labels);
  }
  w.gauge("ocrbatch_run_in_progress",
          "1 while the run goes (the counts above are so far), 0 once it has ended.",
          c.in_progress ? 1 : 0);
  w.gauge("ocrbatch_queue_depth", "Page jobs waiting for a worker.",
          static_cast<double>(c.activity.queued));
  w.gauge("ocrbatch_pages_in_flight", "Pages a worker is decoding or recognising.",
          static_cast<double>(c.activity.in_flight));
  w.gauge("ocrbatch_records_held",
          "Finished records held back until an earlier page is written (input order).",
          static_cast<double>(c.activity.held));
  w.gauge("ocrbatch_last_page_timestamp_seconds",
          "Unix time a worker last finished a page in the last run (0: none).",
          c.activity.last_page_s);
  // From the last finished page, or from the start while none has finished: a stuck run
  // shows this growing.
  const double since = c.activity.last_page_s > 0 ? c.activity.last_page_s : c.activity.started_s;
  w.gauge("ocrbatch_seconds_since_last_page",
          "Seconds from the last page a worker finished (or the run's start) to this write.",
          since > 0 ? std::max(0.0, static_cast<double>(c.now_s) - since) : 0.0);
  if (c.exit_code)
    w.gauge("ocrbatch_exit_code", "Exit status of the last finished run.", *c.exit_code);
  if (c.last_run_s)
    w.gauge("ocrbatch_last_run_timestamp_seconds", "Unix time the last finished run ended.",
            static_cast<double>(*c.last_run_s));
  w.gauge("ocrbatch_last_success_timestamp_seconds",
          "Unix time of the last run in which every input succeeded (0: never).",
          static_cast<double>(c.last_success_s));
  if (c.ledger_rows)
    w.gauge("ocrbatch_ledger_pages", "Page results held in the ledger.",
            static_cast<double>(*c.ledger_rows));
  if (c.ledger_bytes)
    w.gauge("ocrbatch_ledger_bytes", "Size of the ledger database on disk.",
            static_cast<double>(*c.ledger_bytes));
  return w.str();
}

std::optional<double> sample_from(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  const std::string key = name + " ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) {
      try {
        return std::stod(line.substr(key.size()));
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

int64_t last_success_from(const std::string& text) {
  const auto value = sample_from(text, "ocrbatch_last_success_timestamp_seconds");
  return value ? static_cast<int64_t>(*value) : 0;
}

}  // namespace ocrbatch::output
