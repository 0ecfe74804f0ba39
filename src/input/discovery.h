#pragma once
// Turns what the user named (files, folders, archives, "-" for stdin, list files) into
// InputItems, in a deterministic order.

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "input/archive_reader.h"
#include "input/input_item.h"
#include "input/shard.h"

namespace ocrbatch::input {

// A regular file this run writes. Met as an input, it is never read: reading it while it is
// written gives garbage, and renaming the output over it would destroy the input.
struct OutputFile {
  uint64_t dev = 0, ino = 0;
  std::string option;  // "-o", "--log-file", ... as the error message names it
};

struct DiscoveryOptions {
  bool hidden = false;                             // walk into dot-files and dot-folders
  uint64_t max_file_bytes = 1ull << 30;            // refuse larger single files
  ArchiveLimits archive{256ull << 20};             // per entry
  std::function<bool()> stopped;                   // polled while waiting on pipes
  std::atomic<uint64_t>* files_reached = nullptr;  // counts each path opened or failed
  // Each met gives an error item (and a call to output_met); stdout_file, when stdout is a
  // regular file that gets the records, is passed over without a word in a walk, as ripgrep
  // does for `ocrbatch scans/ > scans/out.jsonl`.
  std::vector<OutputFile> outputs;
  std::optional<OutputFile> stdout_file;
  std::function<void(const OutputFile&)> output_met;
  // Only the inputs of this shard give items; the others are passed over before they are
  // opened (folders are walked by every shard). Keys: see shard_key_in_walk and add_path.
  std::optional<Shard> shard;
};

// Part of a named input, picked by a name such as records give: "scan.tif#3" (page 3),
// "a.zip::dir/page.png" (that entry).
struct Pick {
  int page = 0;                      // only this page (1-based) of an image; 0: all
  const EntryPick* entry = nullptr;  // only this entry of an archive
  std::string written;               // the name as given
};

class Discovery {
 public:
  Discovery(DiscoveryOptions options, ItemSink sink);

  // A path the user named: a file, a folder to walk, or an archive. Returns false once the
  // sink has asked to stop. A path that does not exist may be a name records give, such as
  // "scan.tif#3" (page 3 only) or "a.zip::dir/page.png" (that entry only): it is then
  // read as such, and a missing page or entry is a not_found record.
  bool add_path(const std::string& path);

  // One image or one archive arriving on a file descriptor (stdin).
  bool add_stream(int fd, const std::string& display_name);

  // Paths listed one per line (or NUL-separated), read lazily so a producer such as
  // `find -print0` is consumed as it writes. A list that cannot be read (a folder given as
  // the list, for one) gives an error record under `list_name`.
  bool add_list(int fd, char separator, const std::string& list_name);

 private:
  // Opens `name` relative to `dir_fd` (AT_FDCWD for a named path); `path` names it in records.
  std::optional<bool> add_written_name(const std::string& path);
  bool add_file(const std::string& path, bool named, int dir_fd, const std::string& name,
                const Pick& pick = {});
  bool walk_folder(const std::string& dir);
  bool mine(const std::string& key) const { return !options_.shard || options_.shard->owns(key); }
  void reached();
  struct Reached {
    explicit Reached(Discovery* d) : discovery(d) {}
    ~Reached() { discovery->reached(); }
    Discovery* discovery;
  };
  bool read_opened(int fd, const std::string& name, bool named, std::optional<uint64_t> size,
                   const Pick& pick = {});
  bool read_error(const std::string& name, int err);
  // The output file `st` is, if any; null when it is none of them.
  const OutputFile* output_file(const struct stat& st) const;
  // The error item for an input that is an output file, and the call to output_met.
  bool refuse_output(const std::string& name, const OutputFile& output);

  DiscoveryOptions options_;
  ItemSink sink_;
};

// Counts the paths discovery of `paths` would reach, without reading any file: a cheap
// pre-pass that gives progress a total long before discovery reaches the end.
// With `shard`, only the paths that shard's discovery reaches.
uint64_t count_files(const std::vector<std::string>& paths, bool hidden,
                     const std::function<bool()>& stopped, const Shard* shard = nullptr);

// What a file met at `path` in the walk of the named folder `root` is sharded by: its path
// below that folder, so the folder can be named in any way ("inbox", "./inbox/").
std::string shard_key_in_walk(const std::string& root, const std::string& path);

// Maps an errno from open/stat/read to the error code users see.
record::ErrorCode error_code_for_errno(int err);

}  // namespace ocrbatch::input
