#pragma once
// Pure functions that turn counters into the progress text shown on stderr.

#include <string>

#include "pipeline/runner.h"
#include "record/record.h"

namespace ocrbatch::progress {

struct Status {
  pipeline::Progress counts;
  double elapsed_s = 0;
};

// "1h02m", "3m05s", "42s"; "--" for an unknown or absurd duration.
std::string format_duration(double seconds);

// The terminal bar: "[=====>    ] 120/~500  3.2/s  ETA 1m58s  2 errors" ("~": the total
// is still an estimate), or "120 done  3.2/s  2 errors" while there is no total at all,
// fitted to `width` columns. `color` adds ANSI colour to the error count.
std::string format_bar(const Status& status, int width, bool color);

// One self-contained line for logs.
std::string format_plain(const Status& status);

// The one-line summary printed at the end: "... 3 skipped (2 pdf, 1 other) in ...".
std::string format_summary(const record::RunStats& stats);

// The skip kinds, most frequent first: "2 pdf, 1 other"; "" when nothing was skipped.
std::string format_skipped_kinds(const record::RunStats& stats);

// True for a finished run that found nothing to do: no page, no error, nothing the ledger
// already held.
bool found_nothing(const record::RunStats& stats);

// The warning for such a run: "no images found in the named paths (3 skipped: 2 pdf, 1 other)".
// With `shard` ("1/4"), the run looked only at that shard's inputs, and says so: the images
// in the named paths may all be other shards'.
std::string format_nothing_found(const record::RunStats& stats, const std::string& shard = "");

}  // namespace ocrbatch::progress
