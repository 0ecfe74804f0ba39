#include "progress/reporter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ocrbatch::progress {
namespace {

// What a LinePrinter writes, caught in memory.
class Captured {
 public:
  Captured() : stream_(open_memstream(&data_, &size_)) {}
  ~Captured() {
    if (stream_) std::fclose(stream_);
    std::free(data_);
  }
  std::FILE* stream() { return stream_; }
  std::string text() {
    std::fflush(stream_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  std::FILE* stream_;
};

const record::Error kBroken{record::ErrorCode::decode_failed, "bad data in 'x\x1b[2J'"};

TEST(Reporter, ErrorLinesEscapeControlCharactersInNamesAndMessages) {
  Captured err;
  LinePrinter printer(err.stream());
  Reporter reporter(ProgressMode::none, false, printer);
  reporter.error("box.tar::evil\x1b[31m\nred\x1b]0;pwned\x07.png", kBroken);
  EXPECT_EQ(err.text(),
            "ocrbatch: box.tar::evil\\x1b[31m\\nred\\x1b]0;pwned\\x07.png: decode_failed: "
            "bad data in 'x\\x1b[2J'\n");
}

TEST(LogFile, EscapesControlCharactersSoAnEventIsOneLine) {
  char path[] = "/tmp/ocrbatch_log_test_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  {
    LogFile log(path);
    log.error("a\x1b[31m\nb.png: not_found: gone");
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  ::unlink(path);
  const std::string line = text.str();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_NE(line.find(" ERROR a\\x1b[31m\\nb.png: not_found: gone\n"), std::string::npos) << line;
}

TEST(LogFile, EveryLineCarriesTheRunsTagAfterTheLevel) {
  char path[] = "/tmp/ocrbatch_log_test_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  {
    LogFile log(path, "run_id=abc shard=1/4");
    log.info("start");
    log.error("x.png: not_found: gone");
  }
  std::ifstream in(path);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  ::unlink(path);
  EXPECT_NE(first.find("Z INFO run_id=abc shard=1/4 start"), std::string::npos) << first;
  EXPECT_NE(second.find("Z ERROR run_id=abc shard=1/4 x.png: not_found"), std::string::npos)
      << second;
}

}  // namespace
}  // namespace ocrbatch::progress
