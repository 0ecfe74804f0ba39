#pragma once
// Searchable PDF output through qpdf. Pages are added one at a time: their image and content
// bytes go to a spool file at once (unlinked as soon as it is made, so no path of the program
// leaves it behind), and only their small dictionaries stay in memory; the document is
// written at the end, each stream read back from the spool as it is written. Memory therefore
// does not grow with the page count.

#include <memory>
#include <ostream>
#include <string>

#include "record/record.h"

namespace ocrbatch::pdf {

struct WriterOptions {
  // PDF/A-2b: XMP metadata, an sRGB output intent, the text layer's font embedded.
  bool pdf_a = false;
  // Where the font and the ICC profile are; empty: the Debian paths (kGlyphLessFont, kSrgbProfile).
  std::string font_path;
  std::string icc_path;
};

// Tesseract's GlyphLessFont (package libtesseract5) and the sRGB profile of icc-profiles-free.
extern const char* const kGlyphLessFont;
extern const char* const kSrgbProfile;

class DocumentWriter {
 public:
  // Throws std::runtime_error when the spool cannot be made or, for PDF/A, the font or the
  // profile cannot be read.
  explicit DocumentWriter(WriterOptions options);
  DocumentWriter(const DocumentWriter&) = delete;
  DocumentWriter& operator=(const DocumentWriter&) = delete;
  ~DocumentWriter();

  // The page image full-page (none: the text layer alone, on a page of the record's size)
  // under the words of its tree. False, with `error` set, when the spool cannot be written.
  bool add_page(const record::PageResult& page, std::string& error);
  int pages() const;
  // Writes the whole document to `out`. False, with `error`, when qpdf fails.
  bool finish(std::ostream& out, std::string& error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocrbatch::pdf
