#pragma once
// The source page encoded for a searchable PDF: done by the worker, so the writer only copies
// bytes.

#include <memory>
#include <string>

#include "image/image.h"
#include "record/record.h"

namespace ocrbatch::image {

// `pix` is the page as decoded from `bytes` (a file of `format`). A grey or RGB JPEG keeps its
// own bytes; every other page is compressed losslessly: 1-bit pages as CCITT G4, the rest as
// 8-bit grey or RGB rows under zlib (a colour map is expanded, alpha dropped). ocr_failed when
// Leptonica cannot encode it.
record::Result<std::shared_ptr<const record::PageImage>> page_image(
    const Pix* pix, Format format, const std::shared_ptr<const std::string>& bytes);

}  // namespace ocrbatch::image
