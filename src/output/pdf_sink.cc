#include <optional>

#include "output/sink.h"
#include "pdf/pdf_writer.h"

namespace ocrbatch::output {
namespace {

// One searchable PDF of every page of the run (or of the one input it serves), in input order:
// each page record becomes a page, each error record none. A run with no page writes nothing,
// since a PDF holds at least one page, and says so on stderr.
class PdfSink : public Sink {
 public:
  PdfSink(std::ostream& out, const SinkOptions& options) : out_(out), options_(options) {}

  void begin_run() override { writer(); }

  void write(const record::Record& rec) override {
    const auto* page = std::get_if<record::PageResult>(&rec);
    if (page == nullptr || failed_) return;
    std::string error;
    if (!writer().add_page(*page, error)) fail(error);
  }

  void end_run(const record::RunStats& /*stats*/) override {
    if (failed_) return;
    if (writer().pages() == 0) {
      say("no page was read, so no PDF was written");
      return;
    }
    std::string error;
    if (!writer().finish(out_, error)) fail(error);
    writer_.reset();  // the spool goes now, not when the sink does
  }

 private:
  pdf::DocumentWriter& writer() {
    if (!writer_) writer_.emplace(pdf::WriterOptions{options_.pdf_a, "", ""});
    return *writer_;
  }
  void say(const std::string& message) const {
    if (options_.notice) options_.notice("-f pdf: " + message);
  }
  // The output stream's failure is what the run checks after each record.
  void fail(const std::string& error) {
    say(error);
    out_.setstate(std::ios::badbit);
    failed_ = true;
  }

  std::ostream& out_;
  SinkOptions options_;
  std::optional<pdf::DocumentWriter> writer_;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<Sink> make_pdf_sink(std::ostream& out, const SinkOptions& options) {
  return std::make_unique<PdfSink>(out, options);
}

}  // namespace ocrbatch::output
