#pragma once
// Hand-built page records with a layout tree, for the tests of the sinks that render it (TSV,
// hOCR, ALTO), and a helper to run a sink over records.

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "output/sink.h"
#include "test_support.h"

namespace ocrbatch::output::test {

inline record::Word word(std::string text, double confidence, record::Box box) {
  return {std::move(text), confidence, box, {box.x, box.y + box.h, box.x + box.w, box.y + box.h}};
}

// notice.bmp as tesseract reads it: one block, one paragraph, two lines; then a second block
// whose line holds every character the formats must escape, and a line without words.
inline record::PageResult notice_page(const std::string& source = "samples/notice.bmp") {
  record::PageResult p;
  p.source = source;
  p.width = 1200;
  p.height = 300;
  p.dpi = 300;
  p.lang = "eng";
  p.confidence = 96.2;
  record::Line first{{82, 78, 497, 42}, 96.0, {82, 111, 579, 111}, {}};
  first.words = {
      word("Office", 96.156151, {82, 78, 124, 33}), word("closed", 95.984314, {224, 78, 136, 33}),
      word("on", 95.675194, {380, 86, 49, 25}), word("Friday", 96.239471, {450, 78, 129, 42})};
  record::Line second{{84, 148, 629, 33}, 96.5, {84, 181, 713, 181}, {}};
  second.words = {word("Please", 96.8, {84, 148, 137, 33}), word("use", 96.5, {241, 156, 72, 25}),
                  word("the", 96.1, {330, 148, 69, 33}), word("side", 96.5, {417, 148, 86, 33}),
                  word("entrance", 96.9, {521, 150, 192, 31})};
  record::Paragraph par{{82, 78, 631, 103}, 96.3, {first, second}};
  p.blocks.push_back({{82, 78, 631, 103}, 96.3, {par}});

  record::Line odd{{100, 220, 600, 40}, 50.0, {100, 250, 700, 256}, {}};
  odd.words = {word("<&>\"'", 40.0, {100, 220, 100, 30}),
               word("tab\there\nline", 60.0, {220, 222, 200, 30}),
               word("bad\xff\xfe utf8 \x01", 0.0, {440, 224, 200, 30}),
               word("Stra\xc3\x9f"
                    "e",
                    100.0, {660, 226, 40, 30})};
  record::Line empty{{100, 265, 10, 10}, 0.0, {}, {}};
  record::Paragraph odd_par{{100, 220, 600, 55}, 50.0, {odd, empty}};
  p.blocks.push_back({{100, 220, 600, 55}, 50.0, {odd_par}});
  return p;
}

inline std::string render(const std::string& format, const std::vector<record::Record>& records,
                          record::Detail detail = record::Detail::none) {
  std::ostringstream out;
  auto sink = make_sink(format, out, SinkOptions{detail});
  record::RunStats stats;
  sink->begin_run();
  for (const auto& r : records) {
    sink->write(r);
    stats.count(r);
  }
  sink->end_run(stats);
  return out.str();
}

inline record::ErrorResult page_error(const std::string& source, int page) {
  return {source, page, {record::ErrorCode::decode_failed, "bad page"}};
}

inline bool have_xmllint() { return std::system("xmllint --version >/dev/null 2>&1") == 0; }

// xmllint's exit status on `xml` with `options` ("--schema FILE"), its messages on stderr.
inline int xmllint(const std::string& options, const std::string& xml) {
  ocrbatch::test::TempDir dir;
  const std::string path = dir.write("doc.xml", xml);
  return std::system(("xmllint --noout --nonet " + options + " '" + path + "'").c_str());
}

inline std::string alto_schema() {
  return ocrbatch::test::samples_dir() + "/../tests/data/alto/alto-4-2.xsd";
}

inline bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace ocrbatch::output::test
