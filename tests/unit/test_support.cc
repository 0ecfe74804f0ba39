#include "test_support.h"

#include <archive.h>
#include <archive_entry.h>
#include <leptonica/allheaders.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ocrbatch::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "ocrbatch-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& bytes) const {
  const fs::path target = fs::path(path_) / name;
  fs::create_directories(target.parent_path());
  std::ofstream(target, std::ios::binary) << bytes;
  return target.string();
}

namespace {

Pix* test_pix(int width, int height, int depth) {
  Pix* pix = pixCreate(width, height, depth);
  if (depth == 1) {
    pixSetAll(pix);  // 1 bpp: 1 is black
    pixClearAll(pix);
    pixRasterop(pix, width / 4, height / 4, width / 2, height / 2, PIX_SET, nullptr, 0, 0);
  } else {
    pixSetAll(pix);  // white
    pixRasterop(pix, width / 4, height / 4, width / 2, height / 2, PIX_CLR, nullptr, 0, 0);
  }
  return pix;
}

std::string take(l_uint8* data, size_t size) {
  std::string bytes(reinterpret_cast<char*>(data), size);
  lept_free(data);
  return bytes;
}

}  // namespace

std::string encoded_image(image::Format format, int width, int height) {
  Pix* pix = test_pix(width, height, format == image::Format::tiff ? 1 : 8);
  l_uint8* data = nullptr;
  size_t size = 0;
  int failed = 1;
  switch (format) {
    case image::Format::png:
      failed = pixWriteMemPng(&data, &size, pix, 0.0f);
      break;
    case image::Format::tiff:
      failed = pixWriteMemTiff(&data, &size, pix, IFF_TIFF_G4);
      break;
    case image::Format::bmp:
      failed = pixWriteMemBmp(&data, &size, pix);
      break;
    case image::Format::jpeg:
      failed = pixWriteMemJpeg(&data, &size, pix, 90, 0);
      break;
    case image::Format::gif:
      failed = pixWriteMemGif(&data, &size, pix);
      break;
    default:
      break;
  }
  pixDestroy(&pix);
  if (failed) throw std::runtime_error("cannot encode test image");
  return take(data, size);
}

std::string multipage_tiff(int pages) {
  TempDir dir;
  const std::string path = dir.file("multi.tif");
  for (int i = 0; i < pages; ++i) {
    Pix* pix = test_pix(100 + 10 * i, 80, 1);
    pixWriteTiff(path.c_str(), pix, IFF_TIFF_G4, i == 0 ? "w" : "a");
    pixDestroy(&pix);
  }
  return read_file(path);
}

std::string make_archive(const std::string& kind,
                         const std::vector<std::pair<std::string, std::string>>& entries) {
  struct archive* a = archive_write_new();
  if (kind == "zip") {
    archive_write_set_format_zip(a);
  } else if (kind == "cpio") {
    archive_write_set_format_cpio_newc(a);
  } else if (kind == "v7tar") {
    archive_write_set_format_v7tar(a);
  } else if (kind == "tar.xz") {
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_xz(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_gzip(a);
  }
  std::string buffer(1 << 22, '\0');
  size_t used = 0;
  archive_write_open_memory(a, buffer.data(), buffer.size(), &used);
  for (const auto& [name, bytes] : entries) {
    struct archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_write_header(a, entry);
    archive_write_data(a, bytes.data(), bytes.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  buffer.resize(used);
  return buffer;
}

std::string zlib_compress(const std::string& bytes) {
  uLongf size = compressBound(bytes.size());
  std::string out(size, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &size,
            reinterpret_cast<const Bytef*>(bytes.data()), bytes.size(), 6);
  out.resize(size);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string samples_dir() { return OCRBATCH_SAMPLES_DIR; }

image::PixPtr load_sample(const std::string& name) {
  const auto bytes = read_file(samples_dir() + "/" + name);
  auto pix = image::decode(bytes, image::sniff(bytes));
  return pix ? std::move(pix.value()) : nullptr;
}

image::PixPtr grey_letter() {
  auto letter = load_sample("letter.png");
  return image::PixPtr(pixConvertTo8(letter.get(), 0));
}

std::string pdf_document(const std::vector<PdfPage>& pages) {
  // Objects: 1 catalog, 2 page tree, then each page and its content stream.
  std::vector<std::string> objects;
  std::string kids;
  for (size_t i = 0; i < pages.size(); ++i) kids += std::to_string(3 + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) +
                    " >>");
  for (size_t i = 0; i < pages.size(); ++i) {
    const auto& p = pages[i];
    std::ostringstream page;
    page << "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " << p.width << " " << p.height
         << "] /Rotate " << p.rotate << " /Contents " << 4 + 2 * i << " 0 R /Resources << >> >>";
    objects.push_back(page.str());
    objects.push_back("<< /Length " + std::to_string(p.content.size()) + " >>\nstream\n" +
                      p.content + "\nendstream");
  }
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (const size_t offset : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace ocrbatch::test
