#include "cli/options.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <thread>
#include <variant>

#include "cli/config_file.h"
#include "cli/shard.h"
#include "engine/tesseract/tesseract_recognizer.h"
#include "output/sink.h"
#include "preprocess/chain.h"

namespace ocrbatch::cli {
namespace {

// What CLI11 fills in before validation.
struct RawOptions {
  std::vector<std::string> inputs;
  std::string files_from;
  bool null_separated = false;
  bool hidden = false;
  bool list = false;
  std::string output;
  std::string output_dir;
  std::string format = "jsonl";
  std::string detail = "none";
  int csv_safe = 0;  // --csv-safe: 1, --no-csv-safe: -1, neither: 0 (decided by -o)
  bool pdf_a = false;
  int jobs = 0;
  bool unordered = false;
  std::string progress = "auto";
  bool quiet = false;
  std::string lang = "eng";
  int psm = 3;
  int oem = -1;
  std::string tessdata_dir;
  std::vector<std::string> variables;
  uint64_t max_file_mb = 1024;
  double timeout_s = 300;
  uint64_t max_pixels = 150000000;
  int max_pages = 10000;
  std::string pdf_dpi = "auto";
  std::string pdf_text = "auto";
  uint64_t max_archive_mb = 16384;
  std::string metrics_file;
  double metrics_interval_s = 15;
  std::string log_file;
  std::string ledger;
  std::string emit = "new";
  bool retry_errors = false;
  bool wait_lock = false;
  std::string preprocess = "auto";
  bool list_steps = false;
  std::string engine = "auto";
  std::string recognizer = "auto";
  std::string models_dir;
  std::string device = "cpu";
  std::string shard;
  std::string shard_count;
};

const char* const kFooter =
    R"(Output (stdout unless -o): JSON Lines, one object per line with a "type":
  page     {"type":"page","run_id"[,"shard"],"source"[,"source_bytes"],"page",
            "pages","width","height","dpi","lang","engine":{"layout","recognizer"},
            "confidence","word_count","duration_ms","kind","blank","rotation"
            [,"skew"][,"scale"][,"psm"],"text","preprocess"[,"lines"|"words"]}
           (kind..psm and preprocess are absent with --preprocess none)
  error    {"type":"error","run_id"[,"shard"],"source"[,"source_bytes"][,"page"],
            "error":{"code","message"}}
           codes: not_found permission_denied read_failed unsupported_format
                  decode_failed archive_corrupt too_large timeout ocr_failed
                  encrypted unsafe_path output_conflict
  summary  {"type":"summary","run_id"[,"shard"],"pages","errors","errors_by_code",
            "skipped","skipped_by_kind","cached","interrupted","elapsed_s",
            "pages_per_second","page_seconds":{"count","p50","p95","p99","max"}}
           (always last); skip kinds: pdf other archive_name special link
  run_id is the run's UUID, also in every --log-file line; shard (with --shard)
  is its index, in the summary {"index","count"}.
  source is valid UTF-8; source_bytes, only for a name that is not, holds its
  exact bytes in base64 (in CSV the last column, empty for other names).

Exit status: 0 all inputs succeeded, 1 some inputs failed, 2 usage or setup error,
75 another run holds the ledger, 130 interrupted.

Examples:
  ocrbatch scans/ > scans.jsonl
  ocrbatch invoices.zip -f csv -o invoices.csv
  find /srv/inbox -name '*.tif' -print0 | ocrbatch --files-from - -0 > results.jsonl
  cat page.png | ocrbatch - -f text
  ocrbatch --output-dir out -f txt,json scans/   # out/2024/a.txt, out/2024/a.json, ...
  ocrbatch --config /etc/ocrbatch/nightly.toml /srv/inbox   # cron: ledger, metrics, log
  ocrbatch --shard slurm -o out-%s.jsonl --ledger ledger-%s.db /srv/inbox   # one array task
  ocrbatch summary out-*.jsonl   # the shards' night as one summary; exit 0 only if clean

See man ocrbatch for the full output contract, ocrbatch --list-steps for the
preprocessing steps, ocrbatch summary --help for the summary command.)";

std::vector<std::string> format_list() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : output::sink_table()) names.push_back(name);
  return names;
}

std::string format_names() {
  std::string names;
  for (const auto& name : format_list()) names += (names.empty() ? "" : "|") + name;
  return names;
}

record::Detail parse_detail(const std::string& value) {
  if (value == "line") return record::Detail::line;
  if (value == "word") return record::Detail::word;
  if (value == "layout") return record::Detail::layout;
  return record::Detail::none;
}

std::optional<input::Shard> shard_from(const RawOptions& raw) {
  if (raw.shard.empty()) {
    if (!raw.shard_count.empty()) throw UsageError("--shard-count is only for --shard k8s");
    return std::nullopt;
  }
  std::map<std::string, std::string> env;
  for (const char* name : kShardVariables)
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0')
      env[name] = value;
  auto parsed = parse_shard(raw.shard, raw.shard_count, env);
  if (auto* error = std::get_if<std::string>(&parsed)) throw UsageError(*error);
  return std::get<input::Shard>(parsed);
}

RunConfig validate(const RawOptions& raw) {
  RunConfig config;
  config.shard = shard_from(raw);
  config.inputs = raw.inputs;
  config.files_from = raw.files_from;
  config.list_separator = raw.null_separated ? '\0' : '\n';
  config.hidden = raw.hidden;
  config.list = raw.list;
  config.output = raw.output == "-" ? "" : raw.output;
  config.format = raw.format;
  std::vector<std::string> known;
  for (const auto& [name, factory] : output::sink_table()) known.push_back(name);
  for (size_t start = 0; start <= raw.format.size();) {
    const size_t comma = std::min(raw.format.find(',', start), raw.format.size());
    const std::string name = output::canonical_format(raw.format.substr(start, comma - start));
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      const std::string near = nearest_name(name, known);
      throw UsageError("-f: no format called '" + name + "'" +
                       (near.empty() ? "" : "; did you mean '" + near + "'?") +
                       " (formats: " + format_names() + ")");
    }
    if (std::find(config.formats.begin(), config.formats.end(), name) == config.formats.end())
      config.formats.push_back(name);
    start = comma + 1;
  }
  if (raw.output_dir.empty()) {
    if (config.formats.size() > 1)
      throw UsageError("-f with several formats needs --output-dir: a stream has one format");
    config.format = config.formats.front();
    config.formats.clear();
  } else {
    // The files take -f; the stream, written only when -o asks for it, is for programs.
    config.format = "jsonl";
    config.stream = !raw.output.empty();
    if (raw.unordered)
      throw UsageError(
          "--unordered cannot be used with --output-dir: each file is written page "
          "by page, in order");
  }
  config.detail = parse_detail(raw.detail);
  config.ordered = !raw.unordered;
  config.progress = raw.progress;
  config.quiet = raw.quiet;
  config.max_file_bytes = raw.max_file_mb << 20;
  config.max_pixels = raw.max_pixels;
  config.max_pages = raw.max_pages;
  if (raw.pdf_dpi != "auto") {
    const bool digits = !raw.pdf_dpi.empty() && raw.pdf_dpi.size() <= 4 &&
                        raw.pdf_dpi.find_first_not_of("0123456789") == std::string::npos;
    config.pdf_dpi = digits ? std::stoi(raw.pdf_dpi) : 0;
    if (config.pdf_dpi < 10 || config.pdf_dpi > 2400)
      throw UsageError("--pdf-dpi must be auto or a resolution from 10 to 2400");
  }
  config.pdf_text = raw.pdf_text;
  config.max_archive_bytes = raw.max_archive_mb << 20;
  // One name per shard, so shards on several machines never share a file: "%s" is the index.
  const auto per_shard = [&](const std::string& value, const char* option) {
    std::string path;
    if (!expand_shard_name(value, config.shard ? &*config.shard : nullptr, path))
      throw UsageError(std::string(option) + " '" + value +
                       "': %s stands for the shard index, but --shard is not given (write %% "
                       "for a literal %)");
    return path;
  };
  config.output = per_shard(config.output, "--output");
  config.output_dir = per_shard(raw.output_dir, "--output-dir");
  config.metrics_file = per_shard(raw.metrics_file, "--metrics-file");
  if (!(raw.metrics_interval_s >= 0 && raw.metrics_interval_s <= 86400))
    throw UsageError("--metrics-interval must be a number of seconds from 0 to 86400");
  config.metrics_interval_s = raw.metrics_interval_s;
  config.log_file = per_shard(raw.log_file, "--log-file");
  config.ledger = per_shard(raw.ledger, "--ledger");
  config.emit_all = raw.emit == "all";
  config.retry_errors = raw.retry_errors;
  config.wait_lock = raw.wait_lock;
  if (config.ledger.empty() && (raw.emit != "new" || raw.retry_errors || raw.wait_lock))
    throw UsageError("--emit, --retry-errors and --wait-lock need --ledger");

  if (config.inputs.empty() && config.files_from.empty())
    throw UsageError(
        "no inputs: name files, folders or archives, '-' for stdin, or use --files-from");
  int stdin_users = config.files_from == "-" ? 1 : 0;
  for (const auto& input : config.inputs) stdin_users += input == "-" ? 1 : 0;
  if (stdin_users > 1)
    throw UsageError("stdin can be read only once: '-' given more than once with --files-from -");
  if (raw.null_separated && config.files_from.empty())
    throw UsageError("-0/--null needs --files-from");
  const auto wants = [&](const char* format) {
    return config.format == format ||
           std::find(config.formats.begin(), config.formats.end(), format) != config.formats.end();
  };
  // --detail shapes JSON and CSV; the document formats render the whole layout tree whatever
  // it says, and text has no boxes.
  const bool detail_shown =
      config.output_dir.empty()
          ? config.format == "jsonl" || config.format == "json" || config.format == "csv"
          : config.stream || std::find_if(config.formats.begin(), config.formats.end(),
                                          [](const std::string& f) {
                                            return f == "jsonl" || f == "json" || f == "csv";
                                          }) != config.formats.end();
  if (config.detail != record::Detail::none && !detail_shown)
    throw UsageError("--detail has no effect with -f " + raw.format + "; use jsonl, json or csv");
  if (raw.csv_safe > 0 && !wants("csv")) throw UsageError("--csv-safe applies only to -f csv");
  if (raw.pdf_a && !wants("pdf")) throw UsageError("--pdf-a applies only to -f pdf");
  config.pdf_a = raw.pdf_a;
  // A .csv file is likely to be opened in a spreadsheet; a pipe feeds a program that wants
  // the data exact.
  const auto& out = config.output;
  const bool csv_file = out.size() > 4 && (out.compare(out.size() - 4, 4, ".csv") == 0 ||
                                           out.compare(out.size() - 4, 4, ".CSV") == 0);
  // Files under --output-dir are .csv files too.
  config.csv_safe =
      wants("csv") &&
      (raw.csv_safe > 0 || (raw.csv_safe == 0 && (csv_file || !config.output_dir.empty())));

  const unsigned cores = std::thread::hardware_concurrency();
  config.jobs = raw.jobs > 0 ? raw.jobs : static_cast<int>(cores > 0 ? cores : 1);

  auto preprocess = preprocess::parse_spec(raw.preprocess);
  if (!preprocess) throw UsageError("--preprocess: " + preprocess.error().message);
  config.preprocess = *preprocess;

  config.engine_mode = raw.engine == "tesseract" ? recognize::EngineMode::tesseract
                       : raw.engine == "dnn"     ? recognize::EngineMode::dnn
                                                 : recognize::EngineMode::automatic;
  config.reader = raw.recognizer == "tesseract" ? recognize::ReaderChoice::tesseract
                  : raw.recognizer == "ppocr"   ? recognize::ReaderChoice::ppocr
                                                : recognize::ReaderChoice::automatic;
  if (config.engine_mode == recognize::EngineMode::tesseract &&
      config.reader == recognize::ReaderChoice::ppocr)
    throw UsageError(
        "--recognizer ppocr reads the lines the detector finds: it needs --engine auto or dnn");
  config.models_dir = raw.models_dir;
  config.engine.lang = raw.lang;
  config.engine.tesseract.psm = raw.psm;
  config.engine.tesseract.oem = raw.oem;
  config.engine.tesseract.tessdata_dir = raw.tessdata_dir;
  // CLI::Range lets NaN through (every comparison with it is false).
  if (!(raw.timeout_s >= 0 && raw.timeout_s <= 86400))
    throw UsageError("--timeout must be a number of seconds from 0 to 86400");
  config.engine.timeout_s = raw.timeout_s;
  for (const auto& assignment : raw.variables) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("-c expects NAME=VALUE, got '" + assignment + "'");
    config.engine.tesseract.variables.emplace_back(assignment.substr(0, eq),
                                                   assignment.substr(eq + 1));
  }
  return config;
}

}  // namespace

std::string steps_text() {
  std::string out =
      "Preprocessing steps, in the order --preprocess auto runs them. Every chain first\n"
      "classifies the page (bilevel, grey or photo; line or page; inverted; blank; text "
      "height).\n\n";
  for (const auto& step : preprocess::steps()) {
    out += std::string("  ") + step.name + "\n      " + step.summary +
           "\n      named: " + step.forced + "\n";
  }
  out +=
      "\nExamples: --preprocess auto (default), --preprocess none, --preprocess deskew,binarize\n";
  return out;
}

std::string version_text() {
  return "ocrbatch " OCRBATCH_VERSION " (" + engine::tesseract::TesseractRecognizer::version() +
         ")";
}

namespace {

// The environment variables that stand for options: used for an option the command line does
// not set, and over the config file's value for it.
const std::pair<const char*, const char*> kEnvironmentOptions[] = {
    {"OCRBATCH_JOBS", "--jobs"},
    {"OCRBATCH_PROGRESS", "--progress"},
    {"OCRBATCH_LEDGER", "--ledger"},
    {"OCRBATCH_MODELS", "--models-dir"},
    {"OCRBATCH_METRICS_INTERVAL", "--metrics-interval"},
};

// Gives an option that the command line left unset a value from a lower layer (environment or
// config file), checked exactly as a command-line value would be. `where` starts the message.
void apply_value(CLI::Option* opt, const std::vector<std::string>& values,
                 const std::string& where) {
  try {
    opt->clear();
    opt->add_result(values);
    opt->run_callback();
  } catch (const CLI::Error& e) {
    throw UsageError(where + ": " + e.what());
  }
}

// Options that make no sense in a file: they are actions, or they name the file itself.
bool file_may_set(const std::string& key) {
  return key != "config" && key != "help" && key != "version" && key != "list-steps" &&
         key != "list";
}

void apply_config_file(CLI::App& app, const std::string& path,
                       const std::vector<std::string>& known) {
  for (const auto& entry : read_config_file(path)) {
    const std::string what = entry.where + ": '" + entry.key + "'";
    CLI::Option* opt = nullptr;
    if (entry.key == "inputs")
      opt = app.get_option_no_throw("inputs");
    else if (entry.key == "c")
      opt = app.get_option_no_throw("-c");
    else if (file_may_set(entry.key) && entry.key.size() > 1)
      opt = app.get_option_no_throw("--" + entry.key);
    if (opt == nullptr) {
      if (!file_may_set(entry.key)) throw UsageError(what + " cannot be set in a config file");
      const std::string near = nearest_name(entry.key, known);
      throw UsageError(what + " is not an option" +
                       (near.empty() ? "" : "; did you mean '" + near + "'?"));
    }
    if (opt->count() > 0) continue;  // the command line wins
    const bool flag = opt->get_items_expected_max() == 0;
    if (flag != entry.is_boolean)
      throw UsageError(
          what + (flag ? " is a flag: write true or false" : " needs a value, not true or false"));
    const bool list = entry.key == "inputs" || entry.key == "c";
    if (entry.is_array && !list) throw UsageError(what + " takes one value, not a list");
    if (flag && entry.values.front() == "false") continue;
    for (const auto& value : entry.values)
      if (value.empty()) throw UsageError(what + " has an empty value");
    apply_value(opt, entry.values, what);
  }
}

// Below the command line: the environment's values, then the config file's, each only for
// options still unset. A bad OCRBATCH_JOBS therefore never fails `ocrbatch -j 2`.
void apply_lower_layers(CLI::App& app, const std::string& config_path) {
  std::vector<std::string> known;
  for (const CLI::Option* opt : app.get_options())
    for (const auto& name : opt->get_lnames()) known.push_back(name);
  for (const auto& [variable, option] : kEnvironmentOptions) {
    const char* value = std::getenv(variable);
    CLI::Option* opt = app.get_option_no_throw(option);
    if (value == nullptr || *value == '\0' || opt == nullptr || opt->count() > 0) continue;
    apply_value(opt, {value}, std::string(variable) + "=" + value);
  }
  if (!config_path.empty()) apply_config_file(app, config_path, known);
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string nearest_name(const std::string& name, const std::vector<std::string>& known) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& candidate : known) {
    const size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

namespace {

// Checks what CLI11 2.1 gets wrong or says unhelpfully, before it parses:
// - `--output=` with nothing after `=` makes CLI11 take the *next* argument as the value, so
//   `--output="$EMPTY" a.png b.png` would overwrite a.png; an empty value given as its own
//   argument (`-o ""`) would quietly mean "the default". Both are usage errors.
// - an unknown `--name` gets the nearest known name as a suggestion, as git does.
void check_arguments(const std::vector<std::string>& args, const CLI::App& app) {
  std::vector<std::string> long_names;
  for (const CLI::Option* opt : app.get_options())
    for (const auto& name : opt->get_lnames()) long_names.push_back(name);
  const auto takes_value = [](const CLI::Option* opt) {
    return opt != nullptr && opt->get_items_expected_max() > 0 && !opt->get_positional();
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return;
    if (arg.size() < 2 || arg[0] != '-' || arg == "-") continue;
    const CLI::Option* opt = nullptr;
    std::string shown = arg;
    bool attached = false;
    if (arg[1] == '-') {
      const size_t eq = arg.find('=');
      const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      shown = "--" + name;
      opt = app.get_option_no_throw(shown);
      if (opt == nullptr) {
        if (name == "help" || name == "version") continue;
        const std::string near = nearest_name(name, long_names);
        throw UsageError("unknown option '" + shown + "'" +
                         (near.empty() ? "" : "; did you mean '--" + near + "'?"));
      }
      if (eq != std::string::npos) {
        if (takes_value(opt) && eq + 1 == arg.size())
          throw UsageError(shown +
                           "= has an empty value: give one after '=', or leave the option out");
        continue;
      }
    } else {
      shown = arg.substr(0, 2);
      opt = app.get_option_no_throw(shown);
      attached = arg.size() > 2;  // -j4, -ofile
    }
    if (!takes_value(opt) || attached) continue;
    if (i + 1 < args.size() && args[i + 1].empty())
      throw UsageError(shown + " has an empty value: give one, or leave the option out");
    ++i;  // the option's value, whatever it looks like
  }
}

// Writes help-like text to stdout; a failed write (stdout on a full disk) is an error, so a
// script that captures `ocrbatch --help` learns it got nothing.
void print_or_throw(const std::string& text) {
  std::cout << text;
  std::cout.flush();
  if (!std::cout)
    throw OutputError(std::string("writing to stdout failed: ") + std::strerror(errno));
}

}  // namespace

ParseOutcome parse(int argc, const char* const* argv, RunConfig& config) {
  RawOptions raw;
  CLI::App app{
      "ocrbatch: batch OCR of scanned documents and photos with Tesseract.\n"
      "Reads images, folders, ZIP/TAR archives, lists of paths or stdin; writes\n"
      "one record per page image.",
      "ocrbatch"};
  app.footer(kFooter);
  app.get_formatter()->column_width(30);
  app.set_version_flag("-V,--version", version_text(), "Print the version and exit");

  app.add_option("inputs", raw.inputs,
                 "Image files, folders (walked recursively, sorted), archives, or - for one "
                 "image or archive on stdin; names as records give them (a.zip::entry, "
                 "file.tif#3) read only that entry or page")
      ->type_name("PATH...");

  const char* kInput = "Input";
  app.add_option("--files-from", raw.files_from,
                 "Read paths to process from FILE, one per line (- for stdin)")
      ->type_name("FILE")
      ->group(kInput);
  app.add_flag("-0,--null", raw.null_separated,
               "Paths in --files-from are NUL-separated (find -print0)")
      ->group(kInput);
  app.add_flag("--hidden", raw.hidden, "Also walk hidden files and folders (names starting with .)")
      ->group(kInput);
  app.add_flag("--list", raw.list,
               "Print the inputs a run would read and the files it would skip, one per line "
               "(image<TAB>NAME, skip<TAB>KIND<TAB>NAME, error<TAB>CODE<TAB>NAME), then exit "
               "without OCR")
      ->group(kInput);
  app.add_option("--max-file-size", raw.max_file_mb,
                 "Refuse image files and archive entries larger than MB MiB (default 1024)")
      ->type_name("MB")
      ->check(CLI::Range(1, 1 << 20).description(""))
      ->group(kInput);
  app.add_option("--max-archive-size", raw.max_archive_mb,
                 "Stop reading an archive once its entries decompress past MB MiB in total "
                 "(default 16384); entries over 100x their compressed size past 64 MiB are "
                 "refused as decompression bombs")
      ->type_name("MB")
      ->check(CLI::Range(1, 1 << 30).description(""))
      ->group(kInput);
  app.add_option("--max-pixels", raw.max_pixels,
                 "Refuse pages whose header declares more pixels, before decoding them "
                 "(default 150000000); sides over 32767 are always refused")
      ->type_name("N")
      ->check(CLI::Range(1ull, 1ull << 40).description(""))
      ->group(kInput);
  app.add_option("--max-pages", raw.max_pages, "Refuse files with more pages (default 10000)")
      ->type_name("N")
      ->check(CLI::Range(1, 1 << 24).description(""))
      ->group(kInput);
  app.add_option("--pdf-dpi", raw.pdf_dpi,
                 "Render PDF pages at N dots per inch (10-2400); auto (the default): the "
                 "resolution of the page's largest image (150-600), 300 on a page without "
                 "one. The rendered size is checked against --max-pixels first")
      ->type_name("N|auto")
      ->group(kInput);
  app.add_option("--pdf-text", raw.pdf_text,
                 "Where a PDF page's text comes from: auto (the default) takes its text layer "
                 "when it has one, unless the page is a scan with a few words on it, and OCRs "
                 "the others; ocr always OCRs; keep never does")
      ->type_name("auto|ocr|keep")
      ->check(CLI::IsMember({"auto", "ocr", "keep"}).description(""))
      ->group(kInput);
  app.add_option("--shard", raw.shard,
                 "Process only shard I of N (0-based) of the inputs, by a stable hash of each "
                 "input's path; slurm or k8s take I and N from the job array's environment. %s "
                 "in -o, --output-dir, --ledger, --log-file and --metrics-file is the shard index")
      ->type_name("I/N|slurm|k8s")
      ->group(kInput);
  app.add_option("--shard-count", raw.shard_count,
                 "With --shard k8s: the number of shards, the Job's completions (default: "
                 "$OCRBATCH_SHARD_COUNT)")
      ->type_name("N")
      ->group(kInput);

  const char* kOutput = "Output";
  app.add_option("-o,--output", raw.output,
                 "Write to FILE (atomically: a temporary file renamed at the end); - is stdout, "
                 "the default")
      ->type_name("FILE")
      ->group(kOutput);
  app.add_option("--output-dir", raw.output_dir,
                 "Write one file per input and format below DIR (created if missing), mirroring "
                 "the input's path below the folder named (scans/2024/a.tif is DIR/2024/a.txt), "
                 "each renamed into place once the input is done; no stream then unless -o is "
                 "given (-o - for JSON Lines on stdout)")
      ->type_name("DIR")
      ->group(kOutput);
  app.add_option("-f,--format", raw.format,
                 "Output format (txt is text; pdf: a searchable PDF, the page image under its "
                 "text); with --output-dir a comma-separated list, one file per input for each "
                 "(.jsonl .json .csv .txt .tsv .hocr .xml .pdf)")
      ->type_name(format_names())
      ->default_val("jsonl")
      ->group(kOutput);
  app.add_option("--detail", raw.detail,
                 "Add recognised lines or words, with confidences and boxes; layout: the "
                 "whole tree (blocks, paragraphs, lines, words, with baselines; csv: words)")
      ->type_name("none|line|word|layout")
      ->check(CLI::IsMember({"none", "line", "word", "layout"}).description(""))
      ->default_val("none")
      ->group(kOutput);
  app.add_flag("--csv-safe,!--no-csv-safe", raw.csv_safe,
               "-f csv: put ' before text starting with = + - @, tab or CR, so a spreadsheet "
               "does not run it as a formula (default: on for -o *.csv, off otherwise)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->group(kOutput);
  app.add_flag("--pdf-a", raw.pdf_a,
               "-f pdf: write PDF/A-2b (XMP metadata, sRGB output intent, embedded font)")
      ->group(kOutput);
  app.add_flag("--unordered", raw.unordered,
               "Write records as pages finish instead of in input order")
      ->group(kOutput);

  const char* kRecognition = "Recognition";
  app.add_option("-l,--lang", raw.lang, "Tesseract language(s), joined with +")
      ->type_name("LANG")
      ->default_val("eng")
      ->group(kRecognition);
  app.add_option("--psm", raw.psm,
                 "Tesseract page segmentation mode, 0-13 (default 3, as the tesseract CLI)")
      ->type_name("N")
      ->check(CLI::Range(0, 13).description(""))
      ->group(kRecognition);
  app.add_option("--oem", raw.oem, "Tesseract engine mode (0-3; default 3)")
      ->type_name("N")
      ->check(CLI::Range(0, 3).description(""))
      ->group(kRecognition);
  app.add_option("--tessdata-dir", raw.tessdata_dir,
                 "Folder holding *.traineddata (default: $TESSDATA_PREFIX, then Tesseract's own)")
      ->type_name("DIR")
      ->group(kRecognition);
  app.add_option("-c", raw.variables, "Set a Tesseract variable; repeatable")
      ->type_name("NAME=VALUE")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(kRecognition);

  app.add_option("--engine", raw.engine,
                 "Who finds the text: auto sends photos, forms, receipts, sparse and Chinese "
                 "pages to the DNN text detector and keeps Tesseract's layout analysis for "
                 "documents; tesseract and dnn force one path (see man ocrbatch, ENGINES)")
      ->type_name("auto|tesseract|dnn")
      ->check(CLI::IsMember({"auto", "tesseract", "dnn"}).description(""))
      ->default_val("auto")
      ->group(kRecognition);
  app.add_option("--recognizer", raw.recognizer,
                 "Who reads the detected lines: auto uses PP-OCR for Chinese and Japanese and "
                 "for English photos, Tesseract otherwise")
      ->type_name("auto|tesseract|ppocr")
      ->check(CLI::IsMember({"auto", "tesseract", "ppocr"}).description(""))
      ->default_val("auto")
      ->group(kRecognition);
  app.add_option("--models-dir", raw.models_dir,
                 "Folder of the PP-OCR models (default: $OCRBATCH_MODELS, then the installed "
                 "share/ocrbatch/models)")
      ->type_name("DIR")
      ->group(kRecognition);
  app.add_option("--device", raw.device,
                 "Where the DNN nets run; this build has only cpu (Debian's OpenCV has no CUDA "
                 "backend)")
      ->type_name("cpu")
      ->check(CLI::IsMember({"cpu"}).description(""))
      ->default_val("cpu")
      ->group(kRecognition);
  app.add_option("--preprocess", raw.preprocess,
                 "Image preparation before recognition: auto classifies each page and applies "
                 "only the steps it needs; none gives Tesseract the image as decoded; a list "
                 "such as deskew,binarize runs those steps in that order (see --list-steps)")
      ->type_name("auto|none|STEP,...")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->default_val("auto")
      ->group(kRecognition);
  app.add_flag("--list-steps", raw.list_steps, "List the preprocessing steps and exit")
      ->group(kRecognition);

  const char* kLedger = "Incremental runs";
  app.add_option("--ledger", raw.ledger,
                 "Remember every page done in this SQLite file; later runs skip content already "
                 "done with the same settings, and finish what an interrupted run left")
      ->type_name("FILE")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->group(kLedger);
  app.add_option("--emit", raw.emit,
                 "With --ledger: write only new results, or also the remembered ones")
      ->type_name("new|all")
      ->check(CLI::IsMember({"new", "all"}).description(""))
      ->default_val("new")
      ->group(kLedger);
  app.add_flag("--retry-errors", raw.retry_errors,
               "With --ledger: process again pages whose remembered result is an error")
      ->group(kLedger);
  app.add_flag("--wait-lock", raw.wait_lock,
               "With --ledger: wait for another run using the ledger instead of exiting with 75")
      ->group(kLedger);

  const char* kRun = "Run";
  app.add_option("--timeout", raw.timeout_s,
                 "Give up on a page after SECONDS of recognition, with a timeout error record; "
                 "0: no limit (default 300)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 86400.0).description(""))
      ->group(kRun);
  app.add_option("-j,--jobs", raw.jobs,
                 "Worker threads, each with one warm engine (default: cores)")
      ->type_name("N")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->check(CLI::Range(1, 256).description(""))
      ->group(kRun);
  app.add_option("--progress", raw.progress,
                 "Progress on stderr: auto is a bar on a terminal, else none; plain prints a "
                 "line every 5 s for logs")
      ->type_name("auto|bar|plain|none")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->check(CLI::IsMember({"auto", "bar", "plain", "none"}).description(""))
      ->default_val("auto")
      ->group(kRun);
  app.add_flag("-q,--quiet", raw.quiet, "Print only errors on stderr: no progress, no summary line")
      ->group(kRun);
  app.add_option("--log-file", raw.log_file,
                 "Append timestamped lines (start, each error, summary) to FILE")
      ->type_name("FILE")
      ->group(kRun);
  app.add_option("--metrics-file", raw.metrics_file,
                 "Write run metrics in Prometheus text format to FILE, atomically (for "
                 "node_exporter's textfile collector)")
      ->type_name("FILE")
      ->group(kRun);
  app.add_option("--metrics-interval", raw.metrics_interval_s,
                 "With --metrics-file: also rewrite it every SECONDS while the run goes; 0: only "
                 "at the end (default 15)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 86400.0).description(""))
      ->group(kRun);
  std::string config_path;
  app.add_option("--config", config_path,
                 "Read options from a TOML file (long option names as keys); the environment "
                 "and the command line override it")
      ->type_name("FILE")
      ->group(kRun);

  const std::vector<std::string> user_args(argv + std::min(argc, 1), argv + argc);
  check_arguments(user_args, app);
  // CLI11 wants the arguments in reverse order, without the program name.
  std::vector<std::string> args(user_args.rbegin(), user_args.rend());
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    print_or_throw(app.help());
    return ParseOutcome::exit_ok;
  } catch (const CLI::CallForVersion&) {
    print_or_throw(version_text() + "\n");
    return ParseOutcome::exit_ok;
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }
  if (config_path.empty())
    if (const char* env = std::getenv("OCRBATCH_CONFIG"); env != nullptr) config_path = env;
  if (!raw.list_steps) apply_lower_layers(app, config_path);
  if (raw.list_steps) {
    print_or_throw(steps_text());
    return ParseOutcome::exit_ok;
  }
  config = validate(raw);
  return ParseOutcome::run;
}

}  // namespace ocrbatch::cli
