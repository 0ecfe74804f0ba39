#include "util/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

namespace ocrbatch::util {
namespace {

size_t entries(const std::string& dir) {
  return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST(AtomicFile, TargetAppearsOnlyOnCommit) {
  test::TempDir dir;
  const auto target = dir.file("out.jsonl");
  {
    AtomicFile file(target);
    file.stream() << "data\n";
    file.stream().flush();
    EXPECT_FALSE(std::filesystem::exists(target));
    file.commit();
  }
  EXPECT_EQ(test::read_file(target), "data\n");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, WithoutCommitLeavesNothingAndKeepsTheOldFile) {
  test::TempDir dir;
  const auto target = dir.write("out.jsonl", "old\n");
  {
    AtomicFile file(target);
    file.stream() << "half";
  }
  EXPECT_EQ(test::read_file(target), "old\n");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, RefusesAFolderBeforeAnythingIsWritten) {
  test::TempDir dir;
  EXPECT_THROW(AtomicFile file(dir.path()), std::runtime_error);
}

TEST(AtomicFile, ReplacesTheTargetOfASymlinkNotTheLink) {
  test::TempDir dir;
  const auto real = dir.write("real.jsonl", "old\n");
  std::filesystem::create_symlink(real, dir.file("link.jsonl"));
  {
    AtomicFile file(dir.file("link.jsonl"));
    file.stream() << "new\n";
    file.commit();
  }
  EXPECT_TRUE(std::filesystem::is_symlink(dir.file("link.jsonl")));
  EXPECT_EQ(test::read_file(real), "new\n");
}

TEST(AtomicFile, ADanglingSymlinkCreatesItsTargetAndStaysALink) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.file("real"));
  std::filesystem::create_symlink("real/out.jsonl", dir.file("link.jsonl"));
  {
    AtomicFile file(dir.file("link.jsonl"));
    file.stream() << "new\n";
    file.commit();
  }
  EXPECT_TRUE(std::filesystem::is_symlink(dir.file("link.jsonl")));
  EXPECT_EQ(test::read_file(dir.file("real/out.jsonl")), "new\n");
}

TEST(AtomicFile, PathIsAbsoluteWhateverTheWorkingDirectory) {
  test::TempDir dir;
  const auto old = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  std::string path;
  {
    AtomicFile file("out.jsonl");
    path = file.path();
  }
  std::filesystem::current_path(old);
  EXPECT_EQ(path, std::filesystem::canonical(dir.path()).string() + "/out.jsonl");
}

TEST(AtomicFile, WritesDevicesDirectly) {
  AtomicFile file("/dev/null");
  file.stream() << "discarded";
  EXPECT_TRUE(file.direct());
  EXPECT_NO_THROW(file.commit());
}

TEST(AtomicFile, MissingFolderIsAClearError) {
  EXPECT_THROW(AtomicFile("/nonexistent-dir/out.jsonl"), std::runtime_error);
}

}  // namespace
}  // namespace ocrbatch::util
