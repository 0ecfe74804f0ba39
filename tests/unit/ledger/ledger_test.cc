#include "ledger/ledger.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "test_support.h"

namespace ocrbatch::ledger {
namespace {

using record::ErrorCode;

record::PageResult page(const std::string& source, int n, int of, const std::string& text) {
  record::PageResult p;
  p.source = source;
  p.page = n;
  p.pages = of;
  p.text = text;
  p.lang = "eng";
  return p;
}

class LedgerTest : public ::testing::Test {
 protected:
  LedgerOptions options(const std::string& fingerprint = "settings-a") {
    LedgerOptions o;
    o.path = dir.file("ledger.db");
    o.fingerprint = fingerprint;
    return o;
  }
  test::TempDir dir;
};

TEST_F(LedgerTest, RemembersPagesByContentAndSettings) {
  {
    Ledger ledger(options());
    ledger.begin_run({});
    const auto key = ledger.key_for("image bytes");
    EXPECT_FALSE(ledger.lookup(key).known());
    ledger.store(key, 1, 2, page("a.tif", 1, 2, "one"), false);
    ledger.store(key, 2, 2, page("a.tif", 2, 2, "two"), false);
    ledger.finish_run(true);
  }
  Ledger again(options());
  const auto entry = again.lookup(again.key_for("image bytes"));
  ASSERT_EQ(entry.rows.size(), 2u);
  EXPECT_EQ(entry.pages, 2);
  EXPECT_EQ(std::get<record::PageResult>(entry.rows[1].record).text, "two");
  EXPECT_TRUE(entry.rows[0].emitted);
  EXPECT_GT(again.last_success(), 0);
}

// A replayed page must render as it did (hOCR, ALTO, the searchable PDF all draw on the tree),
// whatever --detail the run had: the ledger keeps the tree itself.
TEST_F(LedgerTest, RemembersTheLayoutTreeWhateverTheDetail) {
  auto original = page("a.png", 1, 1, "Hi there");
  record::Line line{{10, 20, 80, 12}, 93.4, {10, 31, 90, 30}, {}};
  line.words = {{"Hi", 95, {10, 20, 20, 12}, {10, 31, 30, 31}},
                {"there", 91.8, {40, 20, 50, 12}, {40, 31, 90, 30}}};
  original.blocks = {
      record::Block{{8, 18, 84, 16}, 93.2, {record::Paragraph{{10, 20, 80, 12}, 93.3, {line}}}}};
  {
    Ledger ledger(options());
    ledger.begin_run({});
    ledger.store(ledger.key_for("image bytes"), 1, 1, original, false);
    ledger.finish_run(true);
  }
  Ledger again(options());
  const auto entry = again.lookup(again.key_for("image bytes"));
  ASSERT_EQ(entry.rows.size(), 1u);
  const auto& back = std::get<record::PageResult>(entry.rows[0].record);
  ASSERT_EQ(back.blocks.size(), 1u);
  EXPECT_EQ(back.blocks[0].bbox.w, 84);
  EXPECT_EQ(back.blocks[0].confidence, 93.2);
  ASSERT_EQ(back.blocks[0].paragraphs.size(), 1u);
  EXPECT_EQ(back.blocks[0].paragraphs[0].confidence, 93.3);
  ASSERT_EQ(back.blocks[0].paragraphs[0].lines.size(), 1u);
  const auto& back_line = back.blocks[0].paragraphs[0].lines[0];
  EXPECT_EQ(back_line.baseline.y2, 30);
  ASSERT_EQ(back_line.words.size(), 2u);
  EXPECT_EQ(back_line.words[1].text, "there");
  EXPECT_EQ(back_line.words[1].confidence, 91.8);
  EXPECT_EQ(back_line.words[1].bbox.x, 40);
  EXPECT_EQ(back_line.words[1].baseline.x2, 90);
}

TEST_F(LedgerTest, OtherSettingsDoNotReuseResults) {
  {
    Ledger ledger(options("settings-a"));
    ledger.begin_run({});
    ledger.store(ledger.key_for("image bytes"), 1, 1, page("a.png", 1, 1, "one"), false);
  }
  Ledger other(options("settings-b"));
  EXPECT_FALSE(other.lookup(other.key_for("image bytes")).known());
}

TEST_F(LedgerTest, FileOutputCountsAsEmittedOnlyAfterFinish) {
  const std::string out = dir.file("out.jsonl"), temp = dir.write("out.jsonl.tmp.1", "");
  Ledger ledger(options());
  ledger.begin_run({out, temp});
  const auto key = ledger.key_for("x");
  ledger.store(key, 1, 1, page("x.png", 1, 1, "t"), false);
  EXPECT_FALSE(ledger.lookup(key).rows[0].emitted);
  ledger.finish_run(false);
  EXPECT_TRUE(ledger.lookup(key).rows[0].emitted);
}

TEST_F(LedgerTest, ErrorsAreRememberedAsErrors) {
  Ledger ledger(options());
  ledger.begin_run({});
  const auto key = ledger.key_for("broken");
  ledger.store(key, 0, 0, record::ErrorResult{"b.png", 0, {ErrorCode::decode_failed, "bad"}},
               false);
  const auto entry = ledger.lookup(key);
  ASSERT_EQ(entry.rows.size(), 1u);
  EXPECT_TRUE(entry.rows[0].is_error);
  EXPECT_EQ(entry.rows[0].page, 0);
  EXPECT_EQ(std::get<record::ErrorResult>(entry.rows[0].record).error.code,
            ErrorCode::decode_failed);
}

// Simulates a run killed with SIGKILL at two moments: before and after its output rename.
TEST_F(LedgerTest, RecoveryTellsWhetherAKilledRunDeliveredItsOutput) {
  for (const bool renamed : {false, true}) {
    test::TempDir d;
    const std::string db = d.file("l.db"), out = d.file("out.jsonl"),
                      temp = d.write("out.jsonl.tmp.x", "partial");
    d.write("out.jsonl", "an older output at the same path\n");
    const pid_t child = ::fork();
    if (child == 0) {
      LedgerOptions o;
      o.path = db;
      o.fingerprint = "f";
      Ledger ledger(o);
      ledger.begin_run({out, temp});
      ledger.store(ledger.key_for("c"), 1, 1, page("c.png", 1, 1, "c"), false);
      if (renamed) std::filesystem::rename(temp, out);
      ::_exit(0);  // no finish_run, no destructor: as if killed
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    LedgerOptions o;
    o.path = db;
    o.fingerprint = "f";
    Ledger ledger(o);
    const auto entry = ledger.lookup(ledger.key_for("c"));
    ASSERT_EQ(entry.rows.size(), 1u);
    EXPECT_EQ(entry.rows[0].emitted, renamed) << (renamed ? "renamed" : "not renamed");
    EXPECT_FALSE(std::filesystem::exists(temp)) << "stale temporary file left behind";
  }
}

// flock() locks belong to an open file description, so a second Ledger in another thread
// contends exactly as a second process would (a forked child would share the first's lock).
TEST_F(LedgerTest, SecondRunOnTheSameLedgerIsRefusedOrWaits) {
  std::optional<Ledger> first(std::in_place, options());
  EXPECT_THROW(Ledger second(options()), LedgerBusy);
  std::atomic<bool> got_lock{false};
  std::thread waiter([&] {
    auto o = options();
    o.wait_lock = true;
    Ledger waiting(o);
    got_lock = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(got_lock) << "the waiting run should still be waiting";
  first.reset();  // releases the lock
  waiter.join();
  EXPECT_TRUE(got_lock);
}

TEST_F(LedgerTest, RefusesAFileThatIsNotALedger) {
  dir.write("ledger.db", std::string(4096, 'x'));
  EXPECT_THROW(Ledger ledger(options()), LedgerError);
}

TEST_F(LedgerTest, StatsCountRows) {
  Ledger ledger(options());
  ledger.begin_run({});
  ledger.store(ledger.key_for("1"), 1, 1, page("1", 1, 1, ""), false);
  ledger.store(ledger.key_for("2"), 1, 1, page("2", 1, 1, ""), false);
  EXPECT_EQ(ledger.stats().rows, 2u);
  EXPECT_GT(ledger.stats().bytes, 0u);
}

}  // namespace
}  // namespace ocrbatch::ledger
