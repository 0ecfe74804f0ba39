#include <fmt/format.h>

#include <string>
#include <string_view>

#include "output/sink.h"
#include "util/base64.h"
#include "util/utf8.h"

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
// type "error" so a spreadsheet shows which inputs failed. No summary row. Names follow the
// JSON rule: valid UTF-8 in "source", the exact bytes in "source_bytes" when that lost some.
// The column is last so the others keep the places they had before it.
class CsvSink : public Sink {
 public:
  CsvSink(std::ostream& out, const SinkOptions& options)
      : out_(out), detail_(options.detail), safe_(options.csv_safe) {}

  void begin_run() override {
    if (detail_ == record::Detail::none)
      put_row(out_, "type", "source", "page", "width", "height", "lang", "confidence",
              "duration_ms", "rotation", "skew", "scale", "blank", "error_code", "error_message",
              "text", "source_bytes");
    else
      put_row(out_, "type", "source", "page", "index", "x", "y", "w", "h", "confidence",
              "error_code", "error_message", "text", "source_bytes");
  }

  void write(const record::Record& rec) override {
    if (const auto* e = std::get_if<record::ErrorResult>(&rec)) {
      const std::string page = e->page > 0 ? num(e->page) : "";
      const auto code = std::string(record::to_string(e->error.code));
      const std::string source = text(e->source), message = text(e->error.message);
      if (detail_ == record::Detail::none)
        put_row(out_, "error", source, page, "", "", "", "", "", "", "", "", "", code, message, "",
                bytes_of(e->source));
      else
        put_row(out_, "error", source, page, "", "", "", "", "", "", code, message, "",
                bytes_of(e->source));
      return;
    }
    const auto& p = std::get<record::PageResult>(rec);
    const std::string source = text(p.source), bytes = bytes_of(p.source);
    if (detail_ == record::Detail::none) {
      const auto& pre = p.preprocess;
      put_row(out_, "page", source, num(p.page), num(p.width), num(p.height), text(p.lang),
              num(p.confidence), num(p.duration_ms), pre.ran ? num(pre.rotation) : "",
              pre.skew ? fmt::format("{:.2f}", *pre.skew) : "",
              pre.scale ? fmt::format("{:.2f}", *pre.scale) : "",
              pre.ran ? (pre.blank ? "true" : "false") : "", "", "", text(p.text), bytes);
      return;
    }
    // --detail layout has words as its rows, as --detail word does: a CSV row has no room
    // for a tree.
    const auto items =
        detail_ == record::Detail::line ? record::lines_of(p.blocks) : record::words_of(p.blocks);
    if (items.empty()) {
      // A page with no text still gets a row, so it is not mistaken for one never processed.
      put_row(out_, "page", source, num(p.page), "", "", "", "", "", num(p.confidence), "", "", "",
              bytes);
      return;
    }
    const char* type = detail_ == record::Detail::line ? "line" : "word";
    int index = 0;
    for (const auto& item : items) {
      put_row(out_, type, source, num(p.page), num(++index), num(item.bbox.x), num(item.bbox.y),
              num(item.bbox.w), num(item.bbox.h), num(item.confidence), "", "", text(item.text),
              bytes);
    }
  }

  void end_run(const record::RunStats&) override {}

 private:
  // A text field: valid UTF-8 and, with csv_safe, not taken for a formula (OWASP's list).
  // Numbers are never changed: a negative skew is a number, not a formula.
  std::string text(std::string_view field) const {
    std::string valid = util::to_valid_utf8(field);
    if (safe_ && !valid.empty() &&
        std::string_view("=+-@\t\r").find(valid[0]) != std::string_view::npos)
      valid.insert(0, 1, '\'');
    return valid;
  }
  // Base64 holds no formula, so it is left as it is even with csv_safe.
  static std::string bytes_of(const std::string& source) {
    return util::is_valid_utf8(source) ? "" : util::base64_encode(source);
  }

  std::ostream& out_;
  record::Detail detail_;
  bool safe_;
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
