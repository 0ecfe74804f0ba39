#pragma once
// Helpers shared by the unit tests: temporary folders and inputs the tests make themselves.

#include <string>
#include <utility>
#include <vector>

#include "image/image.h"

namespace ocrbatch::test {

// A fresh folder under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `bytes` to path()/name, creating parent folders.
  std::string write(const std::string& name, const std::string& bytes) const;

 private:
  std::string path_;
};

// A small white image with a black rectangle, encoded in `format` (png, tiff, bmp, jpeg, gif).
std::string encoded_image(image::Format format, int width = 64, int height = 48);

// A TIFF holding `pages` pages whose widths are 100, 110, 120, ...
std::string multipage_tiff(int pages);

// An archive built in memory with libarchive: "zip", "tar.gz", "tar.xz", "cpio" (newc,
// uncompressed) or "v7tar" (a tar header without the ustar magic).
std::string make_archive(const std::string& kind,
                         const std::vector<std::pair<std::string, std::string>>& entries);

// One page of pdf_document(): its MediaBox in points, its content stream (PDF operators, e.g.
// "0 0 10 10 re f" for a black square at the bottom left) and its /Rotate.
struct PdfPage {
  double width = 72, height = 72;
  std::string content;
  int rotate = 0;
};
// A valid PDF, written out by hand with a correct cross-reference table.
std::string pdf_document(const std::vector<PdfPage>& pages);

std::string read_file(const std::string& path);
// `bytes` under zlib (PDF's FlateDecode).
std::string zlib_compress(const std::string& bytes);
std::string samples_dir();
// Decodes page 1 of a file in samples/ (rendered text made by scripts/make-samples).
image::PixPtr load_sample(const std::string& name);
// samples/letter.png as 8-bit grey: a clean page of running text.
image::PixPtr grey_letter();

}  // namespace ocrbatch::test
