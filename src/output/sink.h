#pragma once
// Result sinks: each writes one output format to a std::ostream from plain record values.

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "record/record.h"

namespace ocrbatch::output {

struct SinkOptions {
  record::Detail detail = record::Detail::none;
  // CSV: text a spreadsheet would take for a formula (= + - @, tab, CR first) gets a leading
  // apostrophe. For files meant to be opened in one; data read by programs stays exact.
  bool csv_safe = false;
  // JSON records carry these after "type", so records of a sharded night can be joined with
  // its logs: the run's id (empty: none), and the shard when the run is one (count 0: not).
  std::string run_id = "";
  uint32_t shard_index = 0;
  uint32_t shard_count = 0;
  bool pdf_a = false;  // -f pdf writes PDF/A-2b
  // Says something to the person running ocrbatch (stderr and the log): a format's notice
  // about the run, such as a PDF not written for want of pages. Null: nothing is said.
  std::function<void(const std::string&)> notice;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void begin_run() {}
  virtual void write(const record::Record& record) = 0;
  virtual void end_run(const record::RunStats& stats) = 0;
};

using SinkFactory = std::function<std::unique_ptr<Sink>(std::ostream&, const SinkOptions&)>;

// The output formats by name ("jsonl", "json", "csv", "text", "tsv", "hocr", "alto"), in the
// order --help lists them.
const std::vector<std::pair<std::string, SinkFactory>>& sink_table();

// Whether the format shows the page itself (PDF): the run then keeps each page's image, and a
// record remembered by the ledger (no pixels) cannot make its file, so the input is read again.
bool needs_page_image(const std::string& format);

// Returns nullptr for an unknown name.
std::unique_ptr<Sink> make_sink(const std::string& format, std::ostream& out,
                                const SinkOptions& options);

// The name sink_table() gives a format: "txt" is "text"; any other name is itself.
std::string canonical_format(const std::string& name);

// The extension of a format's files under --output-dir, dot included: the ones tesseract and
// OCRmyPDF users know (".txt" for text, ".xml" for alto), "." and the name for any other.
std::string extension_for(const std::string& format);

}  // namespace ocrbatch::output
