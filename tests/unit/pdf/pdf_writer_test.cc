#include "pdf/pdf_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

#include "test_support.h"

namespace ocrbatch::pdf {
namespace {

// What a shell command printed, and whether it exited 0.
std::pair<std::string, bool> run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {"", false};
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  return {out, ::pclose(pipe) == 0};
}

record::Word word(const std::string& text, record::Box box, record::Baseline baseline = {}) {
  return record::Word{text, 90, box, baseline};
}

// A page of one line of `words`, with a flat grey image of its size.
record::PageResult page(int width, int height, int dpi, std::vector<record::Word> words,
                        bool image = true) {
  record::PageResult p;
  p.width = width;
  p.height = height;
  p.dpi = dpi;
  record::Line line;
  line.words = std::move(words);
  p.blocks.resize(1);
  p.blocks[0].paragraphs.resize(1);
  p.blocks[0].paragraphs[0].lines = {line};
  if (image) {
    // 8-bit grey rows, all white, under zlib: written by hand to stay independent of the
    // worker's encoder.
    auto img = std::make_shared<record::PageImage>();
    img->encoding = record::PageImage::Encoding::flate;
    img->width = width;
    img->height = height;
    img->dpi = dpi;
    const std::string white(static_cast<size_t>(width) * height, '\xff');
    img->data = std::make_shared<const std::string>(test::zlib_compress(white));
    p.image = img;
  }
  return p;
}

struct BoxedWord {
  std::string text;
  double x0, y0, x1, y1;  // points, y down (pdftotext's)
};

std::vector<BoxedWord> words_of(const std::string& path) {
  const auto [html, ok] = run("pdftotext -bbox " + path + " -");
  EXPECT_TRUE(ok) << html;
  std::vector<BoxedWord> out;
  const std::regex re(
      R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>)re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator();
       ++it)
    out.push_back({(*it)[5], std::stod((*it)[1]), std::stod((*it)[2]), std::stod((*it)[3]),
                   std::stod((*it)[4])});
  return out;
}

double iou(const BoxedWord& a, const record::Box& b, double pt_per_px) {
  const double bx0 = b.x * pt_per_px, by0 = b.y * pt_per_px, bx1 = (b.x + b.w) * pt_per_px,
               by1 = (b.y + b.h) * pt_per_px;
  const double ix = std::max(0.0, std::min(a.x1, bx1) - std::max(a.x0, bx0));
  const double iy = std::max(0.0, std::min(a.y1, by1) - std::max(a.y0, by0));
  const double inter = ix * iy;
  return inter / ((a.x1 - a.x0) * (a.y1 - a.y0) + (bx1 - bx0) * (by1 - by0) - inter);
}

std::string write_pdf(const test::TempDir& dir, const std::vector<record::PageResult>& pages,
                      WriterOptions options = {}) {
  DocumentWriter writer(options);
  std::string error;
  for (const auto& p : pages) EXPECT_TRUE(writer.add_page(p, error)) << error;
  std::ostringstream out;
  EXPECT_TRUE(writer.finish(out, error)) << error;
  return dir.write("out.pdf", out.str());
}

TEST(PdfWriter, MultiPageDocumentPassesQpdfCheck) {
  test::TempDir dir;
  const auto path = write_pdf(dir, {page(300, 200, 150, {word("one", {10, 10, 60, 20})}),
                                    page(200, 300, 0, {word("two", {10, 10, 60, 20})}, false)});
  const auto [check, ok] = run("qpdf --check " + path);
  EXPECT_TRUE(ok) << check;
  EXPECT_NE(check.find("No syntax or stream encoding errors"), std::string::npos) << check;
  const auto [info, info_ok] = run("pdfinfo " + path);
  EXPECT_NE(info.find("Pages:           2"), std::string::npos) << info;
  // 300 x 200 pixels at 150 dpi is 144 x 96 points; the second, with no resolution, at 300.
  EXPECT_NE(info.find("Page size:       144 x 96 pts"), std::string::npos) << info;
}

TEST(PdfWriter, WordsAreFoundOnTheirBoxes) {
  test::TempDir dir;
  const std::vector<record::Word> words = {word("Invoice", {100, 100, 300, 60}),
                                           word("number", {420, 100, 260, 60}),
                                           word("42", {700, 110, 80, 50})};
  const auto path = write_pdf(dir, {page(1000, 400, 300, words)});
  const auto found = words_of(path);
  ASSERT_EQ(found.size(), words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(found[i].text, words[i].text);
    EXPECT_GT(iou(found[i], words[i].bbox, 72.0 / 300), 0.8) << words[i].text;
  }
}

TEST(PdfWriter, RotatedWordsAreRotated) {
  test::TempDir dir;
  // A line read down the page (a page scanned turned by 90 degrees).
  const record::Word down = word("sideways", {500, 100, 60, 400}, {505, 100, 505, 500});
  const auto path = write_pdf(dir, {page(1000, 1000, 72, {down})});
  const auto found = words_of(path);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].text, "sideways");
  EXPECT_GT(iou(found[0], down.bbox, 1), 0.8);
  // Its glyphs run down the page: poppler reports text of rotation 1 (90 degrees).
  const auto [layout, ok] = run("pdftotext -bbox-layout " + path + " -");
  EXPECT_GT(found[0].y1 - found[0].y0, 4 * (found[0].x1 - found[0].x0)) << layout;
}

TEST(PdfWriter, ChineseTextExtractsRight) {
  test::TempDir dir;
  const auto path = write_pdf(
      dir, {page(800, 200, 300,
                 {word("中文测试", {50, 50, 300, 80}), word("Grüße", {400, 50, 250, 80})})});
  const auto [text, ok] = run("pdftotext " + path + " -");
  EXPECT_TRUE(ok);
  EXPECT_NE(text.find("中文测试 Grüße"), std::string::npos) << text;
  EXPECT_EQ(text.find("Syntax"), std::string::npos) << text;  // no complaint about the CMap
}

TEST(PdfWriter, PdfAHasMetadataAndAnOutputIntent) {
  test::TempDir dir;
  WriterOptions options;
  options.pdf_a = true;
  const auto path = write_pdf(dir, {page(300, 200, 150, {word("one", {10, 10, 60, 20})})}, options);
  const auto [check, ok] = run("qpdf --check " + path);
  EXPECT_TRUE(ok) << check;
  // Uncompressed, every object readable as text.
  const auto [qdf, qdf_ok] =
      run("qpdf --qdf --object-streams=disable " + path + " " + dir.file("out.qdf"));
  EXPECT_TRUE(qdf_ok) << qdf;
  const std::string objects = test::read_file(dir.file("out.qdf"));
  EXPECT_NE(objects.find("/S /GTS_PDFA1"), std::string::npos);
  EXPECT_NE(objects.find("/DestOutputProfile"), std::string::npos);
  EXPECT_NE(objects.find("<pdfaid:part>2</pdfaid:part>"), std::string::npos);
  EXPECT_NE(objects.find("/FontFile2"), std::string::npos);
  const auto [version, v_ok] = run("head -c 8 " + path);
  EXPECT_EQ(version, "%PDF-1.7");
}

TEST(PdfWriter, SpoolFileIsGoneWhileWriting) {
  test::TempDir dir;
  const std::string old = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "";
  ::setenv("TMPDIR", dir.path().c_str(), 1);
  {
    DocumentWriter writer({});
    std::string error;
    ASSERT_TRUE(writer.add_page(page(100, 100, 72, {}), error));
    // Unlinked at once: nothing to clean up on any way out.
    const auto [listing, ok] = run("ls -A " + dir.path());
    EXPECT_EQ(listing, "");
  }
  if (old.empty())
    ::unsetenv("TMPDIR");
  else
    ::setenv("TMPDIR", old.c_str(), 1);
}

}  // namespace
}  // namespace ocrbatch::pdf
