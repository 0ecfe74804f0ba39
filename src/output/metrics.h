#pragma once
// Run metrics in the Prometheus text exposition format, for node_exporter's textfile
// collector: one file rewritten while a run goes and after every run.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "record/record.h"

namespace ocrbatch::output {

struct MetricsContext {
  int64_t now_s = 0;           // when the text is written
  int64_t last_success_s = 0;  // last run in which every input succeeded; 0: never
  // The last run that ended: this one once it has, the one before while it goes (taken from
  // the previous file); absent when unknown.
  std::optional<int> exit_code;
  std::optional<int64_t> last_run_s;  // when it ended
  std::optional<uint64_t> ledger_rows;
  std::optional<uint64_t> ledger_bytes;
  bool in_progress = false;  // the run is still going
  // The run's id and shard, as in its records and log lines; empty and absent when unknown.
  std::string run_id;
  std::optional<std::pair<uint32_t, uint32_t>> shard;  // index, count
  record::RunActivity activity;
};

std::string prometheus_text(const record::RunStats& stats, const MetricsContext& context);

// Reads ocrbatch_last_success_timestamp_seconds back from an earlier metrics file, so the
// value survives failed runs without a ledger. 0 if absent.
int64_t last_success_from(const std::string& metrics_text);
// The value of the sample `name` (without labels) in an earlier metrics file, if it has one.
std::optional<double> sample_from(const std::string& metrics_text, const std::string& name);

}  // namespace ocrbatch::output
