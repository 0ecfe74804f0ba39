#include "cli/shard.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace ocrbatch::cli {
namespace {

using Env = std::map<std::string, std::string>;

input::Shard shard_ok(const std::string& spec, const Env& env = {}, const std::string& count = "") {
  auto parsed = parse_shard(spec, count, env);
  if (auto* error = std::get_if<std::string>(&parsed)) ADD_FAILURE() << spec << ": " << *error;
  return std::get_if<input::Shard>(&parsed) ? std::get<input::Shard>(parsed) : input::Shard{};
}

std::string shard_error(const std::string& spec, const Env& env = {},
                        const std::string& count = "") {
  auto parsed = parse_shard(spec, count, env);
  if (auto* error = std::get_if<std::string>(&parsed)) return *error;
  ADD_FAILURE() << spec << " was accepted";
  return "";
}

TEST(ParseShard, IndexOverCount) {
  const auto shard = shard_ok("2/5");
  EXPECT_EQ(shard.index, 2u);
  EXPECT_EQ(shard.count, 5u);
  EXPECT_EQ(shard_ok("0/1").count, 1u);
}

TEST(ParseShard, IndexAtOrPastCountIsRefusedWithTheRange) {
  EXPECT_NE(shard_error("3/3").find("below the count (0 to 2"), std::string::npos);
  EXPECT_NE(shard_error("7/3").find("below the count"), std::string::npos);
}

TEST(ParseShard, CountBelowOneIsRefused) {
  EXPECT_NE(shard_error("0/0").find("at least 1"), std::string::npos);
}

TEST(ParseShard, JunkIsRefused) {
  for (const char* spec : {"", "1", "1/", "/3", "a/3", "1/b", "-1/3", "1/-3", "1/3/4", " 1/3",
                           "1/3 ", "+1/3", "0x1/3", "1.0/3", "99999999999/3", "SLURM"}) {
    EXPECT_NE(shard_error(spec).find("expected I/N"), std::string::npos) << spec;
  }
}

TEST(ParseShard, ShardCountOnlyWithK8s) {
  EXPECT_NE(shard_error("1/3", {}, "3").find("--shard-count is only for --shard k8s"),
            std::string::npos);
}

Env slurm(const std::string& id, const std::string& min, const std::string& max,
          const std::string& count, const std::string& step = "") {
  Env env{{"SLURM_ARRAY_TASK_ID", id},
          {"SLURM_ARRAY_TASK_MIN", min},
          {"SLURM_ARRAY_TASK_MAX", max},
          {"SLURM_ARRAY_TASK_COUNT", count}};
  if (!step.empty()) env["SLURM_ARRAY_TASK_STEP"] = step;
  return env;
}

TEST(ParseShard, SlurmArrayFromOneIsShiftedToZero) {  // --array=1-3
  for (int id = 1; id <= 3; ++id) {
    const auto shard = shard_ok("slurm", slurm(std::to_string(id), "1", "3", "3", "1"));
    EXPECT_EQ(shard.index, static_cast<uint32_t>(id - 1));
    EXPECT_EQ(shard.count, 3u);
  }
}

TEST(ParseShard, SlurmArrayWithGapsIsRefusedSayingWhy) {  // --array=0,2,5
  const auto error = shard_error("slurm", slurm("5", "0", "5", "3", "1"));
  EXPECT_NE(error.find("SLURM_ARRAY_TASK_COUNT=3"), std::string::npos) << error;
  EXPECT_NE(error.find("not an evenly spaced range"), std::string::npos) << error;
  // Without a STEP variable too.
  EXPECT_NE(shard_error("slurm", slurm("2", "0", "5", "3")).find("SLURM_ARRAY_TASK_COUNT=3"),
            std::string::npos);
}

TEST(ParseShard, SlurmArrayWithStepDividesByTheStep) {  // --array=0-6:2
  const char* ids[] = {"0", "2", "4", "6"};
  for (uint32_t i = 0; i < 4; ++i) {
    const auto shard = shard_ok("slurm", slurm(ids[i], "0", "6", "4", "2"));
    EXPECT_EQ(shard.index, i);
    EXPECT_EQ(shard.count, 4u);
  }
}

TEST(ParseShard, SlurmStepMissingMeansOne) {
  const auto shard = shard_ok("slurm", slurm("3", "0", "3", "4"));
  EXPECT_EQ(shard.index, 3u);
  EXPECT_EQ(shard.count, 4u);
}

TEST(ParseShard, SlurmIdOffTheStepIsRefused) {
  const auto error = shard_error("slurm", slurm("3", "0", "6", "4", "2"));
  EXPECT_NE(error.find("SLURM_ARRAY_TASK_ID=3 is not on the step"), std::string::npos) << error;
}

TEST(ParseShard, SlurmIdOutsideTheRangeIsRefused) {
  EXPECT_NE(shard_error("slurm", slurm("9", "0", "3", "4")).find("lies outside"),
            std::string::npos);
}

TEST(ParseShard, SlurmMissingVariablesAreNamed) {
  const auto error = shard_error("slurm", {});
  for (const char* name : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
                           "SLURM_ARRAY_TASK_COUNT"})
    EXPECT_NE(error.find(name), std::string::npos) << error;
  EXPECT_NE(error.find("not inside a Slurm array job?"), std::string::npos) << error;
  auto env = slurm("1", "0", "3", "4");
  env.erase("SLURM_ARRAY_TASK_MAX");
  const auto one = shard_error("slurm", env);
  EXPECT_NE(one.find("SLURM_ARRAY_TASK_MAX is not set"), std::string::npos) << one;
  EXPECT_EQ(one.find("SLURM_ARRAY_TASK_ID"), std::string::npos) << one;
}

TEST(ParseShard, SlurmJunkValueIsNamed) {
  const auto error = shard_error("slurm", slurm("1", "0", "3", "4", "x"));
  EXPECT_NE(error.find("SLURM_ARRAY_TASK_STEP='x' is not a number"), std::string::npos) << error;
  EXPECT_NE(shard_error("slurm", slurm("1", "0", "3", "4", "0")).find("at least 1"),
            std::string::npos);
}

TEST(ParseShard, K8sCountFromTheOptionOverTheVariable) {
  const Env env{{"JOB_COMPLETION_INDEX", "2"}, {"OCRBATCH_SHARD_COUNT", "3"}};
  auto shard = shard_ok("k8s", env);
  EXPECT_EQ(shard.index, 2u);
  EXPECT_EQ(shard.count, 3u);
  shard = shard_ok("k8s", env, "8");
  EXPECT_EQ(shard.count, 8u);
}

TEST(ParseShard, K8sWithoutIndexNamesTheVariable) {
  const auto error = shard_error("k8s", {{"OCRBATCH_SHARD_COUNT", "3"}});
  EXPECT_NE(error.find("JOB_COMPLETION_INDEX is not set"), std::string::npos) << error;
  EXPECT_NE(error.find("Indexed"), std::string::npos) << error;
}

TEST(ParseShard, K8sWithoutCountSaysWhereToGiveIt) {
  const auto error = shard_error("k8s", {{"JOB_COMPLETION_INDEX", "0"}});
  EXPECT_NE(error.find("--shard-count"), std::string::npos) << error;
  EXPECT_NE(error.find("OCRBATCH_SHARD_COUNT"), std::string::npos) << error;
}

TEST(ParseShard, K8sIndexPastCountIsRefused) {
  const auto error =
      shard_error("k8s", {{"JOB_COMPLETION_INDEX", "3"}, {"OCRBATCH_SHARD_COUNT", "3"}});
  EXPECT_NE(error.find("JOB_COMPLETION_INDEX=3 with OCRBATCH_SHARD_COUNT=3"), std::string::npos)
      << error;
  EXPECT_NE(error.find("below the count"), std::string::npos) << error;
  EXPECT_NE(shard_error("k8s", {{"JOB_COMPLETION_INDEX", "x"}}, "3").find("is not a number"),
            std::string::npos);
  EXPECT_NE(shard_error("k8s", {{"JOB_COMPLETION_INDEX", "0"}}, "0").find("at least 1"),
            std::string::npos);
}

TEST(ExpandShardName, PercentSIsTheIndexAndDoublePercentIsOne) {
  const input::Shard shard{2, 4};
  std::string out;
  ASSERT_TRUE(expand_shard_name("/srv/ledger-%s.db", &shard, out));
  EXPECT_EQ(out, "/srv/ledger-2.db");
  ASSERT_TRUE(expand_shard_name("a%%s-%s%%-%d%", &shard, out));
  EXPECT_EQ(out, "a%s-2%-%d%");
}

TEST(ExpandShardName, PercentSWithoutShardIsRefused) {
  std::string out;
  EXPECT_FALSE(expand_shard_name("ledger-%s.db", nullptr, out));
  ASSERT_TRUE(expand_shard_name("100%%.db", nullptr, out));
  EXPECT_EQ(out, "100%.db");
}

}  // namespace
}  // namespace ocrbatch::cli
