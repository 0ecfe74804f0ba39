#pragma once
// Image formats and decoding from memory. The only place that includes Leptonica's
// decoders; everything above handles images as PixPtr.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "record/record.h"

struct Pix;

namespace ocrbatch::image {

enum class Format { unknown, png, jpeg, tiff, bmp, pnm, webp, gif, jp2, pdf };

// Identifies an image format from the first bytes of a file: 16 are enough for images, a
// PDF's header may sit anywhere in the first 1024, as PDF readers accept it.
Format sniff(std::string_view head);
std::string_view format_name(Format format);

// True for file names whose extension says "image": used to report a broken image met
// during a walk instead of skipping it as a non-image file.
bool has_image_extension(std::string_view name);

struct PixDeleter {
  void operator()(Pix* pix) const;
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// One page of an encoded image. For TIFF, `offset` is where the page's directory (IFD)
// starts, as pages() finds it, so the page is read without walking the directories before
// it; with offset 0 the page is found by its index (a walk). A PDF page's `offset` is its
// number in the document as poppler reads it (1-based), which differs from its place in the
// page tree after a page the tree names but the file lacks; 0: its index. PDF pages are
// rendered at `dpi`. Every other format has only page {0, 0}.
struct PageRef {
  int index = 0;  // 0-based
  uint64_t offset = 0;
  int dpi = 0;  // PDF only: the resolution to render at; 0: pdf::auto_dpi
  // PDF only: the page tree names this page but the file does not hold it (damaged, cut off).
  bool missing = false;
};

// The 0-based index poppler reads a PDF page at.
int pdf_page_index(const PageRef& page);

// The pages of an encoded image, in order: one walk of a TIFF's directory chain (ending at
// a loop, or at a directory cut off by the end of the file), a PDF's page tree (decode_failed
// or encrypted when it cannot be opened; pages the file lacks are `missing`), one page for
// every other format. Stops after `limit` + 1
// pages, enough to tell a file over a page limit.
record::Result<std::vector<PageRef>> pages(std::string_view bytes, Format format,
                                           size_t limit = SIZE_MAX);

// Decodes one page of an encoded image held in memory.
record::Result<PixPtr> decode(std::string_view bytes, Format format, const PageRef& page = {});

struct Info {
  int width = 0, height = 0, dpi = 0;
};
Info info(const Pix* pix);

// Reads only the header of one page: width and height without decoding pixels, so an image
// too large to decode safely can be refused first. Fails on a bad header.
record::Result<Info> header(std::string_view bytes, Format format, const PageRef& page = {});

// Leptonica reports errors on stderr by default; we report them as records instead.
void silence_library_messages();

}  // namespace ocrbatch::image
