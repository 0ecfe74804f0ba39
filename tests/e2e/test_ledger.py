"""--ledger: incremental reruns (unchanged, moved, changed and new files), settings changes,
--emit all, --retry-errors, remembered errors, usage errors, and the run lock (exit 75,
--wait-lock)."""

import glob
import os
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import assert_error_record, assert_page_record, assert_words, copy_sample, parse_jsonl
from nightly_helpers import (check_summary, kill_quietly, ledger_rows, orun, parse_prometheus, popen,
                             temp_files, text_page_bytes, wait_until, write_pages)

# Apart from timing, a record differs between runs only in its run's id.
NOT_TIMING = lambda rec, *drop: {k: v for k, v in rec.items() if k not in ("duration_ms", "run_id") + drop}  # noqa: E731


def by_source(result):
    return {r["source"]: r for r in result.records[:-1]}


# ---------------------------------------------------------------------------------------------
# One folder, four runs over it with the same ledger.

@pytest.fixture(scope="module")
def incremental(tmp_path_factory, sample_bytes):
    d = tmp_path_factory.mktemp("ledger")
    inp = d / "in"
    words = write_pages(inp, 2, prefix="p")                          # in/p00.png, in/p01.png
    (inp / "bad.png").write_bytes(sample_bytes["letter.png"][:3000])  # a corrupt PNG
    ledger = d / "work.ledger"
    args = ["--ledger", ledger, "-j", "2", "in"]
    first = orun(args, cwd=d)

    # Between the runs: p00 is moved and renamed, p01 gets new content, a new page appears.
    (inp / "sub").mkdir()
    (inp / "p00.png").rename(inp / "sub" / "moved.png")
    changed, changed_words = text_page_bytes(5)
    (inp / "p01.png").write_bytes(changed)
    new, new_words = text_page_bytes(6)
    (inp / "new.png").write_bytes(new)
    second = orun(args, cwd=d)
    emit_all = orun(["--emit", "all"] + args, cwd=d)
    retry = orun(["--retry-errors"] + args, cwd=d)
    return SimpleNamespace(dir=d, ledger=ledger, words=words, changed_words=changed_words,
                           new_words=new_words, first=first, second=second, emit_all=emit_all,
                           retry=retry)


def test_first_run_does_everything(incremental):
    r = incremental.first
    assert r.returncode == 1, r.describe()
    assert [rec["source"] for rec in r.records[:-1]] == ["in/bad.png", "in/p00.png", "in/p01.png"], r.describe()
    assert_error_record(r.records[0], "in/bad.png", "decode_failed")
    for rec in r.pages:
        assert_page_record(rec)
        assert_words(rec["text"], incremental.words[Path(rec["source"]).name], rec["source"])
    check_summary(r.summary, pages=2, errors=1, cached=0, errors_by_code={"decode_failed": 1})
    assert incremental.ledger.is_file()


def test_rerun_does_only_new_and_changed_content(incremental):
    r = incremental.second
    # Only the new file and the changed one are in the output; the moved file (same content
    # under a new name) and the remembered error are not redone or written again.
    assert [rec["source"] for rec in r.records[:-1]] == ["in/new.png", "in/p01.png"], r.describe()
    new, changed = r.records[0], r.records[1]
    assert_page_record(new)
    assert_words(new["text"], incremental.new_words, "in/new.png")
    assert_page_record(changed)
    assert_words(changed["text"], incremental.changed_words, "in/p01.png (changed)")
    first_p01 = by_source(incremental.first)["in/p01.png"]
    assert changed["text"] != first_p01["text"], "changed file was not redone"
    check_summary(r.summary, pages=2, errors=0, cached=2)
    assert not [line for line in r.err_lines if "bad.png" in line], r.err
    assert "2 already done" in r.err_lines[-1], r.err


def test_emit_all_rewrites_remembered_records_under_current_names(incremental):
    r = incremental.emit_all
    assert r.returncode == 1, r.describe()   # the remembered error is written again
    got = by_source(r)
    assert [rec["source"] for rec in r.records[:-1]] == [
        "in/bad.png", "in/new.png", "in/p01.png", "in/sub/moved.png"], r.describe()
    first, second = by_source(incremental.first), by_source(incremental.second)
    # The moved file carries its old record under its new name; nothing else changed.
    assert NOT_TIMING(got["in/sub/moved.png"], "source") == NOT_TIMING(first["in/p00.png"], "source")
    assert NOT_TIMING(got["in/bad.png"]) == NOT_TIMING(first["in/bad.png"])
    assert NOT_TIMING(got["in/new.png"]) == NOT_TIMING(second["in/new.png"])
    assert NOT_TIMING(got["in/p01.png"]) == NOT_TIMING(second["in/p01.png"])
    for rec in r.pages:
        assert_page_record(rec)
    check_summary(r.summary, pages=3, errors=1, errors_by_code={"decode_failed": 1})


def test_retry_errors_processes_remembered_errors_again(incremental):
    r = incremental.retry
    assert r.returncode == 1, r.describe()
    assert len(r.records) == 2, r.describe()
    assert_error_record(r.records[0], "in/bad.png", "decode_failed")
    check_summary(r.summary, pages=0, errors=1, cached=3)
    assert any(line.startswith("ocrbatch: in/bad.png: decode_failed: ") for line in r.err_lines), r.err


def test_ledger_holds_one_row_per_page(incremental):
    import sqlite3
    db = sqlite3.connect(str(incremental.ledger))
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT source, is_error, emitted FROM results ORDER BY source").fetchall()
    finally:
        db.close()
    # p00 (now sub/moved.png), the first p01 content, the new p01 content, new.png, bad.png.
    assert len(rows) == 5, rows
    assert all(emitted == 1 for _, _, emitted in rows), rows
    assert sum(is_error for _, is_error, _ in rows) == 1, rows


def test_retry_errors_turns_a_timeout_into_a_page(samples, expected, tmp_path):
    copy_sample("notice.bmp", tmp_path / "slow.bmp")
    base = ["--ledger", "t.ledger", "-j", "1", "slow.bmp"]
    r = orun(base + ["--timeout", "0.01"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert_error_record(r.records[0], "slow.bmp", "timeout")
    # Remembered: a plain rerun neither redoes nor repeats it.
    r = orun(base, cwd=tmp_path)
    assert [rec["type"] for rec in r.records] == ["summary"], r.describe()
    check_summary(r.summary, pages=0, errors=0, cached=1)
    # --retry-errors does it again, now without the tight timeout.
    r = orun(base + ["--retry-errors"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert len(r.pages) == 1, r.describe()
    assert_page_record(r.pages[0], source="slow.bmp")
    assert_words(r.pages[0]["text"], expected["notice.bmp"])
    check_summary(r.summary, pages=1, errors=0, cached=0)
    # The page replaced the error in the ledger.
    r2 = orun(base + ["--emit", "all"], cwd=tmp_path)
    assert r2.returncode == 0, r2.describe()
    assert NOT_TIMING(r2.records[0]) == NOT_TIMING(r.pages[0]), r2.describe()


def _has_deu():
    dirs = [os.environ.get("TESSDATA_PREFIX", "")] + glob.glob("/usr/share/tesseract-ocr/*/tessdata")
    return any(d and os.path.isfile(os.path.join(d, "deu.traineddata")) for d in dirs)


def test_different_settings_redo_everything(tmp_path):
    data, words = text_page_bytes(3)
    (tmp_path / "page.png").write_bytes(data)
    base = ["--ledger", "s.ledger", "-j", "1", "page.png"]
    r = orun(base, cwd=tmp_path)
    assert r.returncode == 0 and len(r.pages) == 1, r.describe()
    original = r.pages[0]
    variants = [["--psm", "6"], ["--detail", "word"]]
    if _has_deu():
        variants.insert(0, ["-l", "deu"])
    for extra in variants:
        r = orun(base + extra, cwd=tmp_path)
        assert r.returncode == 0, r.describe()
        assert len(r.pages) == 1, f"{extra}: same content, other settings, not redone\n{r.describe()}"
        check_summary(r.summary, pages=1, errors=0, cached=0)
        assert_words(r.pages[0]["text"], words, str(extra))
        if extra[0] == "-l":
            assert r.pages[0]["lang"] == "deu", r.pages[0]
        if extra[0] == "--detail":
            assert isinstance(r.pages[0].get("words"), list) and r.pages[0]["words"], r.pages[0]
    # The original settings' result is still there: nothing to do, and --emit all gives it back.
    r = orun(base + ["--emit", "all"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [NOT_TIMING(rec) for rec in r.records[:-1]] == [NOT_TIMING(original)], r.describe()
    assert "words" not in r.records[0]


@pytest.mark.parametrize("option", [["--emit", "all"], ["--retry-errors"], ["--wait-lock"]],
                         ids=["emit", "retry-errors", "wait-lock"])
def test_ledger_options_without_ledger_are_usage_errors(samples, tmp_path, option):
    copy_sample("notice.bmp", tmp_path / "a.bmp")
    r = orun(option + ["a.bmp"], cwd=tmp_path)
    assert r.returncode == 2, r.describe()
    assert r.stdout == b""
    assert "--ledger" in r.err, r.err
    assert "Try 'ocrbatch --help'" in r.err, r.err


# ---------------------------------------------------------------------------------------------
# The run lock. Run A holds the ledger while it waits for its stdin; B and C arrive meanwhile.

@pytest.fixture(scope="module")
def lock_scenario(tmp_path_factory):
    d = tmp_path_factory.mktemp("lock")
    names = write_pages(d / "in", 3, prefix="p")
    ledger = d / "shared.ledger"
    a = popen(["--ledger", ledger, "-j", "1", "-o", "a.jsonl", "in", "-"], cwd=d, stdin=subprocess.PIPE)
    c = None
    try:
        # A has the lock once it has recorded its run.
        wait_until(lambda: ledger_rows(ledger, "runs") or a.poll() is not None, what="run A to start")
        assert a.poll() is None, a.communicate()[1].decode()
        start = time.monotonic()
        b = orun(["--ledger", ledger, "--metrics-file", "busy.prom", "--log-file", "busy.log",
                  "-o", "b.jsonl", "in"], cwd=d, timeout=60)
        b_seconds = time.monotonic() - start
        a_alive_after_b = a.poll() is None

        c = popen(["--ledger", ledger, "--wait-lock", "--metrics-file", "wait.prom",
                   "--log-file", "wait.log", "in"], cwd=d)
        # C logs its start before it reaches the ledger; it then polls for the lock.
        wait_until(lambda: (d / "wait.log").exists() or c.poll() is not None,
                   what="run C to start")
        time.sleep(1.0)
        c_waiting = c.poll() is None
        stdin_page, stdin_words = text_page_bytes(9)
        a_out, a_err = a.communicate(stdin_page, timeout=60)
        c_out, c_err = c.communicate(timeout=60)
    finally:
        kill_quietly(a)
        if c is not None:
            kill_quietly(c)
    return SimpleNamespace(dir=d, ledger=ledger, names=names, b=b, b_seconds=b_seconds,
                           a_alive_after_b=a_alive_after_b, a=a, a_err=a_err.decode(),
                           c=c, c_waiting=c_waiting, c_out=c_out, c_err=c_err.decode(),
                           stdin_words=stdin_words)


def test_busy_ledger_exits_75_at_once(lock_scenario):
    s = lock_scenario
    r = s.b
    assert r.returncode == 75, r.describe()
    assert s.a_alive_after_b, "run A ended before B tried the lock: the test proved nothing"
    assert s.b_seconds < 30, f"B took {s.b_seconds:.1f} s: it waited instead of failing at once"
    assert r.stdout == b""
    lines = r.err_lines
    assert len(lines) == 1, r.err
    assert lines[0].startswith("ocrbatch: "), r.err
    assert str(s.ledger) in lines[0] and "--wait-lock" in lines[0], r.err
    # No records: no output file, no temporary file.
    assert not (s.dir / "b.jsonl").exists()
    assert glob.glob(str(s.dir / "b.jsonl.tmp.*")) == []


def test_busy_ledger_still_writes_metrics_and_log(lock_scenario):
    d = lock_scenario.dir
    metrics = parse_prometheus((d / "busy.prom").read_text())
    assert metrics[("ocrbatch_exit_code", "")] == 75
    assert metrics[("ocrbatch_pages", "")] == 0
    log = (d / "busy.log").read_text().splitlines()
    fatal = [line for line in log if " FATAL " in line]
    assert len(fatal) == 1 and str(lock_scenario.ledger) in fatal[0], log
    assert temp_files(d) == [], "temporary files left behind"


def test_first_run_finishes_normally(lock_scenario):
    s = lock_scenario
    assert s.a.returncode == 0, s.a_err
    records = parse_jsonl((s.dir / "a.jsonl").read_text())
    assert [r["source"] for r in records[:-1]] == [f"in/{n}" for n in sorted(s.names)] + ["-"]
    assert_words(records[-2]["text"], s.stdin_words, "stdin page")
    check_summary(records[-1], pages=4, errors=0, cached=0)
    # Not on a terminal, default progress: the summary line only.
    assert [line for line in s.a_err.splitlines() if line.strip()] == [s.a_err.strip()], s.a_err
    assert s.a_err.startswith("ocrbatch: 4 pages"), s.a_err


def test_wait_lock_waits_then_finds_the_work_done(lock_scenario):
    s = lock_scenario
    assert s.c_waiting, "run C finished while A still held the lock"
    assert s.c.returncode == 0, s.c_err
    records = parse_jsonl(s.c_out.decode())
    assert [r["type"] for r in records] == ["summary"], s.c_out
    check_summary(records[0], pages=0, errors=0, cached=3)
    metrics = parse_prometheus((s.dir / "wait.prom").read_text())
    assert metrics[("ocrbatch_exit_code", "")] == 0
    assert metrics[("ocrbatch_pages_cached", "")] == 3
    assert metrics[("ocrbatch_ledger_pages", "")] == 4


def test_content_that_is_no_image_is_remembered_like_other_content_errors(tmp_path):
    """Issue 8, item 22: a garbage fax.png must not fail every nightly run again."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "fax.png").write_bytes(b"this is no PNG at all")
    (tmp_path / "in" / "empty.png").write_bytes(b"")
    args = ["-q", "--ledger", "L.db", "in"]
    first = orun(args, cwd=tmp_path)
    assert first.returncode == 1, first.describe()
    assert sorted(e["error"]["code"] for e in first.errors) == ["decode_failed", "decode_failed"]
    again = orun(args, cwd=tmp_path)
    assert again.returncode == 0, again.describe()
    check_summary(again.summary, pages=0, errors=0, cached=2)
    retry = orun(["--retry-errors"] + args, cwd=tmp_path)
    assert retry.returncode == 1 and len(retry.errors) == 2, retry.describe()
