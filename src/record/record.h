#pragma once
// Plain result values shared by every layer: inputs and the engine produce them, sinks
// and the progress reporter consume them. Nothing here knows Tesseract or a file format.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ocrbatch::record {

// Stable error codes: part of the output contract, never renamed.
enum class ErrorCode {
  not_found,
  permission_denied,
  read_failed,
  unsupported_format,
  decode_failed,
  archive_corrupt,
  too_large,
  timeout,
  ocr_failed,
  encrypted,        // a PDF that needs a password
  unsafe_path,      // --output-dir: the output's name would leave the folder, pass through a
                    // link, or replace an input
  output_conflict,  // --output-dir: an earlier input of the run has the same output name
};
// The last code: loops over every code end here.
constexpr ErrorCode kLastErrorCode = ErrorCode::output_conflict;

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

// Why discovery passed over a file or archive entry without an error: stable names, part of
// the output contract (the summary's skipped_by_kind), never renamed.
enum class SkipKind {
  pdf,    // no longer given (PDFs are read); kept so skipped_by_kind and the metrics keep the key
  other,  // not an image or archive
  archive_name,  // archive or compressed data without an archive extension, met in a walk
  special,       // a socket, FIFO or device met in a walk, or such an archive entry
  link,          // a symlink to nothing met in a walk, or a link entry in an archive
};
constexpr int kSkipKinds = static_cast<int>(SkipKind::link) + 1;

std::string_view to_string(SkipKind kind);

// An expected-style return for lower layers: a value or an Error, never an exception.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  T* operator->() { return &*value_; }
  const Error& error() const { return *error_; }

 private:
  std::optional<T> value_;
  std::optional<Error> error_;
};

// What JSON and CSV add to a page record: nothing, the lines or the words of its layout tree,
// or the whole tree.
enum class Detail { none, line, word, layout };

struct Box {
  int x = 0, y = 0, w = 0, h = 0;
};

// A recognised line or word.
struct TextItem {
  std::string text;
  double confidence = 0;
  Box bbox;
};

// A text line's baseline: the straight line its letters sit on, from the start of the text to
// its end in reading order, in source pixels. Its direction is the text's: a word on a page
// read turned by 90 degrees, or deskewed, has a sloped or vertical baseline.
struct Baseline {
  int x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  bool empty() const { return x1 == x2 && y1 == y2; }
};

// A page's layout as its engine found it: blocks in reading order, each of paragraphs, each of
// lines, each of words. Boxes are in source pixels; confidences 0-100. The formats that
// describe a page (hOCR, ALTO, TSV, searchable PDF) render it, and JSON's "lines" and "words"
// are its lines and words.
struct Word {
  std::string text;
  double confidence = 0;
  Box bbox;
  Baseline baseline;
};

struct Line {
  Box bbox;
  double confidence = 0;
  Baseline baseline;
  std::vector<Word> words;
};

struct Paragraph {
  Box bbox;
  double confidence = 0;
  std::vector<Line> lines;
};

struct Block {
  Box bbox;
  double confidence = 0;
  std::vector<Paragraph> paragraphs;
};

// A line's text: its words joined by single spaces, as Tesseract joins them.
std::string text_of(const Line& line);

// The tree's lines (text, confidence, box) or words, in reading order: what JSON's "lines"
// and "words" and CSV's rows list.
std::vector<TextItem> lines_of(const std::vector<Block>& blocks);
std::vector<TextItem> words_of(const std::vector<Block>& blocks);

// The box around both; an empty box (w or h 0) adds nothing.
Box united(const Box& a, const Box& b);

// What one preprocessing step found and did to a page: {"step":"deskew","applied":true,
// "angle":-3.1,"ms":9}. `values` holds the step's own measurements, in order.
struct StepReport {
  std::string step;
  bool applied = false;
  std::vector<std::pair<std::string, std::string>> notes;  // e.g. {"method", "osd"}
  std::vector<std::pair<std::string, double>> values;      // e.g. {"angle", -3.1}
  double ms = 0;
};

// The preprocessing outcome for one page. `ran` is false under --preprocess none, and the
// record then carries none of these fields.
struct Preprocessing {
  bool ran = false;
  std::string kind;             // "bilevel", "grey" or "photo"
  int rotation = 0;             // degrees clockwise applied: 0, 90, 180, 270
  std::optional<double> skew;   // degrees applied by deskew, when deskew ran
  std::optional<double> scale;  // factor applied by scale, when scale ran
  bool blank = false;           // no ink: not recognised, empty text
  int psm = 0;                  // page segmentation mode used, when routed; 0: the run's
  std::vector<StepReport> steps;
};

// Which engine path read a page: whose layout analysis found the text ("tesseract", the
// engine's own page segmentation) and whose recogniser read it.
struct EngineUsed {
  std::string layout;
  std::string recognizer;
};

// The source page as a PDF page shows it: encoded once by the worker, so a searchable PDF's
// writer only copies bytes. The pixels are the source's (the tree's boxes are in them):
// a JPEG's own bytes, or the decoded pixels compressed losslessly.
struct PageImage {
  enum class Encoding {
    jpeg,      // the JPEG file's bytes as they are (baseline or progressive, grey or RGB)
    flate,     // the pixel rows, 8 bits a component, zlib-compressed (PDF's FlateDecode)
    ccitt_g4,  // 1-bit pages: CCITT Group 4, 1 bits black (PDF's CCITTFaxDecode, K -1)
  };
  Encoding encoding = Encoding::flate;
  std::shared_ptr<const std::string> data;
  int width = 0, height = 0;
  int components = 1;  // 1 grey, 3 RGB
  int bits = 8;        // bits per component: 8, or 1 for ccitt_g4
  int dpi = 0;         // 0: none in the file
};

// One recognised page image.
struct PageResult {
  std::string source;  // path as given, or "archive::entry"
  int page = 1;        // 1-based
  int pages = 1;       // pages in the source file
  int width = 0, height = 0;
  int dpi = 0;  // resolution from the file header, 0 if it has none
  std::string text;
  double confidence = 0;  // mean word confidence, 0-100
  int words = 0;
  std::string lang;
  EngineUsed engine;  // empty only in a record remembered from before engines were recorded
  // A PDF page's: "pdf" (its text layer) or "ocr"; empty for an image.
  std::string text_source;
  double duration_ms = 0;     // decode, preprocessing and recognition time for this page
  std::vector<Block> blocks;  // the layout tree, whatever the run's Detail
  Preprocessing preprocess;
  // Only when the run writes a PDF (and never in a record replayed from the ledger).
  std::shared_ptr<const PageImage> image;
};

// An input, or one page of it, that produced no text.
struct ErrorResult {
  std::string source;
  int page = 0;  // 0 when the error concerns the whole file
  Error error;
};

using Record = std::variant<PageResult, ErrorResult>;

// Page recognition times: Prometheus histogram buckets (seconds, cumulative on output), and
// log-spaced buckets for quantiles in a fixed 8 KiB, however many pages a run has.
struct DurationHistogram {
  static constexpr double kBounds[] = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
  static constexpr size_t kBuckets = sizeof(kBounds) / sizeof(kBounds[0]);
  uint64_t counts[kBuckets + 1] = {};  // the last is +Inf
  double sum_s = 0;
  uint64_t count = 0;
  double max_s = 0;
  double min_s = 0;

  // A quantile is within kQuantileError of the true one (relative) for times from
  // kQuantileFloor to past a day; shorter times read as kQuantileFloor, longer ones as max_s.
  // Bucket i > 0 holds (floor * g^(i-1), floor * g^i] with g = (1 + e) / (1 - e), and reads as its
  // point that is e from both ends (DDSketch's buckets).
  static constexpr double kQuantileError = 0.01;
  static constexpr double kQuantileFloor = 1e-4;
  static constexpr size_t kQuantileBuckets = 1040;  // floor * g^1039 is 1.1e5 s
  uint64_t fine[kQuantileBuckets] = {};

  void add(double seconds);
  // The time at rank ceil(q * count) of the sorted times (q in [0, 1]), within
  // kQuantileError and never outside [min_s, max_s]. 0 when nothing was added.
  double quantile(double q) const;
};

// What a run is doing at one moment, for the metrics written while it goes.
struct RunActivity {
  uint64_t queued = 0;     // page jobs waiting for a worker
  uint64_t in_flight = 0;  // page jobs a worker has taken and not finished
  uint64_t held = 0;       // finished records waiting for an earlier one, to keep input order
  double started_s = 0;    // Unix time the run started; 0: it did not start
  double last_page_s = 0;  // Unix time a worker last finished a page; 0: none yet
};

// Totals for the run, written as the last record.
struct RunStats {
  uint64_t pages = 0;
  uint64_t errors = 0;
  uint64_t skipped = 0;  // non-image files met while walking folders and archives
  std::map<std::string, uint64_t> skipped_by_kind;  // to_string(SkipKind) to count
  uint64_t cached = 0;  // pages taken from the ledger instead of being recognised again
  std::map<std::string, uint64_t> errors_by_code;
  double elapsed_s = 0;
  bool interrupted = false;  // stopped early: by a signal, or by `aborted`
  // Why the run stopped before finishing its inputs, when it was not a signal: a failure that
  // makes going on pointless (the ledger's database failing). Empty for a normal run.
  std::string aborted;
  DurationHistogram page_seconds;
  uint64_t replayed_pages = 0;  // page records written from the ledger, not recognised

  void count(const Record& record);
  // A record written again from the ledger: counted, but not timed.
  void count_replayed(const Record& record);
  // Pages recognised (not replayed) per second.
  double pages_per_second() const {
    return elapsed_s > 0 ? (pages - replayed_pages) / elapsed_s : 0;
  }

 private:
  void tally(const Record& record);
};

}  // namespace ocrbatch::record
