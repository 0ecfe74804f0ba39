#include "input/discovery.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "test_support.h"

namespace ocrbatch::input {
namespace {

using record::ErrorCode;

// Collects every item discovery produces.
struct Collected {
  std::vector<InputItem> items;
  ItemSink sink() {
    return [this](InputItem item) {
      items.push_back(std::move(item));
      return true;
    };
  }
  std::vector<std::string> names(InputItem::Kind kind) const {
    std::vector<std::string> out;
    for (const auto& item : items)
      if (item.kind == kind) out.push_back(item.name);
    return out;
  }
  const InputItem* find(const std::string& name) const {
    for (const auto& item : items)
      if (item.name == name) return &item;
    return nullptr;
  }
};

class DiscoveryTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  Collected got;
  std::string png = test::encoded_image(image::Format::png);
};

TEST_F(DiscoveryTest, AFileRemovedDuringTheWalkIsSkippedAsALink) {
  dir.write("a.png", png);
  dir.write("b.png", png);
  std::vector<InputItem> items;
  Discovery(DiscoveryOptions{}, [&](InputItem item) {
    if (item.name == dir.file("a.png")) ::unlink(dir.file("b.png").c_str());
    items.push_back(std::move(item));
    return true;
  }).add_path(dir.path());
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].name, dir.file("b.png"));
  EXPECT_EQ(items[1].kind, InputItem::Kind::skipped);
  EXPECT_EQ(items[1].skip, record::SkipKind::link);
}

TEST_F(DiscoveryTest, WalksFoldersRecursivelyInSortedOrder) {
  dir.write("b.png", png);
  dir.write("a/z.png", png);
  dir.write("a/c.png", png);
  dir.write("c.png", png);
  Discovery(DiscoveryOptions{}, got.sink()).add_path(dir.path());
  const std::string d = dir.path();
  EXPECT_EQ(got.names(InputItem::Kind::image),
            (std::vector<std::string>{d + "/a/c.png", d + "/a/z.png", d + "/b.png", d + "/c.png"}));
}

TEST_F(DiscoveryTest, SkipsHiddenEntriesUnlessAsked) {
  dir.write(".hidden/a.png", png);
  dir.write(".b.png", png);
  dir.write("c.png", png);
  Discovery(DiscoveryOptions{}, got.sink()).add_path(dir.path());
  EXPECT_EQ(got.names(InputItem::Kind::image).size(), 1u);

  Collected all;
  DiscoveryOptions options;
  options.hidden = true;
  Discovery(options, all.sink()).add_path(dir.path());
  EXPECT_EQ(all.names(InputItem::Kind::image).size(), 3u);
}

TEST_F(DiscoveryTest, RecognisesImagesByContentNotExtension) {
  dir.write("scan_without_extension", png);
  dir.write("notes.txt", "just text");
  dir.write("broken.png", "not really a png");
  Discovery(DiscoveryOptions{}, got.sink()).add_path(dir.path());
  EXPECT_EQ(got.names(InputItem::Kind::image),
            (std::vector<std::string>{dir.file("broken.png"), dir.file("scan_without_extension")}));
  EXPECT_EQ(got.names(InputItem::Kind::skipped), std::vector<std::string>{dir.file("notes.txt")});
  // Not an image under an image's name: passed on as content of unknown format, so the
  // scheduler's decode_failed verdict can be remembered by content hash.
  const auto* broken = got.find(dir.file("broken.png"));
  ASSERT_NE(broken, nullptr);
  EXPECT_EQ(broken->format, image::Format::unknown);
  EXPECT_EQ(*broken->bytes, "not really a png");
}

TEST_F(DiscoveryTest, SymlinkLoopDoesNotHangAndFileLinksAreFollowed) {
  dir.write("sub/a.png", png);
  std::filesystem::create_directory_symlink("..", dir.file("sub/up"));
  std::filesystem::create_symlink(dir.file("sub/a.png"), dir.file("link.png"));
  Discovery(DiscoveryOptions{}, got.sink()).add_path(dir.path());
  EXPECT_EQ(got.names(InputItem::Kind::image),
            (std::vector<std::string>{dir.file("link.png"), dir.file("sub/a.png")}));
}

// Two links per level to the next level: a walk that enters each folder once per path to it
// would make 2^levels visits.
TEST_F(DiscoveryTest, FolderReachedByManyLinksIsWalkedOnce) {
  constexpr int kLevels = 20;
  for (int level = 0; level < kLevels; ++level) {
    const std::string here = "l" + std::to_string(level);
    dir.write(here + "/notes.txt", "x");
    if (level + 1 < kLevels) {
      const std::string next = "../l" + std::to_string(level + 1);
      std::filesystem::create_directory_symlink(next, dir.file(here + "/a"));
      std::filesystem::create_directory_symlink(next, dir.file(here + "/b"));
    }
  }
  std::atomic<uint64_t> reached{0};
  DiscoveryOptions options;
  options.files_reached = &reached;
  Discovery(options, got.sink()).add_path(dir.file("l0"));
  EXPECT_EQ(got.names(InputItem::Kind::skipped).size(), static_cast<size_t>(kLevels));
  EXPECT_EQ(count_files({dir.file("l0")}, /*hidden=*/false, nullptr), reached.load());
}

TEST_F(DiscoveryTest, NamesThatRecordsGiveAreReadAsThePartTheyName) {
  dir.write("doc.tif", test::multipage_tiff(3));
  dir.write("a.zip", test::make_archive("zip", {{"x/a.png", png}, {"x/.b.png", png}}));
  dir.write("p.png", png);
  Discovery discovery(DiscoveryOptions{}, got.sink());
  for (const char* name : {"doc.tif#2", "a.zip::x/.b.png", "a.zip::x/c.png", "p.png::x"})
    discovery.add_path(dir.file(name));
  ASSERT_EQ(got.items.size(), 4u);
  EXPECT_EQ(got.items[0].name, dir.file("doc.tif"));
  EXPECT_EQ(got.items[0].page, 2);
  EXPECT_EQ(got.items[1].name, dir.file("a.zip::x/.b.png"));  // named, so hidden is no bar
  EXPECT_EQ(got.items[1].kind, InputItem::Kind::image);
  for (size_t i : {2u, 3u}) {
    EXPECT_EQ(got.items[i].kind, InputItem::Kind::error);
    EXPECT_EQ(got.items[i].error->code, ErrorCode::not_found);
  }
  EXPECT_EQ(got.items[2].name, dir.file("a.zip::x/c.png"));
  EXPECT_EQ(got.items[3].name, dir.file("p.png::x"));
}

TEST_F(DiscoveryTest, NamedFilesReportErrorsWithCodes) {
  dir.write("empty.png", "");
  dir.write("notes.txt", "text");
  Discovery discovery(DiscoveryOptions{}, got.sink());
  discovery.add_path(dir.file("missing.png"));
  discovery.add_path(dir.file("empty.png"));
  discovery.add_path(dir.file("notes.txt"));
  ASSERT_EQ(got.items.size(), 3u);
  ASSERT_TRUE(got.items[0].error);
  EXPECT_EQ(got.items[0].error->code, ErrorCode::not_found);
  EXPECT_EQ(got.items[1].kind, InputItem::Kind::image);  // empty content: judged by the scheduler
  EXPECT_EQ(got.items[1].format, image::Format::unknown);
  ASSERT_TRUE(got.items[2].error);
  EXPECT_EQ(got.items[2].error->code, ErrorCode::unsupported_format);
}

TEST_F(DiscoveryTest, UnreadableFileIsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  const auto path = dir.write("secret.png", png);
  ::chmod(path.c_str(), 0);
  Discovery(DiscoveryOptions{}, got.sink()).add_path(path);
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_EQ(got.items[0].error->code, ErrorCode::permission_denied);
}

// Root reads files whatever their mode, so the test above cannot run in CI; the mapping
// from errno to the code users see is checked here instead.
TEST(ErrorCodeForErrno, MapsOpenAndReadFailures) {
  EXPECT_EQ(error_code_for_errno(EACCES), ErrorCode::permission_denied);
  EXPECT_EQ(error_code_for_errno(EPERM), ErrorCode::permission_denied);
  EXPECT_EQ(error_code_for_errno(ENOENT), ErrorCode::not_found);
  EXPECT_EQ(error_code_for_errno(ENOTDIR), ErrorCode::not_found);
  EXPECT_EQ(error_code_for_errno(ELOOP), ErrorCode::not_found);
  EXPECT_EQ(error_code_for_errno(EIO), ErrorCode::read_failed);
  EXPECT_EQ(error_code_for_errno(EISDIR), ErrorCode::read_failed);
}

TEST_F(DiscoveryTest, SkipsFifosDuringAWalk) {
  ASSERT_EQ(::mkfifo(dir.file("pipe").c_str(), 0600), 0);
  dir.write("a.png", png);
  Discovery(DiscoveryOptions{}, got.sink()).add_path(dir.path());
  EXPECT_EQ(got.names(InputItem::Kind::skipped), std::vector<std::string>{dir.file("pipe")});
  EXPECT_EQ(got.find(dir.file("pipe"))->skip, record::SkipKind::special);
  EXPECT_EQ(got.names(InputItem::Kind::image).size(), 1u);
}

TEST_F(DiscoveryTest, SkipsSocketsInAWalkAndRefusesANamedOne) {
  const std::string sock = dir.file("s.sock");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  Discovery(DiscoveryOptions{}, got.sink()).add_path(dir.path());
  EXPECT_EQ(got.names(InputItem::Kind::skipped), std::vector<std::string>{sock});
  Collected named;
  Discovery(DiscoveryOptions{}, named.sink()).add_path(sock);
  ::close(fd);
  ASSERT_EQ(named.items.size(), 1u);
  EXPECT_EQ(named.items[0].error->code, ErrorCode::unsupported_format);
}

TEST_F(DiscoveryTest, RefusesFilesOverTheSizeLimit) {
  DiscoveryOptions options;
  options.max_file_bytes = 100;
  const auto path = dir.write("big.png", png + std::string(200, 'x'));
  Discovery(options, got.sink()).add_path(path);
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_EQ(got.items[0].error->code, ErrorCode::too_large);
}

TEST_F(DiscoveryTest, ReadsNulSeparatedLists) {
  const auto a = dir.write("a.png", png);
  const auto b = dir.write("b c.png", png);  // a space is fine in a NUL-separated list
  const auto list = dir.write("list", a + '\0' + b + '\0');
  const int fd = ::open(list.c_str(), O_RDONLY);
  Discovery(DiscoveryOptions{}, got.sink()).add_list(fd, '\0', "list");
  ::close(fd);
  EXPECT_EQ(got.names(InputItem::Kind::image), (std::vector<std::string>{a, b}));
}

TEST_F(DiscoveryTest, ReadsNewlineListsAndIgnoresBlankLinesAndCarriageReturns) {
  const auto a = dir.write("a.png", png);
  const auto list = dir.write("list", a + "\r\n\n" + dir.file("missing.png") + "\n");
  const int fd = ::open(list.c_str(), O_RDONLY);
  Discovery(DiscoveryOptions{}, got.sink()).add_list(fd, '\n', "list");
  ::close(fd);
  ASSERT_EQ(got.items.size(), 2u);
  EXPECT_EQ(got.items[0].name, a);
  EXPECT_EQ(got.items[1].error->code, ErrorCode::not_found);
}

TEST_F(DiscoveryTest, StopsWhenTheSinkSaysSo) {
  for (int i = 0; i < 5; ++i) dir.write("p" + std::to_string(i) + ".png", png);
  int seen = 0;
  Discovery(DiscoveryOptions{}, [&](InputItem) { return ++seen < 2; }).add_path(dir.path());
  EXPECT_EQ(seen, 2);
}

TEST_F(DiscoveryTest, ExpandsArchivesFoundInAWalk) {
  dir.write("batch.zip", test::make_archive("zip", {{"in/a.png", png}}));
  Discovery(DiscoveryOptions{}, got.sink()).add_path(dir.path());
  EXPECT_EQ(got.names(InputItem::Kind::image),
            std::vector<std::string>{dir.file("batch.zip") + "::in/a.png"});
}

TEST_F(DiscoveryTest, WalkOpensOnlyArchivesNamedAsSuch) {
  const auto zip = test::make_archive("zip", {{"a.png", png}});
  dir.write("report.docx", zip);
  dir.write("app.log.gz", std::string("\x1f\x8b\x08\x00", 4) + "not a tar");
  Discovery(DiscoveryOptions{}, got.sink()).add_path(dir.path());
  EXPECT_EQ(got.names(InputItem::Kind::skipped).size(), 2u);
  EXPECT_EQ(got.find(dir.file("report.docx"))->skip, record::SkipKind::archive_name);
  EXPECT_EQ(got.find(dir.file("app.log.gz"))->skip, record::SkipKind::archive_name);
  EXPECT_TRUE(got.names(InputItem::Kind::image).empty());

  Collected named;  // named on the command line, content decides
  Discovery(DiscoveryOptions{}, named.sink()).add_path(dir.file("report.docx"));
  EXPECT_EQ(named.names(InputItem::Kind::image).size(), 1u);
}

TEST_F(DiscoveryTest, ReadsANamedFifoAsAStream) {
  const auto fifo = dir.file("stream");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << png; });
  Discovery(DiscoveryOptions{}, got.sink()).add_path(fifo);
  writer.join();
  EXPECT_EQ(got.names(InputItem::Kind::image), std::vector<std::string>{fifo});
}

TEST_F(DiscoveryTest, PreCountMatchesWhatDiscoveryReaches) {
  dir.write("a.png", png);
  dir.write("notes.txt", "x");
  dir.write("sub/b.png", png);
  dir.write(".hidden/c.png", png);
  std::filesystem::create_directory_symlink("..", dir.file("sub/up"));
  std::filesystem::create_symlink(dir.file("gone"), dir.file("dangling.png"));
  const std::vector<std::string> paths{dir.path(), dir.file("missing.png"), dir.file("a.png")};

  std::atomic<uint64_t> reached{0};
  DiscoveryOptions options;
  options.files_reached = &reached;
  Discovery discovery(options, got.sink());
  for (const auto& path : paths) discovery.add_path(path);

  EXPECT_EQ(count_files(paths, /*hidden=*/false, nullptr), reached.load());
  EXPECT_EQ(reached.load(), 6u);  // a.png, dangling.png, notes.txt, sub/b.png, missing, a.png
}

TEST_F(DiscoveryTest, SkippedFilesSayWhyTheyWereSkipped) {
  dir.write("bundle.dat", test::make_archive("zip", {{"a.png", "x"}}));
  dir.write("notes.txt", "just text");
  std::filesystem::create_symlink(dir.file("gone.png"), dir.file("dangling.png"));
  Discovery(DiscoveryOptions{}, got.sink()).add_path(dir.path());
  ASSERT_EQ(got.items.size(), 3u);
  EXPECT_EQ(got.find(dir.file("bundle.dat"))->skip, record::SkipKind::archive_name);
  EXPECT_EQ(got.find(dir.file("notes.txt"))->skip, record::SkipKind::other);
  EXPECT_EQ(got.find(dir.file("dangling.png"))->skip, record::SkipKind::link);
}

TEST_F(DiscoveryTest, APdfIsReadByItsContentNamedOrMetInAWalk) {
  const auto named = dir.write("report.pdf", "%PDF-1.4\n1 0 obj\n");
  dir.write("sub/scan.bin", std::string(700, ' ') + "%PDF-1.7\n");
  Discovery discovery(DiscoveryOptions{}, got.sink());
  discovery.add_path(named);
  discovery.add_path(dir.file("sub"));
  ASSERT_EQ(got.items.size(), 2u);
  for (const auto& item : got.items) {
    EXPECT_EQ(item.kind, InputItem::Kind::image) << item.name;
    EXPECT_EQ(item.format, image::Format::pdf) << item.name;
  }
}

TEST_F(DiscoveryTest, AnArchiveWhoseFirstEntryIsAPdfIsReadAsAnArchive) {
  // The stored PDF's header falls within the archive's first 1024 bytes.
  const auto cpio = dir.write("bundle.cpio", test::make_archive("cpio", {{"a.pdf", "%PDF-1.4\n"}}));
  Discovery(DiscoveryOptions{}, got.sink()).add_path(cpio);
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_EQ(got.items[0].name, cpio + "::a.pdf");
  EXPECT_EQ(got.items[0].format, image::Format::pdf);
}

OutputFile output_id(const std::string& path, const std::string& option) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), option};
}

TEST_F(DiscoveryTest, AnOutputFileReachedThroughAListOrALinkIsNeverRead) {
  const auto out = dir.write("out/result.png", png);  // -o over an image: it would be replaced
  dir.write("in/a.png", png);
  std::filesystem::create_symlink(dir.file("out/result.png"), dir.file("in/b.png"));
  DiscoveryOptions options;
  options.outputs = {output_id(out, "-o")};
  std::vector<std::string> met;
  options.output_met = [&](const OutputFile& f) { met.push_back(f.option); };
  Discovery discovery(options, got.sink());
  discovery.add_path(dir.file("in"));
  const auto list = dir.write("list", out + "\n");
  const int fd = ::open(list.c_str(), O_RDONLY);
  discovery.add_list(fd, '\n', "list");
  ::close(fd);
  EXPECT_EQ(got.names(InputItem::Kind::image), std::vector<std::string>{dir.file("in/a.png")});
  EXPECT_EQ(got.names(InputItem::Kind::error),
            (std::vector<std::string>{dir.file("in/b.png"), out}));
  EXPECT_EQ(got.find(out)->error->message, "is this run's output file (-o), not read");
  EXPECT_EQ(met, (std::vector<std::string>{"-o", "-o"}));
}

TEST_F(DiscoveryTest, StdoutFileIsPassedOverSilentlyInAWalk) {
  dir.write("a.png", png);
  const auto out = dir.write("out.jsonl", "");
  DiscoveryOptions options;
  options.stdout_file = output_id(out, "stdout");
  Discovery(options, got.sink()).add_path(dir.path());
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_EQ(got.items[0].name, dir.file("a.png"));
}

}  // namespace
}  // namespace ocrbatch::input
