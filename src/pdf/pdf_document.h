#pragma once
// PDF input through poppler. The only folder that includes poppler: everything above sees a
// PDF as a page count, page sizes, what a page holds (its images' resolution, its text layer)
// and rendered pages (PixPtr), as it sees a multi-page TIFF.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "image/image.h"
#include "record/record.h"

namespace ocrbatch::pdf {

// `--pdf-dpi auto` on a page without a scanned image (vector text and drawings).
constexpr int kAutoDpi = 300;
// `--pdf-dpi auto` on a scan: its image's resolution, within these. Below 150 dpi the letters
// of a 10-point text are under 20 pixels tall, where Tesseract reads poorly, and rendering the
// image larger costs little; above 600 dpi a page is 20+ megapixels for no better reading.
constexpr int kAutoMinDpi = 150;
constexpr int kAutoMaxDpi = 600;

// A page's size in PDF points (1/72 inch), as it is displayed (its /Rotate applied).
struct PageSize {
  double width = 0, height = 0;
};

// The pixel size of a page rendered at `dpi`.
image::Info rendered_size(const PageSize& size, int dpi);

// Polled while a page is read or rendered: true stops the work (the page's deadline passed, the
// run is cancelled), and the call returns a `timeout` error.
using StopCheck = std::function<bool()>;

// A word of the page's text layer, in points from the page's top-left corner as displayed.
struct LayerWord {
  std::string text;
  double x_min = 0, y_min = 0, x_max = 0, y_max = 0;
  double baseline = 0;                // y of the baseline (x for vertical text)
  int rotation = 0;                   // quarter turns clockwise of the text's direction, 0-3
  int flow = 0, block = 0, line = 0;  // which poppler flow, block and line the word is in
};

// What one pass over a page's content finds, without drawing it.
struct PageScan {
  PageSize size;
  // The resolution of the image with the largest placed area (0: no image), and the share
  // of the page that image covers (0-1).
  int image_dpi = 0;
  double image_cover = 0;
  bool image_bilevel = false;  // that image has one bit a pixel
  // The text layer, visible or not (an OCRmyPDF page's invisible text counts), in reading
  // order, and the share of the page its word boxes cover.
  std::vector<LayerWord> words;
  double text_cover = 0;
};

// A page that is a black-and-white scan: its largest image has one bit a pixel and covers at
// least kBilevelCover of it. It is rendered black and white, as the scanner made it: the
// bilevel path reads it as it reads a 1-bit TIFF, and a searchable PDF keeps it as CCITT G4
// rather than as grey pixels.
constexpr double kBilevelCover = 0.9;
bool renders_bilevel(const PageScan& scan);

// The resolution `--pdf-dpi auto` renders a page at: its scanned image's own resolution
// (within kAutoMinDpi-kAutoMaxDpi), kAutoDpi where no image covers a quarter of the page.
int auto_dpi(const PageScan& scan);

// Whether `--pdf-text auto` takes the page's text layer instead of OCRing it: it has words,
// and it is not a scan with a few words on it (a stamp, a typed note: an image covers half of
// the page or more and the words cover under 2% of it).
bool text_layer_reads_the_page(const PageScan& scan);

// The text layer as a layout tree, boxes in pixels of the page rendered at `dpi` (top-left
// origin), confidences 100: the words are the document's own, not guesses. poppler's flows are
// blocks, its blocks paragraphs.
std::vector<record::Block> text_layout(const PageScan& scan, int dpi);

// An open PDF. Reads the caller's bytes in place: they must outlive the document. Not for
// sharing between threads: each thread opens its own (README, Architecture).
class Document {
 public:
  // decode_failed (with poppler's reason) for data poppler cannot open, encrypted for a
  // document that needs a password.
  static record::Result<Document> open(std::string_view bytes);

  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  int pages() const;
  // The pages in page-tree order, at most `limit` + 1 of them (enough to tell a file over a
  // page limit): for each, the 0-based index poppler reads it at, or -1 where the tree names
  // a page the file does not hold (a missing object, a file cut off before it). poppler
  // passes over such a page, so the pages after it are read at an index one lower.
  std::vector<int> page_table(size_t limit) const;
  // True when the file had lost its trailer (cut off) and was opened by rebuilding it.
  bool repaired() const;
  // `index` is 0-based; decode_failed for a page that does not exist or cannot be read.
  record::Result<PageSize> page_size(int index) const;
  // One pass over the page's content that draws nothing: its images and text layer.
  record::Result<PageScan> scan(int index, const StopCheck& stop = {}) const;
  // The page as 8-bit grey at `dpi`, its resolution set in the Pix.
  // The page's largest image as the file stores it, when it is 1 bit a pixel, placed upright,
  // and the size of the page rendered at `dpi` (a scanner's page); a null image otherwise.
  record::Result<image::PixPtr> stored_bilevel_image(int index, int dpi,
                                                     const StopCheck& stop = {}) const;
  // `bilevel`: 1-bit black and white, not 8-bit grey (renders_bilevel).
  record::Result<image::PixPtr> render(int index, int dpi, const StopCheck& stop = {},
                                       bool bilevel = false) const;

 private:
  struct Impl;
  explicit Document(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocrbatch::pdf
