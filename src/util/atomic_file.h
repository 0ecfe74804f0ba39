#pragma once

#include <fstream>
#include <string>

namespace ocrbatch::util {

// An output file that readers never see half-written: data goes to a temporary file in the
// same folder, renamed over the target by commit(). Without commit() the temporary is removed.
// A target that is a FIFO or a device (/dev/stdout) is written directly, and a symlink is
// followed, so the file it points to is the one replaced (or created, if the link dangles).
// A folder is refused at once.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);  // throws std::runtime_error
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return stream_; }
  // The absolute path of the file that commit() replaces or creates.
  const std::string& path() const { return path_; }
  // True when writing straight into a FIFO or device: nothing is renamed, and what was
  // written is delivered as it is written, as on stdout.
  bool direct() const { return direct_; }
  // The file being written until commit(); empty when writing a FIFO or device directly.
  std::string temp_path() const { return direct_ ? std::string() : temp_path_; }
  // Flushes, syncs and renames. Throws std::runtime_error on failure.
  void commit();
  // Removes the temporary file now; for a process about to _exit. Thread-safe.
  void abandon() const;

 private:
  std::string path_;
  std::string temp_path_;
  std::ofstream stream_;
  bool committed_ = false;
  bool direct_ = false;  // writing straight into a FIFO or device
};

// The absolute path a write to `path` ends up in: symlinks followed, even dangling ones (their
// target is the file to create), with the folder resolved by realpath. Relative paths are taken
// from the working directory. Returns `path` unchanged if its folder does not exist.
std::string resolve_output_path(const std::string& path);

}  // namespace ocrbatch::util
