#pragma once
// Reads archives entry by entry into memory with libarchive; nothing touches the disk.

#include <cstdint>
#include <string>
#include <string_view>

#include "input/input_item.h"
#include "util/fd_reader.h"

namespace ocrbatch::input {

// True when libarchive bids on the first bytes as one of the formats read here (zip, tar of any
// header style, 7z, RAR, cpio), or they start a compressed stream (gzip, bzip2, xz, zstd)
// that may hold one. Decided on the head alone, so a stream it turns down is left unread.
bool looks_like_archive(std::string_view head);

struct ArchiveLimits {
  uint64_t max_entry_bytes = 0;
  uint64_t max_total_bytes = 0;  // all entries of one archive, decompressed; 0: no limit
  bool hidden = false;           // read entries with a path component starting with '.'
};

// True for names that say "archive" (.zip, .tar, .tgz, .tar.gz, .7z, ...): a folder walk
// opens only these as archives, so a compressed log or an office document is skipped.
bool has_archive_extension(std::string_view name);

// An entry that decompresses past this size and more than kBombRatio times what it
// takes in the archive is treated as a decompression bomb.
constexpr uint64_t kBombMinBytes = 64ull << 20;
constexpr uint64_t kBombRatio = 100;

// The entries to read of an archive named "archive::entry", as records name them: those
// called `entry`, or else, when `entry` ends in "#N", page N of those called `paged_entry`
// (`entry` without the "#N").
struct EntryPick {
  std::string entry;
  std::string paged_entry;
  int page = 0;  // 0: `entry` has no page suffix
};

enum class ArchiveRead {
  not_archive,  // no enabled format (or compression) recognised the data; nothing was pushed
  done,
  stopped,  // the sink asked to stop
};

// Reads the archive from `reader`, whose first bytes were already consumed into `head`.
// libarchive's own bidding decides whether it is an archive at all. Pushes one item per
// regular entry, named "archive_name::entry". A damaged archive ends with one
// archive_corrupt error item after the entries that could be read. With `pick`, only the
// picked entries are read (hidden ones too), and none gives one not_found item.
ArchiveRead read_archive(util::FdReader& reader, std::string head, const std::string& archive_name,
                         const ArchiveLimits& limits, const ItemSink& sink,
                         const EntryPick* pick = nullptr);

}  // namespace ocrbatch::input
