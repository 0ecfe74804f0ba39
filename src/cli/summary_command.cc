#include "cli/summary_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli/exit_status.h"
#include "output/combine.h"
#include "output/json_record.h"
#include "util/utf8.h"

namespace ocrbatch::cli {
namespace {

const char* const kFooter =
    R"(Reads the JSON Lines (or -f json) outputs of several runs, usually the shards
of one night (-o out-%s.jsonl), and writes one summary record to stdout: pages,
errors by code, skipped, cached, the slowest pages, each run's end and shard, the
shards missing, and records repeated across outputs. A file may hold several runs
one after the other (cat out-*.jsonl | ocrbatch summary -).

Exit status: 0 every run ended with a complete summary, every shard is there and
no error record was written; 1 all complete, but some inputs failed; 75 a run did
not finish (no summary record, cut short, or interrupted) or a shard's output is
missing; 2 a file cannot be read or is not ocrbatch output, or a usage error.)";

}  // namespace

int summary_main(int argc, const char* const* argv) {
  CLI::App app{"ocrbatch summary: one summary of the outputs of several runs or shards.",
               "ocrbatch summary"};
  app.footer(kFooter);
  app.get_formatter()->column_width(24);
  std::vector<std::string> files;
  size_t slowest = 10;
  bool quiet = false;
  app.add_option("files", files, "Outputs of ocrbatch runs (JSON Lines or -f json); - is stdin")
      ->type_name("FILE...");
  app.add_option("--slowest", slowest, "List the N slowest pages (default 10)")
      ->type_name("N")
      ->check(CLI::Range(0, 100000).description(""));
  app.add_flag("-q,--quiet", quiet, "No summary line on stderr, only the problems found");
  std::vector<std::string> args(argv + 1, argv + argc);
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    std::cout.flush();
    return std::cout ? kExitSuccess : kExitFatal;
  } catch (const CLI::ParseError& e) {
    std::cerr << "ocrbatch summary: " << e.what()
              << "\nTry 'ocrbatch summary --help' for more information.\n";
    return kExitFatal;
  }

  if (files.empty()) {
    std::cerr << "ocrbatch summary: no outputs named: give each shard's output FILE (- for "
                 "stdin)\nTry 'ocrbatch summary --help' for more information.\n";
    return kExitFatal;
  }
  output::CombineOptions options;
  options.slowest = slowest;
  output::Combiner combiner(options);
  bool stdin_used = false;
  for (const auto& file : files) {
    if (file == "-") {
      if (stdin_used) {
        std::cerr << "ocrbatch summary: stdin can be read only once: '-' given more than once\n";
        return kExitFatal;
      }
      stdin_used = true;
      combiner.add("-", std::cin);
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      combiner.add_unreadable(file, std::strerror(errno));
      continue;
    }
    combiner.add(file, in);
  }

  std::cout << output::dump(combiner.summary()) << '\n';
  std::cout.flush();
  const bool written = static_cast<bool>(std::cout);
  for (const auto& problem : combiner.problems())
    std::cerr << "ocrbatch summary: " << util::printable(problem) << '\n';
  if (!quiet) std::cerr << "ocrbatch summary: " << util::printable(combiner.human_line()) << '\n';
  if (!written) {
    std::cerr << "ocrbatch summary: writing to stdout failed: " << std::strerror(errno) << '\n';
    return kExitFatal;
  }

  const output::RunEnd worst = combiner.worst();
  if (worst >= output::RunEnd::invalid) return kExitFatal;
  if (worst != output::RunEnd::complete || combiner.missing_shards()) return kExitIncomplete;
  return combiner.errors() > 0 ? kExitSomeFailed : kExitSuccess;
}

}  // namespace ocrbatch::cli
