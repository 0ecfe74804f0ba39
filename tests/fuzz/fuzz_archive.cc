// libFuzzer target: reading an archive the way discovery does. The first 512 bytes are
// the sniffed head, already consumed from the descriptor; only inputs that do not sniff as
// images and that looks_like_archive() (libarchive's bidding on the head) accepts reach
// read_archive, as in discovery; an input it calls not an archive must have pushed nothing.
// Each input is read
// twice, once from each kind of descriptor read_archive handles:
//  - a memfd (a regular file): read_archive rewinds it and lets libarchive seek, the path
//    named files take (7z needs it; zip then uses its central directory);
//  - a pipe: read as a stream, head first, the path stdin and FIFOs take. The whole input
//    fits in the pipe's buffer, so no writer thread is needed.
// Built as a real fuzzer with -DOCRBATCH_FUZZ=ON (clang), and as a replay driver
// (replay_main.cc) with any compiler so ctest runs the seed corpus on every test run.

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "image/image.h"
#include "input/archive_reader.h"
#include "util/fd_reader.h"

namespace {

namespace input = ocrbatch::input;
namespace image = ocrbatch::image;

constexpr size_t kSniffBytes = 512;           // as discovery
constexpr uint64_t kMaxEntryBytes = 1 << 20;  // small, so zip bombs stop early
constexpr uint64_t kMaxTotalBytes = 4 << 20;  // all entries of one archive
constexpr int kMaxItems = 10000;              // the sink asks to stop after this many
constexpr int kPipeBytes = 1 << 20;           // the default pipe-max-size

bool write_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Runs read_archive on `fd`, positioned just past `head`, checking what it hands on.
void read_and_check(int fd, const std::string& head, const input::ArchiveLimits& limits) {
  const std::string archive_name = "fuzz.zip";
  const std::string prefix = archive_name + "::";
  int items = 0;
  uint64_t total = 0;
  ocrbatch::util::FdReader reader(fd, nullptr);
  const auto read =
      input::read_archive(reader, head, archive_name, limits, [&](input::InputItem item) {
        using Kind = input::InputItem::Kind;
        if (item.kind == Kind::image) {
          if (!item.bytes || item.bytes->size() > limits.max_entry_bytes) std::abort();
          total += item.bytes->size();
          if (total > limits.max_total_bytes) std::abort();
          if (item.format == image::Format::unknown || image::sniff(*item.bytes) != item.format)
            std::abort();
          if (item.name.compare(0, prefix.size(), prefix) != 0) std::abort();
        } else if (item.kind == Kind::error) {
          if (!item.error) std::abort();
          if (item.name.compare(0, archive_name.size(), archive_name) != 0) std::abort();
        }
        return ++items < kMaxItems;
      });
  if (read == input::ArchiveRead::not_archive && items != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const std::string head(all.substr(0, kSniffBytes));
  if (image::sniff(head) != image::Format::unknown || !input::looks_like_archive(head)) return 0;

  // Named members, not aggregate order: a field added to ArchiveLimits must not silently
  // take another's value. The last byte picks whether hidden entries are read, so both
  // paths get fuzzed.
  input::ArchiveLimits limits;
  limits.max_entry_bytes = kMaxEntryBytes;
  limits.max_total_bytes = kMaxTotalBytes;
  limits.hidden = (data[size - 1] & 1) != 0;

  // A regular file holding the whole input, its offset past the head as discovery leaves it.
  const int file = ::memfd_create("fuzz_archive", MFD_CLOEXEC);
  if (file < 0 || !write_all(file, data, size) ||
      ::lseek(file, static_cast<off_t>(head.size()), SEEK_SET) != static_cast<off_t>(head.size()))
    std::abort();
  read_and_check(file, head, limits);
  ::close(file);

  // A pipe holding the rest of the input, its write end closed.
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) std::abort();
  const size_t rest = size - head.size();
  const int capacity = ::fcntl(p[1], F_SETPIPE_SZ, kPipeBytes);  // -1: the default, 64 KiB
  if (rest <= static_cast<size_t>(capacity > 0 ? capacity : 1 << 16) &&
      write_all(p[1], data + head.size(), rest)) {
    ::close(p[1]);
    read_and_check(p[0], head, limits);
  } else {
    ::close(p[1]);  // more than a pipe holds (replays only: -max_len keeps fuzz inputs small)
  }
  ::close(p[0]);
  return 0;
}
