#include "cli/path_guard.h"

#include <sys/stat.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/atomic_file.h"

namespace ocrbatch::cli {
namespace {

struct FileId {
  dev_t dev;
  ino_t ino;
  bool operator==(const FileId& other) const { return dev == other.dev && ino == other.ino; }
};

std::optional<FileId> id_of(const std::string& path, mode_t* mode = nullptr) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  if (mode) *mode = st.st_mode;
  return FileId{st.st_dev, st.st_ino};
}

// The folders that hold `resolved` (an absolute path with symlinks resolved), innermost first.
std::vector<FileId> enclosing_folders(const std::string& resolved) {
  std::vector<FileId> out;
  std::string dir = resolved;
  for (;;) {
    const size_t slash = dir.rfind('/');
    if (slash == std::string::npos) break;
    dir = slash == 0 ? "/" : dir.substr(0, slash);
    if (auto id = id_of(dir)) out.push_back(*id);
    if (dir == "/") break;
  }
  return out;
}

}  // namespace

void check_outputs_are_not_inputs(const RunConfig& config) {
  struct Output {
    const char* option;
    const std::string& path;
    bool walked_folder_matters;  // a ledger inside a walked folder is only skipped as a non-image
  };
  const Output outputs[] = {{"-o", config.output, true},
                            {"--log-file", config.log_file, true},
                            {"--metrics-file", config.metrics_file, true},
                            {"--ledger", config.ledger, false}};
  struct Input {
    const std::string* path;
    FileId id;
    bool folder;
  };
  std::vector<Input> inputs;
  for (const auto& path : config.inputs) {
    mode_t mode = 0;
    if (path == "-") continue;
    if (auto id = id_of(path, &mode)) inputs.push_back({&path, *id, S_ISDIR(mode)});
  }
  if (!config.files_from.empty() && config.files_from != "-")
    if (auto id = id_of(config.files_from)) inputs.push_back({&config.files_from, *id, false});

  // Files written below a folder the run walks would be read back as inputs (a PDF output
  // as a PDF input) by this run's walk or the next one's.
  if (!config.output_dir.empty()) {
    const std::string resolved = util::resolve_output_path(config.output_dir);
    auto folders = enclosing_folders(resolved);
    if (auto id = id_of(resolved)) folders.insert(folders.begin(), *id);
    for (const auto& input : inputs)
      for (const auto& folder : folders)
        if (input.folder && folder == input.id)
          throw UsageError("--output-dir '" + config.output_dir +
                           "' is or lies inside the folder '" + *input.path +
                           "', which this run reads: write it somewhere else");
  }
  for (const auto& output : outputs) {
    if (output.path.empty() || output.path == "-") continue;
    const std::string resolved = util::resolve_output_path(output.path);
    mode_t mode = 0;
    const auto id = id_of(resolved, &mode);
    if (id && !S_ISREG(mode)) continue;
    const auto folders = enclosing_folders(resolved);
    for (const auto& input : inputs) {
      const std::string what = std::string(output.option) + " '" + output.path + "'";
      if (!input.folder && id && *id == input.id)
        throw UsageError(what + " is also an input ('" + *input.path +
                         "'): writing it would destroy it");
      if (!input.folder || !output.walked_folder_matters) continue;
      for (const auto& folder : folders)
        if (folder == input.id)
          throw UsageError(what + " lies inside the folder '" + *input.path +
                           "', which this run reads: write it somewhere else");
    }
  }
}

}  // namespace ocrbatch::cli
