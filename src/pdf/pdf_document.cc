#include "pdf/pdf_document.h"

// poppler's core API (the private headers pdftoppm and pdftotext are built on): poppler-cpp
// neither stops a render that runs too long nor shows a page's images or text layer.
#include <ErrorCodes.h>
#include <GfxState.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Page.h>
#include <SplashOutputDev.h>
#include <Stream.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>
#include <leptonica/allheaders.h>
#include <splash/SplashBitmap.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace ocrbatch::pdf {
namespace {

// Poppler reports problems through one process-wide callback; each thread keeps the last
// message it caused, so an error record can give poppler's reason. Installing it also keeps
// poppler off stderr.
thread_local std::string last_message;

void remember_message(ErrorCategory, Goffset, const char* message) {
  last_message = message == nullptr ? "" : message;
}

// globalParams (fonts, the error callback) is the one poppler object every thread shares, and
// must exist before the first PDFDoc. Everything else is per document: a PDFDoc, and the
// Pages, XRef and output devices made from it, are used by one thread at a time, so each job
// opens its own Document and no Document is shared between threads.
void init_poppler() {
  static std::once_flag once;
  std::call_once(once, [] {
    globalParams = std::make_unique<GlobalParams>();
    setErrorCallback(&remember_message);
  });
}

record::Error decode_error(std::string message) {
  if (!last_message.empty()) message += " (poppler: " + last_message + ")";
  return record::Error{record::ErrorCode::decode_failed, std::move(message)};
}

bool quarter_turned(int rotate) { return rotate == 90 || rotate == 270; }

std::string page_name(int index) { return "PDF page " + std::to_string(index + 1); }

// poppler's abort callback: a plain function and a pointer.
bool should_stop(void* data) {
  const auto* stop = static_cast<const StopCheck*>(data);
  return *stop && (*stop)();
}

record::Error stopped(const std::string& what) {
  return record::Error{record::ErrorCode::timeout, what + " was stopped before it ended"};
}

// A pass over a page's content that draws nothing: poppler's text device (the words, with the
// fonts' metrics), which also sees every image placed on the page. The page is laid out at 72
// dpi, so the device's units are points; an image's placed size is its transformation's
// columns (the unit square's sides).
class Scanner : public TextOutputDev {
 public:
  Scanner() : TextOutputDev(nullptr, true, 0, false, false) {}

  // The text device skips images; this one must see them.
  bool needNonText() override { return true; }

  void drawImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                 GfxImageColorMap* colorMap, bool interpolate, const int* maskColors,
                 bool inlineImg) override {
    saw(state, width, height,
        colorMap != nullptr && colorMap->getNumPixelComps() == 1 && colorMap->getBits() == 1);
    // Skips an inline image's data, so the content that follows it is read.
    OutputDev::drawImage(state, ref, str, width, height, colorMap, interpolate, maskColors,
                         inlineImg);
  }
  void drawImageMask(GfxState* state, Object* ref, Stream* str, int width, int height, bool invert,
                     bool interpolate, bool inlineImg) override {
    saw(state, width, height, true);
    OutputDev::drawImageMask(state, ref, str, width, height, invert, interpolate, inlineImg);
  }
  void drawMaskedImage(GfxState* state, Object*, Stream*, int width, int height, GfxImageColorMap*,
                       bool, Stream*, int, int, bool, bool) override {
    saw(state, width, height, false);
  }
  void drawSoftMaskedImage(GfxState* state, Object*, Stream*, int width, int height,
                           GfxImageColorMap*, bool, Stream*, int, int, GfxImageColorMap*,
                           bool) override {
    saw(state, width, height, false);
  }

  double largest_area = 0;  // points squared
  double largest_dpi = 0;
  bool largest_bilevel = false;  // one bit a pixel: a black-and-white scan, or a stencil

 private:
  void saw(GfxState* state, int width, int height, bool bilevel) {
    const double* m = state->getCTM();
    const double across = std::hypot(m[0], m[1]), down = std::hypot(m[2], m[3]);
    const double area = std::fabs(m[0] * m[3] - m[1] * m[2]);
    if (!(area > largest_area) || across <= 0 || down <= 0) return;
    largest_area = area;
    largest_dpi = std::max(width / (across / 72.0), height / (down / 72.0));
    largest_bilevel = bilevel;
  }
};

// Reads a page's largest image back as the file stores it, when it is one bit a pixel and
// placed upright: a scanner's page, whose pixels are then the scanner's own, not resampled by
// a render (Splash's black-and-white render of such an image moves a third of its edges).
class ImageGrabber : public OutputDev {
 public:
  bool upsideDown() override { return true; }
  bool useDrawChar() override { return false; }
  bool interpretType3Chars() override { return false; }
  bool needNonText() override { return true; }

  void drawImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                 GfxImageColorMap* colorMap, bool interpolate, const int* maskColors,
                 bool inlineImg) override {
    const double* m = state->getCTM();
    const double area = std::fabs(m[0] * m[3] - m[1] * m[2]);
    if (area > largest_area) {
      largest_area = area;
      pix.reset();
      // Upright in the device's y-down space: row 0 at the top, column 0 at the left.
      const bool upright = m[0] > 0 && m[3] < 0 && m[1] == 0 && m[2] == 0;
      if (upright && colorMap != nullptr && colorMap->getNumPixelComps() == 1 &&
          colorMap->getBits() == 1 && width > 0 && height > 0) {
        pix = read(str, width, height, colorMap);
        return;
      }
    }
    OutputDev::drawImage(state, ref, str, width, height, colorMap, interpolate, maskColors,
                         inlineImg);
  }
  // Another kind of image larger than the 1-bit one makes the page no plain scan.
  void drawImageMask(GfxState* state, Object* ref, Stream* str, int width, int height, bool invert,
                     bool interpolate, bool inlineImg) override {
    larger(state);
    OutputDev::drawImageMask(state, ref, str, width, height, invert, interpolate, inlineImg);
  }
  void drawMaskedImage(GfxState* state, Object*, Stream*, int, int, GfxImageColorMap*, bool,
                       Stream*, int, int, bool, bool) override {
    larger(state);
  }
  void drawSoftMaskedImage(GfxState* state, Object*, Stream*, int, int, GfxImageColorMap*, bool,
                           Stream*, int, int, GfxImageColorMap*, bool) override {
    larger(state);
  }

  double largest_area = 0;
  image::PixPtr pix;  // the largest image when it is a 1-bit upright one; else null

 private:
  void larger(GfxState* state) {
    const double* m = state->getCTM();
    const double area = std::fabs(m[0] * m[3] - m[1] * m[2]);
    if (area > largest_area) {
      largest_area = area;
      pix.reset();
    }
  }

  static image::PixPtr read(Stream* str, int width, int height, GfxImageColorMap* colorMap) {
    image::PixPtr out(pixCreate(width, height, 1));
    if (!out) return out;
    // The colour map says which bit is black (a /Decode array may swap them).
    bool black[2];
    for (unsigned char bit = 0; bit < 2; ++bit) {
      GfxGray gray;
      colorMap->getGray(&bit, &gray);
      black[bit] = colToDbl(gray) < 0.5;
    }
    ImageStream stream(str, width, 1, 1);
    stream.reset();
    l_uint32* data = pixGetData(out.get());
    const int wpl = pixGetWpl(out.get());
    for (int y = 0; y < height; ++y) {
      const unsigned char* row = stream.getLine();
      if (row == nullptr) {
        stream.close();
        return image::PixPtr();
      }
      l_uint32* line = data + static_cast<size_t>(y) * wpl;
      for (int x = 0; x < width; ++x)
        if (black[row[x] & 1]) SET_DATA_BIT(line, x);
    }
    stream.close();
    return out;
  }
};

}  // namespace

bool renders_bilevel(const PageScan& scan) {
  return scan.image_bilevel && scan.image_cover >= kBilevelCover;
}

int auto_dpi(const PageScan& scan) {
  if (scan.image_dpi <= 0 || scan.image_cover < 0.25) return kAutoDpi;
  return std::clamp(scan.image_dpi, kAutoMinDpi, kAutoMaxDpi);
}

bool text_layer_reads_the_page(const PageScan& scan) {
  if (scan.words.empty()) return false;
  return !(scan.image_cover >= 0.5 && scan.text_cover < 0.02);
}

std::vector<record::Block> text_layout(const PageScan& scan, int dpi) {
  const double k = dpi / 72.0;
  const auto to_box = [k](double x0, double y0, double x1, double y1) {
    const int x = static_cast<int>(std::floor(x0 * k)), y = static_cast<int>(std::floor(y0 * k));
    return record::Box{x, y, std::max(1, static_cast<int>(std::ceil(x1 * k)) - x),
                       std::max(1, static_cast<int>(std::ceil(y1 * k)) - y)};
  };
  const auto unite = [](record::Box& into, const record::Box& box) {
    if (into.w == 0 && into.h == 0) {
      into = box;
      return;
    }
    const int x1 = std::max(into.x + into.w, box.x + box.w);
    const int y1 = std::max(into.y + into.h, box.y + box.h);
    into.x = std::min(into.x, box.x);
    into.y = std::min(into.y, box.y);
    into.w = x1 - into.x;
    into.h = y1 - into.y;
  };
  const auto px = [k](double points) { return static_cast<int>(std::lround(points * k)); };
  std::vector<record::Block> blocks;
  const LayerWord* previous = nullptr;
  for (const LayerWord& w : scan.words) {
    const bool new_block = !previous || w.flow != previous->flow;
    const bool new_paragraph = new_block || w.block != previous->block;
    const bool new_line = new_paragraph || w.line != previous->line;
    previous = &w;
    if (new_block) blocks.emplace_back().confidence = 100;
    auto& paragraphs = blocks.back().paragraphs;
    if (new_paragraph) paragraphs.emplace_back().confidence = 100;
    auto& lines = paragraphs.back().lines;
    if (new_line) lines.emplace_back().confidence = 100;
    record::Word word;
    word.text = w.text;
    word.confidence = 100;
    word.bbox = to_box(w.x_min, w.y_min, w.x_max, w.y_max);
    // From the text's start to its end in reading direction.
    switch (w.rotation) {
      case 0:
        word.baseline = {px(w.x_min), px(w.baseline), px(w.x_max), px(w.baseline)};
        break;
      case 1:
        word.baseline = {px(w.baseline), px(w.y_min), px(w.baseline), px(w.y_max)};
        break;
      case 2:
        word.baseline = {px(w.x_max), px(w.baseline), px(w.x_min), px(w.baseline)};
        break;
      default:
        word.baseline = {px(w.baseline), px(w.y_max), px(w.baseline), px(w.y_min)};
        break;
    }
    record::Line& line = lines.back();
    if (line.words.empty())
      line.baseline = word.baseline;
    else {
      line.baseline.x2 = word.baseline.x2;
      line.baseline.y2 = word.baseline.y2;
    }
    unite(line.bbox, word.bbox);
    unite(paragraphs.back().bbox, word.bbox);
    unite(blocks.back().bbox, word.bbox);
    line.words.push_back(std::move(word));
  }
  return blocks;
}

namespace {

// A file cut off before its end has lost its cross-reference table and trailer. poppler
// rebuilds the table from the objects it finds, but only with a trailer naming the catalog: the
// bytes with one added, when the catalog is among the objects that remain; empty otherwise.
std::string with_rebuilt_trailer(std::string_view bytes) {
  size_t at = std::string_view::npos;
  for (const std::string_view type : {"/Type /Catalog", "/Type/Catalog"}) {
    const size_t found = bytes.rfind(type);
    if (found != std::string_view::npos && (at == std::string_view::npos || found > at)) at = found;
  }
  if (at == std::string_view::npos) return {};
  // The catalog's "N G obj" header, the nearest one before it.
  const size_t obj = bytes.rfind(" obj", at);
  if (obj == std::string_view::npos) return {};
  size_t start = obj;
  int numbers = 0;
  while (start > 0 && numbers < 2) {
    size_t end = start;
    while (start > 0 && bytes[start - 1] == ' ') --start;
    end = start;
    while (start > 0 && bytes[start - 1] >= '0' && bytes[start - 1] <= '9') --start;
    if (start == end) return {};
    ++numbers;
  }
  const std::string_view ref = bytes.substr(start, obj - start);  // "N G"
  if (ref.size() > 24) return {};
  std::string out;
  out.reserve(bytes.size() + 64);
  out.append(bytes);
  out.append("\ntrailer\n<< /Root ").append(ref).append(" R >>\n");
  return out;
}

// Kids of page-tree nodes, walked as poppler walks them (depth-first, a node met twice is a
// loop and skipped), each leaf paired with the index poppler reads it at by its object number.
void walk_page_tree(XRef* xref, const Object& node_ref, int depth,
                    const std::map<std::pair<int, int>, int>& index,
                    std::set<std::pair<int, int>>& seen, size_t limit, std::vector<int>& out) {
  if (out.size() > limit || depth > 64) return;
  std::pair<int, int> key{-1, -1};
  if (node_ref.isRef()) {
    key = {node_ref.getRef().num, node_ref.getRef().gen};
    if (!seen.insert(key).second) return;
  }
  const Object node = node_ref.isRef() ? node_ref.fetch(xref, depth) : node_ref.copy();
  if (!node.isDict()) {
    out.push_back(-1);
    return;
  }
  const Object kids = node.dictLookup("Kids");
  if (kids.isArray() && !node.isDict("Page")) {
    for (int i = 0; i < kids.arrayGetLength() && out.size() <= limit; ++i)
      walk_page_tree(xref, kids.arrayGetNF(i), depth + 1, index, seen, limit, out);
    return;
  }
  const auto found = index.find(key);
  out.push_back(found == index.end() ? -1 : found->second);
}

}  // namespace

struct Document::Impl {
  std::string rebuilt;  // the bytes poppler reads, when a trailer was added; before `doc`
  std::unique_ptr<PDFDoc> doc;

  // poppler's page for a 0-based index, or null when it cannot be read.
  Page* page(int index) const {
    if (index < 0 || index >= doc->getNumPages()) return nullptr;
    return doc->getPage(index + 1);
  }
};

Document::Document(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

image::Info rendered_size(const PageSize& size, int dpi) {
  const auto pixels = [dpi](double points) {
    const double px = std::ceil(points * dpi / 72.0 - 1e-6);
    return px >= INT_MAX ? INT_MAX : px < 0 ? 0 : static_cast<int>(px);
  };
  return image::Info{pixels(size.width), pixels(size.height), dpi};
}

record::Result<Document> Document::open(std::string_view bytes) {
  init_poppler();
  last_message.clear();
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return record::Error{record::ErrorCode::too_large, "PDF is over 2 GiB"};
  // The stream reads the caller's bytes in place; the PDFDoc owns the stream.
  auto impl = std::make_unique<Impl>();
  const auto read = [&impl](std::string_view data) {
    auto* stream =
        new MemStream(data.data(), 0, static_cast<Goffset>(data.size()), Object(objNull));
    impl->doc = std::make_unique<PDFDoc>(stream);
  };
  read(bytes);
  if (!impl->doc->isOk() && impl->doc->getErrorCode() != errEncrypted) {
    const std::string reason = last_message;
    impl->rebuilt = with_rebuilt_trailer(bytes);
    if (!impl->rebuilt.empty()) {
      impl->doc.reset();
      read(impl->rebuilt);
    }
    // A rebuilt file without a page is no better than none: poppler's first reason stands.
    if (!impl->doc || !impl->doc->isOk() || impl->doc->getNumPages() <= 0) {
      last_message = reason;
      return decode_error("cannot open PDF (damaged or truncated)");
    }
  }
  if (!impl->doc->isOk()) {
    if (impl->doc->getErrorCode() == errEncrypted)
      return record::Error{record::ErrorCode::encrypted,
                           "PDF is encrypted and no password was given"};
    return decode_error("cannot open PDF (damaged or truncated)");
  }
  if (impl->doc->getNumPages() <= 0) return decode_error("PDF has no pages");
  return Document(std::move(impl));
}

int Document::pages() const { return impl_->doc->getNumPages(); }

bool Document::repaired() const { return !impl_->rebuilt.empty(); }

std::vector<int> Document::page_table(size_t limit) const {
  PDFDoc& doc = *impl_->doc;
  const int count = doc.getNumPages();
  const size_t cap = limit == SIZE_MAX ? limit : limit + 1;
  const int wanted = static_cast<int>(std::min<size_t>(static_cast<size_t>(count), cap));
  std::map<std::pair<int, int>, int> index;
  int readable = 0;
  for (int i = 0; i < wanted; ++i)
    if (Page* page = doc.getPage(i + 1)) {
      index.emplace(std::make_pair(page->getRef().num, page->getRef().gen), i);
      ++readable;
    }
  std::vector<int> table;
  const Object catalog = doc.getXRef()->getCatalog();
  if (catalog.isDict()) {
    std::set<std::pair<int, int>> seen;
    walk_page_tree(doc.getXRef(), catalog.dictLookupNF("Pages"), 0, index, seen, limit, table);
  }
  // The walk must account for every page poppler reads; where it cannot (a tree poppler reads
  // another way), poppler's own order stands, its unreadable pages at the end.
  const auto found =
      static_cast<int>(std::count_if(table.begin(), table.end(), [](int i) { return i >= 0; }));
  if (found != readable || table.size() < static_cast<size_t>(wanted)) {
    table.clear();
    for (int i = 0; i < wanted; ++i)
      if (doc.getPage(i + 1)) table.push_back(i);
    table.resize(static_cast<size_t>(wanted), -1);
  }
  if (table.size() > cap) table.resize(cap);
  return table;
}

record::Result<PageSize> Document::page_size(int index) const {
  last_message.clear();
  Page* page = impl_->page(index);
  if (page == nullptr) return decode_error("cannot read " + page_name(index));
  PageSize size{page->getCropWidth(), page->getCropHeight()};
  if (quarter_turned(page->getRotate())) std::swap(size.width, size.height);
  if (!(size.width > 0 && size.height > 0))
    return decode_error(page_name(index) + " has an empty page box");
  return size;
}

record::Result<PageScan> Document::scan(int index, const StopCheck& stop) const {
  auto size = page_size(index);
  if (!size) return size.error();
  PageScan scan;
  scan.size = size.value();
  Scanner scanner;
  if (!scanner.isOk()) return decode_error("cannot read the text of " + page_name(index));
  impl_->doc->displayPage(&scanner, index + 1, 72, 72, 0, false, true, false, &should_stop,
                          const_cast<StopCheck*>(&stop));
  if (stop && stop()) return stopped("reading " + page_name(index));
  const double page_area = scan.size.width * scan.size.height;
  scan.image_dpi = static_cast<int>(std::lround(scanner.largest_dpi));
  scan.image_cover = std::min(1.0, scanner.largest_area / page_area);
  scan.image_bilevel = scanner.largest_bilevel;
  double text_area = 0;
  int flow_n = 0;
  for (const TextFlow* flow = scanner.getFlows(); flow; flow = flow->getNext(), ++flow_n) {
    int block_n = 0;
    for (const TextBlock* block = flow->getBlocks(); block; block = block->getNext(), ++block_n) {
      int line_n = 0;
      for (const TextLine* line = block->getLines(); line; line = line->getNext(), ++line_n) {
        for (const TextWord* word = line->getWords(); word; word = word->getNext()) {
          const std::unique_ptr<GooString> text(word->getText());
          if (!text || text->getLength() == 0) continue;
          LayerWord w;
          w.text = text->toStr();
          word->getBBox(&w.x_min, &w.y_min, &w.x_max, &w.y_max);
          w.baseline = word->getBaseline();
          w.rotation = word->getRotation();
          w.flow = flow_n;
          w.block = block_n;
          w.line = line_n;
          text_area += std::max(0.0, w.x_max - w.x_min) * std::max(0.0, w.y_max - w.y_min);
          scan.words.push_back(std::move(w));
        }
      }
    }
  }
  scan.text_cover = std::min(1.0, text_area / page_area);
  return scan;
}

record::Result<image::PixPtr> Document::stored_bilevel_image(int index, int dpi,
                                                             const StopCheck& stop) const {
  last_message.clear();
  if (impl_->page(index) == nullptr) return decode_error("cannot read " + page_name(index));
  ImageGrabber grabber;
  impl_->doc->displayPage(&grabber, index + 1, 72, 72, 0, false, true, false, &should_stop,
                          const_cast<StopCheck*>(&stop));
  if (stop && stop()) return stopped("reading " + page_name(index));
  if (!grabber.pix) return image::PixPtr();
  // Only where it is the page as rendered would be, give or take rounding: its pixels are then
  // where the page's boxes put them.
  auto size = page_size(index);
  if (!size) return size.error();
  const image::Info page = rendered_size(size.value(), dpi);
  const auto near = [](int a, int b) { return std::abs(a - b) <= std::max(2, b / 100); };
  if (!near(pixGetWidth(grabber.pix.get()), page.width) ||
      !near(pixGetHeight(grabber.pix.get()), page.height))
    return image::PixPtr();
  pixSetResolution(grabber.pix.get(), dpi, dpi);
  return std::move(grabber.pix);
}

record::Result<image::PixPtr> Document::render(int index, int dpi, const StopCheck& stop,
                                               bool bilevel) const {
  last_message.clear();
  const std::string which = page_name(index);
  if (impl_->page(index) == nullptr) return decode_error("cannot read " + which);
  SplashColor paper;
  paper[0] = 255;
  SplashOutputDev out(bilevel ? splashModeMono1 : splashModeMono8, 4, false, paper);
  out.setFontAntialias(!bilevel);
  out.setVectorAntialias(!bilevel);
  out.startDoc(impl_->doc.get());
  // The crop box, as displayed: its /Rotate applied, as page_size() measures it.
  impl_->doc->displayPageSlice(&out, index + 1, dpi, dpi, 0, false, true, false, -1, -1, -1, -1,
                               &should_stop, const_cast<StopCheck*>(&stop));
  if (stop && stop()) return stopped("rendering " + which);
  SplashBitmap* bitmap = out.getBitmap();
  if (bitmap == nullptr || bitmap->getWidth() <= 0 || bitmap->getHeight() <= 0)
    return decode_error("cannot render " + which);
  const int w = bitmap->getWidth(), h = bitmap->getHeight();
  image::PixPtr pix(pixCreate(w, h, bilevel ? 1 : 8));
  if (!pix) return decode_error("cannot allocate " + which);
  const unsigned char* from = bitmap->getDataPtr();
  const int from_stride = bitmap->getRowSize();
  l_uint32* to = pixGetData(pix.get());
  const int to_words = pixGetWpl(pix.get());
  for (int y = 0; y < h; ++y) {
    const unsigned char* row = from + static_cast<size_t>(y) * from_stride;
    l_uint32* line = to + static_cast<size_t>(y) * to_words;
    if (bilevel) {
      // Splash's bits are 1 for white (the paper), Leptonica's 1 for black.
      for (int x = 0; x < w; ++x)
        if ((row[x >> 3] & (0x80 >> (x & 7))) == 0) SET_DATA_BIT(line, x);
    } else {
      for (int x = 0; x < w; ++x) SET_DATA_BYTE(line, x, row[x]);
    }
  }
  pixSetResolution(pix.get(), dpi, dpi);
  return pix;
}

}  // namespace ocrbatch::pdf
