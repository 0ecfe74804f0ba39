"""Shared helpers for the ocrbatch end-to-end tests.

The tests run the real binary.  CMake passes OCRBATCH_BIN and OCRBATCH_SAMPLES; when run
by hand (`/usr/bin/python3 -m pytest -q tests/e2e`) the defaults below are used.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BIN = Path(os.environ.get("OCRBATCH_BIN") or "/work/main/build/src/ocrbatch")
SAMPLES = Path(os.environ.get("OCRBATCH_SAMPLES") or (HERE / ".." / ".." / "samples")).resolve()
REPO = HERE.parent.parent

PAGE_KEYS = ["type", "source", "page", "pages", "width", "height", "dpi", "lang", "engine",
             "confidence", "word_count", "duration_ms", "text"]
# Which engine path read a page; every page is read by Tesseract's own layout analysis.
TESSERACT_PATH = {"layout": "tesseract", "recognizer": "tesseract"}
# With preprocessing (the default), these come between duration_ms and text (those marked
# optional only where they apply), and "preprocess" follows text.
PREPROCESS_KEYS = ["kind", "blank", "rotation", "skew", "scale", "psm"]
PREPROCESS_OPTIONAL = {"skew", "scale", "psm"}
SUMMARY_KEYS = ["type", "pages", "errors", "errors_by_code", "skipped", "skipped_by_kind",
                "cached", "interrupted", "elapsed_s", "pages_per_second", "page_seconds"]
ERROR_CODES = {"not_found", "permission_denied", "read_failed", "unsupported_format",
               "decode_failed", "archive_corrupt", "too_large", "timeout", "ocr_failed",
               "encrypted", "unsafe_path", "output_conflict"}
# Fields that legitimately differ from run to run.
TIMING_KEYS = {"duration_ms", "elapsed_s", "pages_per_second", "page_seconds"}
# Right after "type" in every JSON record: the run's id, and the shard with --shard.
RUN_KEYS = ["run_id", "shard"]


def without_run_keys(rec):
    """The record's keys, checking that run_id (and shard, if any) come right after type."""
    keys = list(rec)
    assert keys[1] == "run_id", f"run_id is not second: {keys}"
    head = 3 if keys[2:3] == ["shard"] else 2
    return keys[:1] + keys[head:]


@dataclass
class Result:
    args: list
    returncode: int
    stdout: bytes
    stderr: bytes
    _records: list = field(default=None, repr=False)

    @property
    def out(self):
        return self.stdout.decode("utf-8")

    @property
    def err(self):
        return self.stderr.decode("utf-8", "replace")

    @property
    def err_lines(self):
        return [line for line in self.err.splitlines() if line.strip()]

    @property
    def records(self):
        """stdout parsed as JSON Lines; every line must be one JSON object."""
        if self._records is None:
            self._records = parse_jsonl(self.out)
        return self._records

    @property
    def pages(self):
        return [r for r in self.records if r["type"] == "page"]

    @property
    def errors(self):
        return [r for r in self.records if r["type"] == "error"]

    @property
    def summary(self):
        assert self.records, "no records on stdout"
        last = self.records[-1]
        assert last["type"] == "summary", f"last record is not the summary: {last}"
        return last

    def describe(self):
        return (f"command: {' '.join(map(str, self.args))}\nexit: {self.returncode}\n"
                f"stdout:\n{self.out[:3000]}\nstderr:\n{self.err[:3000]}")


def parse_jsonl(text):
    records = []
    for number, line in enumerate(text.split("\n"), 1):
        if line == "":
            continue
        try:
            value = json.loads(line)
        except ValueError as e:
            raise AssertionError(f"stdout line {number} is not JSON: {line!r} ({e})")
        assert isinstance(value, dict), f"stdout line {number} is not an object: {line!r}"
        assert value.get("type") in ("page", "error", "summary"), f"bad record type: {line!r}"
        records.append(value)
    if text:
        assert text.endswith("\n"), "JSONL output does not end with a newline"
    return records


def run(args, *, input=None, cwd=None, timeout=60, env=None):
    """Runs ocrbatch with args (strings or paths); returns a Result."""
    cmd = [str(BIN)] + [str(a) for a in args]
    full_env = dict(os.environ)
    for key, value in (env or {}).items():  # a value of None removes the variable
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    proc = subprocess.run(cmd, input=input, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, env=full_env)
    return Result(cmd, proc.returncode, proc.stdout, proc.stderr)


def strip_timing(record):
    """A record without the fields that change between runs (step times included)."""
    out = {k: v for k, v in record.items() if k not in TIMING_KEYS and k not in RUN_KEYS}
    if "preprocess" in out:
        out["preprocess"] = [{k: v for k, v in s.items() if k != "ms"} for s in out["preprocess"]]
    return out


def check_page_keys(rec):
    """True when a page record's keys follow the contract's order: the base keys, the
    preprocessing summary when preprocessing ran, text, the step list, then lines or words."""
    keys = [k for k in without_run_keys(rec) if k not in ("lines", "words")]
    if "source_bytes" in rec:  # only for a name that is not UTF-8, right after source
        if keys[2] != "source_bytes":
            return False
        del keys[2]
    base = PAGE_KEYS[:-1]
    if keys[:len(base)] != base:
        return False
    rest = keys[len(base):]
    if "preprocess" not in rec:
        return rest == ["text"]
    expected = [k for k in PREPROCESS_KEYS if k in rec or k not in PREPROCESS_OPTIONAL]
    return rest == expected + ["text", "preprocess"]


def canonical(records):
    """Records as sortable JSON strings with timing removed (for set comparisons)."""
    return sorted(json.dumps(strip_timing(r), sort_keys=True) for r in records)


def assert_words(text, words, where=""):
    missing = [w for w in words if w.lower() not in text.lower()]
    assert not missing, f"{where}: words {missing} missing from OCR text {text!r}"


def assert_page_record(rec, *, source=None, page=None, pages=None):
    """Checks a page record's shape; source, page and pages also when given."""
    assert rec["type"] == "page", rec
    assert check_page_keys(rec), f"page record keys: {list(rec)}"
    if source is not None:
        assert rec["source"] == source
    assert isinstance(rec["pages"], int) and 1 <= rec["page"] <= rec["pages"], rec
    if page is not None:
        assert rec["page"] == page, rec
    if pages is not None:
        assert rec["pages"] == pages, rec
    assert isinstance(rec["width"], int) and rec["width"] > 0
    assert isinstance(rec["height"], int) and rec["height"] > 0
    assert isinstance(rec["dpi"], int)
    assert rec["lang"] == "eng"
    assert rec["engine"] == TESSERACT_PATH, rec["engine"]
    assert isinstance(rec["confidence"], (int, float)) and 0 <= rec["confidence"] <= 100
    assert isinstance(rec["word_count"], int) and rec["word_count"] > 0
    assert isinstance(rec["duration_ms"], (int, float)) and rec["duration_ms"] >= 0
    assert isinstance(rec["text"], str) and rec["text"].strip()


def assert_error_record(rec, source, code):
    assert rec["type"] == "error", rec
    assert rec["source"] == source, rec
    assert set(without_run_keys(rec)) <= {"type", "source", "page", "error"}, rec
    assert set(rec["error"].keys()) == {"code", "message"}, rec
    assert rec["error"]["code"] == code, rec
    assert isinstance(rec["error"]["message"], str) and rec["error"]["message"], rec


def assert_summary(summary, *, pages, errors, errors_by_code=None, skipped=None, interrupted=False):
    assert without_run_keys(summary) == SUMMARY_KEYS, f"summary keys: {list(summary)}"
    assert summary["pages"] == pages, summary
    assert summary["errors"] == errors, summary
    if errors_by_code is not None:
        assert summary["errors_by_code"] == errors_by_code, summary
    assert sum(summary["errors_by_code"].values()) == errors, summary
    if skipped is not None:
        assert summary["skipped"] == skipped, summary
    assert summary["interrupted"] is interrupted, summary
    assert isinstance(summary["elapsed_s"], (int, float)) and summary["elapsed_s"] >= 0
    assert isinstance(summary["pages_per_second"], (int, float)) and summary["pages_per_second"] >= 0
    times = summary["page_seconds"]
    assert list(times.keys()) == ["count", "p50", "p95", "p99", "max"], times
    if times["count"] == 0:
        assert times["p50"] is times["p95"] is times["p99"] is times["max"] is None, times
    else:
        assert 0 <= times["p50"] <= times["p95"] <= times["p99"] <= times["max"], times


def stderr_error_line(result, source, code):
    """The stderr line reporting source's error, in the form 'ocrbatch: SOURCE: CODE: ...'."""
    prefix = f"ocrbatch: {source}: {code}: "
    matches = [line for line in result.err_lines if line.startswith(prefix)]
    assert matches, f"no stderr line starting {prefix!r}; stderr:\n{result.err}"
    return matches[0]


@pytest.fixture(scope="session")
def samples():
    assert BIN.is_file() and os.access(BIN, os.X_OK), f"ocrbatch binary not found at {BIN}"
    assert (SAMPLES / "expected.json").is_file(), f"samples not found at {SAMPLES}"
    return SAMPLES


@pytest.fixture(scope="session")
def expected(samples):
    with open(samples / "expected.json", encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def sample_bytes(samples):
    names = ["letter.png", "invoice.jpg", "report.tif", "notice.bmp", "scans.zip"]
    return {name: (samples / name).read_bytes() for name in names}


def copy_sample(name, dest):
    """Copies a sample to dest (a path); returns dest as a Path."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLES / name, dest)
    return dest
