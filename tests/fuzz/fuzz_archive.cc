// libFuzzer target: reading an archive the way discovery does. The first 512 bytes are
// the sniffed head; the rest is read from a descriptor (a memfd, so any size fits without
// a second thread). Only inputs that looks_like_archive() accepts reach read_archive, as
// in discovery.
// Built as a real fuzzer with -DOCRBATCH_FUZZ=ON (clang), and as a replay driver
// (replay_main.cc) with any compiler so ctest runs the seed corpus on every test run.

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

constexpr size_t kSniffBytes = 512;         // as discovery
constexpr uint64_t kMaxEntryBytes = 1 << 20;  // small, so zip bombs stop early
constexpr uint64_t kMaxTotalBytes = 4 << 20;  // all entries of one archive
constexpr int kMaxItems = 10000;             // the sink asks to stop after this many

bool write_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace input = ocrbatch::input;
  namespace image = ocrbatch::image;

  const std::string_view all(reinterpret_cast<const char*>(data), size);
  std::string head(all.substr(0, kSniffBytes));
  if (!input::looks_like_archive(head)) return 0;

  const int fd = ::memfd_create("fuzz_archive", MFD_CLOEXEC);
  if (fd < 0) std::abort();
  if (!write_all(fd, data + head.size(), size - head.size()) || ::lseek(fd, 0, SEEK_SET) != 0)
    std::abort();

  // Named members, not aggregate order: a field added to ArchiveLimits must not silently
  // take another's value. The last byte picks whether hidden entries are read, so both
  // paths get fuzzed.
  input::ArchiveLimits limits;
  limits.max_entry_bytes = kMaxEntryBytes;
  limits.max_total_bytes = kMaxTotalBytes;
  limits.hidden = size > 0 && (data[size - 1] & 1) != 0;
  const std::string archive_name = "fuzz.zip";
  const std::string prefix = archive_name + "::";
  int items = 0;
  uint64_t total = 0;
  ocrbatch::util::FdReader reader(fd, nullptr);
  input::read_archive(reader, std::move(head), archive_name, limits, [&](input::InputItem item) {
    // Invariants of what read_archive hands on.
    using Kind = input::InputItem::Kind;
    if (item.kind == Kind::image) {
      if (!item.bytes || item.bytes->size() > kMaxEntryBytes) std::abort();
      total += item.bytes->size();
      if (total > kMaxTotalBytes) std::abort();
      if (item.format == image::Format::unknown || image::sniff(*item.bytes) != item.format)
        std::abort();
      if (item.name.compare(0, prefix.size(), prefix) != 0) std::abort();
    } else if (item.kind == Kind::error) {
      if (!item.error) std::abort();
      if (item.name.compare(0, archive_name.size(), archive_name) != 0) std::abort();
    }
    return ++items < kMaxItems;
  });
  ::close(fd);
  return 0;
}
