"""What a nightly cron job sees: --metrics-file (Prometheus text), --log-file, stderr when it
is not a terminal, and --config with the environment and the command line over it."""

import calendar
import re
import subprocess
import time
from types import SimpleNamespace

import pytest

from conftest import assert_page_record, assert_words, parse_jsonl
from nightly_helpers import (kill_quietly, orun, parse_prometheus, popen, temp_files,
                             text_page_bytes, wait_until, write_pages)

ERROR_CODES = ["not_found", "permission_denied", "read_failed", "unsupported_format",
               "decode_failed", "archive_corrupt", "too_large", "timeout", "ocr_failed",
               "encrypted", "unsafe_path", "output_conflict"]
# Timestamp, level, the run's id (and shard, with --shard), message.
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) (INFO|ERROR|FATAL) "
                      r"run_id=[0-9a-f-]{36}(?: shard=\d+/\d+)? (.+)$")


# ---------------------------------------------------------------------------------------------
# Two runs sharing a metrics file and a log file: a clean one, then one with failures.

@pytest.fixture(scope="module")
def two_runs(sample_bytes, tmp_path_factory):
    d = tmp_path_factory.mktemp("nightly")
    words = write_pages(d, 2, prefix="p")
    (d / "bad.png").write_bytes(sample_bytes["letter.png"][:3000])
    common = ["--metrics-file", "ocr.prom", "--log-file", "ocr.log", "-j", "2"]
    t0 = time.time()
    clean = orun(common + ["--ledger", "n.ledger", "p00.png"], cwd=d)
    t1 = time.time()
    clean_metrics = (d / "ocr.prom").read_text()
    clean_log = (d / "ocr.log").read_text()
    time.sleep(1.1)  # so the failing run's timestamps differ from the clean one's
    failing = orun(common + ["p01.png", "missing.png", "bad.png"], cwd=d)
    t2 = time.time()
    return SimpleNamespace(dir=d, words=words, clean=clean, failing=failing, t0=t0, t1=t1, t2=t2,
                           clean_metrics=clean_metrics, failing_metrics=(d / "ocr.prom").read_text(),
                           clean_log=clean_log, log=(d / "ocr.log").read_text())


def _check_metrics_shape(m):
    assert ("ocrbatch_pages", "") in m
    for code in ERROR_CODES:
        assert ("ocrbatch_errors", f'{{code="{code}"}}') in m, f"no ocrbatch_errors for {code}"
    buckets = [(labels, v) for (name, labels), v in m.items()
               if name == "ocrbatch_page_duration_seconds_bucket"]
    assert buckets, "no histogram buckets"
    bounds = [re.fullmatch(r'\{le="([^"]+)"\}', labels).group(1) for labels, _ in buckets]
    assert bounds[-1] == "+Inf", bounds
    numeric = [float(b) for b in bounds[:-1]]
    assert numeric == sorted(numeric) and len(set(numeric)) == len(numeric), bounds
    counts = [v for _, v in buckets]
    assert counts == sorted(counts), f"buckets not cumulative: {buckets}"
    assert counts[-1] == m[("ocrbatch_page_duration_seconds_count", "")], buckets
    assert ("ocrbatch_page_duration_seconds_sum", "") in m
    for name in ("ocrbatch_exit_code", "ocrbatch_last_success_timestamp_seconds",
                 "ocrbatch_last_run_timestamp_seconds"):
        assert (name, "") in m, name


def test_metrics_after_a_clean_run(two_runs):
    r = two_runs.clean
    assert r.returncode == 0, r.describe()
    text = two_runs.clean_metrics
    assert "# TYPE ocrbatch_page_duration_seconds histogram" in text, text
    m = parse_prometheus(text)
    _check_metrics_shape(m)
    assert m[("ocrbatch_pages", "")] == 1
    assert all(m[("ocrbatch_errors", f'{{code="{c}"}}')] == 0 for c in ERROR_CODES), text
    assert m[("ocrbatch_page_duration_seconds_count", "")] == 1
    assert m[("ocrbatch_page_duration_seconds_bucket", '{le="+Inf"}')] == 1
    assert m[("ocrbatch_page_duration_seconds_sum", "")] > 0
    assert m[("ocrbatch_exit_code", "")] == 0
    success = m[("ocrbatch_last_success_timestamp_seconds", "")]
    assert int(two_runs.t0) - 1 <= success <= two_runs.t1 + 1, (success, two_runs.t0, two_runs.t1)
    assert m[("ocrbatch_ledger_pages", "")] == 1
    assert temp_files(two_runs.dir) == []


def test_metrics_after_a_failing_run_keep_the_last_success(two_runs):
    r = two_runs.failing
    assert r.returncode == 1, r.describe()
    before = parse_prometheus(two_runs.clean_metrics)
    m = parse_prometheus(two_runs.failing_metrics)
    _check_metrics_shape(m)
    assert m[("ocrbatch_exit_code", "")] == 1
    assert m[("ocrbatch_pages", "")] == 1
    assert m[("ocrbatch_errors", '{code="not_found"}')] == 1
    assert m[("ocrbatch_errors", '{code="decode_failed"}')] == 1
    assert sum(m[("ocrbatch_errors", f'{{code="{c}"}}')] for c in ERROR_CODES) == 2
    # Not reset to 0, not moved to this run: still the clean run's time.
    assert m[("ocrbatch_last_success_timestamp_seconds", "")] == \
        before[("ocrbatch_last_success_timestamp_seconds", "")] > 0
    assert m[("ocrbatch_last_run_timestamp_seconds", "")] > before[("ocrbatch_last_run_timestamp_seconds", "")]
    assert temp_files(two_runs.dir) == []


def _log_lines(text):
    lines = text.splitlines()
    for line in lines:
        m = LOG_LINE.match(line)
        assert m, f"log line without an ISO-8601 UTC timestamp and level: {line!r}"
        stamp = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ"))
        assert abs(stamp - time.time()) < 600, f"timestamp not UTC now: {line!r}"
    return [LOG_LINE.match(line).groups()[1:] for line in lines]


def test_log_file_is_appended_with_start_errors_and_summary(two_runs):
    first = _log_lines(two_runs.clean_log)
    assert [level for level, _ in first] == ["INFO", "INFO"], two_runs.clean_log
    assert first[0][1].startswith("start"), first
    assert first[1][1].startswith("1 page, 0 errors"), first
    assert two_runs.log.startswith(two_runs.clean_log), "log file overwritten, not appended"
    second = _log_lines(two_runs.log[len(two_runs.clean_log):])
    assert [level for level, _ in second] == ["INFO", "ERROR", "ERROR", "INFO"], two_runs.log
    assert second[0][1].startswith("start"), second
    assert second[1][1].startswith("missing.png: not_found: "), second
    assert second[2][1].startswith("bad.png: decode_failed: "), second
    assert second[3][1].startswith("1 page, 2 errors"), second


def test_stderr_off_a_terminal_is_errors_and_one_summary(two_runs):
    r = two_runs.failing
    errors = [rec for rec in r.records if rec["type"] == "error"]
    assert r.err_lines == [
        f"ocrbatch: {e['source']}: {e['error']['code']}: {e['error']['message']}" for e in errors
    ] + [r.err_lines[-1]], r.err
    assert r.err_lines[-1].startswith("ocrbatch: 1 page, 2 errors"), r.err
    assert "\r" not in r.err and "\x1b" not in r.err, repr(r.err)


# ---------------------------------------------------------------------------------------------
# Progress over a run longer than the 5 s plain-progress interval. Each run reads its page
# from a stdin pipe held open until the control run (--progress plain) has printed a progress
# line, so all of them last long enough while using no CPU.

PROGRESS_CASES = {
    "auto": dict(args=[], env={}),                                      # what cron gets
    "plain": dict(args=["--progress", "plain"], env={}),                # the control
    "env": dict(args=[], env={"OCRBATCH_PROGRESS": "plain"}),
    "env-over-config": dict(args=["--config", "none.toml"], env={"OCRBATCH_PROGRESS": "plain"}),
    "cli-over-env": dict(args=["--progress", "none"], env={"OCRBATCH_PROGRESS": "plain"}),
}


# (case, whether plain progress lines must appear)
PRECEDENCE = [("env", True), ("env-over-config", True), ("cli-over-env", False)]


def _plain_lines(text):
    return [line for line in text.splitlines() if re.match(r"^ocrbatch: \d+/\S+ done \(", line)]


@pytest.fixture(scope="module")
def long_runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("progress")
    (d / "none.toml").write_text('progress = "none"\n')
    page, words = text_page_bytes(4)
    procs, errs = {}, {}
    try:
        for name, case in PROGRESS_CASES.items():
            errs[name] = open(d / f"{name}.err", "wb+")
            procs[name] = popen(case["args"] + ["-j", "1", "missing.png", "-"], cwd=d, env=case["env"],
                                stdin=subprocess.PIPE, stderr=errs[name])
        wait_until(lambda: _plain_lines((d / "plain.err").read_text()) or
                   procs["plain"].poll() is not None, timeout=40, interval=0.1,
                   what="a progress line from the --progress plain run")
        # The others started together; give those that should print some slack to do so.
        shown = [name for name, show in PRECEDENCE if show]
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline and not all(
                _plain_lines((d / f"{name}.err").read_text()) for name in shown):
            time.sleep(0.1)
        time.sleep(0.5)
        outs = {}
        for name, proc in procs.items():
            proc.stdin.write(page)
            proc.stdin.close()
        for name, proc in procs.items():
            outs[name] = proc.stdout.read()
            proc.wait(timeout=60)
    finally:
        for proc in procs.values():
            kill_quietly(proc)
        for f in errs.values():
            f.close()
    return {name: SimpleNamespace(returncode=procs[name].returncode, out=outs[name],
                                  err=(d / f"{name}.err").read_text(), words=words)
            for name in procs}


def test_long_run_off_a_terminal_prints_no_progress(long_runs):
    r = long_runs["auto"]
    assert r.returncode == 1, r.err
    records = parse_jsonl(r.out.decode())
    assert [rec["source"] for rec in records[:-1]] == ["missing.png", "-"]
    assert_page_record(records[1])
    assert_words(records[1]["text"], r.words)
    elapsed = records[-1]["elapsed_s"]
    assert elapsed > 5.5, f"run too short ({elapsed} s) to tell plain progress from none"
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert len(lines) == 2, r.err
    assert lines[0].startswith("ocrbatch: missing.png: not_found: "), r.err
    assert lines[1].startswith("ocrbatch: 1 page, 1 error"), r.err
    assert "\r" not in r.err and "\x1b" not in r.err, repr(r.err)


def test_plain_progress_control(long_runs):
    r = long_runs["plain"]
    assert r.returncode == 1, r.err
    assert _plain_lines(r.err), r.err


@pytest.mark.parametrize("name,shown", PRECEDENCE)
def test_progress_precedence(long_runs, name, shown):
    r = long_runs[name]
    assert r.returncode == 1, r.err
    elapsed = parse_jsonl(r.out.decode())[-1]["elapsed_s"]
    assert elapsed > 5.5, f"run too short ({elapsed} s) to tell plain progress from none"
    assert bool(_plain_lines(r.err)) == shown, f"{name}: {PROGRESS_CASES[name]}\nstderr:\n{r.err}"


# ---------------------------------------------------------------------------------------------
# --config: file values apply; the environment overrides the file; the command line overrides both.

CONFIG = """\
# nightly OCR settings
jobs = 3
format = "csv"
lang = "eng"
ledger = "cfg.ledger"
log-file = "cfg.log"
"""


@pytest.fixture
def config_dir(tmp_path):
    (tmp_path / "nightly.toml").write_text(CONFIG)
    data, words = text_page_bytes(2)
    (tmp_path / "page.png").write_bytes(data)
    return tmp_path, words


def _start_line(folder):
    lines = (folder / "cfg.log").read_text().splitlines()
    starts = [line for line in lines if re.search(r" INFO run_id=\S+ start", line)]
    assert len(starts) == 1, lines
    return starts[0]


def test_config_file_values_apply(config_dir):
    d, words = config_dir
    r = orun(["--config", "nightly.toml", "page.png"], cwd=d)
    assert r.returncode == 0, r.describe()
    lines = r.out.splitlines()
    assert lines[0].startswith("type,source,page,"), r.out      # format = "csv"
    assert lines[1].startswith("page,page.png,1,"), r.out
    assert_words(r.out, words)
    assert (d / "cfg.ledger").is_file()                          # ledger = ...
    assert "jobs 3," in _start_line(d) and "lang eng" in _start_line(d)  # jobs, lang, log-file


def test_command_line_overrides_config(config_dir):
    d, words = config_dir
    r = orun(["--config", "nightly.toml", "-f", "jsonl", "-j", "1", "--ledger", "cli.ledger",
              "page.png"], cwd=d)
    assert r.returncode == 0, r.describe()
    assert_words(r.pages[0]["text"], words)                      # JSON Lines, not CSV
    assert (d / "cli.ledger").is_file() and not (d / "cfg.ledger").exists()
    assert "jobs 1," in _start_line(d)


def test_environment_overrides_config(config_dir):
    d, words = config_dir
    r = orun(["--config", "nightly.toml", "page.png"], cwd=d,
             env={"OCRBATCH_JOBS": "1", "OCRBATCH_LEDGER": "env.ledger"})
    assert r.returncode == 0, r.describe()
    assert (d / "env.ledger").is_file() and not (d / "cfg.ledger").exists(), \
        f"OCRBATCH_LEDGER did not override the config file's ledger: {sorted(p.name for p in d.iterdir())}"
    assert "jobs 1," in _start_line(d), f"OCRBATCH_JOBS=1 did not override jobs = 3: {_start_line(d)}"


def test_command_line_overrides_environment_and_config(config_dir):
    d, words = config_dir
    r = orun(["--config", "nightly.toml", "-j", "2", "--ledger", "cli.ledger", "page.png"], cwd=d,
             env={"OCRBATCH_JOBS": "1", "OCRBATCH_LEDGER": "env.ledger"})
    assert r.returncode == 0, r.describe()
    assert (d / "cli.ledger").is_file()
    assert not (d / "env.ledger").exists() and not (d / "cfg.ledger").exists()
    assert "jobs 2," in _start_line(d)


def test_config_from_environment_variable(config_dir):
    d, words = config_dir
    r = orun(["page.png"], cwd=d, env={"OCRBATCH_CONFIG": "nightly.toml"})
    assert r.returncode == 0, r.describe()
    assert r.out.startswith("type,source,page,"), r.out
    assert (d / "cfg.ledger").is_file()


@pytest.mark.parametrize("how", ["option", "environment"])
def test_missing_config_file_is_a_usage_error(config_dir, how):
    d, _ = config_dir
    args, env = (["--config", "absent.toml"], {}) if how == "option" else ([], {"OCRBATCH_CONFIG": "absent.toml"})
    r = orun(args + ["page.png"], cwd=d, env=env)
    assert r.returncode == 2, r.describe()
    assert r.stdout == b""
    assert "absent.toml" in r.err, r.err
    assert not (d / "cfg.ledger").exists()
