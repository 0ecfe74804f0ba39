"""Issue 8, item 30: a run that finds nothing says so, skipped files are counted by kind, and
--list shows what a run would read and skip without running OCR."""

import os
import re
import subprocess
import time
import io
import zipfile

from conftest import BIN, assert_summary, copy_sample, run

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
NOTHING_FOUND = "ocrbatch: no images found in the named paths"


def zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.png", b"x")
    return out.getvalue()


def skip_folder(root):
    """Two archives without an archive's name (skipped in a walk) and a text file."""
    d = root / "skips"
    d.mkdir()
    (d / "a.dat").write_bytes(zip_bytes())
    (d / "b.dat").write_bytes(zip_bytes())
    (d / "notes.txt").write_text("not an image\n")
    return d


def test_a_folder_of_non_images_says_nothing_was_found_and_names_the_skipped_kinds(tmp_path):
    d = skip_folder(tmp_path)
    r = run(["--progress", "none", d])
    assert r.returncode == 0, r.describe()
    assert f"{NOTHING_FOUND} (3 skipped: 2 archive_name, 1 other)" in r.err_lines, r.describe()
    assert re.match(r"ocrbatch: 0 pages, 0 errors, 3 skipped \(2 archive_name, 1 other\) in ",
                    r.err_lines[-1]), r.describe()
    assert_summary(r.summary, pages=0, errors=0, skipped=3)
    assert r.summary["skipped_by_kind"] == {"archive_name": 2, "other": 1}


def test_a_folder_of_hidden_files_says_nothing_was_found(samples, tmp_path):
    copy_sample("letter.png", tmp_path / "hidden-only" / ".a.png")
    r = run(["--progress", "none", tmp_path / "hidden-only"])
    assert r.returncode == 0, r.describe()
    assert NOTHING_FOUND in r.err_lines, r.describe()  # hidden files are not skips
    assert_summary(r.summary, pages=0, errors=0, skipped=0)
    assert r.summary["skipped_by_kind"] == {}


def test_quiet_keeps_nothing_found_off_stderr_but_in_the_log(tmp_path):
    d = skip_folder(tmp_path)
    log = tmp_path / "run.log"
    r = run(["-q", "--log-file", log, d])
    assert r.returncode == 0, r.describe()
    assert r.stderr == b"", r.describe()
    warnings = [line for line in log.read_text().splitlines() if " WARN " in line]
    assert len(warnings) == 1 and warnings[0].endswith(
        "no images found in the named paths (3 skipped: 2 archive_name, 1 other)"), log.read_text()


def test_a_run_that_found_images_does_not_warn(samples, tmp_path):
    d = skip_folder(tmp_path)
    copy_sample("notice.bmp", d / "scan.bmp")
    r = run(["--progress", "none", d])
    assert r.returncode == 0, r.describe()
    assert not any("no images found" in line for line in r.err_lines), r.describe()
    assert r.summary["skipped_by_kind"] == {"archive_name": 2, "other": 1}


def list_tree(tmp_path):
    d = tmp_path / "in"
    copy_sample("letter.png", d / "a.png")
    copy_sample("report.tif", d / "b" / "report.tif")  # three pages, one line
    with zipfile.ZipFile(d / "c.zip", "w") as z:
        z.write(d / "a.png", "x.png")
        z.writestr("y.pdf", PDF)
        z.writestr("z.txt", "text")
    (d / "d.pdf").write_bytes(PDF)
    (d / "e.txt").write_text("text")
    (d / "f.png").write_bytes(b"")  # fails to decode in a run: found only by decoding
    (d / "h.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2 << 20))  # over --max-file-size 1
    os.symlink(d / "gone.png", d / "g.png")
    (d / ".hidden.png").write_bytes((d / "a.png").read_bytes())
    return d


def test_list_prints_what_a_run_would_read_and_skip_without_ocr(samples, tmp_path):
    d = list_tree(tmp_path)
    started = time.monotonic()
    # A tessdata folder that does not exist would fail any run: --list loads no engine.
    r = run(["--list", "--max-file-size", "1", "--tessdata-dir", tmp_path / "no-tessdata", "in",
             "missing.png"], cwd=tmp_path)
    assert time.monotonic() - started < 5
    assert r.returncode == 1, r.describe()  # errors are listed, and exit 1 as in a run
    assert r.out.splitlines() == [
        "image\tin/a.png",
        "image\tin/b/report.tif",
        "image\tin/c.zip::x.png",
        "image\tin/c.zip::y.pdf",
        "skip\tother\tin/c.zip::z.txt",
        "image\tin/d.pdf",
        "skip\tother\tin/e.txt",
        "image\tin/f.png",
        "skip\tlink\tin/g.png",
        "error\ttoo_large\tin/h.png",
        "error\tnot_found\tmissing.png",
    ], r.describe()
    assert len(r.err_lines) == 2, r.err
    assert r.err_lines[0].startswith("ocrbatch: in/h.png: too_large: "), r.err


def test_list_exits_0_when_nothing_fails_and_warns_when_nothing_is_found(tmp_path):
    d = skip_folder(tmp_path)
    r = run(["--list", d])
    assert r.returncode == 0, r.describe()
    assert len(r.out.splitlines()) == 3 and all(line.startswith("skip\t") for line in
                                                r.out.splitlines()), r.out
    assert r.err_lines == [f"{NOTHING_FOUND} (3 skipped: 2 archive_name, 1 other)"], r.describe()
    r = run(["--list", "-q", d])
    assert r.returncode == 0 and r.stderr == b"", r.describe()


def test_list_into_a_closed_pipe_ends_quietly(tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    for i in range(3000):  # more than a pipe holds, so the write does fail
        (d / f"{i:04}-a-name-long-enough-to-fill-the-pipe.txt").write_text("text")
    proc = subprocess.run(["bash", "-c", f"'{BIN}' --list '{d}' | head -1; "
                           "echo ${PIPESTATUS[0]} >&2"], capture_output=True, timeout=30)
    assert proc.stdout.decode().startswith("skip\tother\t"), proc
    assert proc.stderr == b"0\n", proc
