#include "image/image.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdio>
#include <optional>
#include <string>
#include <unordered_set>

#include "pdf/pdf_document.h"

namespace ocrbatch::image {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

record::Error decode_error(std::string message) {
  return record::Error{record::ErrorCode::decode_failed, std::move(message)};
}

}  // namespace

Format sniff(std::string_view h) {
  if (starts_with(h, "\x89PNG\r\n\x1a\n")) return Format::png;
  if (starts_with(h, "\xff\xd8\xff")) return Format::jpeg;
  if (starts_with(h, std::string_view("II*\0", 4)) || starts_with(h, std::string_view("MM\0*", 4)))
    return Format::tiff;
  if (starts_with(h, "BM") && h.size() >= 14) return Format::bmp;
  if (h.size() >= 3 && h[0] == 'P' && h[1] >= '1' && h[1] <= '7' &&
      std::isspace(static_cast<unsigned char>(h[2])))
    return Format::pnm;
  if (h.size() >= 12 && starts_with(h, "RIFF") && h.substr(8, 4) == "WEBP") return Format::webp;
  if (starts_with(h, "GIF87a") || starts_with(h, "GIF89a")) return Format::gif;
  if (starts_with(h, std::string_view("\0\0\0\x0cjP  \r\n\x87\n", 12)) ||
      starts_with(h, "\xff\x4f\xff\x51"))
    return Format::jp2;
  if (h.substr(0, 1024).find("%PDF-") != std::string_view::npos) return Format::pdf;
  return Format::unknown;
}

std::string_view format_name(Format format) {
  switch (format) {
    case Format::png:
      return "PNG";
    case Format::jpeg:
      return "JPEG";
    case Format::tiff:
      return "TIFF";
    case Format::bmp:
      return "BMP";
    case Format::pnm:
      return "PNM";
    case Format::webp:
      return "WebP";
    case Format::gif:
      return "GIF";
    case Format::jp2:
      return "JPEG 2000";
    case Format::pdf:
      return "PDF";
    case Format::unknown:
      break;
  }
  return "unknown";
}

bool has_image_extension(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string ext(name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const char* const kExtensions[] = {"png", "jpg", "jpeg", "jpe", "tif", "tiff",
                                            "bmp", "pbm", "pgm",  "ppm", "pnm", "webp",
                                            "gif", "jp2", "j2k",  "pdf"};
  return std::any_of(std::begin(kExtensions), std::end(kExtensions),
                     [&](const char* e) { return ext == e; });
}

void PixDeleter::operator()(Pix* pix) const { pixDestroy(&pix); }

namespace {

unsigned le16(const unsigned char* p) { return p[0] | (p[1] << 8u); }

// The first frame of a GIF: the larger of the logical screen and its image descriptor, and
// where its image data ends. Read from the block structure, because Leptonica's header reader
// for GIF decodes the image.
struct GifFirstFrame {
  Info info;
  size_t end = 0;  // 0: no complete first frame
};

record::Result<GifFirstFrame> gif_first_frame(std::string_view bytes) {
  const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  if (n < 13) return decode_error("truncated GIF header");
  GifFirstFrame frame{{static_cast<int>(le16(d + 6)), static_cast<int>(le16(d + 8)), 0}, 0};
  size_t pos = 13;
  if (d[10] & 0x80) pos += 3u * (2u << (d[10] & 7));  // global colour table
  const auto skip_sub_blocks = [&] {
    while (pos < n && d[pos] != 0) pos += 1u + d[pos];
    ++pos;  // block terminator
  };
  while (pos < n) {
    if (d[pos] == 0x2c) {  // image descriptor
      if (pos + 10 > n) break;
      frame.info.width = std::max(frame.info.width, static_cast<int>(le16(d + pos + 5)));
      frame.info.height = std::max(frame.info.height, static_cast<int>(le16(d + pos + 7)));
      const unsigned flags = d[pos + 9];
      pos += 10;
      if (flags & 0x80) pos += 3u * (2u << (flags & 7));  // local colour table
      ++pos;                                              // LZW minimum code size
      skip_sub_blocks();
      if (pos <= n) frame.end = pos;
      break;
    }
    if (d[pos] != 0x21) break;  // trailer or garbage: the decoder stops here too
    pos += 2;                   // extension: label, then sub-blocks
    skip_sub_blocks();
  }
  return frame;
}

}  // namespace

namespace {

// A TIFF's byte order, its kind (classic or BigTIFF) and where its first directory is.
struct TiffLayout {
  bool little = true;
  bool big = false;
  uint64_t first = 0;
};

uint64_t read_uint(const unsigned char* p, int size, bool little) {
  uint64_t v = 0;
  for (int i = 0; i < size; ++i) v |= uint64_t{p[little ? i : size - 1 - i]} << (8 * i);
  return v;
}

std::optional<TiffLayout> tiff_layout(std::string_view bytes) {
  const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 8 || (d[0] != d[1]) || (d[0] != 'I' && d[0] != 'M')) return std::nullopt;
  TiffLayout t;
  t.little = d[0] == 'I';
  const uint64_t magic = read_uint(d + 2, 2, t.little);
  if (magic == 42) {
    t.first = read_uint(d + 4, 4, t.little);
  } else if (magic == 43 && bytes.size() >= 16 && read_uint(d + 4, 2, t.little) == 8) {
    t.big = true;
    t.first = read_uint(d + 8, 8, t.little);
  } else {
    return std::nullopt;
  }
  return t;
}

record::Result<std::vector<PageRef>> tiff_pages(std::string_view bytes, size_t limit) {
  const auto layout = tiff_layout(bytes);
  const auto no_directory = [] {
    return decode_error("not a readable TIFF file (no image directory)");
  };
  if (!layout) return no_directory();
  const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
  const uint64_t n = bytes.size();
  const uint64_t count_size = layout->big ? 8 : 2, entry_size = layout->big ? 20 : 12,
                 next_size = layout->big ? 8 : 4;
  std::vector<PageRef> out;
  std::unordered_set<uint64_t> seen;
  uint64_t offset = layout->first;
  while (offset != 0 && out.size() <= limit) {
    if (offset > n - count_size || !seen.insert(offset).second) break;  // cut off, or a loop
    const uint64_t entries = read_uint(d + offset, static_cast<int>(count_size), layout->little);
    const uint64_t room = n - offset - count_size;
    if (entries > room / entry_size) break;  // the directory is cut off
    out.push_back(PageRef{static_cast<int>(out.size()), offset});
    const uint64_t next = offset + count_size + entries * entry_size;
    if (next_size > n - next) break;
    offset = read_uint(d + next, static_cast<int>(next_size), layout->little);
  }
  if (out.empty()) return no_directory();
  return out;
}

// The TIFF as Leptonica should see it to read one page as its first: the same bytes, with
// the header's first-directory offset replaced by the page's. Read through a FILE*, so no
// page costs a copy of the file or a walk of the directories before it.
class TiffPageView {
 public:
  TiffPageView(std::string_view bytes, const PageRef& page) : bytes_(bytes) {
    const auto layout = tiff_layout(bytes);
    if (!layout) return;
    uint64_t offset = page.offset;
    if (offset == 0 && page.index > 0) {
      // A page given by its index alone: found by walking the directories before it.
      const auto found = tiff_pages(bytes, static_cast<size_t>(page.index));
      missing_ = !found || found.value().size() <= static_cast<size_t>(page.index);
      if (missing_) return;
      offset = found.value()[static_cast<size_t>(page.index)].offset;
    }
    if (offset == 0) return;
    const int at = layout->big ? 8 : 4, size = layout->big ? 8 : 4;
    header_.assign(bytes.substr(0, at + size));
    for (int i = 0; i < size; ++i)
      header_[at + (layout->little ? i : size - 1 - i)] =
          static_cast<char>((offset >> (8 * i)) & 0xff);
  }
  TiffPageView(const TiffPageView&) = delete;
  TiffPageView& operator=(const TiffPageView&) = delete;

  // A read-only stream over the view; null on failure or when the page does not exist. The
  // caller closes it.
  FILE* open() {
    if (missing_) return nullptr;
    const cookie_io_functions_t io{&TiffPageView::read, nullptr, &TiffPageView::seek, nullptr};
    return fopencookie(this, "rb", io);
  }

 private:
  static ssize_t read(void* cookie, char* buf, size_t size) {
    auto* v = static_cast<TiffPageView*>(cookie);
    size_t done = 0;
    while (done < size && v->pos_ < v->bytes_.size()) {
      const bool in_header = v->pos_ < v->header_.size();
      const std::string_view from =
          in_header ? std::string_view(v->header_) : std::string_view(v->bytes_);
      const size_t take = std::min(size - done, from.size() - v->pos_);
      std::copy_n(from.data() + v->pos_, take, buf + done);
      done += take;
      v->pos_ += take;
    }
    return static_cast<ssize_t>(done);
  }
  static int seek(void* cookie, off64_t* offset, int whence) {
    auto* v = static_cast<TiffPageView*>(cookie);
    const off64_t base = whence == SEEK_SET   ? 0
                         : whence == SEEK_CUR ? static_cast<off64_t>(v->pos_)
                                              : static_cast<off64_t>(v->bytes_.size());
    const off64_t to = base + *offset;
    if (to < 0) return -1;
    v->pos_ = static_cast<size_t>(to);
    *offset = to;
    return 0;
  }

  std::string_view bytes_;
  std::string header_;  // empty: the file's own header already points at the page
  size_t pos_ = 0;
  bool missing_ = false;
};

Pix* decode_tiff(std::string_view bytes, const PageRef& page) {
  TiffPageView view(bytes, page);
  FILE* fp = view.open();
  if (fp == nullptr) return nullptr;
  Pix* pix = pixReadStreamTiff(fp, 0);
  fclose(fp);
  return pix;
}

}  // namespace

namespace {

record::Result<int> pdf_dpi(const pdf::Document& doc, const PageRef& page) {
  if (page.dpi > 0) return page.dpi;
  const auto scan = doc.scan(pdf_page_index(page));
  if (!scan) return scan.error();
  return pdf::auto_dpi(scan.value());
}

record::Result<std::vector<PageRef>> pdf_pages(std::string_view bytes, size_t limit) {
  const auto doc = pdf::Document::open(bytes);
  if (!doc) return doc.error();
  const std::vector<int> table = doc.value().page_table(limit);
  std::vector<PageRef> out(table.size());
  for (size_t i = 0; i < table.size(); ++i) {
    out[i].index = static_cast<int>(i);
    out[i].offset = table[i] >= 0 ? static_cast<uint64_t>(table[i]) + 1 : 0;
    out[i].missing = table[i] < 0;
  }
  return out;
}

}  // namespace

int pdf_page_index(const PageRef& page) {
  return page.offset > 0 && page.offset <= static_cast<uint64_t>(INT_MAX)
             ? static_cast<int>(page.offset - 1)
             : page.index;
}

record::Result<std::vector<PageRef>> pages(std::string_view bytes, Format format, size_t limit) {
  if (format == Format::pdf) return pdf_pages(bytes, limit);
  if (format != Format::tiff) return std::vector<PageRef>{PageRef{}};
  return tiff_pages(bytes, limit);
}

record::Result<PixPtr> decode(std::string_view bytes, Format format, const PageRef& page) {
  if (bytes.empty()) return decode_error("file is empty (0 bytes)");
  if (format == Format::pdf) {
    const auto doc = pdf::Document::open(bytes);
    if (!doc) return doc.error();
    const auto dpi = pdf_dpi(doc.value(), page);
    if (!dpi) return dpi.error();
    return doc.value().render(pdf_page_index(page), dpi.value());
  }
  // Leptonica keeps only a GIF's first frame, but giflib decodes every frame into memory
  // first: the decoder gets the file cut after frame 1, so an animation costs one frame.
  std::string first_frame;
  if (format == Format::gif) {
    const auto frame = gif_first_frame(bytes);
    if (frame && frame.value().end > 0) {
      first_frame.reserve(frame.value().end + 1);
      first_frame.append(bytes.substr(0, frame.value().end)).push_back(';');  // the trailer
      bytes = first_frame;
    }
  }
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  Pix* pix = format == Format::tiff ? decode_tiff(bytes, page) : pixReadMem(data, bytes.size());
  if (pix == nullptr) {
    std::string what(format_name(format));
    if (format == Format::unknown) return decode_error("unrecognised image data");
    return decode_error(format == Format::tiff && page.index > 0
                            ? "cannot decode TIFF page " + std::to_string(page.index + 1)
                            : "cannot decode " + what + " data (corrupt or truncated)");
  }
  if (pixGetWidth(pix) <= 0 || pixGetHeight(pix) <= 0) {
    pixDestroy(&pix);
    return decode_error("image has no pixels");
  }
  return PixPtr(pix);
}

Info info(const Pix* pix) {
  Pix* p = const_cast<Pix*>(pix);  // Leptonica's getters are not const-correct
  return Info{pixGetWidth(p), pixGetHeight(p), pixGetYRes(p)};
}

record::Result<Info> header(std::string_view bytes, Format format, const PageRef& page) {
  if (format == Format::pdf) {
    const auto doc = pdf::Document::open(bytes);
    if (!doc) return doc.error();
    const auto size = doc.value().page_size(pdf_page_index(page));
    if (!size) return size.error();
    const auto dpi = pdf_dpi(doc.value(), page);
    if (!dpi) return dpi.error();
    return pdf::rendered_size(size.value(), dpi.value());
  }
  if (format == Format::gif) {
    const auto frame = gif_first_frame(bytes);
    if (!frame) return frame.error();
    return frame.value().info;
  }
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, fmt = 0;
  bool failed = true;
  if (format == Format::tiff) {
    TiffPageView view(bytes, page);
    if (FILE* fp = view.open()) {
      failed = freadHeaderTiff(fp, 0, &w, &h, &bps, &spp, &res, &cmap, &fmt) != 0;
      fclose(fp);
    }
  } else {
    failed = pixReadHeaderMem(data, bytes.size(), &fmt, &w, &h, &bps, &spp, &cmap) != 0;
  }
  if (failed) return decode_error("cannot read the image header");
  return Info{w, h, res};
}

void silence_library_messages() { setMsgSeverity(L_SEVERITY_NONE); }

}  // namespace ocrbatch::image
