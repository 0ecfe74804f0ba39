"""Helpers shared by the ledger, crash-recovery, hostile-input and nightly-run tests.

Kept out of conftest.py (which others edit) but built on it: runs go through conftest.run().
"""

import glob
import io
import os
import re
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from conftest import BIN, SAMPLES, Result, run, without_run_keys

# The summary as the binary writes it: "skipped_by_kind" after "skipped", then "cached".
SUMMARY_KEYS = ["type", "pages", "errors", "errors_by_code", "skipped", "skipped_by_kind",
                "cached", "interrupted", "elapsed_s", "pages_per_second", "page_seconds"]
ENV_VARS = ["OCRBATCH_LEDGER", "OCRBATCH_JOBS", "OCRBATCH_PROGRESS", "OCRBATCH_CONFIG",
            "OCRBATCH_METRICS_INTERVAL"]
# Words rendered one per generated page: unique, so a record can be matched to its image.
WORDS = ["harbour", "meadow", "copper", "lantern", "orchard", "violet", "marble", "falcon",
         "thunder", "pebble", "saddle", "glacier", "walnut", "canyon", "ember", "juniper"]


def clean_env(**extra):
    """An env argument for run(): no OCRBATCH_* from the caller's shell, plus `extra`."""
    env = {name: None for name in ENV_VARS}
    env.update(extra)
    return env


def orun(args, **kwargs):
    """conftest.run() with the caller's OCRBATCH_* variables removed (unless env overrides)."""
    env = clean_env()
    env.update(kwargs.pop("env", None) or {})
    return run(args, env=env, **kwargs)


def merged_env(env):
    """os.environ with clean_env(**env) applied: a None value removes the variable."""
    full_env = dict(os.environ)
    for key, value in clean_env(**(env or {})).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    return full_env


def popen(args, *, cwd, env=None, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
          stderr=subprocess.PIPE):
    full_env = merged_env(env)
    return subprocess.Popen([str(BIN)] + [str(a) for a in args], cwd=cwd, env=full_env,
                            stdin=stdin, stdout=stdout, stderr=stderr)


def kill_quietly(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait()


_FONT = None


def _font():
    global _FONT
    if _FONT is None:
        try:
            _FONT = ImageFont.truetype("DejaVuSans.ttf", 28)
        except OSError:
            _FONT = False
    return _FONT


def text_page_bytes(index, size=(520, 60), fmt="PNG"):
    """A small distinct page image and the words OCR must find on it.

    With a TrueType font the page carries the line 'Page NN WORD ledger'; without one it is
    notice.bmp with a distinguishing PNG text chunk (same words, different content hash)."""
    font = _font()
    if font:
        word = WORDS[index % len(WORDS)] + ("" if index < len(WORDS) else str(index))
        im = Image.new("L", size, 255)
        ImageDraw.Draw(im).text((12, 12), f"Page {index + 1:02} {word} ledger", fill=0, font=font)
        out = io.BytesIO()
        im.save(out, format=fmt)
        return out.getvalue(), [word, f"{index + 1:02}"]
    im = Image.open(SAMPLES / "notice.bmp")
    info = PngImagePlugin.PngInfo()
    info.add_text("ocrbatch-test", f"page {index}")
    out = io.BytesIO()
    im.save(out, format="PNG", pnginfo=info)
    return out.getvalue(), ["Office", "closed"]


def write_pages(folder, count, prefix="p", start=0):
    """Writes `count` distinct small PNG pages; returns {file name: expected words}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    words = {}
    for i in range(start, start + count):
        data, expect = text_page_bytes(i)
        name = f"{prefix}{i:02}.png"
        (folder / name).write_bytes(data)
        words[name] = expect
    return words


def check_summary(summary, *, pages, errors, cached=None, skipped=None, interrupted=False,
                  errors_by_code=None):
    assert summary["type"] == "summary", summary
    assert without_run_keys(summary) == SUMMARY_KEYS, f"summary keys: {list(summary)}"
    assert summary["pages"] == pages, summary
    assert summary["errors"] == errors, summary
    assert sum(summary["errors_by_code"].values()) == errors, summary
    if errors_by_code is not None:
        assert summary["errors_by_code"] == errors_by_code, summary
    if cached is not None:
        assert summary["cached"] == cached, summary
    if skipped is not None:
        assert summary["skipped"] == skipped, summary
    assert summary["interrupted"] is interrupted, summary


def ledger_rows(path, table="results"):
    """Row count of a ledger table, or None if the ledger or table is not there yet."""
    if not os.path.exists(path):
        return None
    try:
        db = sqlite3.connect(str(path), timeout=1)
        try:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return None


def wait_until(predicate, timeout=30, interval=0.005, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def temp_files(folder):
    return sorted(glob.glob(os.path.join(str(folder), "*.tmp.*")))


def parse_prometheus(text):
    """Prometheus text exposition: {(name, labels-string): value}; checks every line's shape."""
    samples = {}
    line_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^{}]*\})? (\S+)$')
    label_re = re.compile(r'^\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*")(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\}$')
    assert text.endswith("\n"), "metrics text does not end with a newline"
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            assert re.match(r"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* \S", line), \
                f"metrics line {number}: bad comment {line!r}"
            continue
        m = line_re.match(line)
        assert m, f"metrics line {number} is not 'name{{labels}} value': {line!r}"
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        if labels:
            assert label_re.match(labels), f"metrics line {number}: bad labels {labels!r}"
        samples[(name, labels)] = float(value)  # raises on a non-number (+Inf/NaN parse too)
    return samples


def run_measured(args, *, cwd, timeout=60, env=None, address_space=4 << 30):
    """Runs ocrbatch; returns (Result, max RSS in bytes, wall seconds) for that child alone.

    The child's address space is capped so a runaway allocation fails instead of hurting the
    machine."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        full_env = merged_env(env)
        cmd = [str(BIN)] + [str(a) for a in args]
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=full_env,
                                preexec_fn=limit)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise AssertionError(f"{cmd} did not finish within {timeout} s")
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        result = Result(cmd, proc.returncode, out.read(), err.read())
    return result, usage.ru_maxrss * 1024, wall
