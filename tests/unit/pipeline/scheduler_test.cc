#include "pipeline/scheduler.h"

#include <gtest/gtest.h>

#include <map>

#include "test_support.h"

namespace ocrbatch::pipeline {
namespace {

using record::ErrorCode;
using record::ErrorResult;

// Remembers one page of content "seen" as done.
class OneEntryCache : public ResultCache {
 public:
  std::string key_for(std::string_view bytes) override { return std::string(bytes.substr(0, 4)); }
  CacheEntry lookup(const std::string& key) override {
    ++lookups;
    return key == known_key ? entry : CacheEntry{};
  }
  void store(const std::string&, int, int, const record::Record&, bool) override {}
  std::string known_key;
  CacheEntry entry;
  int lookups = 0;
};

struct Fixture {
  Admission admission{64, 1, [] { return false; }};
  std::vector<Job> jobs() {
    admission.producer_done();
    std::vector<Job> out;
    while (auto job = admission.next_job()) out.push_back(std::move(*job));
    return out;
  }
};

TEST(Scheduler, ATiffBecomesOneJobPerPageInOrder) {
  Fixture f;
  Scheduler scheduler({}, f.admission);
  EXPECT_TRUE(scheduler.take(
      input::InputItem::make_image("a.tif", test::multipage_tiff(3), image::Format::tiff)));
  const auto jobs = f.jobs();
  ASSERT_EQ(jobs.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(jobs[i].seq, static_cast<uint64_t>(i));
    EXPECT_EQ(jobs[i].page, i + 1);
    EXPECT_EQ(jobs[i].pages, 3);
  }
}

TEST(Scheduler, ErrorsAndSkipsNeedNoWorker) {
  Fixture f;
  Scheduler scheduler({}, f.admission);
  scheduler.take(input::InputItem::make_skipped("notes.txt"));
  scheduler.take(input::InputItem::make_error("gone.png", ErrorCode::not_found, "cannot access"));
  const auto batch = f.admission.take(std::chrono::milliseconds(0), 0);
  ASSERT_EQ(batch.arrived.size(), 1u);
  EXPECT_EQ(std::get<ErrorResult>(batch.arrived[0].second.record).source, "gone.png");
  EXPECT_EQ(batch.skipped, 1u);
  EXPECT_TRUE(f.jobs().empty());
}

TEST(Scheduler, ContentNoDecoderTakesIsADecodeErrorTheCacheRemembers) {
  OneEntryCache cache;
  Fixture f;
  SchedulerOptions options;
  options.cache = &cache;
  Scheduler scheduler(options, f.admission);
  scheduler.take(input::InputItem::make_image("fax.png", "garbage", image::Format::unknown));
  scheduler.take(input::InputItem::make_image("empty.png", "", image::Format::unknown));
  const auto batch = f.admission.take(std::chrono::milliseconds(0), 0);
  ASSERT_EQ(batch.arrived.size(), 2u);
  const auto& first = batch.arrived[0].second;
  EXPECT_EQ(std::get<ErrorResult>(first.record).error.code, ErrorCode::decode_failed);
  EXPECT_EQ(first.key, "garb") << "keyed by content, so the ledger can remember it";
  EXPECT_EQ(std::get<ErrorResult>(batch.arrived[1].second.record).error.message,
            "file is empty (0 bytes)");
  EXPECT_EQ(cache.lookups, 2);
  EXPECT_TRUE(f.jobs().empty());
}

TEST(Scheduler, TooManyPagesIsOneErrorAndNoJobs) {
  Fixture f;
  SchedulerOptions options;
  options.max_pages = 2;
  Scheduler scheduler(options, f.admission);
  scheduler.take(
      input::InputItem::make_image("a.tif", test::multipage_tiff(3), image::Format::tiff));
  const auto batch = f.admission.take(std::chrono::milliseconds(0), 0);
  ASSERT_EQ(batch.arrived.size(), 1u);
  EXPECT_EQ(std::get<ErrorResult>(batch.arrived[0].second.record).error.code, ErrorCode::too_large);
  EXPECT_TRUE(f.jobs().empty());
}

TEST(Scheduler, RememberedPagesAreCountedOrReplayedUnderTheNewName) {
  const std::string bytes = test::multipage_tiff(2);
  OneEntryCache cache;
  cache.known_key = bytes.substr(0, 4);
  cache.entry.pages = 2;
  record::PageResult old;
  old.source = "old.tif";
  cache.entry.rows.push_back({1, old, true, false});  // page 1 done and emitted
  for (const bool emit_all : {false, true}) {
    Fixture f;
    SchedulerOptions options;
    options.cache = &cache;
    options.emit_all = emit_all;
    Scheduler scheduler(options, f.admission);
    scheduler.take(input::InputItem::make_image("new.tif", bytes, image::Format::tiff));
    const auto batch = f.admission.take(std::chrono::milliseconds(0), 0);
    const auto jobs = f.jobs();
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].page, 2);
    if (emit_all) {
      ASSERT_EQ(batch.arrived.size(), 1u);
      EXPECT_TRUE(batch.arrived[0].second.from_cache);
      EXPECT_EQ(std::get<record::PageResult>(batch.arrived[0].second.record).source, "new.tif");
    } else {
      EXPECT_TRUE(batch.arrived.empty());
      EXPECT_EQ(batch.cached, 1u);
    }
  }
}

}  // namespace
}  // namespace ocrbatch::pipeline
