#pragma once

namespace ocrbatch::cli {

// `ocrbatch summary FILE...`: one summary of several runs' outputs (the shards of a night), and
// an exit status a cron job or CI step can gate on. `argv[0]` is "summary".
int summary_main(int argc, const char* const* argv);

}  // namespace ocrbatch::cli
