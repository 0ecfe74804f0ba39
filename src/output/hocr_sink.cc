#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "output/sink.h"
#include "output/xml_text.h"

namespace ocrbatch::output {
namespace {

// hOCR's bbox: left, top, right, bottom.
std::string bbox(const record::Box& b) {
  return fmt::format("bbox {} {} {} {}", b.x, b.y, b.x + b.w, b.y + b.h);
}

std::string wconf(double confidence) {
  return fmt::format("x_wconf {}", std::lround(std::clamp(confidence, 0.0, 100.0)));
}

// hOCR's baseline "slope offset": the line y = slope * x + offset with the bottom-left corner of
// the line's box as origin. Empty when there is no baseline or it is vertical, which the
// property cannot express.
std::string baseline(const record::Line& line) {
  const auto& b = line.baseline;
  if (b.empty() || b.x1 == b.x2) return "";
  const double slope = static_cast<double>(b.y2 - b.y1) / (b.x2 - b.x1);
  const double offset = (b.y1 - (line.bbox.y + line.bbox.h)) - slope * (b.x1 - line.bbox.x);
  return fmt::format("; baseline {} {}", decimal(slope, 3), decimal(offset, 0));
}

// A hOCR property string: double quotes and backslashes escaped with a backslash.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

// hOCR 1.2 (XHTML, tesseract's markup): one document for the stream, an ocr_page per page
// record, holding the layout tree as ocr_carea > ocr_par > ocr_line > ocrx_word, each with its
// bbox and x_wconf. Ids are unique in the document: page_P, and block_P_N, par_P_N, line_P_N and
// word_P_N counted through page P, as tesseract numbers them. `image` names the page's input
// and ppageno is the page's place in it (0-based), so every page can be traced to its file.
// Errors have no ocr_page (they have no image size or text): they are on stderr and in the exit
// status.
class HocrSink : public Sink {
 public:
  explicit HocrSink(std::ostream& out) : out_(out) {}

  void begin_run() override {
    out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
            "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
            "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n"
            " <head>\n"
            "  <title></title>\n"
            "  <meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"
            "  <meta name='ocr-system' content='ocrbatch " OCRBATCH_VERSION
            "'/>\n"
            "  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line "
            "ocrx_word ocrp_wconf'/>\n"
            " </head>\n"
            " <body>\n";
  }

  void write(const record::Record& rec) override {
    const auto* p = std::get_if<record::PageResult>(&rec);
    if (p == nullptr) return;
    const int page = ++pages_;
    std::string title = "image " + quoted(p->source) + "; " + bbox({0, 0, p->width, p->height}) +
                        fmt::format("; ppageno {}", std::max(p->page, 1) - 1);
    if (p->dpi > 0) title += fmt::format("; scan_res {} {}", p->dpi, p->dpi);
    title += "; " + wconf(p->confidence);
    out_ << "  <div class='ocr_page' id='page_" << page << "' title='" << xml_escape(title)
         << "'>\n";
    const std::string lang = xml_escape(single_language(p->lang));
    const std::string lang_attribute = lang.empty() ? "" : " lang='" + lang + "'";
    int blocks = 0, pars = 0, lines = 0, words = 0;
    for (const auto& block : p->blocks) {
      out_ << fmt::format("   <div class='ocr_carea' id='block_{}_{}' title='{}; {}'>\n", page,
                          ++blocks, bbox(block.bbox), wconf(block.confidence));
      for (const auto& par : block.paragraphs) {
        out_ << fmt::format("    <p class='ocr_par' id='par_{}_{}'{} title='{}; {}'>\n", page,
                            ++pars, lang_attribute, bbox(par.bbox), wconf(par.confidence));
        for (const auto& line : par.lines) {
          out_ << fmt::format("     <span class='ocr_line' id='line_{}_{}' title='{}{}; {}'>\n",
                              page, ++lines, bbox(line.bbox), baseline(line),
                              wconf(line.confidence));
          for (const auto& word : line.words)
            out_ << fmt::format(
                "      <span class='ocrx_word' id='word_{}_{}' title='{}; {}'>{}</span>\n", page,
                ++words, bbox(word.bbox), wconf(word.confidence), xml_escape(word.text));
          out_ << "     </span>\n";
        }
        out_ << "    </p>\n";
      }
      out_ << "   </div>\n";
    }
    out_ << "  </div>\n";
  }

  void end_run(const record::RunStats&) override { out_ << " </body>\n</html>\n"; }

 private:
  std::ostream& out_;
  int pages_ = 0;
};

}  // namespace

std::unique_ptr<Sink> make_hocr_sink(std::ostream& out, const SinkOptions&) {
  return std::make_unique<HocrSink>(out);
}

}  // namespace ocrbatch::output
