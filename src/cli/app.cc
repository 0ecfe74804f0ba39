#include "cli/app.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <clocale>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/exit_status.h"
#include "cli/fingerprint.h"
#include "cli/input_list.h"
#include "cli/live_metrics.h"
#include "cli/options.h"
#include "cli/path_guard.h"
#include "cli/summary_command.h"
#include "engine/backends.h"
#include "engine/dnn/dnn_backend.h"
#include "engine/dnn/model_files.h"
#include "image/image.h"
#include "input/discovery.h"
#include "ledger/ledger.h"
#include "output/metrics.h"
#include "output/output_dir.h"
#include "output/sink.h"
#include "pipeline/runner.h"
#include "preprocess/chain.h"
#include "progress/reporter.h"
#include "util/atomic_file.h"
#include "util/process.h"
#include "util/signals.h"
#include "util/utf8.h"
#include "util/uuid.h"

namespace ocrbatch::cli {
namespace {

// Feeds records to the sink (the stream; none with --output-dir and no -o), to the per-input
// files and to the reporter; notices when the output has gone away.
class Writer : public pipeline::RecordHandler {
 public:
  Writer(output::Sink* sink, std::ostream& out, progress::Reporter& reporter,
         output::OutputDir* files)
      : sink_(sink), out_(out), reporter_(reporter), files_(files) {}

  bool on_outcome(const pipeline::Outcome& outcome) override {
    if (files_) {
      if (auto error =
              files_->write(outcome.record, outcome.part, outcome.parts, outcome.unchanged)) {
        reporter_.error(source_of(outcome.record), *error);
        ++file_failures_;
      }
    }
    return outcome.quiet || on_record(outcome.record);
  }

  bool on_record(const record::Record& rec) override {
    if (const auto* error = std::get_if<record::ErrorResult>(&rec)) {
      const std::string where =
          error->page > 0 ? error->source + "#" + std::to_string(error->page) : error->source;
      reporter_.error(where, error->error);
    }
    if (!sink_) return true;
    reporter_.before_output();
    sink_->write(rec);
    // Flushed per record so a pipeline downstream sees each page as it is done.
    out_.flush();
    if (!out_) {
      output_failed_ = true;
      failure_errno_ = errno;
      return false;
    }
    return true;
  }

  void on_progress(const pipeline::Progress& progress) override { reporter_.update(progress); }

  bool output_failed() const { return output_failed_; }
  bool broken_pipe() const { return output_failed_ && failure_errno_ == EPIPE; }
  int failure_errno() const { return failure_errno_; }
  // Inputs whose files could not be written after check() let them through.
  uint64_t file_failures() const { return file_failures_; }

 private:
  static const std::string& source_of(const record::Record& rec) {
    return std::visit([](const auto& r) -> const std::string& { return r.source; }, rec);
  }

  output::Sink* sink_;
  std::ostream& out_;
  progress::Reporter& reporter_;
  output::OutputDir* files_;
  bool output_failed_ = false;
  int failure_errno_ = 0;
  uint64_t file_failures_ = 0;
};

// The files this run writes, which discovery must not read as inputs.
struct Outputs {
  std::vector<input::OutputFile> files;
  std::optional<input::OutputFile> stdout_file;
  std::function<void(const input::OutputFile&)> met;
};

std::optional<input::OutputFile> regular_file(int fd, const std::string& path,
                                              const std::string& option) {
  struct stat st {};
  const int status = fd >= 0 ? ::fstat(fd, &st) : ::stat(path.c_str(), &st);
  if (status != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return input::OutputFile{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                           option};
}

// The output files of `config` that exist now, and stdout if `stdout_gets_data` and it is a
// regular file. Named inputs that are outputs were refused by path_guard; these catch the
// ones reached through --files-from, a symlink, or stdin.
Outputs existing_outputs(const RunConfig& config, bool stdout_gets_data) {
  Outputs outputs;
  const auto add = [&](const std::string& path, const char* option) {
    if (path.empty()) return;
    if (auto id = regular_file(-1, util::resolve_output_path(path), option))
      outputs.files.push_back(*id);
  };
  add(config.output, "-o");
  add(config.log_file, "--log-file");
  add(config.metrics_file, "--metrics-file");
  if (stdout_gets_data) outputs.stdout_file = regular_file(STDOUT_FILENO, "", "stdout");
  return outputs;
}

pipeline::DiscoverFn make_discovery(const RunConfig& config, std::function<bool()> stopped,
                                    std::atomic<uint64_t>* reached, const Outputs& outputs) {
  return [&config, stopped, reached, &outputs](const input::ItemSink& sink) {
    input::DiscoveryOptions options;
    options.outputs = outputs.files;
    options.stdout_file = outputs.stdout_file;
    options.output_met = outputs.met;
    options.hidden = config.hidden;
    options.max_file_bytes = config.max_file_bytes;
    options.archive.max_entry_bytes = config.max_file_bytes;
    options.archive.hidden = config.hidden;
    options.archive.max_total_bytes = config.max_archive_bytes;
    options.stopped = stopped;
    options.files_reached = reached;
    options.shard = config.shard;
    input::Discovery discovery(options, sink);
    for (const auto& path : config.inputs) {
      const bool go_on =
          path == "-" ? discovery.add_stream(STDIN_FILENO, "-") : discovery.add_path(path);
      if (!go_on) return;
    }
    if (config.files_from.empty()) return;
    if (config.files_from == "-") {
      discovery.add_list(STDIN_FILENO, config.list_separator, "-");
      return;
    }
    const int fd = ::open(config.files_from.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      // Reported once across the shards, as a plain run reports it once.
      if (config.shard && !config.shard->owns(config.files_from)) return;
      sink(input::InputItem::make_error(config.files_from, input::error_code_for_errno(err),
                                        std::string("cannot open list: ") + std::strerror(err)));
      return;
    }
    discovery.add_list(fd, config.list_separator, config.files_from);
    ::close(fd);
  };
}

// What a run leaves for the metrics file.
struct Outcome {
  int exit_code = kExitFatal;
  record::RunStats stats;
  record::RunActivity activity;
  // Discovery met it: writing it would replace an input. Set by the producer thread.
  std::atomic<bool> metrics_file_is_input{false};
  std::optional<ledger::LedgerStats> ledger;
  int64_t last_success = 0;  // from the ledger; 0 if unknown
};

// What a signal should stop: set up before anything slow, filled in as the parts appear,
// so a Ctrl-C during start-up still ends the run cleanly.
struct StopTargets {
  std::mutex mutex;
  bool stopped = false;
  pipeline::Runner* runner = nullptr;
  util::AtomicFile* file = nullptr;
  output::OutputDir* files = nullptr;

  void stop() {
    std::lock_guard<std::mutex> lock(mutex);
    stopped = true;
    if (runner) runner->cancel();
  }
  bool is_stopped() {
    std::lock_guard<std::mutex> lock(mutex);
    return stopped;
  }
  void abandon() {
    std::lock_guard<std::mutex> lock(mutex);
    if (file) file->abandon();
    if (files) files->abandon();
  }
  void set_runner(pipeline::Runner* r) {
    std::lock_guard<std::mutex> lock(mutex);
    runner = r;
    if (stopped) r->cancel();
  }
  void set_file(util::AtomicFile* f) {
    std::lock_guard<std::mutex> lock(mutex);
    file = f;
  }
  void set_files(output::OutputDir* f) {
    std::lock_guard<std::mutex> lock(mutex);
    files = f;
  }
};

// A regular file's text; "" for anything else, so a FIFO or a terminal is never read.
std::string file_text(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Only a regular file that holds metrics, or none yet, is rewritten while the run goes:
// anything else may be an input reached through a list or a link, which discovery has yet to
// meet (and then the final write leaves it alone); a FIFO's reader would get the texts run
// together.
bool may_rewrite_during_run(const std::string& path, const std::string& previous) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno == ENOENT;
  return S_ISREG(st.st_mode) && (st.st_size == 0 || previous.rfind("# HELP ocrbatch_", 0) == 0);
}

// What the metrics written while the run goes say about earlier runs: the previous file's
// exit code and end time, the last success, the ledger as it was at the start.
void name_the_run(output::MetricsContext& context, const RunConfig& config) {
  context.run_id = config.run_id;
  if (config.shard) context.shard = std::make_pair(config.shard->index, config.shard->count);
}

output::MetricsContext live_metrics_context(const std::string& previous, ledger::Ledger* ledger,
                                            const RunConfig& config) {
  output::MetricsContext context;
  name_the_run(context, config);
  context.last_success_s = output::last_success_from(previous);
  if (const auto code = output::sample_from(previous, "ocrbatch_exit_code"))
    context.exit_code = static_cast<int>(*code);
  if (const auto when = output::sample_from(previous, "ocrbatch_last_run_timestamp_seconds"))
    context.last_run_s = static_cast<int64_t>(*when);
  if (ledger) {
    try {
      const auto stats = ledger->stats();
      context.ledger_rows = stats.rows;
      context.ledger_bytes = stats.bytes;
      context.last_success_s = std::max(context.last_success_s, ledger->last_success());
    } catch (const std::exception&) {
    }
  }
  context.in_progress = true;
  return context;
}

int run(const RunConfig& config, std::FILE* diag, progress::LogFile* log, Outcome& outcome) {
  // First, before any other thread exists: the blocked-signal mask is inherited.
  StopTargets targets;
  util::SignalWatcher signals([&targets] { targets.stop(); }, [&targets] { targets.abandon(); });
  image::silence_library_messages();
  // The backend loads its models here, before any output exists, so a bad setup fails fast
  // with exit 2.
  const std::unique_ptr<engine::Backend> backend =
      engine::make_backend(config.backend, config.engine);
  if (!backend) throw engine::SetupError("no engine called '" + config.backend + "'");
  // The detector path: its nets load here too. Without its models, --engine dnn cannot run;
  // auto reads every page with Tesseract and says so once.
  recognize::RoutingRules rules;
  rules.mode = config.engine_mode;
  rules.reader = config.reader;
  rules.lang = config.engine.lang;
  std::unique_ptr<engine::dnn::DnnBackend> detector;
  if (config.engine_mode != recognize::EngineMode::tesseract) {
    auto files = engine::dnn::open_model_files(config.models_dir);
    if (!files && config.engine_mode == recognize::EngineMode::dnn)
      throw engine::SetupError("--engine dnn: " + files.error().message);
    if (files) {
      engine::dnn::DnnBackendOptions options;
      options.files = *files;
      options.lang = config.engine.lang;
      options.timeout_s = config.engine.timeout_s;
      detector = std::make_unique<engine::dnn::DnnBackend>(std::move(options), *backend);
      rules.detector_ready = true;
    } else {
      const std::string notice =
          files.error().message + "; every page is read with Tesseract's layout analysis";
      if (!config.quiet)
        std::fprintf(diag, "ocrbatch: notice: %s\n", util::printable(notice).c_str());
      if (log) log->write("NOTICE", notice);
    }
  }

  std::unique_ptr<ledger::Ledger> ledger;
  if (!config.ledger.empty()) {
    ledger::LedgerOptions options;
    options.path = config.ledger;
    engine::Fingerprint engine_part = routing_fingerprint(detector ? *detector : *backend, rules,
                                                          checks_orientation(config.preprocess));
    // A PDF page rendered at another resolution reads differently; the default adds nothing,
    // so ledgers made before PDFs were read stay valid.
    if (config.pdf_dpi > 0)
      engine_part.settings.push_back("pdf_dpi=" + std::to_string(config.pdf_dpi));
    if (config.pdf_text != "auto") engine_part.settings.push_back("pdf_text=" + config.pdf_text);
    options.fingerprint = settings_fingerprint(engine_part, config.detail, config.preprocess);
    options.wait_lock = config.wait_lock;
    options.stopped = [&targets] { return targets.is_stopped(); };
    ledger = std::make_unique<ledger::Ledger>(options);
  }
  // Whatever happens from here, the metrics report on the ledger as the run left it.
  struct LedgerReport {
    ledger::Ledger* ledger;
    Outcome& outcome;
    ~LedgerReport() {
      if (!ledger) return;
      try {
        outcome.ledger = ledger->stats();
        outcome.last_success = ledger->last_success();
      } catch (const std::exception&) {
      }
    }
  } ledger_report{ledger.get(), outcome};

  std::optional<util::AtomicFile> file;
  if (config.stream && !config.output.empty()) {
    file.emplace(config.output);
    targets.set_file(&*file);
  }
  Outputs outputs = existing_outputs(config, !file && config.stream);
  if (file && !file->direct())
    if (auto temp = regular_file(-1, file->temp_path(), "-o")) outputs.files.push_back(*temp);
  std::atomic<bool> output_is_input{false};
  outputs.met = [&](const input::OutputFile& met) {
    if (met.option == "-o") output_is_input = true;
    if (met.option == "--metrics-file") outcome.metrics_file_is_input = true;
  };
  std::ostream& out = file ? file->stream() : std::cout;
  // A FIFO or device delivers each record as it is written, like stdout; a file only when
  // it is renamed into place. The ledger keeps the absolute path, so a later run recovering
  // this one finds the same file from any working directory.
  const bool renamed = file && !file->direct();
  if (ledger) ledger->begin_run({renamed ? file->path() : "", renamed ? file->temp_path() : ""});

  output::SinkOptions sink_options;
  sink_options.detail = config.detail;
  sink_options.csv_safe = config.csv_safe;
  sink_options.pdf_a = config.pdf_a;
  sink_options.notice = [diag, log](const std::string& message) {
    std::fprintf(diag, "ocrbatch: %s\n", util::printable(message).c_str());
    if (log) log->write("WARN", message);
  };
  sink_options.run_id = config.run_id;
  if (config.shard) {
    sink_options.shard_index = config.shard->index;
    sink_options.shard_count = config.shard->count;
  }
  auto sink = config.stream ? output::make_sink(config.format, out, sink_options) : nullptr;
  std::optional<output::OutputDir> files;
  if (!config.output_dir.empty()) {
    output::OutputDirOptions options;
    options.dir = config.output_dir;
    options.formats = config.formats;
    options.sink = sink_options;
    for (const auto& path : config.inputs) {
      struct stat st {};
      if (path == "-") continue;
      if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        options.folders.push_back(path);
      else
        options.files.push_back(path);
    }
    files.emplace(std::move(options));
    targets.set_files(&*files);
  }
  struct ForgetFiles {
    StopTargets& targets;
    ~ForgetFiles() { targets.set_files(nullptr); }
  } forget_files{targets};

  progress::LinePrinter printer(diag, file || !config.stream ? -1 : STDOUT_FILENO);
  progress::Reporter reporter(
      progress::resolve_progress_mode(config.progress, ::isatty(::fileno(diag)) != 0), config.quiet,
      printer, log);
  if (config.shard)
    reporter.set_shard(std::to_string(config.shard->index) + "/" +
                       std::to_string(config.shard->count));

  // Progress totals: a pre-pass counts the files under the named paths (names only) while
  // discovery reads them; what is left to reach is the difference.
  std::atomic<uint64_t> counted{0}, reached{0};
  std::atomic<bool> counting_done{false};
  pipeline::RunnerOptions runner_options;
  runner_options.jobs = config.jobs;
  runner_options.ordered = config.ordered;
  runner_options.cache = ledger.get();
  runner_options.emit_all = config.emit_all;
  runner_options.retry_errors = config.retry_errors;
  runner_options.max_pixels = config.max_pixels;
  runner_options.engine_limits = backend->limits();
  runner_options.max_pages = config.max_pages;
  runner_options.pdf_dpi = config.pdf_dpi;
  runner_options.keep_page_image =
      output::needs_page_image(config.format) ||
      std::any_of(config.formats.begin(), config.formats.end(), output::needs_page_image);
  runner_options.pdf_text = config.pdf_text == "ocr"    ? pipeline::PdfText::ocr
                            : config.pdf_text == "keep" ? pipeline::PdfText::keep
                                                        : pipeline::PdfText::automatic;
  runner_options.routing.rules = rules;
  if (files) {
    output::OutputDir* dir = &*files;
    runner_options.check_output = [dir](const std::string& name) {
      const auto check = dir->check(name);
      return pipeline::OutputCheck{check.refused, check.exist, check.needs_image};
    };
  }
  if (detector) {
    engine::dnn::DnnBackend* dnn = detector.get();
    runner_options.routing.make_detector = [dnn] { return dnn->make_recognizer(); };
  }
  runner_options.unreached_inputs = [&]() -> std::optional<uint64_t> {
    // The count does not read --files-from lists: with one, nobody knows the total.
    if (!counting_done || !config.files_from.empty()) return std::nullopt;
    const uint64_t c = counted.load(), r = reached.load();
    return c > r ? c - r : 0;
  };
  // Each worker's recogniser, chain and orientation detector come from the one backend.
  engine::Backend* engines = backend.get();
  const std::string preprocess_spec = config.preprocess;
  pipeline::Runner runner(
      runner_options, [engines] { return engines->make_recognizer(); },
      [preprocess_spec, engines] {
        return preprocess::Chain(
            preprocess_spec, [engines] { return engines->make_orientation_detector(); },
            engines->limits());
      });

  targets.set_runner(&runner);
  std::thread counter;
  if (reporter.shows_progress()) {
    counter = std::thread([&] {
      counted = input::count_files(
          config.inputs, config.hidden, [&runner] { return runner.cancelled(); },
          config.shard ? &*config.shard : nullptr);
      counting_done = true;
    });
  }
  Writer writer(sink.get(), out, reporter, files ? &*files : nullptr);
  if (sink) sink->begin_run();
  std::optional<LiveMetrics> live_metrics;
  const std::string previous_metrics =
      config.metrics_file.empty() ? "" : file_text(config.metrics_file);
  if (!config.metrics_file.empty() && config.metrics_interval_s > 0 &&
      may_rewrite_during_run(config.metrics_file, previous_metrics)) {
    live_metrics.emplace(
        config.metrics_file, config.metrics_interval_s,
        [&runner, &outcome,
         context = live_metrics_context(previous_metrics, ledger.get(),
                                        config)]() mutable -> std::optional<std::string> {
          if (outcome.metrics_file_is_input) return std::nullopt;
          const auto now = runner.snapshot();
          context.now_s = std::time(nullptr);
          context.activity = now.activity;
          return output::prometheus_text(now.stats, context);
        });
  }
  const auto& stats = outcome.stats =
      runner.run(make_discovery(
                     config, [&runner] { return runner.cancelled(); }, &reached, outputs),
                 writer);
  live_metrics.reset();        // the final write, after run(), must be the last
  if (files) files->finish();  // an input the run stopped in is incomplete: no files
  outcome.activity = runner.snapshot().activity;
  if (counter.joinable()) {
    runner.cancel();  // the run is over: stops a count still walking a huge tree
    counter.join();
  }

  if (!stats.aborted.empty()) {
    // Stdout is closed validly, its summary marked interrupted; a file is not committed, and
    // its temporary file goes with `file`.
    if (!renamed && sink) {
      reporter.before_output();
      sink->end_run(stats);
      out.flush();
    }
    throw std::runtime_error(stats.aborted + "; the run stopped");
  }
  if (output_is_input)
    throw std::runtime_error("-o '" + config.output +
                             "' was also reached as an input: it is not replaced, so that input "
                             "is kept");
  if (writer.broken_pipe()) {
    if (ledger) ledger->finish_run(false);  // what reached the pipe counts as delivered
    return stats.errors > 0 ? kExitSomeFailed : kExitSuccess;
  }
  if (writer.output_failed()) {
    const std::string why =
        std::string("writing output failed: ") + std::strerror(writer.failure_errno());
    std::fprintf(diag, "ocrbatch: %s\n", util::printable(why).c_str());
    if (log) log->write("FATAL", why);
    return kExitFatal;
  }
  if (sink) {
    reporter.before_output();
    sink->end_run(stats);
    out.flush();
  }
  if (file) file->commit();
  if (ledger) ledger->finish_run(stats.errors == 0 && !stats.interrupted);
  reporter.finish(stats);
  if (stats.interrupted) return kExitInterrupted;
  return stats.errors > 0 || writer.file_failures() > 0 ? kExitSomeFailed : kExitSuccess;
}

// --list: discovery only, no engine, no output file, ledger, log or metrics.
int list_inputs(const RunConfig& config, std::FILE* diag) {
  StopTargets targets;
  util::SignalWatcher signals([&targets] { targets.stop(); }, [] {});
  progress::LinePrinter printer(diag);
  progress::Reporter reporter(progress::ProgressMode::none, config.quiet, printer);
  const Outputs outputs = existing_outputs(config, true);
  record::RunStats counts;  // `pages` counts image files
  bool output_failed = false;
  int failure_errno = 0;
  const auto discover = make_discovery(
      config, [&targets] { return targets.is_stopped(); }, nullptr, outputs);
  discover([&](const input::InputItem& item) {
    if (targets.is_stopped()) return false;
    switch (item.kind) {
      case input::InputItem::Kind::image:
        ++counts.pages;
        break;
      case input::InputItem::Kind::skipped:
        ++counts.skipped;
        ++counts.skipped_by_kind[std::string(record::to_string(item.skip))];
        break;
      case input::InputItem::Kind::error:
        ++counts.errors;
        reporter.error(item.name, *item.error);
        break;
    }
    std::cout << list_line(item);
    std::cout.flush();
    if (!std::cout) {
      output_failed = true;
      failure_errno = errno;
      return false;
    }
    return true;
  });
  if (output_failed && failure_errno != EPIPE) {
    std::fprintf(diag, "ocrbatch: writing output failed: %s\n", std::strerror(failure_errno));
    return kExitFatal;
  }
  if (targets.is_stopped()) return kExitInterrupted;
  if (!output_failed) reporter.warn_if_nothing_found(counts);
  return counts.errors > 0 ? kExitSomeFailed : kExitSuccess;
}

// Rewrites the metrics file after every run, failed ones included, so monitoring sees a
// fresh exit code and an ageing last-success time when runs stop succeeding.
void write_metrics(const std::string& path, const Outcome& outcome, const RunConfig& config,
                   std::FILE* diag) {
  output::MetricsContext context;
  name_the_run(context, config);
  context.now_s = std::time(nullptr);
  context.exit_code = outcome.exit_code;
  context.last_run_s = context.now_s;
  context.activity = outcome.activity;
  if (outcome.ledger) {
    context.ledger_rows = outcome.ledger->rows;
    context.ledger_bytes = outcome.ledger->bytes;
  }
  context.last_success_s =
      std::max(outcome.last_success, output::last_success_from(file_text(path)));
  if (outcome.exit_code == kExitSuccess) context.last_success_s = context.now_s;
  try {
    util::AtomicFile file(path);
    file.stream() << output::prometheus_text(outcome.stats, context);
    file.commit();
  } catch (const std::exception& e) {
    std::fprintf(diag, "ocrbatch: metrics: %s\n", util::printable(e.what()).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  util::open_closed_standard_fds();
  util::ensure_single_threaded_openmp(argv);
  // A UTF-8 character type, so libarchive can convert entry names (CP437 or UTF-8 in zips)
  // into the UTF-8 our records promise; in the default "C" locale it gives up on them.
  if (std::setlocale(LC_CTYPE, "C.UTF-8") == nullptr) std::setlocale(LC_CTYPE, "");
  std::ios::sync_with_stdio(false);
  // A subcommand, not a path: a folder called "summary" is named as ./summary.
  if (argc > 1 && std::strcmp(argv[1], "summary") == 0) return summary_main(argc - 1, argv + 1);
  RunConfig config;
  try {
    if (parse(argc, argv, config) == ParseOutcome::exit_ok) return kExitSuccess;
    check_outputs_are_not_inputs(config);
  } catch (const UsageError& e) {
    std::cerr << "ocrbatch: " << util::printable(e.what())
              << "\nTry 'ocrbatch --help' for more information.\n";
    return kExitFatal;
  } catch (const OutputError& e) {
    std::cerr << "ocrbatch: " << e.what() << "\n";
    return kExitFatal;
  }
  std::FILE* diag = util::take_stderr_from_libraries();
  if (config.list) return list_inputs(config, diag);
  config.run_id = util::random_uuid();
  std::optional<progress::LogFile> log;
  Outcome outcome;
  std::string fatal;
  try {
    if (!config.log_file.empty()) {
      std::string tag = "run_id=" + config.run_id;
      if (config.shard)
        tag += " shard=" + std::to_string(config.shard->index) + "/" +
               std::to_string(config.shard->count);
      log.emplace(config.log_file, tag);
      log->info("start: ocrbatch " + version_text().substr(9) + ", jobs " +
                std::to_string(config.jobs) + ", lang " + config.engine.lang);
    }
    outcome.exit_code = run(config, diag, log ? &*log : nullptr, outcome);
  } catch (const ledger::LedgerBusy& e) {
    fatal = e.what();
    outcome.exit_code = kExitLedgerBusy;
  } catch (const ledger::LedgerWaitInterrupted& e) {
    fatal = e.what();
    outcome.exit_code = kExitInterrupted;
  } catch (const std::exception& e) {  // engine::SetupError, ledger, log and output file errors
    fatal = e.what();
    outcome.exit_code = kExitFatal;
  }
  if (!fatal.empty()) {
    std::fprintf(diag, "ocrbatch: %s\n", util::printable(fatal).c_str());
    if (log) log->write("FATAL", fatal);
  }
  if (outcome.metrics_file_is_input)
    std::fprintf(diag, "ocrbatch: --metrics-file '%s' was also reached as an input: not written\n",
                 util::printable(config.metrics_file).c_str());
  else if (!config.metrics_file.empty())
    write_metrics(config.metrics_file, outcome, config, diag);
  return outcome.exit_code;
}

}  // namespace ocrbatch::cli
