#pragma once
// Image formats and decoding from memory. The only place that includes Leptonica's
// decoders; everything above handles images as PixPtr.

#include <memory>
#include <string_view>

#include "record/record.h"

struct Pix;

namespace ocrbatch::image {

enum class Format { unknown, png, jpeg, tiff, bmp, pnm, webp, gif, jp2 };

// Identifies an image format from the first bytes of a file (16 are enough).
Format sniff(std::string_view head);
std::string_view format_name(Format format);

// True for file names whose extension says "image": used to report a broken image met
// during a walk instead of skipping it as a non-image file.
bool has_image_extension(std::string_view name);

struct PixDeleter {
  void operator()(Pix* pix) const;
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// Number of pages: the directory count for TIFF, 1 for every other format.
record::Result<int> page_count(std::string_view bytes, Format format);

// Decodes page `page_index` (0-based) of an encoded image held in memory.
record::Result<PixPtr> decode(std::string_view bytes, Format format, int page_index);

struct Info {
  int width = 0, height = 0, dpi = 0;
};
Info info(const Pix* pix);

// Reads only the header of page `page_index`: width and height without decoding pixels,
// so an image too large to decode safely can be refused first. Fails on a bad header.
record::Result<Info> header(std::string_view bytes, Format format, int page_index);

// Tesseract cannot take an image with a side longer than this.
constexpr int kMaxSide = 32767;

// Leptonica reports errors on stderr by default; we report them as records instead.
void silence_library_messages();

}  // namespace ocrbatch::image
