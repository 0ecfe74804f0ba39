#include "image/page_image.h"

#include <leptonica/allheaders.h>

namespace ocrbatch::image {
namespace {

using record::PageImage;

record::Error encode_error(const std::string& what) {
  return record::Error{record::ErrorCode::ocr_failed, "cannot encode the page image: " + what};
}

// A JPEG a PDF can show by itself: one grey or three YCbCr components (CMYK and YCCK
// JPEGs need a Decode array and a colour space a viewer may get wrong).
bool plain_jpeg(const std::string& bytes, const Pix* pix) {
  l_int32 w = 0, h = 0, spp = 0, ycck = 0, cmyk = 0;
  if (readHeaderMemJpeg(reinterpret_cast<const l_uint8*>(bytes.data()), bytes.size(), &w, &h, &spp,
                        &ycck, &cmyk) != 0)
    return false;
  Pix* p = const_cast<Pix*>(pix);
  return (spp == 1 || spp == 3) && !ycck && !cmyk && w == pixGetWidth(p) && h == pixGetHeight(p);
}

struct CidDeleter {
  void operator()(L_COMP_DATA* cid) const { l_CIDataDestroy(&cid); }
};

// The pixels in a form PDF takes without a colour map or a Decode array: 1-bit (G4),
// 8-bit grey or 32-bit RGB.
PixPtr plain_pixels(const Pix* pix) {
  Pix* p = const_cast<Pix*>(pix);
  if (pixGetColormap(p) != nullptr) {
    PixPtr expanded(pixRemoveColormap(p, REMOVE_CMAP_BASED_ON_SRC));
    return expanded ? plain_pixels(expanded.get()) : nullptr;
  }
  const int depth = pixGetDepth(p);
  if (depth == 1 || depth == 8) return PixPtr(pixClone(p));
  if (depth == 32) {
    PixPtr rgb(pixCopy(nullptr, p));
    if (rgb) pixSetSpp(rgb.get(), 3);
    return rgb;
  }
  return PixPtr(depth == 24 ? pixConvertTo32(p) : pixConvertTo8(p, 0));
}

}  // namespace

record::Result<std::shared_ptr<const PageImage>> page_image(
    const Pix* pix, Format format, const std::shared_ptr<const std::string>& bytes) {
  auto image = std::make_shared<PageImage>();
  Pix* p = const_cast<Pix*>(pix);
  image->width = pixGetWidth(p);
  image->height = pixGetHeight(p);
  image->dpi = pixGetYRes(p) > 0 ? pixGetYRes(p) : pixGetXRes(p);
  if (format == Format::jpeg && bytes && plain_jpeg(*bytes, pix)) {
    l_int32 w = 0, h = 0, spp = 0, ycck = 0, cmyk = 0;
    readHeaderMemJpeg(reinterpret_cast<const l_uint8*>(bytes->data()), bytes->size(), &w, &h, &spp,
                      &ycck, &cmyk);
    image->encoding = PageImage::Encoding::jpeg;
    image->components = spp;
    image->data = bytes;  // the file itself, shared with the job that read it
    return std::shared_ptr<const PageImage>(std::move(image));
  }
  PixPtr plain = plain_pixels(pix);
  if (!plain) return encode_error("unsupported pixel depth");
  const bool bilevel = pixGetDepth(plain.get()) == 1;
  L_COMP_DATA* raw = nullptr;
  if (pixGenerateCIData(plain.get(), bilevel ? L_G4_ENCODE : L_FLATE_ENCODE, 0, 0, &raw) != 0 ||
      raw == nullptr)
    return encode_error(bilevel ? "CCITT G4" : "flate");
  const std::unique_ptr<L_COMP_DATA, CidDeleter> cid(raw);
  // Leptonica adds a colour map or PNG predictors only for pixels this function never gives it.
  if (cid->ncolors > 0 || cid->predictor || (bilevel && cid->minisblack))
    return encode_error("unexpected encoding parameters");
  image->encoding = bilevel ? PageImage::Encoding::ccitt_g4 : PageImage::Encoding::flate;
  image->components = bilevel ? 1 : cid->spp;
  image->bits = bilevel ? 1 : cid->bps;
  if (image->bits != 1 && image->bits != 8) return encode_error("unexpected bit depth");
  image->data = std::make_shared<const std::string>(reinterpret_cast<const char*>(cid->datacomp),
                                                    cid->nbytescomp);
  return std::shared_ptr<const PageImage>(std::move(image));
}

}  // namespace ocrbatch::image
