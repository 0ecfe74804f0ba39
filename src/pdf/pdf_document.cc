#include "pdf/pdf_document.h"

#include <leptonica/allheaders.h>
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <climits>
#include <cmath>
#include <cstring>
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

void remember_message(const std::string& message, void*) {
  // Every message is an error; the record already says so.
  const std::string_view prefix = "error: ";
  last_message =
      message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

void capture_messages() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(&remember_message, nullptr); });
}

record::Error decode_error(std::string message) {
  if (!last_message.empty()) message += " (poppler: " + last_message + ")";
  return record::Error{record::ErrorCode::decode_failed, std::move(message)};
}

bool quarter_turned(poppler::page::orientation_enum orientation) {
  return orientation == poppler::page::landscape || orientation == poppler::page::seascape;
}

}  // namespace

struct Document::Impl {
  std::unique_ptr<poppler::document> doc;
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
  capture_messages();
  last_message.clear();
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return record::Error{record::ErrorCode::too_large, "PDF is over 2 GiB"};
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) {
    // poppler answers an encrypted file it cannot open without a password with a null
    // document too; its message says which.
    if (last_message.find("ncrypt") != std::string::npos ||
        last_message.find("assword") != std::string::npos)
      return record::Error{record::ErrorCode::encrypted,
                           "PDF is encrypted and no password was given"};
    return decode_error("cannot open PDF (damaged or truncated)");
  }
  if (doc->is_locked())
    return record::Error{record::ErrorCode::encrypted,
                         "PDF is encrypted and no password was given"};
  if (doc->pages() <= 0) return decode_error("PDF has no pages");
  auto impl = std::make_unique<Impl>();
  impl->doc = std::move(doc);
  return Document(std::move(impl));
}

int Document::pages() const { return impl_->doc->pages(); }

record::Result<PageSize> Document::page_size(int index) const {
  last_message.clear();
  std::unique_ptr<poppler::page> page(impl_->doc->create_page(index));
  if (!page) return decode_error("cannot read PDF page " + std::to_string(index + 1));
  const poppler::rectf box = page->page_rect(poppler::crop_box);
  PageSize size{box.width(), box.height()};
  if (quarter_turned(page->orientation())) std::swap(size.width, size.height);
  if (!(size.width > 0 && size.height > 0))
    return decode_error("PDF page " + std::to_string(index + 1) + " has an empty page box");
  return size;
}

record::Result<image::PixPtr> Document::render(int index, int dpi) const {
  last_message.clear();
  const std::string which = "PDF page " + std::to_string(index + 1);
  std::unique_ptr<poppler::page> page(impl_->doc->create_page(index));
  if (!page) return decode_error("cannot read " + which);
  poppler::page_renderer renderer;
  renderer.set_render_hints(poppler::page_renderer::antialiasing |
                            poppler::page_renderer::text_antialiasing);
  renderer.set_image_format(poppler::image::format_gray8);
  const poppler::image rendered = renderer.render_page(page.get(), dpi, dpi);
  if (!rendered.is_valid() || rendered.width() <= 0 || rendered.height() <= 0)
    return decode_error("cannot render " + which);
  const int w = rendered.width(), h = rendered.height();
  image::PixPtr pix(pixCreate(w, h, 8));
  if (!pix) return decode_error("cannot allocate " + which);
  const char* from = rendered.const_data();
  const int from_stride = rendered.bytes_per_row();
  l_uint32* to = pixGetData(pix.get());
  const int to_words = pixGetWpl(pix.get());
  for (int y = 0; y < h; ++y) {
    const auto* row =
        reinterpret_cast<const unsigned char*>(from + static_cast<size_t>(y) * from_stride);
    l_uint32* line = to + static_cast<size_t>(y) * to_words;
    for (int x = 0; x < w; ++x) SET_DATA_BYTE(line, x, row[x]);
  }
  pixSetResolution(pix.get(), dpi, dpi);
  return pix;
}

}  // namespace ocrbatch::pdf
