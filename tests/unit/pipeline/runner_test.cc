#include "pipeline/runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "fake_engine.h"
#include "test_support.h"

namespace ocrbatch::pipeline {
namespace {

using record::ErrorCode;
using record::ErrorResult;
using record::PageResult;
using std::chrono::milliseconds;

// Records everything written; can stop the run or refuse output at a chosen record.
class CollectingHandler : public RecordHandler {
 public:
  bool on_record(const record::Record& rec) override {
    records.push_back(rec);
    ++written;
    if (cancel_after > 0 && records.size() == cancel_after) runner->cancel();
    return refuse_at == 0 || records.size() < refuse_at;
  }
  std::vector<std::string> sources() const {
    std::vector<std::string> out;
    for (const auto& r : records) {
      if (const auto* p = std::get_if<PageResult>(&r))
        out.push_back(p->source + "#" + std::to_string(p->page));
      else
        out.push_back(std::get<ErrorResult>(r).source + "!");
    }
    return out;
  }
  std::vector<record::Record> records;
  std::atomic<uint64_t> written{0};
  size_t cancel_after = 0;
  size_t refuse_at = 0;
  Runner* runner = nullptr;
};

input::InputItem png_item(const std::string& name, int width) {
  return input::InputItem::make_image(name, test::encoded_image(image::Format::png, width, 20),
                                      image::Format::png);
}

Runner make_runner(int jobs, test::FakeEngine::DelayFn delay = nullptr, bool ordered = true,
                   std::atomic<int>* live = nullptr) {
  RunnerOptions options;
  options.jobs = jobs;
  options.ordered = ordered;
  return Runner(
      options, [delay, live] { return std::make_unique<test::FakeEngine>(delay, live); }, nullptr);
}

// Widths 20..20+n-1; the first image is slow so later ones finish before it.
DiscoverFn images(int n) {
  return [n](const input::ItemSink& sink) {
    for (int i = 0; i < n; ++i)
      if (!sink(png_item("img" + std::to_string(i), 20 + i))) return;
  };
}
test::FakeEngine::DelayFn first_is_slow() {
  return [](int width) { return milliseconds(width == 20 ? 150 : 2); };
}

TEST(Runner, WritesRecordsInInputOrderWhateverTheFinishingOrder) {
  auto runner = make_runner(4, first_is_slow());
  CollectingHandler handler;
  const auto stats = runner.run(images(8), handler);
  ASSERT_EQ(handler.records.size(), 8u);
  for (int i = 0; i < 8; ++i) {
    const auto& page = std::get<PageResult>(handler.records[i]);
    EXPECT_EQ(page.source, "img" + std::to_string(i));
    EXPECT_EQ(page.text, std::to_string(20 + i) + "x20");
    EXPECT_EQ(page.lang, "fake");
  }
  EXPECT_EQ(stats.pages, 8u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_FALSE(stats.interrupted);
}

TEST(Runner, OneWorkerAndFourWorkersGiveTheSameRecords) {
  CollectingHandler one, four;
  make_runner(1).run(images(12), one);
  make_runner(4, first_is_slow()).run(images(12), four);
  EXPECT_EQ(one.sources(), four.sources());
  for (size_t i = 0; i < one.records.size(); ++i)
    EXPECT_EQ(std::get<PageResult>(one.records[i]).text,
              std::get<PageResult>(four.records[i]).text);
}

TEST(Runner, UnorderedWritesEveryRecordOnce) {
  auto runner = make_runner(3, first_is_slow(), /*ordered=*/false);
  CollectingHandler handler;
  runner.run(images(6), handler);
  auto got = handler.sources();
  EXPECT_NE(got.front(), "img0#1");  // the slow first page does not hold the others back
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got,
            (std::vector<std::string>{"img0#1", "img1#1", "img2#1", "img3#1", "img4#1", "img5#1"}));
}

TEST(Runner, ErrorsKeepTheirPlaceAndTheBatchGoesOn) {
  auto runner = make_runner(2);
  CollectingHandler handler;
  const auto stats = runner.run(
      [](const input::ItemSink& sink) {
        sink(png_item("good1", 30));
        sink(input::InputItem::make_error("missing.png", ErrorCode::not_found, "gone"));
        sink(input::InputItem::make_image("trunc.png", "\x89PNG\r\n\x1a\n", image::Format::png));
        sink(png_item("fails", test::FakeEngine::kFailWidth));
        sink(input::InputItem::make_skipped("notes.txt", record::SkipKind::other));
        sink(input::InputItem::make_skipped("a.pdf", record::SkipKind::pdf));
        sink(input::InputItem::make_skipped("b.pdf", record::SkipKind::pdf));
        sink(png_item("good2", 40));
      },
      handler);
  EXPECT_EQ(handler.sources(), (std::vector<std::string>{"good1#1", "missing.png!", "trunc.png!",
                                                         "fails!", "good2#1"}));
  EXPECT_EQ(std::get<ErrorResult>(handler.records[2]).error.code, ErrorCode::decode_failed);
  EXPECT_EQ(std::get<ErrorResult>(handler.records[3]).error.code, ErrorCode::ocr_failed);
  EXPECT_EQ(stats.pages, 2u);
  EXPECT_EQ(stats.errors, 3u);
  EXPECT_EQ(stats.skipped, 3u);
  EXPECT_EQ(stats.skipped_by_kind, (std::map<std::string, uint64_t>{{"other", 1}, {"pdf", 2}}));
  EXPECT_EQ(stats.errors_by_code.at("not_found"), 1u);
}

TEST(Runner, SplitsMultiPageTiffIntoOneJobPerPage) {
  auto runner = make_runner(2);
  CollectingHandler handler;
  runner.run(
      [](const input::ItemSink& sink) {
        sink(input::InputItem::make_image("doc.tif", test::multipage_tiff(3), image::Format::tiff));
      },
      handler);
  ASSERT_EQ(handler.sources(), (std::vector<std::string>{"doc.tif#1", "doc.tif#2", "doc.tif#3"}));
  const auto& third = std::get<PageResult>(handler.records[2]);
  EXPECT_EQ(third.pages, 3);
  EXPECT_EQ(third.width, 120);
}

TEST(Runner, RefusesPagesOverThePixelAndPageLimitsBeforeDecoding) {
  RunnerOptions options;
  options.jobs = 1;
  options.max_pixels = 30 * 20;
  options.max_pages = 2;
  Runner runner(
      options, [] { return std::make_unique<test::FakeEngine>(); }, nullptr);
  CollectingHandler handler;
  const auto stats = runner.run(
      [](const input::ItemSink& sink) {
        sink(png_item("small", 30));
        sink(png_item("big", 31));
        sink(
            input::InputItem::make_image("long.tif", test::multipage_tiff(3), image::Format::tiff));
      },
      handler);
  EXPECT_EQ(handler.sources(), (std::vector<std::string>{"small#1", "big!", "long.tif!"}));
  EXPECT_EQ(std::get<ErrorResult>(handler.records[1]).error.code, ErrorCode::too_large);
  EXPECT_EQ(std::get<ErrorResult>(handler.records[2]).error.code, ErrorCode::too_large);
  EXPECT_EQ(stats.errors_by_code.at("too_large"), 2u);
}

// A cache that remembers in memory, standing in for the ledger.
class MemoryCache : public ResultCache {
 public:
  std::string key_for(std::string_view bytes) override {
    return std::to_string(std::hash<std::string_view>{}(bytes));
  }
  CacheEntry lookup(const std::string& key) override { return entries[key]; }
  void store(const std::string& key, int page, int pages, const record::Record& rec,
             bool from_cache) override {
    ++stores;
    if (from_cache) return;
    auto& entry = entries[key];
    entry.pages = pages;
    entry.rows.push_back({page, rec, true, std::holds_alternative<ErrorResult>(rec)});
  }
  std::map<std::string, CacheEntry> entries;
  int stores = 0;
};

TEST(Runner, SkipsCachedContentAndReplaysItUnderTheCurrentNameWhenAsked) {
  MemoryCache cache;
  auto discover = [](const std::string& name) {
    return [name](const input::ItemSink& sink) {
      sink(input::InputItem::make_image(name, test::multipage_tiff(2), image::Format::tiff));
    };
  };
  RunnerOptions options;
  options.cache = &cache;
  {
    Runner runner(
        options, [] { return std::make_unique<test::FakeEngine>(); }, nullptr);
    CollectingHandler first;
    runner.run(discover("a.tif"), first);
    EXPECT_EQ(first.records.size(), 2u);
  }
  {
    Runner runner(
        options, [] { return std::make_unique<test::FakeEngine>(); }, nullptr);
    CollectingHandler again;
    const auto stats = runner.run(discover("moved.tif"), again);
    EXPECT_TRUE(again.records.empty());
    EXPECT_EQ(stats.cached, 2u);
  }
  options.emit_all = true;
  Runner runner(
      options, [] { return std::make_unique<test::FakeEngine>(); }, nullptr);
  CollectingHandler all;
  const auto stats = runner.run(discover("moved.tif"), all);
  EXPECT_EQ(all.sources(), (std::vector<std::string>{"moved.tif#1", "moved.tif#2"}));
  EXPECT_EQ(stats.cached, 2u);
  EXPECT_EQ(stats.pages, 2u);
}

// Fails on the chosen call, as the ledger does when its disk fills or its file is corrupt.
class FailingCache : public MemoryCache {
 public:
  CacheEntry lookup(const std::string& key) override {
    if (++lookups == fail_lookup_at)
      throw std::runtime_error("ledger 'x.db': database disk image is malformed");
    return MemoryCache::lookup(key);
  }
  void store(const std::string& key, int page, int pages, const record::Record& rec,
             bool from_cache) override {
    if (stores + 1 == fail_store_at)
      throw std::runtime_error("ledger 'x.db': database or disk is full");
    MemoryCache::store(key, page, pages, rec, from_cache);
  }
  int lookups = 0;
  int fail_lookup_at = 0;
  int fail_store_at = 0;
};

TEST(Runner, ACacheFailureStopsTheRunWithItsReasonInsteadOfTerminating) {
  for (const bool on_lookup : {true, false}) {
    FailingCache cache;
    (on_lookup ? cache.fail_lookup_at : cache.fail_store_at) = 3;
    RunnerOptions options;
    options.jobs = 2;
    options.cache = &cache;
    Runner runner(
        options, [] { return std::make_unique<test::FakeEngine>(); }, nullptr);
    CollectingHandler handler;
    const auto stats = runner.run(images(40), handler);
    EXPECT_NE(stats.aborted.find(on_lookup ? "malformed" : "disk is full"), std::string::npos)
        << stats.aborted;
    EXPECT_TRUE(stats.interrupted);
    // A store fails after its record was written: that one and the two before it are out.
    if (!on_lookup) {
      EXPECT_GE(handler.records.size(), 3u);
    }
    EXPECT_LT(handler.records.size(), 40u);
  }
}

TEST(Runner, KeepsAtMostAWindowOfPagesInFlight) {
  RunnerOptions options;
  options.jobs = 2;
  options.window = 4;
  Runner runner(
      options,
      [] { return std::make_unique<test::FakeEngine>([](int) { return milliseconds(3); }); },
      nullptr);
  CollectingHandler handler;
  uint64_t worst = 0;
  runner.run(
      [&](const input::ItemSink& sink) {
        for (int i = 0; i < 60; ++i) {
          worst = std::max<uint64_t>(worst, i - handler.written.load());
          if (!sink(png_item("p" + std::to_string(i), 30))) return;
        }
      },
      handler);
  EXPECT_EQ(handler.records.size(), 60u);
  // Discovery can run at most `window` pages ahead of the writer (+1 for the one it holds).
  EXPECT_LE(worst, 5u);
}

TEST(Runner, SnapshotShowsTheQueueThePageInFlightAndThePagesSoFar) {
  std::atomic<bool> open{false};
  // The second page holds the only worker until the test opens the gate; the others are quick.
  auto runner = make_runner(1, [&open](int width) {
    while (width == 21 && !open) std::this_thread::sleep_for(milliseconds(1));
    return milliseconds(0);
  });
  CollectingHandler handler;
  record::RunStats stats;
  std::thread run([&] { stats = runner.run(images(8), handler); });
  // One page written, the next on the only worker, the window's other slots queued behind it.
  Runner::Snapshot now;
  for (int i = 0; i < 5000; ++i) {
    now = runner.snapshot();
    if (now.stats.pages == 1 && now.activity.in_flight == 1 && now.activity.queued == 3) break;
    std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_EQ(now.stats.pages, 1u);
  EXPECT_EQ(now.activity.in_flight, 1u);
  EXPECT_EQ(now.activity.queued, 3u);  // window 4: the page on the worker and 3 behind it
  EXPECT_GT(now.activity.started_s, 1.7e9);
  EXPECT_GT(now.activity.last_page_s, now.activity.started_s - 1);
  EXPECT_EQ(now.stats.page_seconds.count, 1u);
  open = true;
  run.join();
  now = runner.snapshot();
  EXPECT_EQ(now.stats.pages, 8u);
  EXPECT_EQ(now.stats.page_seconds.count, 8u);
  EXPECT_EQ(now.activity.in_flight, 0u);
  EXPECT_EQ(now.activity.queued, 0u);
  EXPECT_EQ(now.activity.held, 0u);
  EXPECT_EQ(stats.pages, 8u);
}

TEST(Runner, SnapshotCountsRecordsHeldForAnEarlierPage) {
  std::atomic<bool> open{false};
  // The first page is slow; on two workers the pages after it finish and wait for it.
  auto runner = make_runner(2, [&open](int width) {
    while (width == 20 && !open) std::this_thread::sleep_for(milliseconds(1));
    return milliseconds(0);
  });
  CollectingHandler handler;
  std::thread run([&] { runner.run(images(8), handler); });
  Runner::Snapshot now;
  for (int i = 0; i < 5000; ++i) {
    now = runner.snapshot();
    // The other worker may still be finishing a page when the first record is held.
    if (now.activity.held >= 1 && now.activity.in_flight == 1) break;
    std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_GE(now.activity.held, 1u);
  EXPECT_EQ(now.stats.pages, 0u);
  EXPECT_EQ(now.activity.in_flight, 1u);
  open = true;
  run.join();
  EXPECT_EQ(handler.records.size(), 8u);
}

TEST(Runner, CancelWritesWhatFinishedAndMarksTheRunInterrupted) {
  auto runner = make_runner(2, [](int) { return milliseconds(20); });
  CollectingHandler handler;
  handler.runner = &runner;
  handler.cancel_after = 3;
  const auto stats = runner.run(images(50), handler);
  EXPECT_TRUE(stats.interrupted);
  EXPECT_GE(handler.records.size(), 3u);
  EXPECT_LT(handler.records.size(), 10u);
  for (const auto& r : handler.records) EXPECT_TRUE(std::holds_alternative<PageResult>(r));
}

TEST(Runner, ClosedOutputStopsTheRunQuietly) {
  auto runner = make_runner(2);
  CollectingHandler handler;
  handler.refuse_at = 2;
  const auto stats = runner.run(images(30), handler);
  EXPECT_EQ(handler.records.size(), 2u);
  EXPECT_FALSE(stats.interrupted);
}

TEST(Runner, EachWorkerBuildsOneEngineForTheWholeRun) {
  std::atomic<int> live{0};
  int built = 0;
  std::mutex m;
  RunnerOptions options;
  options.jobs = 3;
  Runner runner(
      options,
      [&] {
        std::lock_guard<std::mutex> lock(m);
        ++built;
        return std::make_unique<test::FakeEngine>(nullptr, &live);
      },
      nullptr);
  CollectingHandler handler;
  runner.run(images(20), handler);
  EXPECT_LE(built, 3);
  EXPECT_GE(built, 1);
  EXPECT_EQ(live.load(), 0);  // and releases them at the end
}

TEST(Runner, BuildsEnginesOnlyForWorkersThatGetWork) {
  int built = 0;
  std::mutex m;
  RunnerOptions options;
  options.jobs = 4;
  Runner runner(
      options,
      [&] {
        std::lock_guard<std::mutex> lock(m);
        ++built;
        return std::make_unique<test::FakeEngine>([](int) { return milliseconds(30); });
      },
      nullptr);
  CollectingHandler one_page;
  runner.run(images(1), one_page);
  EXPECT_EQ(built, 1);
  EXPECT_EQ(one_page.records.size(), 1u);
}

TEST(Runner, EngineSetupFailureIsRethrown) {
  RunnerOptions options;
  options.jobs = 2;
  Runner runner(
      options,
      []() -> std::unique_ptr<engine::Recognizer> { throw engine::SetupError("no such language"); },
      nullptr);
  CollectingHandler handler;
  EXPECT_THROW(runner.run(images(3), handler), engine::SetupError);
}

}  // namespace
}  // namespace ocrbatch::pipeline
