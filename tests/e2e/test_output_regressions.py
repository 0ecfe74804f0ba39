"""Regressions in what reaches people and programs: escaped names on stderr and in the log."""

import io
import re
import tarfile

from conftest import run

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
