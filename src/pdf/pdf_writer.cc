#include "pdf/pdf_writer.h"

// qpdf's headers without their old PointerHolder type: std::shared_ptr throughout.
#define POINTERHOLDER_TRANSITION 4

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <qpdf/Pl_OStream.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "pdf/text_layer.h"

namespace ocrbatch::pdf {

const char* const kGlyphLessFont = "/usr/share/tesseract-ocr/5/tessdata/pdf.ttf";
const char* const kSrgbProfile = "/usr/share/color/icc/sRGB.icc";

namespace {

using Handle = QPDFObjectHandle;
using record::PageImage;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

// A file nobody can open by name: unlinked as soon as it is made, so it goes away with its
// descriptor however the program ends.
int anonymous_spool() {
  const char* dir = std::getenv("TMPDIR");
  std::string path =
      std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/ocrbatch-pdf-XXXXXX";
  const int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error("cannot make a spool file in " + path.substr(0, path.rfind('/')) +
                             ": " + std::strerror(errno));
  ::unlink(path.c_str());
  return fd;
}

// One stream's bytes in the spool, handed to qpdf when it writes the stream.
class SpoolSlice : public QPDFObjectHandle::StreamDataProvider {
 public:
  SpoolSlice(int fd, off_t offset, size_t size) : fd_(fd), offset_(offset), size_(size) {}
  void provideStreamData(QPDFObjGen const& /*og*/, Pipeline* pipeline) override {
    std::vector<unsigned char> buffer(std::min<size_t>(size_, 1 << 20));
    size_t done = 0;
    while (done < size_) {
      const ssize_t n = ::pread(fd_, buffer.data(), std::min(buffer.size(), size_ - done),
                                offset_ + static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        throw std::runtime_error(std::string("cannot read the spool file: ") +
                                 (n < 0 ? std::strerror(errno) : "it is short"));
      pipeline->write(buffer.data(), static_cast<size_t>(n));
      done += static_cast<size_t>(n);
    }
    pipeline->finish();
  }

 private:
  int fd_;
  off_t offset_;
  size_t size_;
};

void describe_image(Handle dict, const PageImage& image) {
  dict.replaceKey("/Type", Handle::newName("/XObject"));
  dict.replaceKey("/Subtype", Handle::newName("/Image"));
  dict.replaceKey("/Width", Handle::newInteger(image.width));
  dict.replaceKey("/Height", Handle::newInteger(image.height));
  dict.replaceKey("/ColorSpace",
                  Handle::newName(image.components == 3 ? "/DeviceRGB" : "/DeviceGray"));
  dict.replaceKey("/BitsPerComponent", Handle::newInteger(image.bits));
}

std::pair<Handle, Handle> image_filter(const PageImage& image) {
  switch (image.encoding) {
    case PageImage::Encoding::jpeg:
      return {Handle::newName("/DCTDecode"), Handle::newNull()};
    case PageImage::Encoding::ccitt_g4:
      return {Handle::newName("/CCITTFaxDecode"),
              Handle::parse("<< /K -1 /Columns " + std::to_string(image.width) + " /Rows " +
                            std::to_string(image.height) + " >>")};
    case PageImage::Encoding::flate:
      break;
  }
  return {Handle::newName("/FlateDecode"), Handle::newNull()};
}

std::string xmp_date(std::time_t when) {
  char text[32];
  std::tm utc{};
  gmtime_r(&when, &utc);
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string pdfa_metadata(std::time_t now) {
  const std::string date = xmp_date(now);
  return "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
         "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
         "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
         "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
         "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"
         "</rdf:Description>\n"
         "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
         "<xmp:CreateDate>" +
         date + "</xmp:CreateDate>\n<xmp:ModifyDate>" + date +
         "</xmp:ModifyDate>\n<xmp:CreatorTool>ocrbatch " OCRBATCH_VERSION
         "</xmp:CreatorTool>\n</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
         "<?xpacket end=\"w\"?>\n";
}

}  // namespace

struct DocumentWriter::Impl {
  WriterOptions options;
  QPDF pdf;
  int spool = -1;
  off_t spool_size = 0;
  Handle font;
  std::string icc_profile;  // --pdf-a's output intent
  int pages = 0;

  ~Impl() {
    if (spool >= 0) ::close(spool);
  }

  // Appends to the spool; returns a provider for what was written.
  std::shared_ptr<SpoolSlice> spooled(std::string_view bytes, std::string& error) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::pwrite(spool, bytes.data() + done, bytes.size() - done,
                                 spool_size + static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error = std::string("cannot write the spool file: ") + std::strerror(errno);
        return nullptr;
      }
      done += static_cast<size_t>(n);
    }
    auto slice = std::make_shared<SpoolSlice>(spool, spool_size, bytes.size());
    spool_size += static_cast<off_t>(bytes.size());
    return slice;
  }

  bool add_page(const record::PageResult& page, std::string& error);

  // One Type0 font for every page: all codes show the GlyphLessFont's one empty glyph, half
  // an em wide, and each code is the UTF-16 unit it stands for. Ascent and descent make a
  // glyph's box the em square above the baseline, so a word's text box is its box; the descent
  // is -1, not 0, because poppler reads 0 as "none given" and puts its own deep one instead.
  Handle make_font() {
    const std::string program =
        read_file(options.font_path.empty() ? kGlyphLessFont : options.font_path);
    if (program.empty() && options.pdf_a)
      throw std::runtime_error(std::string("--pdf-a needs the font ") +
                               (options.font_path.empty() ? kGlyphLessFont : options.font_path) +
                               " embedded (package libtesseract5), and it cannot be read");
    Handle descriptor = Handle::parse(
        "<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 500 1000] "
        "/ItalicAngle 0 /Ascent 1000 /Descent -1 /CapHeight 1000 /StemV 80 >>");
    if (!program.empty()) {
      Handle file = pdf.newStream(program);
      file.getDict().replaceKey("/Length1",
                                Handle::newInteger(static_cast<long long>(program.size())));
      descriptor.replaceKey("/FontFile2", file);
    }
    std::string gid_map(2 * 65536, '\0');
    for (size_t i = 1; i < gid_map.size(); i += 2) gid_map[i] = '\x01';
    Handle cid_font = Handle::parse(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>");
    cid_font.replaceKey("/FontDescriptor", pdf.makeIndirectObject(descriptor));
    cid_font.replaceKey("/CIDToGIDMap", pdf.newStream(gid_map));
    Handle type0 = Handle::parse(
        "<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H >>");
    type0.replaceKey("/DescendantFonts",
                     Handle::newArray(std::vector<Handle>{pdf.makeIndirectObject(cid_font)}));
    type0.replaceKey("/ToUnicode", pdf.newStream(identity_to_unicode_cmap()));
    return pdf.makeIndirectObject(type0);
  }
};

DocumentWriter::DocumentWriter(WriterOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->pdf.emptyPDF();
  impl_->spool = anonymous_spool();
  impl_->font = impl_->make_font();
  if (impl_->options.pdf_a) {
    const std::string path =
        impl_->options.icc_path.empty() ? kSrgbProfile : impl_->options.icc_path;
    impl_->icc_profile = read_file(path);
    if (impl_->icc_profile.empty())
      throw std::runtime_error("--pdf-a needs the sRGB profile " + path +
                               " (package icc-profiles-free), and it cannot be read");
  }
}

DocumentWriter::~DocumentWriter() = default;

int DocumentWriter::pages() const { return impl_->pages; }

bool DocumentWriter::add_page(const record::PageResult& page, std::string& error) {
  try {
    return impl_->add_page(page, error);
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

bool DocumentWriter::Impl::add_page(const record::PageResult& page, std::string& error) {
  const PageImage* image = page.image.get();
  const int dpi = image != nullptr ? image->dpi : page.dpi;
  const PageGeometry geometry = page_geometry(image != nullptr ? image->width : page.width,
                                              image != nullptr ? image->height : page.height, dpi);
  Handle resources = Handle::newDictionary();
  Handle fonts = Handle::newDictionary();
  fonts.replaceKey("/F0", font);
  resources.replaceKey("/Font", fonts);
  if (image != nullptr) {
    auto data = spooled(*image->data, error);
    if (!data) return false;
    Handle stream = pdf.newStream();
    const auto [filter, parameters] = image_filter(*image);
    stream.replaceStreamData(data, filter, parameters);
    describe_image(stream.getDict(), *image);
    Handle xobjects = Handle::newDictionary();
    xobjects.replaceKey("/Im0", stream);
    resources.replaceKey("/XObject", xobjects);
  }
  auto content_data = spooled(page_content(page, geometry, image ? "Im0" : "", "F0"), error);
  if (!content_data) return false;
  Handle content = pdf.newStream();
  content.replaceStreamData(content_data, Handle::newNull(), Handle::newNull());
  Handle dict = Handle::newDictionary();
  dict.replaceKey("/Type", Handle::newName("/Page"));
  dict.replaceKey("/MediaBox",
                  Handle::newArray(Handle::Rectangle(0, 0, geometry.width_pt, geometry.height_pt)));
  dict.replaceKey("/Resources", resources);
  dict.replaceKey("/Contents", content);
  pdf.addPage(pdf.makeIndirectObject(dict), false);
  ++pages;
  return true;
}

bool DocumentWriter::finish(std::ostream& out, std::string& error) {
  try {
    QPDF& pdf = impl_->pdf;
    if (impl_->options.pdf_a) {
      Handle icc = pdf.newStream(impl_->icc_profile);
      icc.getDict().replaceKey("/N", Handle::newInteger(3));
      Handle intent = Handle::parse(
          "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) "
          "/Info (sRGB IEC61966-2.1) >>");
      intent.replaceKey("/DestOutputProfile", icc);
      Handle root = pdf.getRoot();
      root.replaceKey("/OutputIntents",
                      Handle::newArray(std::vector<Handle>{pdf.makeIndirectObject(intent)}));
      Handle metadata = pdf.newStream(pdfa_metadata(std::time(nullptr)));
      metadata.getDict().replaceKey("/Type", Handle::newName("/Metadata"));
      metadata.getDict().replaceKey("/Subtype", Handle::newName("/XML"));
      root.replaceKey("/Metadata", metadata);
    }
    Pl_OStream sink("pdf output", out);
    QPDFWriter writer(pdf);
    writer.setOutputPipeline(&sink);
    // Images are written as they were encoded, never decoded and compressed again.
    writer.setDecodeLevel(qpdf_dl_none);
    writer.setCompressStreams(true);
    writer.setMinimumPDFVersion(impl_->options.pdf_a ? "1.7" : "1.5");
    writer.write();
    return static_cast<bool>(out);
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

}  // namespace ocrbatch::pdf
