#pragma once
// --shard: which share of the inputs this process takes, from "I/N" or from the environment a
// batch scheduler gives each task (a Slurm job array, a Kubernetes Indexed Job).

#include <map>
#include <string>
#include <variant>

#include "input/shard.h"

namespace ocrbatch::cli {

// The variables parse_shard reads; the caller passes those that are set.
const char* const kShardVariables[] = {
    "SLURM_ARRAY_TASK_ID",   "SLURM_ARRAY_TASK_MIN",   "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT", "JOB_COMPLETION_INDEX",
    "OCRBATCH_SHARD_COUNT",
};

// `spec` is "I/N", "slurm" or "k8s"; `count_option` is --shard-count's value ("" when not
// given); `env` holds the variables of kShardVariables that are set. Gives the shard, or the
// text of the usage error saying what is wrong and why.
std::variant<input::Shard, std::string> parse_shard(const std::string& spec,
                                                    const std::string& count_option,
                                                    const std::map<std::string, std::string>& env);

// Sets `out` to `path` with "%s" replaced by the shard index and "%%" by "%"; any other '%' is
// kept. Without a shard (null), a "%s" makes it return false: there is no index to put there.
bool expand_shard_name(const std::string& path, const input::Shard* shard, std::string& out);

}  // namespace ocrbatch::cli
