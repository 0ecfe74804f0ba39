"""Command line: --help, --version, usage and setup errors (exit 2), the stderr contract."""

import re
import select
import subprocess
import time

import pytest

from conftest import BIN, REPO, assert_summary, copy_sample, parse_jsonl, run


# --- help and version ----------------------------------------------------------------------

def _long_options_in_source():
    source = (REPO / "src" / "cli" / "options.cc").read_text(encoding="utf-8")
    names = set()
    for spec in re.findall(r'(?:add_option|add_flag|set_version_flag)\(\s*"([^"]*)"', source):
        names.update(part for part in spec.split(",") if part.startswith("--"))
    return sorted(names)


def test_source_declares_long_options():
    # Guards the regex below: if it stopped matching, the help test would pass vacuously.
    names = _long_options_in_source()
    assert len(names) >= 14, names
    assert {"--files-from", "--output", "--format", "--jobs", "--version"} <= set(names)


def test_help_mentions_every_long_option_and_exit_codes():
    r = run(["--help"])
    assert r.returncode == 0, r.describe()
    assert r.stderr == b""
    missing = [name for name in _long_options_in_source()
               if not re.search(re.escape(name) + r"(?![\w-])", r.out)]
    assert not missing, f"--help does not mention {missing}"
    section = r.out[r.out.index("Exit status"):]
    for code, words in [("0", "succeeded"), ("1", "failed"), ("2", "usage"), ("130", "interrupted")]:
        assert re.search(rf"\b{code}\b[^,\n]*{words}", section), (code, section)
    for code in ("not_found", "permission_denied", "unsupported_format", "decode_failed",
                 "archive_corrupt", "too_large"):
        assert code in r.out


def test_short_help_and_version():
    assert run(["-h"]).out == run(["--help"]).out
    r = run(["--version"])
    assert r.returncode == 0
    assert re.match(r"ocrbatch \d+\.\d+\.\d+ \(tesseract 5\.", r.out), r.out
    assert run(["-V"]).out == r.out


# --- usage errors: exit 2, a message, nothing on stdout --------------------------------------

@pytest.mark.parametrize("args,needle", [
    (["--bogus", "x.png"], "--bogus"),
    ([], "no inputs"),
    (["-q"], "no inputs"),
    (["-0", "x.png"], "--files-from"),
    (["-f", "xml", "x.png"], "xml"),
    (["--detail", "all", "x.png"], "all"),
    (["-j", "0", "x.png"], "0"),
    (["--psm", "99", "x.png"], "99"),
    (["-c", "novalue", "x.png"], "NAME=VALUE"),
    (["--max-file-size", "0", "x.png"], "0"),
], ids=["unknown-option", "no-inputs", "only-flags", "null-without-files-from", "bad-format",
        "bad-detail", "zero-jobs", "bad-psm", "bad-variable", "zero-max-size"])
def test_usage_error(tmp_path, args, needle):
    r = run(args, cwd=tmp_path)
    assert r.returncode == 2, r.describe()
    assert r.stdout == b"", r.describe()
    assert r.err.startswith("ocrbatch: "), r.describe()
    assert needle in r.err, r.describe()
    assert "--help" in r.err


@pytest.mark.parametrize("args,env,needle", [
    (["-l", "xyz"], {}, "xyz"),
    (["-l", "eng+qqq"], {}, "qqq"),
    (["--tessdata-dir", "/nonexistent/tessdata"], {}, "/nonexistent/tessdata"),
    ([], {"TESSDATA_PREFIX": "/nonexistent/prefix"}, "/nonexistent/prefix"),
], ids=["missing-lang", "missing-second-lang", "missing-tessdata-dir", "missing-tessdata-prefix"])
def test_setup_error_exit_2_without_records(samples, tmp_path, args, env, needle):
    copy_sample("notice.bmp", tmp_path / "notice.bmp")
    r = run(args + ["-o", "out.jsonl", "notice.bmp"], cwd=tmp_path, env=env)
    assert r.returncode == 2, r.describe()
    assert r.stdout == b"", r.describe()
    assert needle in r.err, r.describe()
    assert [p.name for p in tmp_path.iterdir()] == ["notice.bmp"], "output file created"
    r2 = run(args + ["notice.bmp"], cwd=tmp_path, env=env)
    assert r2.returncode == 2 and r2.stdout == b"", r2.describe()


def test_tessdata_dir_without_the_language(samples, tmp_path):
    copy_sample("notice.bmp", tmp_path / "notice.bmp")
    (tmp_path / "tessdata").mkdir()
    r = run(["--tessdata-dir", "tessdata", "notice.bmp"], cwd=tmp_path)
    assert r.returncode == 2, r.describe()
    assert r.stdout == b""
    assert "eng" in r.err


# --- stderr contract -----------------------------------------------------------------------

def test_clean_run_stderr_is_one_summary_line(samples, tmp_path):
    copy_sample("notice.bmp", tmp_path / "a.bmp")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "x.txt").write_text("x")
    r = run(["-j", "2", "a.bmp", "skip"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert len(r.err_lines) == 1, r.describe()
    assert re.match(r"ocrbatch: 1 page, 0 errors, 1 skipped \(1 other\) in \S+", r.err_lines[0]), r.err
    assert_summary(r.summary, pages=1, errors=0, skipped=1)


def test_quiet_clean_run_has_empty_stderr(samples, tmp_path):
    copy_sample("notice.bmp", tmp_path / "a.bmp")
    r = run(["-q", "--progress", "plain", "a.bmp"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert r.stderr == b"", r.describe()


def test_progress_goes_to_stderr_never_stdout(sample_bytes):
    """--progress plain prints a line every 5 s; hold stdin open past that, then send a page."""
    proc = subprocess.Popen([str(BIN), "--progress", "plain", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 12
        err = b""
        while b"\n" not in err and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 0.2)
            if ready:
                err += proc.stderr.read1(4096)
        assert b"\n" in err, "no progress line on stderr within 12 s"
        out, rest = proc.communicate(input=sample_bytes["notice.bmp"], timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = (err + rest).decode()
    assert proc.returncode == 0, err
    records = parse_jsonl(out.decode())          # every stdout line is a record
    assert [r["type"] for r in records] == ["page", "summary"]
    lines = err.splitlines()
    assert lines[0].startswith("ocrbatch: ") and "done" in lines[0], err
    assert re.match(r"ocrbatch: 1 page, 0 errors", lines[-1]), err
