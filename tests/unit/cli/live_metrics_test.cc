#include "cli/live_metrics.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "test_support.h"

namespace ocrbatch::cli {
namespace {

using Clock = std::chrono::steady_clock;

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (Clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return condition();
}

int files_in(const std::string& dir) {
  int n = 0;
  DIR* d = ::opendir(dir.c_str());
  while (const dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n;
}

TEST(LiveMetrics, WritesAtOnceAndThenEveryInterval) {
  test::TempDir dir;
  const std::string path = dir.file("ocr.prom");
  std::atomic<int> made{0};
  LiveMetrics live(path, 0.05, [&made]() -> std::optional<std::string> {
    return "ocrbatch_pages " + std::to_string(++made) + "\n";
  });
  ASSERT_TRUE(wait_for([&] { return test::read_file(path) == "ocrbatch_pages 1\n"; },
                       std::chrono::milliseconds(2000)));
  ASSERT_TRUE(wait_for([&] { return made >= 4; }, std::chrono::milliseconds(5000)));
  EXPECT_TRUE(wait_for([&] { return test::read_file(path) != "ocrbatch_pages 1\n"; },
                       std::chrono::milliseconds(2000)));
}

TEST(LiveMetrics, StopsAtOnceAndWritesNothingAfterwards) {
  test::TempDir dir;
  const std::string path = dir.file("ocr.prom");
  std::atomic<int> made{0};
  const auto started = Clock::now();
  {
    LiveMetrics live(path, 3600, [&made]() -> std::optional<std::string> {
      ++made;
      return std::string("x\n");
    });
    ASSERT_TRUE(wait_for([&] { return made == 1; }, std::chrono::milliseconds(2000)));
  }
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(2));  // not the hour's interval
  const int after_stop = made;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(made, after_stop);
  EXPECT_EQ(files_in(dir.path()), 1);  // no temporary file left beside it
}

TEST(LiveMetrics, NothingToWriteLeavesTheFileAlone) {
  test::TempDir dir;
  const std::string path = dir.write("ocr.prom", "earlier\n");
  std::atomic<int> asked{0};
  {
    LiveMetrics live(path, 0.01, [&asked]() -> std::optional<std::string> {
      ++asked;
      return std::nullopt;
    });
    ASSERT_TRUE(wait_for([&] { return asked >= 3; }, std::chrono::milliseconds(2000)));
  }
  EXPECT_EQ(test::read_file(path), "earlier\n");
}

TEST(LiveMetrics, AReaderNeverSeesAPartFile) {
  test::TempDir dir;
  const std::string path = dir.file("ocr.prom");
  // Large enough to need several write() calls, so a torn file would show.
  std::atomic<int> made{0};
  LiveMetrics live(path, 0.001, [&made]() -> std::optional<std::string> {
    const std::string line = "ocrbatch_pages " + std::to_string(++made) + "\n";
    std::string text;
    while (text.size() < 64 * 1024) text += line;
    return text + "# end\n";
  });
  ASSERT_TRUE(wait_for([&] { return made >= 1; }, std::chrono::milliseconds(2000)));
  int complete = 0;
  const auto until = Clock::now() + std::chrono::milliseconds(500);
  while (Clock::now() < until) {
    const std::string text = test::read_file(path);
    if (text.empty()) continue;  // not written yet
    ASSERT_GE(text.size(), 64 * 1024u);
    ASSERT_EQ(text.substr(text.size() - 6), "# end\n");
    ++complete;
  }
  EXPECT_GT(complete, 0);
  EXPECT_GT(made, 2);
}

}  // namespace
}  // namespace ocrbatch::cli
