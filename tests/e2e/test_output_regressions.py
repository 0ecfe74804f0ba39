"""Regressions in what reaches people and programs: escaped names on stderr and in the log,
a progress bar that stays off the data on a shared terminal, an honest progress total, and
one rule for names that are not UTF-8 in JSON and CSV."""

import base64
import csv
import io
import json
import os
import pty
import re
import select
import subprocess
import tarfile
import time

from conftest import BIN, assert_page_record, parse_jsonl, run
from nightly_helpers import merged_env, text_page_bytes, write_pages

EVIL = "evil\x1b[31m\nred\x1b]0;pwned\x07.png"
EVIL_SHOWN = r"evil\x1b[31m\nred\x1b]0;pwned\x07.png"


def _tar_with_broken_entry(path, name):
    data = b"not really a png"
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


def _no_terminal_controls(text):
    return not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)


def test_control_characters_in_names_are_escaped_on_stderr_and_in_the_log(tmp_path):
    _tar_with_broken_entry(tmp_path / "box.tar", EVIL)
    log = tmp_path / "run.log"
    r = run(["-q", "--log-file", log, "box.tar", "gone\x1b[2J\n.png"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    # JSON keeps the exact names.
    assert [e["source"] for e in r.errors] == ["box.tar::" + EVIL, "gone\x1b[2J\n.png"]
    err = r.stderr.decode("utf-8")
    assert _no_terminal_controls(err), repr(err)
    lines = err.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"ocrbatch: box.tar::{EVIL_SHOWN}: decode_failed: "), lines
    assert lines[1].startswith(r"ocrbatch: gone\x1b[2J\n.png: not_found: "), lines
    logged = log.read_text(encoding="utf-8")
    assert _no_terminal_controls(logged), repr(logged)
    errors = [line for line in logged.splitlines() if " ERROR " in line]
    assert len(errors) == 2 and EVIL_SHOWN in errors[0], logged


def test_fatal_message_with_control_characters_is_escaped(tmp_path):
    log = tmp_path / "run.log"
    target = tmp_path / "no\x1b[31msuch" / "out.jsonl"
    r = run(["--log-file", log, "-o", target, "x.png"], cwd=tmp_path)
    assert r.returncode == 2, r.describe()
    err = r.stderr.decode("utf-8")
    assert _no_terminal_controls(err), repr(err)
    assert r"no\x1b[31msuch" in err, err
    logged = log.read_text(encoding="utf-8")
    assert " FATAL " in logged and _no_terminal_controls(logged), repr(logged)


def test_usage_error_with_control_characters_is_escaped(tmp_path):
    r = run(["-c", "bad\x1b]0;pwned\x07", "x.png"], cwd=tmp_path)
    assert r.returncode == 2, r.describe()
    err = r.stderr.decode("utf-8")
    assert _no_terminal_controls(err), repr(err)
    assert r"bad\x1b]0;pwned\x07" in err, err


# --- progress on a terminal ----------------------------------------------------------------

def _run_on_pty(args, *, cwd, share_stdout, timeout=60):
    """Runs ocrbatch with stderr (and stdout if share_stdout) on a new pty; returns
    (returncode, bytes seen on the pty, stdout bytes if piped)."""
    master, slave = pty.openpty()
    env = merged_env({"TERM": "xterm", "NO_COLOR": "1", "COLUMNS": None})
    proc = subprocess.Popen([str(BIN)] + [str(a) for a in args], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL,
                            stdout=slave if share_stdout else subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        exited = proc.poll() is not None
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the pty
                break
            if not chunk:
                break
            seen += chunk
        elif exited:  # gone before this wait, and nothing left to read
            break
    os.close(master)
    out = b"" if share_stdout else proc.stdout.read()
    proc.wait(timeout=10)
    return proc.returncode, bytes(seen), out


def _screen(data):
    """The lines a terminal shows for `data`: \\r, \\n, ESC[K and colour sequences only."""
    lines, row, col = [[]], 0, 0
    i = 0
    text = data.decode("utf-8", "replace")
    while i < len(text):
        c = text[i]
        if c == "\x1b":
            m = re.match(r"\x1b\[([0-9;]*)([A-Za-z])", text[i:])
            assert m, f"unexpected escape at {text[i:i + 10]!r}"
            if m.group(2) == "K":
                del lines[row][col:]
            i += len(m.group(0))
            continue
        if c == "\r":
            col = 0
        elif c == "\n":
            row += 1
            if row == len(lines):
                lines.append([])
        else:
            line = lines[row]
            line.extend(" " * (col - len(line)))
            if col < len(line):
                line[col] = c
            else:
                line.append(c)
            col += 1
        i += 1
    return ["".join(line) for line in lines]


def test_bar_never_lands_inside_records_on_a_shared_terminal(tmp_path):
    write_pages(tmp_path, 5)
    code, seen, _ = _run_on_pty(["-j", "1", "--progress", "bar", "."], cwd=tmp_path,
                                share_stdout=True)
    assert code == 0, seen
    assert b"\x1b[K" in seen and b"/s" in seen, "no bar was drawn: the test shows nothing"
    screen = _screen(seen)
    records = [line for line in screen if '"type"' in line]
    assert len(records) == 6, screen
    for line in records:
        assert line.startswith("{"), f"bar glued to a record: {line!r}"
        json.loads(line)


def _frames(seen):
    return [f.strip() for f in re.split(r"\r|\x1b\[K", seen.decode("utf-8", "replace"))
            if "/s" in f]


def test_files_from_progress_shows_a_count_and_rate_not_an_eta(tmp_path):
    words = write_pages(tmp_path, 10)
    (tmp_path / "list.txt").write_text("".join(f"{name}\n" for name in words))
    code, seen, out = _run_on_pty(["-j", "1", "--progress", "bar", "--files-from", "list.txt"],
                                  cwd=tmp_path, share_stdout=False)
    assert code == 0, seen
    assert len(parse_jsonl(out.decode())) == 11
    frames = _frames(seen)
    assert frames, seen
    # Until the list has been read to its end nobody knows the total: no "~N", no ETA.
    for frame in frames:
        assert "/~" not in frame, frames
        if "ETA" in frame:
            assert re.search(r" \d+/\d+ ", frame), frames


# --- names that are not UTF-8 --------------------------------------------------------------

RAW_NAME = b"scan-\xff\xfe.png"


def _csv_dicts(text):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_non_utf8_name_is_one_valid_name_plus_exact_bytes_in_json_and_csv(tmp_path):
    data, _ = text_page_bytes(0)
    with open(os.path.join(os.fsencode(tmp_path), RAW_NAME), "wb") as f:
        f.write(data)
    missing = b"gone-\xe9.png"
    shown = RAW_NAME.decode("utf-8", "replace")
    args = ["-q", os.fsdecode(RAW_NAME), os.fsdecode(missing)]
    j = run(args, cwd=tmp_path)
    assert j.returncode == 1, j.describe()
    page, error = j.pages[0], j.errors[0]
    assert page["source"] == shown
    assert base64.b64decode(page["source_bytes"]) == RAW_NAME
    assert list(page)[:4] == ["type", "run_id", "source", "source_bytes"]
    assert_page_record(page, source=shown)
    assert error["source"] == missing.decode("utf-8", "replace")
    assert base64.b64decode(error["source_bytes"]) == missing
    c = run(["-f", "csv"] + args, cwd=tmp_path)
    rows = _csv_dicts(c.stdout.decode("utf-8"))  # strict: every byte is valid UTF-8
    assert [(d["type"], d["source"]) for d in rows] == [("page", shown), ("error", error["source"])]
    assert [base64.b64decode(d["source_bytes"]) for d in rows] == [RAW_NAME, missing]
    # A valid name carries no bytes.
    ok = run(["-q", "-f", "csv", "gone.png"], cwd=tmp_path)
    assert _csv_dicts(ok.out)[0]["source_bytes"] == ""
    assert "source_bytes" not in run(["-q", "gone.png"], cwd=tmp_path).errors[0]


def test_ledger_replays_the_exact_bytes_of_a_non_utf8_name(tmp_path):
    data, _ = text_page_bytes(1)
    with open(os.path.join(os.fsencode(tmp_path), RAW_NAME), "wb") as f:
        f.write(data)
    args = ["-q", "--ledger", "l.db", "--emit", "all", os.fsdecode(RAW_NAME)]
    first = run(args, cwd=tmp_path)
    again = run(args, cwd=tmp_path)
    assert again.summary["cached"] == 1, again.describe()
    assert again.pages[0]["source_bytes"] == first.pages[0]["source_bytes"]
    assert base64.b64decode(again.pages[0]["source_bytes"]) == RAW_NAME


def test_csv_file_neutralises_text_a_spreadsheet_would_run(tmp_path):
    for name in ("=cmd.png", "@sum.png", "+x.png"):
        (tmp_path / name).write_bytes(b"broken")
    names = ["=cmd.png", "@sum.png", "+x.png"]
    r = run(["-q", "-f", "csv", "-o", "out.csv"] + names, cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    rows = _csv_dicts((tmp_path / "out.csv").read_text(encoding="utf-8"))
    assert [d["source"] for d in rows] == ["'" + n for n in names]
    # To a pipe the data stays exact unless asked; a file keeps it with --no-csv-safe.
    assert [d["source"] for d in _csv_dicts(run(["-q", "-f", "csv"] + names,
                                                cwd=tmp_path).out)] == names
    assert [d["source"] for d in _csv_dicts(run(["-q", "-f", "csv", "--csv-safe"] + names,
                                                cwd=tmp_path).out)] == ["'" + n for n in names]
    run(["-q", "-f", "csv", "--no-csv-safe", "-o", "raw.csv"] + names, cwd=tmp_path)
    rows = _csv_dicts((tmp_path / "raw.csv").read_text(encoding="utf-8"))
    assert [d["source"] for d in rows] == names
    # JSON is never changed.
    assert [e["source"] for e in run(["-q"] + names, cwd=tmp_path).errors] == names
