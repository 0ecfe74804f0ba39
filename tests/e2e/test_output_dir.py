"""--output-dir (issue 10): one file per input and format, mirroring the input's path; several
formats in one pass; atomic per input; no name ever escapes the folder; ledger reruns rewrite
only what changed."""

import io
import json
import os
import signal
import time
import zipfile

import pytest
from PIL import Image

from conftest import assert_words, parse_jsonl
from nightly_helpers import orun, popen, text_page_bytes, wait_until

FAST = ["-j", "2", "--engine", "tesseract", "--progress", "none"]


def page(folder, name, index):
    data, words = text_page_bytes(index)
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return words


def tiff_pages(path, count, start=0):
    """A multi-page TIFF of distinct text pages; returns each page's words."""
    images, words = [], []
    for i in range(start, start + count):
        data, w = text_page_bytes(i)
        images.append(Image.open(io.BytesIO(data)).convert("L"))
        words.append(w)
    images[0].save(path, save_all=True, append_images=images[1:])
    return words


def tree(root):
    """Every name below root (temporary files included), relative, sorted."""
    out = []
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            out.append(os.path.relpath(os.path.join(folder, name), root))
    return sorted(out)


def errors_by_source(result):
    return {r["source"]: r["error"]["code"] for r in parse_jsonl(result.out) if r["type"] == "error"}


def test_a_walked_folder_is_mirrored_below_the_output_dir(tmp_path):
    scans = tmp_path / "scans"
    a = page(scans, "2024/03/a.png", 0)
    b = page(scans, "b.png", 1)
    r = orun(FAST + ["--output-dir", "out", "-f", "txt", "scans/"], cwd=tmp_path)
    assert r.returncode == 0, r.err
    assert r.stdout == b""  # no -o: no stream
    assert tree(tmp_path / "out") == ["2024", "2024/03", "2024/03/a.txt", "b.txt"]
    assert_words((tmp_path / "out/2024/03/a.txt").read_text(), a)
    assert_words((tmp_path / "out/b.txt").read_text(), b)


def test_archive_entries_go_below_the_archives_name(tmp_path):
    data, words = text_page_bytes(2)
    with zipfile.ZipFile(tmp_path / "x.zip", "w") as z:
        z.writestr("a/b.png", data)
    r = orun(FAST + ["--output-dir", "out", "-f", "text", "x.zip"], cwd=tmp_path)
    assert r.returncode == 0, r.err
    assert_words((tmp_path / "out/x.zip/a/b.txt").read_text(), words)


def test_a_named_file_gets_its_base_name_and_stdin_is_stdin(tmp_path):
    words = page(tmp_path / "in", "page.png", 3)
    work = tmp_path / "work"
    work.mkdir()
    r = orun(FAST + ["--output-dir", "out", "-f", "json", "../in/page.png"], cwd=work)
    assert r.returncode == 0, r.err
    records = json.loads((work / "out/page.json").read_text())
    assert [rec["type"] for rec in records] == ["page", "summary"]
    assert_words(records[0]["text"], words)
    r = orun(FAST + ["--output-dir", "out", "-f", "txt", "-"], cwd=work,
             input=(tmp_path / "in/page.png").read_bytes())
    assert r.returncode == 0, r.err
    assert_words((work / "out/stdin.txt").read_text(), words)


def test_a_list_is_mirrored_as_given(tmp_path):
    page(tmp_path, "in/deep/c.png", 4)
    listing = b"./in/deep/c.png\n" + str(tmp_path / "in/deep/c.png").encode() + b"\n"
    r = orun(FAST + ["--output-dir", "out", "-f", "txt", "--files-from", "-"], cwd=tmp_path,
             input=listing)
    # The absolute path is mirrored without its leading "/".
    absolute = tmp_path / "out" / str(tmp_path / "in/deep/c.txt").lstrip("/")
    assert (tmp_path / "out/in/deep/c.txt").is_file()
    assert absolute.is_file(), tree(tmp_path / "out")
    assert r.returncode == 0, r.err


def test_several_formats_in_one_pass_and_the_stream_on_request(tmp_path):
    words = tiff_pages(tmp_path / "doc.tif", 2)
    r = orun(FAST + ["--output-dir", "out", "-f", "txt,json,csv", "-o", "-", "doc.tif"],
             cwd=tmp_path)
    assert r.returncode == 0, r.err
    assert tree(tmp_path / "out") == ["doc.csv", "doc.json", "doc.txt"]
    text = (tmp_path / "out/doc.txt").read_text()
    assert text.count("\f") == 2  # every page, each followed by a form feed
    first, second = text.split("\f")[:2]
    assert_words(first, words[0])
    assert_words(second, words[1])
    csv = (tmp_path / "out/doc.csv").read_bytes()
    assert csv.startswith(b"type,source,page") and csv.count(b"\r\npage,doc.tif,") == 2
    # -o -: the JSON Lines stream on stdout as well, summary last.
    records = parse_jsonl(r.out)
    assert [rec["type"] for rec in records] == ["page", "page", "summary"]


def test_several_formats_need_the_output_dir(tmp_path):
    page(tmp_path, "a.png", 0)
    r = orun(FAST + ["-f", "txt,json", "a.png"], cwd=tmp_path)
    assert r.returncode == 2
    assert "--output-dir" in r.err
    r = orun(FAST + ["-f", "hocrr", "a.png"], cwd=tmp_path)
    assert r.returncode == 2 and "no format called 'hocrr'" in r.err


@pytest.fixture
def escapes(tmp_path):
    """Inputs whose output names would leave the output folder, and the folder's traps."""
    data, _ = text_page_bytes(5)
    with zipfile.ZipFile(tmp_path / "slip.zip", "w") as z:
        z.writestr("../../x.png", data)
        z.writestr("/tmp/x.png", data)
        z.writestr("ok.png", data)
    scans = tmp_path / "scans"
    page(scans, "linked/a.png", 6)
    page(scans, "b.png", 7)
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "linked").symlink_to(outside)  # a folder inside DIR pointing out
    (outside / "target.txt").write_text("keep")
    (out / "b.txt").symlink_to(outside / "target.txt")  # a link at the final name
    return tmp_path


def test_no_name_escapes_the_output_dir(escapes):
    before = tree(escapes / "outside")
    r = orun(FAST + ["--output-dir", "out", "-f", "txt", "-o", "-", "slip.zip", "scans"],
             cwd=escapes)
    assert r.returncode == 1, r.err
    assert errors_by_source(r) == {"slip.zip::../../x.png": "unsafe_path",
                                   "slip.zip::/tmp/x.png": "unsafe_path",
                                   "scans/linked/a.png": "unsafe_path",
                                   "scans/b.png": "unsafe_path"}
    assert "unsafe_path" in r.err
    assert (escapes / "out/slip.zip/ok.txt").is_file()
    assert tree(escapes / "outside") == before
    assert (escapes / "outside/target.txt").read_text() == "keep"
    assert (escapes / "out/b.txt").is_symlink()
    assert not (escapes / "x.png").exists() and not (escapes / "x.txt").exists()


def test_two_inputs_with_one_output_name_never_overwrite(tmp_path):
    first = page(tmp_path / "scans", "a.png", 8)
    page(tmp_path / "scans", "a.tif", 9)
    r = orun(FAST + ["--output-dir", "out", "-f", "txt", "-o", "-", "scans"], cwd=tmp_path)
    assert r.returncode == 1
    assert errors_by_source(r) == {"scans/a.tif": "output_conflict"}
    assert_words((tmp_path / "out/a.txt").read_text(), first)


def test_an_input_is_never_written_over(tmp_path):
    # A PNG named a.txt, named directly: its text output would be the input itself.
    data, _ = text_page_bytes(10)
    (tmp_path / "a.txt").write_bytes(data)
    r = orun(FAST + ["--output-dir", ".", "-f", "txt", "-o", "-", "a.txt"], cwd=tmp_path)
    assert r.returncode == 1, r.err
    assert errors_by_source(r) == {"a.txt": "unsafe_path"}
    assert (tmp_path / "a.txt").read_bytes() == data
    # A folder the run walks cannot hold the output folder: the next walk would read it.
    page(tmp_path / "scans", "b.png", 11)
    for target in ("scans", "scans/out"):
        r = orun(FAST + ["--output-dir", target, "-f", "txt", "scans"], cwd=tmp_path)
        assert r.returncode == 2 and "which this run reads" in r.err, r.err


def test_no_file_under_its_final_name_until_the_last_page(tmp_path):
    tiff_pages(tmp_path / "doc.tif", 8)
    proc = popen(["-j", "1", "--engine", "tesseract", "--output-dir", "out", "-f", "txt",
                  "doc.tif"], cwd=tmp_path)
    try:
        seen = []

        def temp_written():
            names = tree(tmp_path / "out") if (tmp_path / "out").exists() else []
            seen.append(names)
            return any(n.startswith(".doc.txt.tmp.") for n in names) or proc.poll() is not None
        wait_until(temp_written, timeout=60, what="the temporary file")
        assert "doc.txt" not in seen[-1]
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert any(n and n[0].startswith(".doc.txt.tmp.") for n in seen)
    assert all("doc.txt" not in names for names in seen)
    assert tree(tmp_path / "out") == ["doc.txt"]
    assert (tmp_path / "out/doc.txt").read_text().count("\f") == 8


def test_an_interrupt_mid_input_leaves_no_partial_file(tmp_path):
    tiff_pages(tmp_path / "doc.tif", 12)
    proc = popen(["-j", "1", "--engine", "tesseract", "--output-dir", "out", "-f", "txt,json",
                  "doc.tif"], cwd=tmp_path)
    try:
        wait_until(lambda: (tmp_path / "out").exists() and
                   any(n.startswith(".doc.txt.tmp.") for n in tree(tmp_path / "out")),
                   timeout=60, what="the temporary file")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert tree(tmp_path / "out") == []


def mtimes(root):
    return {n: (root / n).stat().st_mtime_ns for n in tree(root) if (root / n).is_file()}


def test_a_ledger_rerun_rewrites_only_what_changed(tmp_path):
    page(tmp_path / "scans", "a.png", 12)
    page(tmp_path / "scans", "b.png", 13)
    tiff_pages(tmp_path / "scans/c.tif", 2, start=14)
    args = FAST + ["--ledger", "l.db", "--output-dir", "out", "-f", "txt,json", "scans"]
    r = orun(args, cwd=tmp_path)
    assert r.returncode == 0, r.err
    first = mtimes(tmp_path / "out")
    assert sorted(first) == ["a.json", "a.txt", "b.json", "b.txt", "c.json", "c.txt"]
    time.sleep(0.05)
    r = orun(args, cwd=tmp_path)
    assert r.returncode == 0, r.err
    assert mtimes(tmp_path / "out") == first  # nothing rewritten
    c_text = (tmp_path / "out/c.txt").read_text()
    (tmp_path / "out/c.txt").unlink()
    r = orun(args + ["-o", "-"], cwd=tmp_path)
    assert r.returncode == 0, r.err
    again = mtimes(tmp_path / "out")
    assert (tmp_path / "out/c.txt").read_text() == c_text  # both pages, from the ledger
    assert again == {**first, "c.txt": again["c.txt"]}  # only it was written
    # The stream still holds only new work: the replayed pages were streamed before.
    (summary,) = parse_jsonl(r.out)
    assert summary["type"] == "summary" and (summary["pages"], summary["cached"]) == (0, 4)
    r = orun(args + ["--psm", "6"], cwd=tmp_path)  # another setting: every file again
    assert r.returncode == 0, r.err
    changed = mtimes(tmp_path / "out")
    assert all(changed[n] != again[n] for n in again)


def test_the_output_dir_takes_the_shard_index(tmp_path):
    page(tmp_path / "scans", "a.png", 15)
    r = orun(FAST + ["--shard", "0/1", "--output-dir", "out-%s", "-f", "txt", "scans"],
             cwd=tmp_path)
    assert r.returncode == 0, r.err
    assert (tmp_path / "out-0/a.txt").is_file()
    r = orun(FAST + ["--output-dir", "out-%s", "-f", "txt", "scans"], cwd=tmp_path)
    assert r.returncode == 2 and "--shard is not given" in r.err
