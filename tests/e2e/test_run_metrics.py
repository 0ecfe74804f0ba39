"""Metrics for long runs: page-time quantiles in the summary, and the metrics file rewritten
while the run goes (--metrics-interval) with the queue, in-flight and last-page gauges.

A run is held open by feeding its --files-from list through a pipe: it waits for the next name
as long as the pipe is open, so the tests see the metrics of a run that is going (and of one
that is stuck) without depending on how fast this machine reads a page."""

import json
import subprocess
import time

import pytest

from conftest import parse_jsonl
from nightly_helpers import kill_quietly, orun, parse_prometheus, popen, wait_until, write_pages

LIVE_GAUGES = ["ocrbatch_run_in_progress", "ocrbatch_queue_depth", "ocrbatch_pages_in_flight",
               "ocrbatch_records_held", "ocrbatch_last_page_timestamp_seconds",
               "ocrbatch_seconds_since_last_page"]


def _metrics(path):
    """The metrics file parsed, or None while it does not exist. Every read must parse: a
    reader of the file never sees a partial one."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    return parse_prometheus(text)


def _value(m, name, labels=""):
    return m[(name, labels)] if m else None


def _held_open_run(d, args):
    """Starts ocrbatch on a --files-from list read from a pipe; the caller writes names."""
    return popen(["--files-from", "-", "-q", "-j", "1"] + args, cwd=d, stdin=subprocess.PIPE)


def _feed(proc, *names):
    proc.stdin.write("".join(n + "\n" for n in names).encode())
    proc.stdin.flush()


def test_summary_has_page_time_quantiles(tmp_path):
    write_pages(tmp_path, 3)
    r = orun(["-j", "1", "p00.png", "p01.png", "p02.png"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    times = sorted(p["duration_ms"] / 1000 for p in r.pages)
    q = r.summary["page_seconds"]
    assert list(q) == ["count", "p50", "p95", "p99", "max"], q
    assert q["count"] == 3
    # Nearest rank of 3 pages: p50 is the second, p95 and p99 the third; within 1% and the
    # rounding to milliseconds.
    assert q["p50"] == pytest.approx(times[1], rel=0.01, abs=0.0011), (q, times)
    assert q["p95"] == pytest.approx(times[2], rel=0.01, abs=0.0011), (q, times)
    assert q["p99"] == pytest.approx(times[2], rel=0.01, abs=0.0011), (q, times)
    assert q["max"] == pytest.approx(times[2], abs=0.0011), (q, times)


def test_pages_replayed_from_the_ledger_are_not_timed_again(tmp_path):
    write_pages(tmp_path, 2)
    first = orun(["--ledger", "l.db", "p00.png", "p01.png"], cwd=tmp_path)
    assert first.returncode == 0, first.describe()
    assert first.summary["page_seconds"]["count"] == 2
    again = orun(["--ledger", "l.db", "--emit", "all", "p00.png", "p01.png"], cwd=tmp_path)
    assert again.returncode == 0, again.describe()
    assert again.summary["pages"] == 2
    assert again.summary["page_seconds"] == {"count": 0, "p50": None, "p95": None, "p99": None,
                                             "max": None}, again.summary


def test_metrics_file_is_rewritten_while_the_run_goes(tmp_path):
    write_pages(tmp_path, 3)
    prom = tmp_path / "ocr.prom"
    proc = _held_open_run(tmp_path, ["--metrics-file", "ocr.prom", "--metrics-interval", "1"])
    try:
        # Written at once, before any page: the run is going, nothing done yet.
        m = wait_until(lambda: _metrics(prom), timeout=30, what="the first metrics write")
        assert _value(m, "ocrbatch_run_in_progress") == 1, m
        assert _value(m, "ocrbatch_pages") == 0, m
        for name in LIVE_GAUGES:
            assert (name, "") in m, name
        assert ("ocrbatch_exit_code", "") not in m, "no exit code before any run has ended"

        _feed(proc, "p00.png")
        m = wait_until(lambda: (lambda m: m if _value(m, "ocrbatch_pages") == 1 else None)(
            _metrics(prom)), timeout=60, what="pages 1 in the metrics file")
        assert _value(m, "ocrbatch_run_in_progress") == 1, m
        assert _value(m, "ocrbatch_page_duration_seconds_count") == 1, m
        assert _value(m, "ocrbatch_last_page_timestamp_seconds") > time.time() - 120, m
        # Nothing to do: a stuck run shows the time since its last page growing.
        m = wait_until(lambda: (lambda m: m if _value(m, "ocrbatch_seconds_since_last_page") >= 2
                                else None)(_metrics(prom)), timeout=30,
                       what="seconds since the last page to grow")
        assert _value(m, "ocrbatch_pages") == 1, m
        assert _value(m, "ocrbatch_pages_in_flight") == 0, m
        assert _value(m, "ocrbatch_queue_depth") == 0, m
        assert _value(m, "ocrbatch_run_in_progress") == 1, m

        _feed(proc, "p01.png", "p02.png")
        wait_until(lambda: _value(_metrics(prom), "ocrbatch_pages") == 3, timeout=60,
                   what="pages 3 in the metrics file")
        out, err = proc.communicate(timeout=60)  # closes the list: the run ends
    finally:
        kill_quietly(proc)
    assert proc.returncode == 0, err.decode()
    assert len(parse_jsonl(out.decode())) == 4
    m = _metrics(prom)
    assert _value(m, "ocrbatch_run_in_progress") == 0, m
    assert _value(m, "ocrbatch_pages") == 3, m
    assert _value(m, "ocrbatch_exit_code") == 0, m
    assert _value(m, "ocrbatch_pages_in_flight") == 0, m
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ocr.prom", "p00.png", "p01.png",
                                                          "p02.png"], "temporary files left"


def test_metrics_written_during_a_run_keep_the_previous_runs_exit_code(tmp_path):
    write_pages(tmp_path, 1)
    failed = orun(["--metrics-file", "ocr.prom", "p00.png", "missing.png"], cwd=tmp_path)
    assert failed.returncode == 1, failed.describe()
    before = _metrics(tmp_path / "ocr.prom")
    proc = _held_open_run(tmp_path, ["--metrics-file", "ocr.prom", "--metrics-interval", "1"])
    try:
        m = wait_until(lambda: (lambda m: m if _value(m, "ocrbatch_run_in_progress") == 1
                                else None)(_metrics(tmp_path / "ocr.prom")), timeout=30,
                       what="a metrics write during the run")
        assert _value(m, "ocrbatch_exit_code") == 1, m
        assert _value(m, "ocrbatch_last_run_timestamp_seconds") == \
            _value(before, "ocrbatch_last_run_timestamp_seconds"), (m, before)
        assert _value(m, "ocrbatch_pages") == 0, m
        proc.communicate(timeout=60)
    finally:
        kill_quietly(proc)
    assert proc.returncode == 0
    assert _value(_metrics(tmp_path / "ocr.prom"), "ocrbatch_exit_code") == 0


@pytest.mark.parametrize("how", ["option", "environment", "config"])
def test_metrics_interval_zero_writes_only_at_the_end(tmp_path, how):
    write_pages(tmp_path, 1)
    args, env = ["--metrics-file", "ocr.prom"], {}
    if how == "option":
        args += ["--metrics-interval", "0"]
    elif how == "environment":
        env["OCRBATCH_METRICS_INTERVAL"] = "0"
    else:
        (tmp_path / "c.toml").write_text("metrics-interval = 0\n")
        args += ["--config", "c.toml"]
    proc = popen(["--files-from", "-", "-q", "-j", "1"] + args, cwd=tmp_path, env=env,
                 stdin=subprocess.PIPE)
    try:
        _feed(proc, "p00.png")
        record = json.loads(proc.stdout.readline())  # the page is done and the run waits
        assert record["type"] == "page", record
        time.sleep(0.5)  # the default interval would have written at the start
        assert not (tmp_path / "ocr.prom").exists()
        proc.communicate(timeout=60)
    finally:
        kill_quietly(proc)
    assert proc.returncode == 0
    assert _value(_metrics(tmp_path / "ocr.prom"), "ocrbatch_pages") == 1


def test_metrics_are_written_at_the_start_by_default(tmp_path):
    write_pages(tmp_path, 1)
    proc = _held_open_run(tmp_path, ["--metrics-file", "ocr.prom"])
    try:
        m = wait_until(lambda: _metrics(tmp_path / "ocr.prom"), timeout=30,
                       what="the metrics written at the start")
        assert _value(m, "ocrbatch_run_in_progress") == 1, m
        proc.communicate(timeout=60)
    finally:
        kill_quietly(proc)
    assert proc.returncode == 0


@pytest.mark.parametrize("value", ["-1", "nan", "86401", "soon"])
def test_bad_metrics_interval_is_a_usage_error(tmp_path, value):
    write_pages(tmp_path, 1)
    r = orun(["--metrics-file", "ocr.prom", "--metrics-interval", value, "p00.png"], cwd=tmp_path)
    assert r.returncode == 2, r.describe()
    assert "--metrics-interval" in r.err, r.err
    assert not (tmp_path / "ocr.prom").exists()


def test_a_file_that_is_not_metrics_is_not_rewritten_during_the_run(tmp_path):
    write_pages(tmp_path, 1)
    (tmp_path / "notes.txt").write_text("precious\n")
    proc = _held_open_run(tmp_path, ["--metrics-file", "notes.txt", "--metrics-interval", "0.2"])
    try:
        _feed(proc, "p00.png")
        assert json.loads(proc.stdout.readline())["type"] == "page"
        time.sleep(0.5)
        assert (tmp_path / "notes.txt").read_text() == "precious\n"
        proc.communicate(timeout=60)
    finally:
        kill_quietly(proc)
    assert proc.returncode == 0
