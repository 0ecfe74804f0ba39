#include "output/output_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ocrbatch::output {
namespace {

namespace fs = std::filesystem;
using record::ErrorCode;

std::string stem(const std::string& source, const std::vector<std::string>& folders = {},
                 const std::vector<std::string>& files = {}) {
  auto got = output_stem(source, folders, files);
  return got ? *got : "error:" + std::string(record::to_string(got.error().code));
}

TEST(OutputStem, AWalkedFileKeepsItsPathBelowTheNamedFolder) {
  EXPECT_EQ(stem("scans/2024/a.tif", {"scans/"}), "2024/a");
  EXPECT_EQ(stem("scans//2024/a.tif", {"scans//"}), "2024/a");
  EXPECT_EQ(stem("./a.tif", {"."}), "a");
  // The innermost named folder wins, as its walk is the one that names the file.
  EXPECT_EQ(stem("scans/2024/a.tif", {"scans", "scans/2024"}), "a");
}

TEST(OutputStem, ANamedFileGetsItsBaseName) {
  EXPECT_EQ(stem("../in/page.png", {}, {"../in/page.png"}), "page");
  EXPECT_EQ(stem("/srv/in/scan.tiff", {}, {"/srv/in/scan.tiff"}), "scan");
}

TEST(OutputStem, AListedPathIsMirroredAsGiven) {
  EXPECT_EQ(stem("./a/b.tif"), "a/b");
  EXPECT_EQ(stem("/srv/in/a.tif"), "srv/in/a");
  EXPECT_EQ(stem("noext"), "noext");
  EXPECT_EQ(stem(".hidden.png"), ".hidden");
  EXPECT_EQ(stem("../a.tif"), "error:unsafe_path");
  EXPECT_EQ(stem("a/../../b.tif"), "error:unsafe_path");
}

TEST(OutputStem, StdinIsStdin) {
  EXPECT_EQ(stem("-"), "stdin");
  EXPECT_EQ(stem("-::a/b.png"), "stdin/a/b");
}

TEST(OutputStem, ArchiveEntriesGoBelowTheArchivesName) {
  EXPECT_EQ(stem("scans/x.zip::a/b.png", {"scans"}), "x.zip/a/b");
  EXPECT_EQ(stem("x.zip::a/b.png", {}, {"x.zip"}), "x.zip/a/b");
  EXPECT_EQ(stem("x.zip::inner.tar::c.png", {}, {"x.zip"}), "x.zip/inner.tar/c");
  EXPECT_EQ(stem("x.zip::./a.png", {}, {"x.zip"}), "x.zip/a");
}

TEST(OutputStem, EntryNamesThatLeaveTheFolderAreRefused) {
  EXPECT_EQ(stem("x.zip::../../x.png", {}, {"x.zip"}), "error:unsafe_path");
  EXPECT_EQ(stem("x.zip::/tmp/x.png", {}, {"x.zip"}), "error:unsafe_path");
  EXPECT_EQ(stem("x.zip::a/../../x.png", {}, {"x.zip"}), "error:unsafe_path");
}

record::PageResult page(const std::string& source, int n, int pages, const std::string& text) {
  record::PageResult p;
  p.source = source;
  p.page = n;
  p.pages = pages;
  p.text = text;
  return p;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Names in `dir` that are not `final` (the temporary files).
std::vector<fs::path> others(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
  return out;
}

class OutputDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/output_dir_test.XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    root_ = name;
  }
  void TearDown() override { fs::remove_all(root_); }
  OutputDirOptions options(std::vector<std::string> formats = {"text"}) {
    OutputDirOptions o;
    o.dir = (root_ / "out").string();
    o.formats = std::move(formats);
    o.folders = {"scans"};
    return o;
  }
  fs::path root_;
};

TEST_F(OutputDirTest, NoFileUnderItsFinalNameUntilTheLastPage) {
  OutputDir dir(options({"text", "json"}));
  EXPECT_FALSE(dir.check("scans/2024/a.tif").refused);
  EXPECT_FALSE(dir.write(page("scans/2024/a.tif", 1, 3, "one"), 0, 3, false));
  EXPECT_FALSE(dir.write(page("scans/2024/a.tif", 2, 3, "two"), 1, 3, false));
  const fs::path folder = root_ / "out" / "2024";
  EXPECT_FALSE(fs::exists(folder / "a.txt"));
  EXPECT_FALSE(fs::exists(folder / "a.json"));
  EXPECT_EQ(others(folder).size(), 2u);  // the two temporary files
  EXPECT_FALSE(dir.write(page("scans/2024/a.tif", 3, 3, "three"), 2, 3, false));
  EXPECT_EQ(read(folder / "a.txt"), "one\ftwo\fthree\f");
  EXPECT_NE(read(folder / "a.json").find("\"three\""), std::string::npos);
  EXPECT_EQ(others(folder).size(), 2u);  // the two final files, no temporary left
}

TEST_F(OutputDirTest, AnInputThatStopsHalfWayLeavesNoFile) {
  OutputDir dir(options());
  EXPECT_FALSE(dir.write(page("scans/a.tif", 1, 3, "one"), 0, 3, false));
  dir.finish();
  EXPECT_TRUE(others(root_ / "out").empty());
}

TEST_F(OutputDirTest, AMissingPageDropsTheInput) {
  OutputDir dir(options());
  EXPECT_FALSE(dir.write(page("scans/a.tif", 1, 3, "one"), 0, 3, false));
  EXPECT_FALSE(dir.write(page("scans/a.tif", 3, 3, "three"), 2, 3, false));  // page 2 lost
  EXPECT_TRUE(others(root_ / "out").empty());
}

TEST_F(OutputDirTest, AnInputThatFailedAsAWholeHasNoFile) {
  OutputDir dir(options({"json"}));
  record::ErrorResult error{"scans/a.tif", 0, {ErrorCode::decode_failed, "bad"}};
  EXPECT_FALSE(dir.write(error, 0, 1, false));
  record::ErrorResult page1{"scans/b.tif", 1, {ErrorCode::decode_failed, "bad"}};
  record::ErrorResult page2{"scans/b.tif", 2, {ErrorCode::decode_failed, "bad"}};
  EXPECT_FALSE(dir.write(page1, 0, 2, false));
  EXPECT_FALSE(dir.write(page2, 1, 2, false));
  EXPECT_TRUE(others(root_ / "out").empty());
}

TEST_F(OutputDirTest, APartlyFailedInputKeepsThePagesThatWorked) {
  OutputDir dir(options({"text", "json"}));
  record::ErrorResult bad{"scans/a.tif", 2, {ErrorCode::decode_failed, "bad page"}};
  EXPECT_FALSE(dir.write(page("scans/a.tif", 1, 2, "one"), 0, 2, false));
  EXPECT_FALSE(dir.write(bad, 1, 2, false));
  EXPECT_EQ(read(root_ / "out" / "a.txt"), "one\f");
  EXPECT_NE(read(root_ / "out" / "a.json").find("bad page"), std::string::npos);
}

TEST_F(OutputDirTest, AnUnchangedInputGetsOnlyItsMissingFiles) {
  OutputDir dir(options({"text", "csv"}));
  EXPECT_FALSE(dir.write(page("scans/a.tif", 1, 1, "old"), 0, 1, false));
  const auto csv = read(root_ / "out" / "a.csv");
  fs::remove(root_ / "out" / "a.txt");
  EXPECT_FALSE(dir.write(page("scans/a.tif", 1, 1, "new"), 0, 1, true));
  EXPECT_EQ(read(root_ / "out" / "a.txt"), "new\f");
  EXPECT_EQ(read(root_ / "out" / "a.csv"), csv);
  EXPECT_FALSE(dir.write(page("scans/a.tif", 1, 1, "newer"), 0, 1, true));
  EXPECT_EQ(read(root_ / "out" / "a.txt"), "new\f");
  EXPECT_EQ(others(root_ / "out").size(), 2u);
}

TEST_F(OutputDirTest, TwoInputsWithOneOutputNameAreAConflict) {
  OutputDir dir(options());
  EXPECT_FALSE(dir.check("scans/a.png").refused);
  const auto later = dir.check("scans/a.tif");
  ASSERT_TRUE(later.refused);
  EXPECT_EQ(later.refused->code, ErrorCode::output_conflict);
}

TEST_F(OutputDirTest, ASymlinkedFolderInsideTheOutputIsRefused) {
  fs::create_directories(root_ / "out");
  fs::create_directories(root_ / "elsewhere");
  fs::create_directory_symlink(root_ / "elsewhere", root_ / "out" / "2024");
  OutputDir dir(options());
  const auto check = dir.check("scans/2024/a.tif");
  ASSERT_TRUE(check.refused);
  EXPECT_EQ(check.refused->code, ErrorCode::unsafe_path);
  // Even if check() were passed by, the write goes nowhere through the link.
  const auto error = dir.write(page("scans/2024/a.tif", 1, 1, "x"), 0, 1, false);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::unsafe_path);
  EXPECT_TRUE(fs::is_empty(root_ / "elsewhere"));
}

TEST_F(OutputDirTest, ASymlinkAtTheFinalNameIsRefusedAndNotFollowed) {
  fs::create_directories(root_ / "out");
  { std::ofstream(root_ / "target.txt") << "keep"; }
  fs::create_symlink(root_ / "target.txt", root_ / "out" / "a.txt");
  OutputDir dir(options());
  const auto check = dir.check("scans/a.tif");
  ASSERT_TRUE(check.refused);
  EXPECT_EQ(check.refused->code, ErrorCode::unsafe_path);
  const auto error = dir.write(page("scans/a.tif", 1, 1, "x"), 0, 1, false);
  ASSERT_TRUE(error);
  EXPECT_EQ(read(root_ / "target.txt"), "keep");
  EXPECT_TRUE(fs::is_symlink(root_ / "out" / "a.txt"));
  EXPECT_EQ(others(root_ / "out").size(), 1u);  // no temporary file left
}

TEST_F(OutputDirTest, AnInputIsNeverWrittenOver) {
  fs::create_directories(root_ / "out");
  { std::ofstream(root_ / "out" / "a.json") << "input"; }
  auto o = options({"json"});
  o.files = {(root_ / "out" / "a.json").string()};
  OutputDir dir(o);
  const auto check = dir.check((root_ / "out" / "a.json").string());
  ASSERT_TRUE(check.refused);
  EXPECT_EQ(check.refused->code, ErrorCode::unsafe_path);
}

TEST_F(OutputDirTest, CheckTellsWhetherEveryFileExists) {
  fs::create_directories(root_ / "out");
  { std::ofstream(root_ / "out" / "a.txt") << "x"; }
  OutputDir dir(options({"text", "csv"}));
  EXPECT_FALSE(dir.check("scans/a.tif").exist);
  { std::ofstream(root_ / "out" / "b.txt") << "x"; }
  { std::ofstream(root_ / "out" / "b.csv") << "x"; }
  EXPECT_TRUE(dir.check("scans/b.tif").exist);
  EXPECT_FALSE(dir.check("scans/b.tif").needs_image);
}

// A 500-page input: what came in is on disk before the last page, so nothing holds the pages.
TEST_F(OutputDirTest, PagesReachTheDiskAsTheyComeNotAtTheEnd) {
  OutputDir dir(options());
  const std::string text(10000, 'x');
  const fs::path out = root_ / "out";
  for (int i = 0; i < 499; ++i)
    ASSERT_FALSE(dir.write(page("scans/big.pdf", i + 1, 500, text), i, 500, false));
  const auto temps = others(out);
  ASSERT_EQ(temps.size(), 1u);
  // All but what one 64 KiB buffer holds.
  EXPECT_GE(fs::file_size(temps[0]), 499u * 10001 - 64 * 1024);
  ASSERT_FALSE(dir.write(page("scans/big.pdf", 500, 500, text), 499, 500, false));
  EXPECT_EQ(fs::file_size(out / "big.txt"), 500u * 10001);
}

}  // namespace
}  // namespace ocrbatch::output
