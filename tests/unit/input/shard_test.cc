#include "input/shard.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "input/discovery.h"
#include "test_support.h"

namespace ocrbatch::input {
namespace {

TEST(ShardKey, DotSlashAndRepeatedSlashesAgree) {
  EXPECT_EQ(shard_key("a.png"), "a.png");
  EXPECT_EQ(shard_key("./a.png"), "a.png");
  EXPECT_EQ(shard_key(".//a.png"), "a.png");
  EXPECT_EQ(shard_key("dir//./sub/a.png"), "dir/sub/a.png");
  EXPECT_EQ(shard_key("/srv//inbox/a.png"), "/srv/inbox/a.png");
  EXPECT_EQ(shard_key("dir/../a.png"), "dir/../a.png");
  EXPECT_EQ(shard_key("."), ".");
}

TEST(ShardOf, IsTheDocumentedHash) {
  // XXH3-64 with seed 0, modulo the count: python3 -c "import xxhash;
  // print(xxhash.xxh3_64_intdigest(b'scans/a.png') % 7)" gives the same.
  EXPECT_EQ(shard_of("", 1000), 0x2D06800538D394C2ull % 1000);
  EXPECT_EQ(shard_of("anything", 1), 0u);
}

TEST(ShardKeyInWalk, IsThePathBelowTheNamedFolder) {
  EXPECT_EQ(shard_key_in_walk("inbox", "inbox/a/b.png"), "a/b.png");
  EXPECT_EQ(shard_key_in_walk("inbox/", "inbox/a/b.png"), "a/b.png");
  EXPECT_EQ(shard_key_in_walk("./inbox", "./inbox/b.png"), "b.png");
  EXPECT_EQ(shard_key_in_walk("/", "/b.png"), "b.png");
  EXPECT_EQ(shard_key_in_walk("inbox", "inbox"), "inbox");
}

TEST(Shard, SpreadsKeysOverEveryShard) {
  std::map<uint32_t, int> per_shard;
  for (int i = 0; i < 3000; ++i) per_shard[shard_of("scan-" + std::to_string(i) + ".png", 3)]++;
  ASSERT_EQ(per_shard.size(), 3u);
  for (const auto& [shard, n] : per_shard) EXPECT_GT(n, 850) << shard;
}

struct Found {
  std::vector<InputItem> items;
  uint64_t reached = 0;
};

Found discover(const std::vector<std::string>& paths, std::optional<Shard> shard) {
  Found run;
  std::atomic<uint64_t> reached{0};
  DiscoveryOptions options;
  options.shard = shard;
  options.files_reached = &reached;
  Discovery discovery(options, [&run](InputItem item) {
    run.items.push_back(std::move(item));
    return true;
  });
  for (const auto& path : paths) discovery.add_path(path);
  run.reached = reached;
  return run;
}

class ShardedDiscovery : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string png = test::encoded_image(image::Format::png);
    for (int i = 0; i < 40; ++i)
      dir.write("inbox/d" + std::to_string(i % 4) + "/p" + std::to_string(i) + ".png", png);
    dir.write("inbox/notes.txt", "not an image");
    dir.write("inbox/scans.zip", test::make_archive("zip", {{"x.png", png}, {"y.png", png}}));
    ASSERT_EQ(::symlink("nowhere", dir.file("inbox/dangling.png").c_str()), 0);
    paths = {dir.file("inbox"), dir.file("missing.png"), dir.file("inbox/d0/p0.png")};
  }
  test::TempDir dir;
  std::vector<std::string> paths;
};

TEST_F(ShardedDiscovery, EveryItemOfAPlainRunIsInExactlyOneShard) {
  const Found plain = discover(paths, std::nullopt);
  std::multiset<std::string> plain_names, sharded_names;
  for (const auto& item : plain.items) plain_names.insert(item.name);
  uint64_t reached = 0;
  for (uint32_t i = 0; i < 3; ++i) {
    const Found part = discover(paths, Shard{i, 3});
    EXPECT_FALSE(part.items.empty()) << "shard " << i;
    for (const auto& item : part.items) sharded_names.insert(item.name);
    reached += part.reached;
    // The progress pre-count agrees with what the shard reaches.
    const Shard shard{i, 3};
    EXPECT_EQ(count_files(paths, false, {}, &shard), part.reached);
  }
  EXPECT_EQ(sharded_names, plain_names);
  EXPECT_EQ(reached, plain.reached);
  EXPECT_EQ(count_files(paths, false, {}), plain.reached);
}

TEST_F(ShardedDiscovery, AnArchiveGoesWholeToOneShard) {
  int shards_with_entries = 0;
  for (uint32_t i = 0; i < 3; ++i) {
    int entries = 0;
    for (const auto& item : discover({dir.file("inbox")}, Shard{i, 3}).items)
      entries += item.name.find("scans.zip::") != std::string::npos;
    EXPECT_TRUE(entries == 0 || entries == 2) << entries;
    shards_with_entries += entries > 0;
  }
  EXPECT_EQ(shards_with_entries, 1);
}

TEST_F(ShardedDiscovery, ShardOfAWalkedFileDoesNotDependOnHowTheFolderIsNamed) {
  const std::string cwd = std::filesystem::current_path();
  ASSERT_EQ(::chdir(dir.path().c_str()), 0);
  for (uint32_t i = 0; i < 3; ++i) {
    std::set<std::string> a, b;
    for (const auto& item : discover({"inbox"}, Shard{i, 3}).items) a.insert(item.name.substr(6));
    for (const auto& item : discover({"./inbox/"}, Shard{i, 3}).items)
      b.insert(item.name.substr(8));
    EXPECT_EQ(a, b) << "shard " << i;
  }
  ASSERT_EQ(::chdir(cwd.c_str()), 0);
}

TEST(ShardedStream, StdinBelongsToShardZero) {
  for (uint32_t i = 0; i < 3; ++i) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const std::string png = test::encoded_image(image::Format::png);
    ASSERT_EQ(::write(fds[1], png.data(), png.size()), static_cast<ssize_t>(png.size()));
    ::close(fds[1]);
    std::vector<InputItem> items;
    DiscoveryOptions options;
    options.shard = Shard{i, 3};
    Discovery(options, [&](InputItem item) {
      items.push_back(std::move(item));
      return true;
    }).add_stream(fds[0], "-");
    ::close(fds[0]);
    EXPECT_EQ(items.size(), i == 0 ? 1u : 0u) << "shard " << i;
  }
}

}  // namespace
}  // namespace ocrbatch::input
