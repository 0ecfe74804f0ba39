#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "output/sink.h"
#include "util/utf8.h"

namespace ocrbatch::output {
namespace {

// A word for tesseract's TSV, which has no quoting: readers split on tab and newline (pandas
// with QUOTE_NONE, pytesseract), so control characters become spaces and quotes stay as they
// are, as tesseract leaves them.
std::string tsv_text(std::string_view text) {
  std::string valid = util::to_valid_utf8(text);
  for (char& c : valid)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  return valid;
}

// Tesseract's TSV (`tesseract img out tsv`): its 12 columns, one header row for the whole run,
// then per page a level-1 page row and rows for each block (2), paragraph (3), line (4) and
// word (5) of the layout tree, numbered from 1 within their parent. Levels 1 to 4 have
// confidence -1, as tesseract gives them. Error records have no rows: they are on stderr and
// in the exit status.
//
// page_num counts every page of every input of the stream from 1, as tesseract numbers the
// pages of a list of images: an input's pages follow those of the input before it, and a page
// that failed keeps its number (it has no rows). So for one input (one file, or --output-dir)
// page_num is the page's number in the file.
class TsvSink : public Sink {
 public:
  explicit TsvSink(std::ostream& out) : out_(out) {}

  void begin_run() override {
    out_ << "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\t"
            "conf\ttext\n";
  }

  void write(const record::Record& rec) override {
    const auto* p = std::get_if<record::PageResult>(&rec);
    if (p == nullptr) return;
    const int page_num = number(*p);
    row(1, page_num, 0, 0, 0, 0, {0, 0, p->width, p->height}, -1, "");
    int block_num = 0;
    for (const auto& block : p->blocks) {
      row(2, page_num, ++block_num, 0, 0, 0, block.bbox, -1, "");
      int par_num = 0;
      for (const auto& par : block.paragraphs) {
        row(3, page_num, block_num, ++par_num, 0, 0, par.bbox, -1, "");
        int line_num = 0;
        for (const auto& line : par.lines) {
          row(4, page_num, block_num, par_num, ++line_num, 0, line.bbox, -1, "");
          int word_num = 0;
          for (const auto& word : line.words)
            row(5, page_num, block_num, par_num, line_num, ++word_num, word.bbox,
                std::clamp(word.confidence, 0.0, 100.0), tsv_text(word.text));
        }
      }
    }
  }

  void end_run(const record::RunStats&) override {}

 private:
  // Each run of records of one source gets the next range of numbers, as wide as its page
  // count; records out of input order (--unordered) still never share a number.
  int number(const record::PageResult& p) {
    if (p.source != source_ || !started_) {
      started_ = true;
      source_ = p.source;
      base_ = next_base_;
      next_base_ += std::max({p.pages, p.page, 1});
    }
    return base_ + std::max(p.page, 1);
  }

  void row(int level, int page, int block, int par, int line, int word, const record::Box& box,
           double conf, const std::string& text) {
    // Tesseract 5 prints word confidences with six decimals and -1 as an integer.
    const std::string c = conf < 0 ? "-1" : fmt::format("{:.6f}", conf);
    out_ << fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", level, page, block, par,
                        line, word, box.x, box.y, box.w, box.h, c, text);
  }

  std::ostream& out_;
  bool started_ = false;
  std::string source_;
  int base_ = 0;
  int next_base_ = 0;
};

}  // namespace

std::unique_ptr<Sink> make_tsv_sink(std::ostream& out, const SinkOptions&) {
  return std::make_unique<TsvSink>(out);
}

}  // namespace ocrbatch::output
