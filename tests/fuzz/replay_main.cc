// Replay driver: runs a fuzz target's LLVMFuzzerTestOneInput once on every file named on
// the command line, or found (recursively) under a folder named there. Linked with the
// target's source in place of libFuzzer, so the corpus replays with any compiler.
//   fuzz_<target>_replay [--min-inputs N] <file|folder>...
// Fails when a path does not exist or fewer than N inputs (default 1) were found: an
// empty corpus would otherwise pass silently. A crash fails the test by itself.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  long min_inputs = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--min-inputs" && i + 1 < argc) {
      min_inputs = std::strtol(argv[++i], nullptr, 10);
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(arg))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (fs::is_regular_file(arg, ec)) {
      files.emplace_back(arg);
    } else {
      std::fprintf(stderr, "replay: no such file or folder: %s\n", arg.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());  // same order on every run

  using clock = std::chrono::steady_clock;
  double slowest_ms = 0;
  std::string slowest;
  long count = 0;
  for (const auto& path : files) {
    if (path.filename().string().rfind("README", 0) == 0 || path.filename() == ".gitkeep") continue;
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 2;
    }
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), bytes.size());
    const auto start = clock::now();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    const double ms = std::chrono::duration<double, std::milli>(clock::now() - start).count();
    if (ms > slowest_ms) slowest_ms = ms, slowest = path.string();
    ++count;
  }
  std::printf("replayed %ld inputs; slowest %.1f ms (%s)\n", count, slowest_ms, slowest.c_str());
  if (count < min_inputs) {
    std::fprintf(stderr, "replay: expected at least %ld inputs, found %ld\n", min_inputs, count);
    return 1;
  }
  return 0;
}
