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
  scheduler.take(input::InputItem::make_skipped("notes.txt", record::SkipKind::other));
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

// --output-dir: an input is written to its files whole, so pages already emitted are replayed
// for the files (quietly, not to the stream) unless its files exist and nothing changed.
TEST(Scheduler, EmittedPagesAreReplayedQuietlyWhenTheInputsFilesAreMissing) {
  const std::string bytes = test::multipage_tiff(2);
  OneEntryCache cache;
  cache.known_key = bytes.substr(0, 4);
  cache.entry.pages = 2;
  record::PageResult old;
  cache.entry.rows.push_back({1, old, true, false});
  cache.entry.rows.push_back({2, old, true, false});
  for (const bool exist : {false, true}) {
    Fixture f;
    SchedulerOptions options;
    options.cache = &cache;
    options.check_output = [exist](const std::string&) {
      OutputCheck check;
      check.outputs_exist = exist;
      return check;
    };
    Scheduler scheduler(options, f.admission);
    scheduler.take(input::InputItem::make_image("a.tif", bytes, image::Format::tiff));
    const auto batch = f.admission.take(std::chrono::milliseconds(0), 0);
    EXPECT_TRUE(f.jobs().empty());
    if (exist) {
      EXPECT_TRUE(batch.arrived.empty());
      EXPECT_EQ(batch.cached, 2u);
      continue;
    }
    ASSERT_EQ(batch.arrived.size(), 2u);
    for (int i = 0; i < 2; ++i) {
      const auto& outcome = batch.arrived[i].second;
      EXPECT_TRUE(outcome.quiet);
      EXPECT_TRUE(outcome.unchanged);
      EXPECT_EQ(outcome.part, i);
      EXPECT_EQ(outcome.parts, 2);
    }
  }
}

TEST(Scheduler, AMissingFileDrawnFromPageImagesMakesTheInputReadAgain) {
  const std::string bytes = test::multipage_tiff(2);
  OneEntryCache cache;
  cache.known_key = bytes.substr(0, 4);
  cache.entry.pages = 2;
  cache.entry.rows.push_back({1, record::PageResult{}, true, false});
  cache.entry.rows.push_back({2, record::PageResult{}, true, false});
  Fixture f;
  SchedulerOptions options;
  options.cache = &cache;
  options.check_output = [](const std::string&) {
    OutputCheck check;
    check.needs_image = true;
    return check;
  };
  Scheduler scheduler(options, f.admission);
  scheduler.take(input::InputItem::make_image("a.tif", bytes, image::Format::tiff));
  const auto jobs = f.jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_TRUE(jobs[0].quiet);  // already streamed by the run that remembered it
  EXPECT_EQ(jobs[1].part, 1);
  EXPECT_EQ(jobs[1].parts, 2);
}

// Its every page failed, so no file was ever made: reading it again each run would only fail.
TEST(Scheduler, AnInputWithNoPageThatWorkedIsNotReadAgainForAMissingFile) {
  const std::string bytes = test::multipage_tiff(2);
  OneEntryCache cache;
  cache.known_key = bytes.substr(0, 4);
  cache.entry.pages = 2;
  record::ErrorResult failed{"a.tif", 1, {ErrorCode::decode_failed, "bad"}};
  cache.entry.rows.push_back({1, failed, true, true});
  cache.entry.rows.push_back({2, failed, true, true});
  Fixture f;
  SchedulerOptions options;
  options.cache = &cache;
  options.check_output = [](const std::string&) {
    OutputCheck check;
    check.needs_image = true;
    return check;
  };
  Scheduler scheduler(options, f.admission);
  scheduler.take(input::InputItem::make_image("a.tif", bytes, image::Format::tiff));
  EXPECT_TRUE(f.jobs().empty());
}

TEST(Scheduler, AnInputWhoseOutputIsRefusedIsNotRead) {
  Fixture f;
  SchedulerOptions options;
  options.check_output = [](const std::string&) {
    OutputCheck check;
    check.refused = record::Error{ErrorCode::unsafe_path, "leaves the folder"};
    return check;
  };
  Scheduler scheduler(options, f.admission);
  scheduler.take(
      input::InputItem::make_image("a.tif", test::multipage_tiff(2), image::Format::tiff));
  const auto batch = f.admission.take(std::chrono::milliseconds(0), 0);
  EXPECT_TRUE(f.jobs().empty());
  ASSERT_EQ(batch.arrived.size(), 1u);
  EXPECT_EQ(std::get<ErrorResult>(batch.arrived[0].second.record).error.code,
            ErrorCode::unsafe_path);
}

}  // namespace
}  // namespace ocrbatch::pipeline
