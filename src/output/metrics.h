#pragma once
// Run metrics in the Prometheus text exposition format, for node_exporter's textfile
// collector: one file rewritten after every run.

#include <cstdint>
#include <optional>
#include <string>

#include "record/record.h"

namespace ocrbatch::output {

struct MetricsContext {
  int64_t now_s = 0;           // when the run ended
  int64_t last_success_s = 0;  // last run in which every input succeeded; 0: never
  int exit_code = 0;
  std::optional<uint64_t> ledger_rows;
  std::optional<uint64_t> ledger_bytes;
};

std::string prometheus_text(const record::RunStats& stats, const MetricsContext& context);

// Reads ocrbatch_last_success_timestamp_seconds back from an earlier metrics file, so the
// value survives failed runs without a ledger. 0 if absent.
int64_t last_success_from(const std::string& metrics_text);

}  // namespace ocrbatch::output
