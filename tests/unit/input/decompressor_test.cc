#include "input/decompressor.h"

#include <gtest/gtest.h>

#include <string>

namespace ocrbatch::input {
namespace {

const std::string kHello(
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\x57\x00\x00\xf6\xf9\x81\xed"
    "\x06\x00\x00\x00",
    26);  // gzip of "hello "
const std::string kWorld(
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x2b\xcf\x2f\xca\x49\x01\x00\x43\x11\x77\x3a\x05"
    "\x00\x00\x00",
    25);  // gzip of "world"

// Decodes `data` fed in pieces of `piece` bytes, then the end of input, as archive_reader does.
std::pair<std::string, Decompressor::Status> decode_all(const std::string& data, size_t piece) {
  auto d = Decompressor::for_head(data);
  std::string out;
  char buffer[7];
  Decompressor::Status status = Decompressor::Status::ok;
  for (size_t at = 0;; at += piece) {
    std::string_view in(data.data() + std::min(at, data.size()),
                        std::min(piece, data.size() - std::min(at, data.size())));
    const bool last = in.empty();
    do {
      size_t produced = 0;
      const size_t before = in.size();
      status = d->decode(in, buffer, sizeof buffer, produced);
      out.append(buffer, produced);
      if (status == Decompressor::Status::damaged) return {out, status};
      if (produced == 0 && before == in.size()) break;
    } while (!in.empty() || (last && status == Decompressor::Status::ok));
    if (last) return {out, status};
  }
}

TEST(Decompressor, KnowsOnlyCompressionMagic) {
  EXPECT_STREQ(Decompressor::for_head(kHello)->name(), "gzip");
  EXPECT_EQ(Decompressor::for_head("PK\x03\x04"), nullptr);
  EXPECT_EQ(Decompressor::for_head(""), nullptr);
}

TEST(Decompressor, DecodesConcatenatedMembersAndIgnoresTrailingZeros) {
  const auto [out, status] = decode_all(kHello + kWorld + std::string(9, '\0'), 5);
  EXPECT_EQ(out, "hello world");
  EXPECT_EQ(status, Decompressor::Status::end);
}

TEST(Decompressor, TruncatedDataGivesWhatWasDecodedAndNoEnd) {
  const auto [out, status] = decode_all(kHello + kWorld.substr(0, kWorld.size() - 6), 3);
  EXPECT_EQ(out.substr(0, 6), "hello ");
  EXPECT_EQ(status, Decompressor::Status::ok);  // input over without an end: truncated
}

}  // namespace
}  // namespace ocrbatch::input
