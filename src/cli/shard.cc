#include "cli/shard.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace ocrbatch::cli {
namespace {

constexpr uint64_t kMaxCount = 1u << 20;

// A decimal number without sign or junk, at most kMaxCount * 1024 (Slurm task IDs reach
// MaxArraySize, far below that).
std::optional<uint64_t> number(const std::string& text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > kMaxCount * 1024) return std::nullopt;
  return value;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

std::variant<input::Shard, std::string> checked(uint64_t index, uint64_t count,
                                                const std::string& what) {
  if (count < 1) return what + ": the shard count must be at least 1";
  if (count > kMaxCount)
    return what + ": the shard count must be at most " + std::to_string(kMaxCount);
  if (index >= count)
    return what + ": the shard index must be below the count (0 to " + std::to_string(count - 1) +
           ", 0-based)";
  return input::Shard{static_cast<uint32_t>(index), static_cast<uint32_t>(count)};
}

std::variant<input::Shard, std::string> from_slurm(const std::map<std::string, std::string>& env) {
  const char* const required[] = {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN",
                                  "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT"};
  std::vector<std::string> missing;
  for (const char* name : required)
    if (env.count(name) == 0) missing.push_back(name);
  if (!missing.empty())
    return "--shard slurm: " + joined(missing) + (missing.size() == 1 ? " is" : " are") +
           " not set (not inside a Slurm array job? submit with sbatch --array)";
  std::map<std::string, uint64_t> value;
  for (const char* name : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
                           "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_STEP"}) {
    const auto found = env.find(name);
    if (found == env.end()) continue;
    const auto n = number(found->second);
    if (!n)
      return "--shard slurm: " + std::string(name) + "='" + found->second + "' is not a number";
    value[name] = *n;
  }
  const uint64_t id = value["SLURM_ARRAY_TASK_ID"], min = value["SLURM_ARRAY_TASK_MIN"],
                 max = value["SLURM_ARRAY_TASK_MAX"], count = value["SLURM_ARRAY_TASK_COUNT"];
  const uint64_t step = value.count("SLURM_ARRAY_TASK_STEP") ? value["SLURM_ARRAY_TASK_STEP"] : 1;
  const std::string ids = " (task IDs " + std::to_string(min) + " to " + std::to_string(max) +
                          (step == 1 ? "" : " step " + std::to_string(step)) + ")";
  if (step < 1) return "--shard slurm: SLURM_ARRAY_TASK_STEP=0: the step must be at least 1";
  if (max < min)
    return "--shard slurm: SLURM_ARRAY_TASK_MAX=" + std::to_string(max) +
           " is below SLURM_ARRAY_TASK_MIN=" + std::to_string(min);
  if (id < min || id > max)
    return "--shard slurm: SLURM_ARRAY_TASK_ID=" + std::to_string(id) + " lies outside" + ids;
  // Only an evenly spaced array (--array=A-B or A-B:S) maps its task IDs onto 0..N-1 without
  // gaps; a list such as --array=0,2,5 would leave shards that no task runs.
  if ((max - min) % step != 0 || count != (max - min) / step + 1)
    return "--shard slurm: SLURM_ARRAY_TASK_COUNT=" + std::to_string(count) + " does not match" +
           ids + ", which is " + std::to_string((max - min) / step + 1) +
           " tasks: the array is not an evenly spaced range (such as --array=0,2,5); submit it "
           "as --array=A-B or --array=A-B:STEP";
  if ((id - min) % step != 0)
    return "--shard slurm: SLURM_ARRAY_TASK_ID=" + std::to_string(id) + " is not on the step of" +
           ids;
  return checked((id - min) / step, count, "--shard slurm");
}

std::variant<input::Shard, std::string> from_k8s(const std::string& count_option,
                                                 const std::map<std::string, std::string>& env) {
  const auto index_text = env.find("JOB_COMPLETION_INDEX");
  if (index_text == env.end())
    return std::string(
        "--shard k8s: JOB_COMPLETION_INDEX is not set (not inside a Kubernetes Job with "
        "completionMode: Indexed?)");
  const auto index = number(index_text->second);
  if (!index)
    return "--shard k8s: JOB_COMPLETION_INDEX='" + index_text->second + "' is not a number";
  std::string count_text = count_option, source = "--shard-count";
  if (count_text.empty()) {
    const auto found = env.find("OCRBATCH_SHARD_COUNT");
    if (found == env.end())
      return std::string(
          "--shard k8s: the shard count is not known: give --shard-count N or set "
          "OCRBATCH_SHARD_COUNT to the Job's completions");
    count_text = found->second;
    source = "OCRBATCH_SHARD_COUNT";
  }
  const auto count = number(count_text);
  if (!count) return "--shard k8s: " + source + "='" + count_text + "' is not a number";
  return checked(*index, *count,
                 "--shard k8s: JOB_COMPLETION_INDEX=" + index_text->second + " with " + source +
                     "=" + count_text);
}

}  // namespace

std::variant<input::Shard, std::string> parse_shard(const std::string& spec,
                                                    const std::string& count_option,
                                                    const std::map<std::string, std::string>& env) {
  if (!count_option.empty() && spec != "k8s")
    return std::string("--shard-count is only for --shard k8s");
  if (spec == "slurm") return from_slurm(env);
  if (spec == "k8s") return from_k8s(count_option, env);
  const size_t slash = spec.find('/');
  const auto index = number(spec.substr(0, slash));
  const auto count = slash == std::string::npos ? std::nullopt : number(spec.substr(slash + 1));
  if (!index || !count)
    return "--shard '" + spec + "': expected I/N (0-based, such as 0/4), slurm or k8s";
  return checked(*index, *count, "--shard " + spec);
}

bool expand_shard_name(const std::string& path, const input::Shard* shard, std::string& out) {
  out.clear();
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 1 < path.size() && path[i + 1] == '%') {
      out += '%';
      ++i;
    } else if (path[i] == '%' && i + 1 < path.size() && path[i + 1] == 's') {
      if (shard == nullptr) return false;
      out += std::to_string(shard->index);
      ++i;
    } else {
      out += path[i];
    }
  }
  return true;
}

}  // namespace ocrbatch::cli
