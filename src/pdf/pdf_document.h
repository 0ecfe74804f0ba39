#pragma once
// PDF input through poppler. The only folder that includes poppler: everything above sees a
// PDF as a page count, page sizes and rendered pages (PixPtr), as it sees a multi-page TIFF.

#include <memory>
#include <string_view>

#include "image/image.h"
#include "record/record.h"

namespace ocrbatch::pdf {

// The resolution `--pdf-dpi auto` renders at.
constexpr int kAutoDpi = 300;

// A page's size in PDF points (1/72 inch), as it is displayed (its /Rotate applied).
struct PageSize {
  double width = 0, height = 0;
};

// The pixel size of a page rendered at `dpi`.
image::Info rendered_size(const PageSize& size, int dpi);

// An open PDF. Reads the caller's bytes in place: they must outlive the document. Not for
// sharing between threads: each thread opens its own.
class Document {
 public:
  // decode_failed (with poppler's reason) for data poppler cannot open, encrypted for a
  // document that needs a password.
  static record::Result<Document> open(std::string_view bytes);

  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  int pages() const;
  // `index` is 0-based; decode_failed for a page that does not exist or cannot be read.
  record::Result<PageSize> page_size(int index) const;
  // The page as 8-bit grey at `dpi`, its resolution set in the Pix.
  record::Result<image::PixPtr> render(int index, int dpi) const;

 private:
  struct Impl;
  explicit Document(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocrbatch::pdf
