#include "input/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>

#include "input/decompressor.h"

namespace ocrbatch::input {
namespace {

using record::ErrorCode;

constexpr size_t kChunk = 1 << 16;

// Feeds libarchive the bytes already read for sniffing, then the rest of the stream; with a
// decompressor, their decoded bytes instead.
struct StreamSource {
  StreamSource(util::FdReader& r, std::string h, std::unique_ptr<Decompressor> d)
      : reader(r), head(std::move(h)), decompressor(std::move(d)) {}

  util::FdReader& reader;
  std::string head;
  bool head_sent = false;
  std::string buffer;
  std::unique_ptr<Decompressor> decompressor;
  std::string input;  // compressed bytes read and not yet decoded, from `input_at`
  size_t input_at = 0;
  bool input_over = false;
  bool finished = false;
  uint64_t compressed = 0;  // compressed bytes decoded so far
  std::string damage;       // why decoding stopped early; empty: it did not
};

// The next compressed bytes: the head first, then the stream. False on a read error.
bool refill(StreamSource& src) {
  src.input.clear();
  src.input_at = 0;
  if (!src.head_sent) {
    src.head_sent = true;
    src.input.swap(src.head);
  } else if (!src.reader.read_up_to(src.input, kChunk)) {
    return false;
  }
  if (src.input.empty()) src.input_over = true;
  return true;
}

la_ssize_t decode_callback(struct archive* a, StreamSource* src, const void** out) {
  src->buffer.resize(kChunk);
  while (!src->finished) {
    if (src->input_at == src->input.size() && !src->input_over && !refill(*src)) {
      archive_set_error(a, errno, "read failed: %s", std::strerror(errno));
      return -1;
    }
    std::string_view in(src->input);
    in.remove_prefix(src->input_at);
    const size_t before = in.size();
    size_t produced = 0;
    const auto status = src->decompressor->decode(in, src->buffer.data(), kChunk, produced);
    src->input_at += before - in.size();
    src->compressed += before - in.size();
    const bool input_done = src->input_over && src->input_at == src->input.size();
    if (status == Decompressor::Status::damaged) {
      src->damage = std::string("damaged ") + src->decompressor->name() + " data";
      src->finished = true;
    } else if (status == Decompressor::Status::end && input_done) {
      src->finished = true;
    } else if (status == Decompressor::Status::ok && input_done && produced == 0 &&
               before == in.size()) {
      src->damage = std::string("truncated ") + src->decompressor->name() + " data";
      src->finished = true;
    }
    if (produced > 0) {
      *out = src->buffer.data();
      return static_cast<la_ssize_t>(produced);
    }
  }
  return 0;
}

la_ssize_t read_callback(struct archive* a, void* opaque, const void** out) {
  auto* src = static_cast<StreamSource*>(opaque);
  if (src->decompressor) return decode_callback(a, src, out);
  if (!src->head_sent) {
    src->head_sent = true;
    if (!src->head.empty()) {
      *out = src->head.data();
      return static_cast<la_ssize_t>(src->head.size());
    }
  }
  src->buffer.clear();
  if (!src->reader.read_up_to(src->buffer, kChunk)) {
    archive_set_error(a, errno, "read failed: %s", std::strerror(errno));
    return -1;
  }
  *out = src->buffer.data();
  return static_cast<la_ssize_t>(src->buffer.size());
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

}  // namespace

bool has_archive_extension(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* const kSuffixes[] = {".zip",     ".tar",     ".tgz", ".tar.gz", ".tbz2",
                                          ".tbz",     ".tar.bz2", ".txz", ".tar.xz", ".tzst",
                                          ".tar.zst", ".7z",      ".cbz", ".cbt",    ".cpio"};
  for (const char* suffix : kSuffixes) {
    const std::string_view s(suffix);
    if (lower.size() >= s.size() && lower.compare(lower.size() - s.size(), s.size(), s) == 0)
      return true;
  }
  return false;
}

namespace {

// The resource forks macOS adds to every zip it makes: never user content.
bool is_macos_metadata(const std::string& path) { return path.rfind("__MACOSX/", 0) == 0; }

bool is_hidden_entry(const std::string& path) {
  size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '.' && path.compare(start, 2, "./") != 0 &&
        path.compare(start, 3, "../") != 0)
      return true;
    const size_t slash = path.find('/', start);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return false;
}

// The container formats we document, not _all: that would also take mtree (a text format
// naming files on this machine), ar, warc and others nobody sends us.
void support_formats(struct archive* a) {
  archive_read_support_format_zip(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_7zip(a);
  archive_read_support_format_rar(a);
  archive_read_support_format_rar5(a);
  archive_read_support_format_cpio(a);
}

// libarchive bids tar on a block of zeros (an end-of-archive mark): a zero-filled file is
// damage, not an empty archive.
bool all_zeros(std::string_view head) { return head.find_first_not_of('\0') == head.npos; }

}  // namespace

bool looks_like_archive(std::string_view head) {
  if (head.empty() || all_zeros(head)) return false;
  if (Decompressor::for_head(head)) return true;
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
  support_formats(a.get());
  return archive_read_open_memory(a.get(), head.data(), head.size()) == ARCHIVE_OK;
}

ArchiveRead read_archive(util::FdReader& reader, std::string head, const std::string& archive_name,
                         const ArchiveLimits& limits, const ItemSink& sink, const EntryPick* pick) {
  if (all_zeros(head)) return ArchiveRead::not_archive;
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  support_formats(a.get());
  auto decompressor = Decompressor::for_head(head);
  StreamSource source(reader, std::move(head), std::move(decompressor));

  // What libarchive says, and what our decoding of the compressed layer saw.
  const auto details = [&] {
    const char* detail = archive_error_string(a.get());
    std::string out = detail ? std::string(": ") + detail : "";
    if (!source.damage.empty()) out += " (" + source.damage + ")";
    return out;
  };
  auto corrupt = [&](const char* what) {
    const std::string message = what + details();
    return sink(InputItem::make_error(archive_name, ErrorCode::archive_corrupt, message))
               ? ArchiveRead::done
               : ArchiveRead::stopped;
  };
  const auto emit = [&](InputItem item) {
    return sink(std::move(item)) ? ArchiveRead::done : ArchiveRead::stopped;
  };

  // A regular file is reopened from its start with seeking, which 7z needs (its index is
  // at the end) and which lets zip use its central directory. Pipes, and compressed data
  // (decoded here, not by libarchive), are read as a stream.
  const bool seekable = !source.decompressor && ::lseek(reader.fd(), 0, SEEK_SET) == 0;
  const int opened = seekable
                         ? archive_read_open_fd(a.get(), reader.fd(), 1 << 16)
                         : archive_read_open(a.get(), &source, nullptr, read_callback, nullptr);
  if (opened != ARCHIVE_OK) {
    // No format bid (libarchive's ARCHIVE_ERRNO_FILE_FORMAT, EILSEQ on Linux) on data no
    // compression filter took: not an archive. Compressed data that holds no archive (a named
    // app.log.gz) or fails to decompress is a damaged or unreadable archive.
    if (archive_errno(a.get()) == EILSEQ && archive_filter_count(a.get()) <= 1 &&
        !source.decompressor)
      return ArchiveRead::not_archive;
    return corrupt("cannot open archive");
  }

  // Bytes taken from the file so far: libarchive's count, or ours when we decode.
  const auto raw_bytes = [&]() -> la_int64_t {
    return source.decompressor ? static_cast<la_int64_t>(source.compressed)
                               : archive_filter_bytes(a.get(), -1);
  };
  uint64_t total = 0;  // decompressed bytes of every entry so far
  bool picked = false;
  struct archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(a.get(), &entry);
    // A compressed stream cut at an entry boundary looks like the end of the archive.
    if (status == ARCHIVE_EOF && !source.damage.empty()) return corrupt("damaged archive");
    if (status == ARCHIVE_EOF) {
      if (!pick || picked) return ArchiveRead::done;
      const bool nested = pick->entry.find("::") != std::string::npos;
      return emit(
          InputItem::make_error(archive_name + "::" + pick->entry, ErrorCode::not_found,
                                "no entry " + pick->entry + " in " + archive_name +
                                    (nested ? " (archives inside archives are not read)" : "")));
    }
    if (status == ARCHIVE_FATAL) return corrupt("damaged archive");
    // ARCHIVE_WARN and ARCHIVE_RETRY still give a usable header.
    // UTF-8 whatever the process locale, which is "C" here: the plain pathname would be
    // NULL for any non-ASCII zip name.
    const char* raw_name = archive_entry_pathname_utf8(entry);
    if (raw_name == nullptr) raw_name = archive_entry_pathname(entry);
    const std::string entry_name = raw_name ? raw_name : "(unnamed)";
    const std::string name = archive_name + "::" + entry_name;
    if (archive_entry_filetype(entry) == AE_IFDIR) continue;
    int page = 0;
    if (pick) {
      if (entry_name == pick->entry)
        page = 0;
      else if (pick->page > 0 && entry_name == pick->paged_entry)
        page = pick->page;
      else
        continue;
      picked = true;
    }
    if (archive_entry_filetype(entry) != AE_IFREG) {
      // Symlinks and devices: nothing is ever extracted, so they cannot point anywhere;
      // they are not images either.
      const auto why = archive_entry_filetype(entry) == AE_IFLNK ? record::SkipKind::link
                                                                 : record::SkipKind::special;
      if (!sink(InputItem::make_skipped(name, why))) return ArchiveRead::stopped;
      continue;
    }
    if (!pick && (is_macos_metadata(entry_name) || (!limits.hidden && is_hidden_entry(entry_name))))
      continue;

    if (archive_entry_is_encrypted(entry)) {
      if (!sink(InputItem::make_error(name, ErrorCode::unsupported_format, "entry is encrypted")))
        return ArchiveRead::stopped;
      continue;
    }
    if (archive_entry_size_is_set(entry) &&
        static_cast<uint64_t>(archive_entry_size(entry)) > limits.max_entry_bytes) {
      if (!sink(InputItem::make_error(name, ErrorCode::too_large,
                                      "entry is " + std::to_string(archive_entry_size(entry)) +
                                          " bytes, over the " +
                                          std::to_string(limits.max_entry_bytes) + "-byte limit")))
        return ArchiveRead::stopped;
      continue;
    }

    // The declared size can lie or be absent (streamed zip entries), so the limit is also
    // enforced while reading.
    std::string bytes;
    enum class Stop { none, entry_limit, total_limit, bomb } stop = Stop::none;
    const auto raw_start = raw_bytes();
    std::array<char, 1 << 16> chunk{};
    la_ssize_t n = 0;
    while ((n = archive_read_data(a.get(), chunk.data(), chunk.size())) > 0) {
      const uint64_t size = bytes.size() + static_cast<uint64_t>(n);
      const auto raw = static_cast<uint64_t>(std::max<la_int64_t>(1, raw_bytes() - raw_start));
      if (size > limits.max_entry_bytes)
        stop = Stop::entry_limit;
      else if (limits.max_total_bytes > 0 && total + size > limits.max_total_bytes)
        stop = Stop::total_limit;
      else if (size > kBombMinBytes && size / raw > kBombRatio)
        stop = Stop::bomb;
      if (stop != Stop::none) break;
      bytes.append(chunk.data(), static_cast<size_t>(n));
    }
    total += bytes.size();
    if (stop == Stop::entry_limit) {
      if (!sink(InputItem::make_error(name, ErrorCode::too_large,
                                      "entry decompresses past the " +
                                          std::to_string(limits.max_entry_bytes) + "-byte limit")))
        return ArchiveRead::stopped;
      continue;
    }
    if (stop != Stop::none) {
      // Past the archive's total or a bomb: nothing more is read from this archive.
      const std::string why =
          stop == Stop::bomb
              ? "entry decompresses to over " + std::to_string(kBombRatio) +
                    " times its compressed size: refused as a decompression bomb"
              : "archive decompresses past the " + std::to_string(limits.max_total_bytes) +
                    "-byte total limit; the rest of it is not read";
      return emit(InputItem::make_error(name, ErrorCode::too_large, why));
    }
    if (n < 0) {
      // Entry data is damaged; report it and try to carry on with the next entry.
      if (!sink(InputItem::make_error(name, ErrorCode::archive_corrupt,
                                      "cannot read entry" + details())))
        return ArchiveRead::stopped;
      if (n == ARCHIVE_FATAL) return ArchiveRead::done;
      continue;
    }

    const auto format = image::sniff(bytes);
    if (format != image::Format::unknown) {
      auto item = InputItem::make_image(name, std::move(bytes), format);
      item.page = page;
      if (!sink(std::move(item))) return ArchiveRead::stopped;
    } else if (image::has_image_extension(entry_name)) {
      const char* why =
          bytes.empty() ? "entry is empty (0 bytes)" : "not a recognised image format";
      if (!sink(InputItem::make_error(name, ErrorCode::decode_failed, why)))
        return ArchiveRead::stopped;
    } else if (!sink(InputItem::make_skipped(name, record::SkipKind::other))) {
      return ArchiveRead::stopped;
    }
  }
}

}  // namespace ocrbatch::input
