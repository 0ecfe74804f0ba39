"""Metrics for long runs: page-time quantiles in the summary."""

import pytest

from nightly_helpers import orun, write_pages


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
