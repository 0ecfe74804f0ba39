#include "image/image.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

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
  static const char* const kExtensions[] = {"png",  "jpg",  "jpeg", "jpe", "tif",
                                            "tiff", "bmp",  "pbm",  "pgm", "ppm",
                                            "pnm",  "webp", "gif",  "jp2", "j2k"};
  return std::any_of(std::begin(kExtensions), std::end(kExtensions),
                     [&](const char* e) { return ext == e; });
}

void PixDeleter::operator()(Pix* pix) const { pixDestroy(&pix); }

record::Result<int> page_count(std::string_view bytes, Format format) {
  if (format != Format::tiff) return 1;
  // fmemopen gives Leptonica's FILE*-based directory walk a view of the buffer without
  // decoding any page.
  FILE* fp = fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb");
  if (fp == nullptr) return decode_error("cannot open TIFF buffer");
  l_int32 n = 0;
  const bool failed = tiffGetCount(fp, &n) != 0;
  fclose(fp);
  if (failed || n <= 0) return decode_error("not a readable TIFF file (no image directory)");
  return static_cast<int>(n);
}

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

record::Result<PixPtr> decode(std::string_view bytes, Format format, int page_index) {
  if (bytes.empty()) return decode_error("file is empty (0 bytes)");
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
  Pix* pix = format == Format::tiff ? pixReadMemTiff(data, bytes.size(), page_index)
                                    : pixReadMem(data, bytes.size());
  if (pix == nullptr) {
    std::string what(format_name(format));
    if (format == Format::unknown) return decode_error("unrecognised image data");
    return decode_error(format == Format::tiff && page_index > 0
                            ? "cannot decode TIFF page " + std::to_string(page_index + 1)
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

record::Result<Info> header(std::string_view bytes, Format format, int page_index) {
  if (format == Format::gif) {
    const auto frame = gif_first_frame(bytes);
    if (!frame) return frame.error();
    return frame.value().info;
  }
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, fmt = 0;
  const bool failed =
      format == Format::tiff
          ? readHeaderMemTiff(data, bytes.size(), page_index, &w, &h, &bps, &spp, &res, &cmap,
                              &fmt) != 0
          : pixReadHeaderMem(data, bytes.size(), &fmt, &w, &h, &bps, &spp, &cmap) != 0;
  if (failed) return decode_error("cannot read the image header");
  return Info{w, h, res};
}

void silence_library_messages() { setMsgSeverity(L_SEVERITY_NONE); }

}  // namespace ocrbatch::image
