#include "pdf/pdf_document.h"

// poppler's core API (the private headers pdftoppm and pdftotext are built on): poppler-cpp
// neither stops a render that runs too long nor shows a page's images or text layer.
#include <ErrorCodes.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Page.h>
#include <SplashOutputDev.h>
#include <Stream.h>
#include <leptonica/allheaders.h>
#include <splash/SplashBitmap.h>

#include <climits>
#include <cmath>
#include <mutex>
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

}  // namespace

struct Document::Impl {
  std::unique_ptr<PDFDoc> doc;

  // poppler's 1-based page, or null (with its reason remembered) when it cannot be read.
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
  auto* stream =
      new MemStream(bytes.data(), 0, static_cast<Goffset>(bytes.size()), Object(objNull));
  auto doc = std::make_unique<PDFDoc>(stream);
  if (!doc->isOk()) {
    if (doc->getErrorCode() == errEncrypted)
      return record::Error{record::ErrorCode::encrypted,
                           "PDF is encrypted and no password was given"};
    return decode_error("cannot open PDF (damaged or truncated)");
  }
  if (doc->getNumPages() <= 0) return decode_error("PDF has no pages");
  auto impl = std::make_unique<Impl>();
  impl->doc = std::move(doc);
  return Document(std::move(impl));
}

int Document::pages() const { return impl_->doc->getNumPages(); }

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

record::Result<image::PixPtr> Document::render(int index, int dpi) const {
  last_message.clear();
  const std::string which = page_name(index);
  if (impl_->page(index) == nullptr) return decode_error("cannot read " + which);
  SplashColor paper;
  paper[0] = 255;
  SplashOutputDev out(splashModeMono8, 4, false, paper);
  out.setFontAntialias(true);
  out.setVectorAntialias(true);
  out.startDoc(impl_->doc.get());
  // The crop box, as displayed: its /Rotate applied, as page_size() measures it.
  impl_->doc->displayPageSlice(&out, index + 1, dpi, dpi, 0, false, true, false, -1, -1, -1, -1);
  SplashBitmap* bitmap = out.getBitmap();
  if (bitmap == nullptr || bitmap->getWidth() <= 0 || bitmap->getHeight() <= 0)
    return decode_error("cannot render " + which);
  const int w = bitmap->getWidth(), h = bitmap->getHeight();
  image::PixPtr pix(pixCreate(w, h, 8));
  if (!pix) return decode_error("cannot allocate " + which);
  const unsigned char* from = bitmap->getDataPtr();
  const int from_stride = bitmap->getRowSize();
  l_uint32* to = pixGetData(pix.get());
  const int to_words = pixGetWpl(pix.get());
  for (int y = 0; y < h; ++y) {
    const unsigned char* row = from + static_cast<size_t>(y) * from_stride;
    l_uint32* line = to + static_cast<size_t>(y) * to_words;
    for (int x = 0; x < w; ++x) SET_DATA_BYTE(line, x, row[x]);
  }
  pixSetResolution(pix.get(), dpi, dpi);
  return pix;
}

}  // namespace ocrbatch::pdf
