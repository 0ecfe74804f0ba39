"""Fault injection: runs with a ledger killed (SIGKILL) at several points, then rerun until one
completes; and SIGTERM with a ledger. Every input must be delivered exactly once across the
committed output files, with no temporary files left and a consistent ledger."""

import glob
import json
import signal
import sqlite3
import time

import pytest

from conftest import check_page_keys, assert_words, parse_jsonl
from nightly_helpers import (check_summary, kill_quietly, ledger_rows, orun, popen, temp_files,
                             wait_until, write_pages)

PAGES = 12


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    d = tmp_path_factory.mktemp("crash")
    return d, write_pages(d / "in", PAGES, prefix="c")


def _read_outputs(d):
    """Page/error records of every committed output file, each file checked as complete JSONL."""
    records = []
    for path in sorted(d.glob("out*.jsonl")):
        text = path.read_text()
        recs = parse_jsonl(text)
        assert recs and recs[-1]["type"] == "summary", f"{path.name} has no summary:\n{text}"
        assert [r["type"] for r in recs].count("summary") == 1, f"{path.name}:\n{text}"
        for rec in recs[:-1]:
            assert rec["type"] == "page", f"{path.name}: {rec}"
            assert check_page_keys(rec), f"{path.name}: incomplete record {rec}"
        records.extend((path.name, r) for r in recs[:-1])
    return records


def _ledger_report(ledger):
    db = sqlite3.connect(str(ledger))
    try:
        return {
            "integrity": db.execute("PRAGMA integrity_check").fetchone()[0],
            "rows": db.execute("SELECT count(*) FROM results").fetchone()[0],
            "keys": db.execute("SELECT count(DISTINCT hash || '/' || settings || '/' || page) "
                               "FROM results").fetchone()[0],
            "unemitted": db.execute("SELECT count(*) FROM results WHERE emitted = 0").fetchone()[0],
            "errors": db.execute("SELECT count(*) FROM results WHERE is_error = 1").fetchone()[0],
            "open_runs": db.execute("SELECT count(*) FROM runs WHERE finished = 0").fetchone()[0],
            "sources": sorted(r[0] for r in db.execute("SELECT source FROM results")),
        }
    finally:
        db.close()


def test_sigkill_at_several_points_then_rerun(pages):
    d, words = pages
    ledger = d / "crash.ledger"
    rows = lambda: ledger_rows(ledger) or 0  # noqa: E731

    # Each kill point waits for a state of the run, then SIGKILLs it.
    kill_points = [
        ("right after start", lambda proc, out: time.sleep(0.05) or True),
        ("after the first page is recorded", lambda proc, out: rows() >= 1),
        ("half way", lambda proc, out: rows() >= PAGES // 2),
        ("near the end", lambda proc, out: rows() >= PAGES - 1),
        ("right after the output is renamed into place", lambda proc, out: out.exists()),
    ]
    log = []
    kills = 0
    n = 0
    for label, ready in kill_points:
        n += 1
        out = d / f"out{n}.jsonl"
        proc = popen(["--ledger", ledger, "-o", out.name, "-j", "2", "in"], cwd=d)
        try:
            wait_until(lambda: proc.poll() is not None or ready(proc, out), timeout=60, interval=0.002,
                       what=f"kill point '{label}'")
            alive = proc.poll() is None
            if alive:
                proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            kill_quietly(proc)
        kills += alive
        log.append(f"run {n} ({label}): {'killed' if alive else 'exited ' + str(proc.returncode)}, "
                   f"ledger rows {rows()}, output {'committed' if out.exists() else 'absent'}")
        if not alive:
            assert proc.returncode == 0, "\n".join(log) + "\n" + proc.stderr.read().decode()

    # Rerun until a run completes.
    for _ in range(3):
        n += 1
        r = orun(["--ledger", ledger, "-o", f"out{n}.jsonl", "-j", "2", "in"], cwd=d, timeout=60)
        log.append(f"run {n}: exit {r.returncode}")
        if r.returncode == 0:
            break
    history = "\n".join(log)
    assert r.returncode == 0, f"{history}\n{r.describe()}"
    assert kills >= 4, f"fewer than 4 runs were killed mid-way:\n{history}"

    # Nothing half-written is left, and every committed output is complete.
    assert temp_files(d) == [], f"temporary files left:\n{history}"
    delivered = _read_outputs(d)
    counts = {}
    for _, rec in delivered:
        counts[rec["source"]] = counts.get(rec["source"], 0) + 1
    expected_sources = {f"in/{name}" for name in words}
    duplicates = {s: c for s, c in counts.items() if c > 1}
    missing = expected_sources - set(counts)
    assert not duplicates and not missing and set(counts) == expected_sources, (
        f"duplicates {duplicates}, missing {sorted(missing)}\n{history}\n"
        + "\n".join(f"{f}: {rec['source']}" for f, rec in delivered))
    for _, rec in delivered:
        assert_words(rec["text"], words[rec["source"][3:]], rec["source"])

    # The ledger survived every kill: intact, one row per page, all delivered, no run open.
    report = _ledger_report(ledger)
    assert report["integrity"] == "ok", report
    assert report["rows"] == PAGES and report["keys"] == PAGES, report
    assert report["unemitted"] == 0 and report["errors"] == 0 and report["open_runs"] == 0, report
    assert report["sources"] == sorted(expected_sources), report

    # And a further run has nothing left to do or deliver.
    r = orun(["--ledger", ledger, "-j", "2", "in"], cwd=d)
    assert r.returncode == 0, r.describe()
    assert [rec["type"] for rec in r.records] == ["summary"], r.describe()
    check_summary(r.summary, pages=0, errors=0, cached=PAGES)


def test_sigterm_with_ledger_then_rerun_finishes_the_rest(pages):
    d, words = pages
    ledger = d / "term.ledger"
    out1, out2 = d / "term1.jsonl", d / "term2.jsonl"
    proc = popen(["--ledger", ledger, "-o", out1.name, "-j", "1", "in"], cwd=d)
    try:
        wait_until(lambda: proc.poll() is not None or (ledger_rows(ledger) or 0) >= 2, timeout=60,
                   what="two pages recorded")
        assert proc.poll() is None, "the run finished before it could be signalled"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        kill_quietly(proc)
    stderr = stderr.decode()
    assert proc.returncode == 130, stderr
    assert glob.glob(f"{out1}.tmp.*") == []
    first = parse_jsonl(out1.read_text())
    assert first and first[-1]["type"] == "summary", first
    done = first[:-1]
    assert 2 <= len(done) < PAGES, first
    for rec in done:
        assert check_page_keys(rec), rec
        assert_words(rec["text"], words[rec["source"][3:]], rec["source"])
    check_summary(first[-1], pages=len(done), errors=0, cached=0, interrupted=True)
    last = stderr.splitlines()[-1]
    assert last.startswith("ocrbatch: ") and "interrupted" in last, stderr

    r = orun(["--ledger", ledger, "-o", out2.name, "-j", "2", "in"], cwd=d)
    assert r.returncode == 0, r.describe()
    second = parse_jsonl(out2.read_text())
    check_summary(second[-1], pages=PAGES - len(done), errors=0, cached=len(done))
    sources = [rec["source"] for rec in done + second[:-1]]
    assert sorted(sources) == sorted(f"in/{name}" for name in words), json.dumps(sources)
    for rec in second[:-1]:
        assert_words(rec["text"], words[rec["source"][3:]], rec["source"])
