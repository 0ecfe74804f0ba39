"""SIGINT/SIGTERM mid-batch, and a reader that goes away (broken pipe)."""

import glob
import json
import os
import select
import signal
import subprocess
import time

import pytest

from conftest import BIN, check_page_keys, assert_summary, assert_words, copy_sample, parse_jsonl

COPIES = 12


@pytest.fixture(scope="module")
def letters(samples, tmp_path_factory):
    d = tmp_path_factory.mktemp("signals")
    names = [f"l{i:02}.png" for i in range(1, COPIES + 1)]
    for name in names:
        copy_sample("letter.png", d / name)
    return d, names


def _kill_quietly(proc):
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _wait_for_records(snapshot, count=1, timeout=20):
    """Polls snapshot() (the output so far) until it holds `count` complete lines."""
    deadline = time.monotonic() + timeout
    data = b""
    while time.monotonic() < deadline:
        data = snapshot()
        if data.count(b"\n") >= count:
            return data
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} complete lines within {timeout} s; got {data!r}")


def _temp_file_contents(out):
    temps = glob.glob(f"{out}.tmp.*")
    if not temps:
        return b""
    try:
        with open(temps[0], "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def _check_interrupted_output(records, expected, names):
    assert records, "no records"
    assert records[-1]["type"] == "summary", records[-1]
    pages = records[:-1]
    assert pages, "no page finished before the signal"
    assert len(pages) < COPIES, "the batch was not interrupted"
    for rec, name in zip(pages, names):
        assert rec["type"] == "page", rec
        assert check_page_keys(rec), rec          # complete, not cut short
        assert rec["source"] == name
        assert_words(rec["text"], expected["letter.png"], name)
    assert_summary(records[-1], pages=len(pages), errors=0, interrupted=True)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_signal_with_output_file(letters, expected, sig):
    d, names = letters
    out = d / f"out-{sig.name}.jsonl"
    proc = subprocess.Popen([str(BIN), "-j", "1", "-o", str(out)] + names, cwd=d,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # With -o the records go to a temporary file next to the target until the end.
        _wait_for_records(lambda: _temp_file_contents(out))
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=15)
    finally:
        _kill_quietly(proc)
    assert proc.returncode == 130, stderr.decode()
    assert stdout == b""
    assert glob.glob(f"{out}.tmp.*") == [], "temporary file left behind"
    records = parse_jsonl(out.read_text())
    _check_interrupted_output(records, expected, names)
    last = stderr.decode().splitlines()[-1]
    assert last.startswith("ocrbatch: ") and "interrupted" in last, stderr.decode()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_signal_with_stdout_pipe(letters, expected, sig):
    d, names = letters
    proc = subprocess.Popen([str(BIN), "-q", "-j", "1"] + names, cwd=d,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        fd = proc.stdout.fileno()
        received = []

        def read_pipe():
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                received.append(os.read(fd, 65536))
            return b"".join(received)
        head = _wait_for_records(read_pipe)
        proc.send_signal(sig)
        rest, stderr = proc.communicate(timeout=15)
    finally:
        _kill_quietly(proc)
    assert proc.returncode == 130, stderr.decode()
    assert stderr == b"", stderr.decode()            # -q: no summary line, no noise
    _check_interrupted_output(parse_jsonl((head + rest).decode()), expected, names)


def test_sigint_with_json_format_still_valid_document(letters, expected):
    d, names = letters
    out = d / "out.json"
    with open(out, "wb") as f:
        proc = subprocess.Popen([str(BIN), "-q", "-j", "1", "-f", "json"] + names, cwd=d,
                                stdout=f, stderr=subprocess.PIPE)
        try:
            _wait_for_records(out.read_bytes, count=2)   # "[" and the first record
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=15)
        finally:
            _kill_quietly(proc)
    assert proc.returncode == 130, stderr.decode()
    doc = json.loads(out.read_text())
    _check_interrupted_output(doc, expected, names)


def test_sigint_while_waiting_for_stdin(samples):
    proc = subprocess.Popen([str(BIN), "-q", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.0)
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        # stdin stays open: the process must stop on the signal, not on end of input.
        proc.wait(timeout=10)
        took = time.monotonic() - started
        stdout, stderr = proc.stdout.read(), proc.stderr.read()
    finally:
        _kill_quietly(proc)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
    assert proc.returncode == 130, stderr.decode()
    assert took < 3, f"took {took:.1f} s to stop"
    records = parse_jsonl(stdout.decode())
    assert [r["type"] for r in records] == ["summary"]
    assert_summary(records[0], pages=0, errors=0, interrupted=True)


@pytest.mark.parametrize("fmt", ["jsonl", "text", "csv"])
def test_broken_pipe(samples, tmp_path, fmt):
    names = [f"n{i}.bmp" for i in range(8)]
    for name in names:
        copy_sample("notice.bmp", tmp_path / name)
    proc = subprocess.Popen([str(BIN), "-j", "1", "-f", fmt] + names, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = proc.stdout.readline()
        proc.stdout.close()                 # the reader goes away after one line
        started = time.monotonic()
        _, stderr = proc.communicate(timeout=10)
        took = time.monotonic() - started
    finally:
        _kill_quietly(proc)
    assert first, "nothing written before the pipe closed"
    err = stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1), (proc.returncode, err)   # not killed by SIGPIPE
    assert took < 5, f"took {took:.1f} s to notice the closed pipe"
    for noise in ("Broken pipe", "EPIPE", "terminate called", "what()", "Aborted",
                  "Traceback", "Segmentation", "writing output failed"):
        assert noise not in err, err
    assert len(err.splitlines()) <= 1, err
