#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "output/sink.h"
#include "output/xml_text.h"

namespace ocrbatch::output {
namespace {

std::string position(const record::Box& b) {
  return fmt::format("HPOS=\"{}\" VPOS=\"{}\" WIDTH=\"{}\" HEIGHT=\"{}\"", b.x, b.y, b.w, b.h);
}

// ALTO's LANG is an xsd:language ("eng", "en-GB"); Tesseract names such as "chi_sim" are not.
bool is_xsd_language(std::string_view code) {
  size_t part = 0;
  bool first = true;
  for (size_t i = 0; i <= code.size(); ++i) {
    if (i == code.size() || code[i] == '-') {
      if (part == 0 || part > 8) return false;
      part = 0;
      first = false;
      continue;
    }
    const char c = code[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter && (first || c < '0' || c > '9')) return false;
    ++part;
  }
  return true;
}

// ALTO 4.2: one document for the stream, a Page per page record. The layout tree maps as
// tesseract maps it: block -> ComposedBlock, paragraph -> TextBlock (ALTO has no paragraph),
// line -> TextLine with its BASELINE as two points "x1,y1 x2,y2", word -> String with WC (0-1)
// and an SP between words. IDs are unique in the document (page_P, cblock_P_N, block_P_N,
// line_P_N, string_P_N counted through page P); PHYSICAL_IMG_NR is the page's number in its
// input. A line without words is left out, as ALTO's TextLine needs a String. The Description
// names one source file, the first page's input: with several inputs in one stream only the
// first is named, which is why --output-dir (one file per input) suits ALTO. Errors have no Page.
class AltoSink : public Sink {
 public:
  explicit AltoSink(std::ostream& out) : out_(out) {}

  void write(const record::Record& rec) override {
    const auto* p = std::get_if<record::PageResult>(&rec);
    if (p == nullptr) return;
    if (!started_) head(p->source);
    const int page = ++pages_;
    out_ << fmt::format(
        "    <Page ID=\"page_{}\" PHYSICAL_IMG_NR=\"{}\" WIDTH=\"{}\" HEIGHT=\"{}\">\n"
        "      <PrintSpace {}>\n",
        page, std::max(p->page, 1), p->width, p->height, position({0, 0, p->width, p->height}));
    const std::string lang = single_language(p->lang);
    const std::string lang_attribute =
        is_xsd_language(lang) ? fmt::format(" LANG=\"{}\"", lang) : "";
    int blocks = 0, pars = 0, lines = 0, words = 0;
    for (const auto& block : p->blocks) {
      out_ << fmt::format("        <ComposedBlock ID=\"cblock_{}_{}\" {}>\n", page, ++blocks,
                          position(block.bbox));
      for (const auto& par : block.paragraphs) {
        out_ << fmt::format("          <TextBlock ID=\"block_{}_{}\" {}{}>\n", page, ++pars,
                            position(par.bbox), lang_attribute);
        for (const auto& line : par.lines) {
          if (line.words.empty()) continue;
          const auto& b = line.baseline;
          const std::string base =
              b.empty() ? "" : fmt::format(" BASELINE=\"{},{} {},{}\"", b.x1, b.y1, b.x2, b.y2);
          out_ << fmt::format("            <TextLine ID=\"line_{}_{}\" {}{}>\n", page, ++lines,
                              position(line.bbox), base);
          for (size_t i = 0; i < line.words.size(); ++i) {
            const auto& word = line.words[i];
            if (i > 0) out_ << space(line.words[i - 1].bbox, word.bbox);
            out_ << fmt::format(
                "              <String ID=\"string_{}_{}\" {} WC=\"{}\" CONTENT=\"{}\"/>\n", page,
                ++words, position(word.bbox),
                decimal(std::clamp(word.confidence, 0.0, 100.0) / 100, 2), xml_escape(word.text));
          }
          out_ << "            </TextLine>\n";
        }
        out_ << "          </TextBlock>\n";
      }
      out_ << "        </ComposedBlock>\n";
    }
    out_ << "      </PrintSpace>\n    </Page>\n";
  }

  void end_run(const record::RunStats&) override {
    if (!started_) head("");
    out_ << "  </Layout>\n</alto>\n";
  }

 private:
  void head(const std::string& source) {
    started_ = true;
    out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\" "
            "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
            "xsi:schemaLocation=\"http://www.loc.gov/standards/alto/ns-v4# "
            "http://www.loc.gov/standards/alto/v4/alto-4-2.xsd\" SCHEMAVERSION=\"4.2\">\n"
            "  <Description>\n"
            "    <MeasurementUnit>pixel</MeasurementUnit>\n";
    if (!source.empty())
      out_ << "    <sourceImageInformation>\n      <fileName>" << xml_escape(source)
           << "</fileName>\n    </sourceImageInformation>\n";
    out_ << "    <Processing ID=\"processing_1\">\n"
            "      <processingCategory>contentGeneration</processingCategory>\n"
            "      <processingSoftware>\n"
            "        <softwareName>ocrbatch</softwareName>\n"
            "        <softwareVersion>" OCRBATCH_VERSION
            "</softwareVersion>\n"
            "      </processingSoftware>\n"
            "    </Processing>\n"
            "  </Description>\n"
            "  <Layout>\n";
  }

  // The gap between two words on a line; where they touch or the next is not to the right
  // (right-to-left text), an SP without a position.
  static std::string space(const record::Box& before, const record::Box& after) {
    const int end = before.x + before.w;
    if (after.x <= end) return "              <SP/>\n";
    return fmt::format("              <SP WIDTH=\"{}\" VPOS=\"{}\" HPOS=\"{}\"/>\n", after.x - end,
                       before.y, end);
  }

  std::ostream& out_;
  bool started_ = false;
  int pages_ = 0;
};

}  // namespace

std::unique_ptr<Sink> make_alto_sink(std::ostream& out, const SinkOptions&) {
  return std::make_unique<AltoSink>(out);
}

}  // namespace ocrbatch::output
