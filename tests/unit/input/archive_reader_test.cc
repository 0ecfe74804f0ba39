#include "input/archive_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "test_support.h"

namespace ocrbatch::input {
namespace {

using record::ErrorCode;

class ArchiveReaderTest : public ::testing::Test {
 protected:
  // Reads `bytes` as an archive the way discovery does: sniffed head first, then the fd.
  std::vector<InputItem> read(const std::string& bytes, uint64_t max_entry = 1 << 20) {
    const auto path = dir.write("archive", bytes);
    const int fd = ::open(path.c_str(), O_RDONLY);
    util::FdReader reader(fd, nullptr);
    std::string head;
    reader.read_up_to(head, 512);
    std::vector<InputItem> items;
    last = read_archive(reader, head, "a.zip", ArchiveLimits{max_entry}, [&](InputItem item) {
      items.push_back(std::move(item));
      return true;
    });
    ::close(fd);
    return items;
  }
  ArchiveRead last = ArchiveRead::done;

  test::TempDir dir;
  std::string png = test::encoded_image(image::Format::png);
};

// Formats without a magic number a hand-written list would know: libarchive bids on them.
TEST_F(ArchiveReaderTest, ReadsUncompressedCpioAndV7Tar) {
  for (const char* kind : {"cpio", "v7tar"}) {
    const auto items = read(test::make_archive(kind, {{"scan.png", png}}));
    EXPECT_EQ(last, ArchiveRead::done) << kind;
    ASSERT_EQ(items.size(), 1u) << kind;
    EXPECT_EQ(items[0].name, "a.zip::scan.png");
    EXPECT_EQ(items[0].kind, InputItem::Kind::image);
  }
}

TEST_F(ArchiveReaderTest, BidsOnTheHeadAlone) {
  for (const char* kind : {"zip", "tar.gz", "tar.xz", "cpio", "v7tar"})
    EXPECT_TRUE(looks_like_archive(test::make_archive(kind, {{"a", "b"}}).substr(0, 512))) << kind;
  EXPECT_FALSE(looks_like_archive(png));
  EXPECT_FALSE(looks_like_archive("plain text"));
  EXPECT_FALSE(looks_like_archive(std::string(512, '\0')));
}

TEST_F(ArchiveReaderTest, TextAndZerosAreNotArchives) {
  EXPECT_TRUE(read("plain text, no archive here").empty());
  EXPECT_EQ(last, ArchiveRead::not_archive);
  EXPECT_TRUE(read(std::string(10240, '\0')).empty());  // libarchive alone calls it an empty tar
  EXPECT_EQ(last, ArchiveRead::not_archive);
}

TEST_F(ArchiveReaderTest, NamesEntriesAfterTheArchiveAndKeepsTheirOrder) {
  const auto items = read(test::make_archive("zip", {{"dir/b.png", png}, {"a.png", png}}));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].name, "a.zip::dir/b.png");
  EXPECT_EQ(items[1].name, "a.zip::a.png");
  EXPECT_EQ(items[0].kind, InputItem::Kind::image);
  EXPECT_EQ(*items[0].bytes, png);
}

TEST_F(ArchiveReaderTest, ReadsCompressedTar) {
  const auto items = read(test::make_archive("tar.gz", {{"scan.png", png}}));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].name, "a.zip::scan.png");
  EXPECT_EQ(items[0].format, image::Format::png);
}

TEST_F(ArchiveReaderTest, SkipsNonImagesAndFlagsBrokenImages) {
  const auto items =
      read(test::make_archive("zip", {{"readme.txt", "hello"}, {"bad.png", "junk"}, {"ok", png}}));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].kind, InputItem::Kind::skipped);
  EXPECT_EQ(items[0].skip, record::SkipKind::other);
  EXPECT_EQ(items[1].error->code, ErrorCode::decode_failed);
  EXPECT_EQ(items[2].kind, InputItem::Kind::image);
}

TEST_F(ArchiveReaderTest, SkipsHiddenEntriesAndMacResourceForks) {
  const auto zip = test::make_archive(
      "zip",
      {{"__MACOSX/._a.png", png}, {"d/.cache/b.png", png}, {".c.png", png}, {"d/a.png", png}});
  const auto items = read(zip);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].name, "a.zip::d/a.png");
}

TEST_F(ArchiveReaderTest, APdfEntryIsReadByItsContent) {
  const auto items = read(test::make_archive("zip", {{"scan", "%PDF-1.5\n1 0 obj\n"}}));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, InputItem::Kind::image);
  EXPECT_EQ(items[0].format, image::Format::pdf);
}

TEST(ArchiveExtension, KnowsContainerNamesOnly) {
  EXPECT_TRUE(has_archive_extension("batch.ZIP"));
  EXPECT_TRUE(has_archive_extension("scans.tar.gz"));
  EXPECT_TRUE(has_archive_extension("scans.tgz"));
  EXPECT_FALSE(has_archive_extension("app.log.gz"));
  EXPECT_FALSE(has_archive_extension("report.docx"));
}

TEST_F(ArchiveReaderTest, RefusesADecompressionBombAndStopsReading) {
  const std::string zeros(kBombMinBytes + (1 << 20), '\0');
  const auto items =
      read(test::make_archive("tar.gz", {{"bomb.png", zeros}, {"after.png", png}}), 1ull << 30);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].error->code, ErrorCode::too_large);
  EXPECT_NE(items[0].error->message.find("bomb"), std::string::npos);
}

TEST_F(ArchiveReaderTest, StopsAtTheArchiveTotalLimit) {
  const auto path =
      dir.write("a", test::make_archive("zip", {{"1.png", png}, {"2.png", png}, {"3.png", png}}));
  const int fd = ::open(path.c_str(), O_RDONLY);
  util::FdReader reader(fd, nullptr);
  std::string head;
  reader.read_up_to(head, 512);
  std::vector<InputItem> items;
  ArchiveLimits limits{1 << 20};
  limits.max_total_bytes = png.size() * 2 + png.size() / 2;
  read_archive(reader, head, "a.zip", limits, [&](InputItem item) {
    items.push_back(std::move(item));
    return true;
  });
  ::close(fd);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[1].kind, InputItem::Kind::image);
  EXPECT_EQ(items[2].error->code, ErrorCode::too_large);
}

TEST_F(ArchiveReaderTest, RefusesEntriesOverTheLimit) {
  const auto items =
      read(test::make_archive("zip", {{"big.png", png + std::string(5000, 'x')}}), 1000);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].error->code, ErrorCode::too_large);
}

TEST_F(ArchiveReaderTest, TruncatedArchiveKeepsEarlierEntriesAndReportsCorruption) {
  // Incompressible filler, so that cutting the archive in half lands after entry one.
  std::string big(200000, '\0');
  uint32_t state = 12345;
  for (auto& c : big) c = static_cast<char>((state = state * 1103515245u + 12345u) >> 24);
  const auto zip =
      test::make_archive("tar.gz", {{"a.png", png}, {"filler.txt", big}, {"b.png", png}});
  const auto items = read(zip.substr(0, zip.size() / 2));
  ASSERT_GE(items.size(), 2u);
  EXPECT_EQ(items.front().name, "a.zip::a.png");
  EXPECT_EQ(items.back().kind, InputItem::Kind::error);
  EXPECT_EQ(items.back().error->code, ErrorCode::archive_corrupt);
}

// All of it well under the 64 KiB libarchive's filters decode at a time, which they drop
// whole when the compressed data ends early.
TEST_F(ArchiveReaderTest, SmallTruncatedCompressedTarKeepsItsFirstEntry) {
  std::string filler(3000, '\0');
  uint32_t state = 12345;
  for (auto& c : filler) c = static_cast<char>((state = state * 1103515245u + 12345u) >> 24);
  for (const char* kind : {"tar.gz", "tar.xz"}) {
    const auto archive =
        test::make_archive(kind, {{"a.png", png}, {"filler.bin", filler}, {"b.png", png}});
    ASSERT_LT(archive.size(), 16u << 10) << kind;
    const auto items = read(archive.substr(0, archive.size() * 2 / 3));
    ASSERT_GE(items.size(), 2u) << kind;
    EXPECT_EQ(items.front().name, "a.zip::a.png") << kind;
    EXPECT_EQ(items.front().kind, InputItem::Kind::image) << kind;
    EXPECT_EQ(items.back().error->code, ErrorCode::archive_corrupt) << kind;
    EXPECT_NE(items.back().error->message.find("truncated"), std::string::npos) << kind;
  }
}

TEST_F(ArchiveReaderTest, GarbageAfterAZipSignatureIsCorrupt) {
  const auto items = read(std::string("PK\x03\x04") + std::string(100, '\x7f'));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].error->code, ErrorCode::archive_corrupt);
  EXPECT_EQ(items[0].name, "a.zip");
}

}  // namespace
}  // namespace ocrbatch::input
