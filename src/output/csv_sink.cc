#include <fmt/format.h>

#include <string>
#include <string_view>

#include "output/sink.h"

namespace ocrbatch::output {
namespace {

// RFC 4180: quote a field that holds a comma, quote, CR or LF; double inner quotes.
void put_field(std::ostream& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out << field;
    return;
  }
  out << '"';
  for (char c : field) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

template <typename... Fields>
void put_row(std::ostream& out, const Fields&... fields) {
  bool first = true;
  ((out << (first ? "" : ","), put_field(out, fields), first = false), ...);
  out << "\r\n";
}

std::string num(double v) { return fmt::format("{:.1f}", v); }
std::string num(int v) { return std::to_string(v); }

// One row per page; with --detail line|word one row per line or word. Errors are rows of
// type "error" so a spreadsheet shows which inputs failed. No summary row.
class CsvSink : public Sink {
 public:
  CsvSink(std::ostream& out, const SinkOptions& options) : out_(out), detail_(options.detail) {}

  void begin_run() override {
    if (detail_ == record::Detail::none)
      put_row(out_, "type", "source", "page", "width", "height", "lang", "confidence",
              "duration_ms", "rotation", "skew", "scale", "blank", "error_code", "error_message",
              "text");
    else
      put_row(out_, "type", "source", "page", "index", "x", "y", "w", "h", "confidence",
              "error_code", "error_message", "text");
  }

  void write(const record::Record& rec) override {
    if (const auto* e = std::get_if<record::ErrorResult>(&rec)) {
      const std::string page = e->page > 0 ? num(e->page) : "";
      const auto code = std::string(record::to_string(e->error.code));
      if (detail_ == record::Detail::none)
        put_row(out_, "error", e->source, page, "", "", "", "", "", "", "", "", "", code,
                e->error.message, "");
      else
        put_row(out_, "error", e->source, page, "", "", "", "", "", "", code, e->error.message, "");
      return;
    }
    const auto& p = std::get<record::PageResult>(rec);
    if (detail_ == record::Detail::none) {
      const auto& pre = p.preprocess;
      put_row(out_, "page", p.source, num(p.page), num(p.width), num(p.height), p.lang,
              num(p.confidence), num(p.duration_ms), pre.ran ? num(pre.rotation) : "",
              pre.skew ? fmt::format("{:.2f}", *pre.skew) : "",
              pre.scale ? fmt::format("{:.2f}", *pre.scale) : "",
              pre.ran ? (pre.blank ? "true" : "false") : "", "", "", p.text);
      return;
    }
    if (p.items.empty()) {
      // A page with no text still gets a row, so it is not mistaken for one never processed.
      put_row(out_, "page", p.source, num(p.page), "", "", "", "", "", num(p.confidence), "", "",
              "");
      return;
    }
    const char* type = detail_ == record::Detail::line ? "line" : "word";
    int index = 0;
    for (const auto& item : p.items) {
      put_row(out_, type, p.source, num(p.page), num(++index), num(item.bbox.x), num(item.bbox.y),
              num(item.bbox.w), num(item.bbox.h), num(item.confidence), "", "", item.text);
    }
  }

  void end_run(const record::RunStats&) override {}

 private:
  std::ostream& out_;
  record::Detail detail_;
};

// Page texts as Tesseract's own text renderer writes them: each page followed by a form
// feed. Errors appear only on stderr.
class TextSink : public Sink {
 public:
  explicit TextSink(std::ostream& out) : out_(out) {}
  void write(const record::Record& rec) override {
    if (const auto* p = std::get_if<record::PageResult>(&rec)) out_ << p->text << '\f';
  }
  void end_run(const record::RunStats&) override {}

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<Sink> make_csv_sink(std::ostream& out, const SinkOptions& options) {
  return std::make_unique<CsvSink>(out, options);
}
std::unique_ptr<Sink> make_text_sink(std::ostream& out, const SinkOptions&) {
  return std::make_unique<TextSink>(out);
}

}  // namespace ocrbatch::output
