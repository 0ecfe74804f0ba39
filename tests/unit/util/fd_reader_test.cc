#include "util/fd_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace ocrbatch::util {
namespace {

TEST(FdReader, SplitsRecordsAcrossReads) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    const std::string part1 = "a.png\0b", part2 = std::string(".png\0c.png", 10);
    ::write(fds[1], "a.png\0b", 7);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::write(fds[1], part2.data(), part2.size());
    ::close(fds[1]);
  });
  FdReader reader(fds[0], nullptr);
  std::vector<std::string> got;
  for (std::string r; reader.next_record(r, '\0');) got.push_back(r);
  writer.join();
  ::close(fds[0]);
  EXPECT_EQ(got, (std::vector<std::string>{"a.png", "b.png", "c.png"}));
}

TEST(FdReader, GivesUpOnAnIdlePipeWhenStopped) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::atomic<bool> stop{false};
  FdReader reader(fds[0], [&] { return stop.load(); });
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
  });
  std::string out;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(reader.read_up_to(out, 100));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  stopper.join();
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(FdReader, ReadUpToStopsAtTheLimitAndAtEof) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::write(fds[1], "0123456789", 10);
  ::close(fds[1]);
  FdReader reader(fds[0], nullptr);
  std::string out;
  EXPECT_TRUE(reader.read_up_to(out, 4));
  EXPECT_EQ(out, "0123");
  EXPECT_TRUE(reader.read_up_to(out, 100));
  EXPECT_EQ(out, "0123456789");
  ::close(fds[0]);
}

}  // namespace
}  // namespace ocrbatch::util
