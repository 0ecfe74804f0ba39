"""Input kinds: single files, folders, archives, lists of paths, multi-page TIFF."""

import io
import os
import tarfile
import zipfile

import pytest
from PIL import Image

from conftest import (SAMPLES, assert_error_record, assert_page_record, assert_summary,
                      assert_words, copy_sample, run, stderr_error_line)


# --- the samples, each named on the command line -------------------------------------------

@pytest.fixture(scope="module")
def samples_run(samples, tmp_path_factory):
    cwd = tmp_path_factory.mktemp("samples_run")
    for name in ["letter.png", "invoice.jpg", "notice.bmp", "report.tif", "scans.zip"]:
        copy_sample(name, cwd / name)
    result = run(["-q", "-j", "2", "letter.png", "invoice.jpg", "notice.bmp", "report.tif",
                  "scans.zip"], cwd=cwd)
    return result


def test_samples_exit_zero_and_summary(samples_run):
    r = samples_run
    assert r.returncode == 0, r.describe()
    # 1 + 1 + 1 + 3 pages, then the zip's letter + invoice + 3 report pages.
    assert_summary(r.summary, pages=11, errors=0, errors_by_code={}, skipped=0)
    assert r.err == "", r.describe()


def test_samples_records_in_input_order(samples_run):
    got = [(rec["source"], rec["page"]) for rec in samples_run.pages]
    assert got == [
        ("letter.png", 1), ("invoice.jpg", 1), ("notice.bmp", 1),
        ("report.tif", 1), ("report.tif", 2), ("report.tif", 3),
        ("scans.zip::scans/letter.png", 1), ("scans.zip::scans/invoice.jpg", 1),
        ("scans.zip::scans/report.tif", 1), ("scans.zip::scans/report.tif", 2),
        ("scans.zip::scans/report.tif", 3),
    ]


@pytest.mark.parametrize("name", ["letter.png", "invoice.jpg", "notice.bmp"])
def test_single_page_formats(samples_run, expected, name):
    recs = [r for r in samples_run.pages if r["source"] == name]
    assert len(recs) == 1, samples_run.describe()
    rec = recs[0]
    assert_page_record(rec, source=name, page=1, pages=1)
    with Image.open(SAMPLES / name) as im:
        assert (rec["width"], rec["height"]) == im.size
    assert rec["dpi"] == 300
    assert_words(rec["text"], expected[name], name)


@pytest.mark.parametrize("source", ["report.tif", "scans.zip::scans/report.tif"])
def test_multipage_tiff_one_record_per_page(samples_run, expected, source):
    recs = [r for r in samples_run.pages if r["source"] == source]
    assert [r["page"] for r in recs] == [1, 2, 3], samples_run.describe()
    with Image.open(SAMPLES / "report.tif") as im:
        sizes = []
        for i in range(3):
            im.seek(i)
            sizes.append(im.size)
    for rec, size in zip(recs, sizes):
        assert_page_record(rec, source=source, page=rec["page"], pages=3)
        assert (rec["width"], rec["height"]) == size
        assert_words(rec["text"], expected[f"report.tif#{rec['page']}"], f"{source}#{rec['page']}")
    # Each page has its own text, not page 1's text three times.
    assert len({r["text"] for r in recs}) == 3


@pytest.mark.parametrize("entry", ["letter.png", "invoice.jpg"])
def test_sample_zip_entries(samples_run, expected, entry):
    source = f"scans.zip::scans/{entry}"
    recs = [r for r in samples_run.pages if r["source"] == source]
    assert len(recs) == 1, samples_run.describe()
    assert_page_record(recs[0], source=source, page=1, pages=1)
    assert_words(recs[0]["text"], expected[entry], source)


def test_single_file_gives_one_page_and_summary(samples, expected, tmp_path):
    path = copy_sample("notice.bmp", tmp_path / "notice.bmp")
    r = run(["-q", path])
    assert r.returncode == 0, r.describe()
    assert [rec["type"] for rec in r.records] == ["page", "summary"]
    assert_page_record(r.records[0], source=str(path), page=1, pages=1)
    assert_words(r.records[0]["text"], expected["notice.bmp"])
    assert_summary(r.summary, pages=1, errors=0, errors_by_code={}, skipped=0)


# --- folders -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tree(samples, tmp_path_factory):
    """A folder with nested folders, hidden entries, non-images, odd names and symlinks."""
    base = tmp_path_factory.mktemp("tree")
    root = base / "root"
    copy_sample("notice.bmp", root / "b_notice.bmp")
    copy_sample("notice.bmp", root / "a" / "z.bmp")
    copy_sample("notice.bmp", root / "a" / "m" / "n.bmp")
    copy_sample("notice.bmp", root / "noext")          # image without an extension
    copy_sample("notice.bmp", root / "wrong.txt")      # BMP bytes behind a .txt name
    copy_sample("notice.bmp", root / ".hidden.bmp")
    copy_sample("notice.bmp", root / ".cache" / "x.bmp")
    copy_sample("notice.bmp", base / "outside" / "target.bmp")
    (root / "c_notes.txt").write_text("just some notes\n")
    (root / "data.csv").write_text("a,b\n1,2\n")
    os.symlink("../outside/target.bmp", root / "link.bmp")   # symlink to a file: followed
    os.symlink(".", root / "loop")                           # symlink loop to itself
    os.symlink("..", root / "a" / "up")                      # loop to an ancestor
    os.mkfifo(root / "pipe")                                 # would block if read
    return base


VISIBLE_ORDER = ["root/a/m/n.bmp", "root/a/z.bmp", "root/b_notice.bmp", "root/link.bmp",
                 "root/noext", "root/wrong.txt"]


@pytest.fixture(scope="module")
def tree_run(tree):
    return run(["-q", "-j", "2", "root"], cwd=tree, timeout=30)


@pytest.fixture(scope="module")
def tree_hidden_run(tree):
    return run(["-q", "-j", "2", "--hidden", "root/"], cwd=tree, timeout=30)


def test_folder_walked_recursively_in_sorted_order(tree_run):
    r = tree_run
    assert r.returncode == 0, r.describe()
    assert [rec["source"] for rec in r.pages] == VISIBLE_ORDER, r.describe()


def test_folder_pages_recognised(tree_run, expected):
    for rec in tree_run.pages:
        assert_page_record(rec)
        assert_words(rec["text"], expected["notice.bmp"], rec["source"])


def test_folder_skips_hidden_and_counts_non_images(tree_run):
    r = tree_run
    assert not any("/." in rec["source"] for rec in r.records if "source" in rec)
    # c_notes.txt, data.csv and the FIFO are skipped, not errors; hidden entries are not
    # visited at all.
    assert_summary(r.summary, pages=len(VISIBLE_ORDER), errors=0, errors_by_code={}, skipped=3)
    assert r.summary["skipped_by_kind"] == {"other": 2, "special": 1}, r.summary
    assert r.errors == []


def test_folder_symlink_loop_terminates_and_is_not_followed_twice(tree_run):
    sources = [rec["source"] for rec in tree_run.pages]
    assert not any("/loop/" in s or "/up/" in s for s in sources), sources
    assert len(sources) == len(set(sources))


def test_folder_symlink_to_file_followed(tree_run):
    assert "root/link.bmp" in [rec["source"] for rec in tree_run.pages]


def test_folder_hidden_included_with_flag(tree_hidden_run):
    r = tree_hidden_run
    assert r.returncode == 0, r.describe()
    assert [rec["source"] for rec in r.pages] == (
        ["root/.cache/x.bmp", "root/.hidden.bmp"] + VISIBLE_ORDER), r.describe()
    assert_summary(r.summary, pages=len(VISIBLE_ORDER) + 2, errors=0, skipped=3)


def test_hidden_file_named_explicitly_is_read(tree, expected):
    r = run(["-q", "root/.hidden.bmp"], cwd=tree)
    assert r.returncode == 0, r.describe()
    assert [rec["source"] for rec in r.pages] == ["root/.hidden.bmp"]
    assert_words(r.pages[0]["text"], expected["notice.bmp"])


# --- archives ------------------------------------------------------------------------------

def _png_bytes(sample_bytes):
    out = io.BytesIO()
    with Image.open(io.BytesIO(sample_bytes["notice.bmp"])) as im:
        im.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def _archive_members(sample_bytes):
    """(name, bytes) in archive order; None bytes means a folder entry."""
    return [
        ("dir/", None),
        ("dir/page.png", _png_bytes(sample_bytes)),
        ("dir/readme.txt", b"not an image\n"),
        ("dir/noext", sample_bytes["notice.bmp"]),
        ("dir/sub/", None),
        ("dir/sub/scan.dat", sample_bytes["notice.bmp"]),
        ("dir/sub/photo.png", sample_bytes["invoice.jpg"]),   # JPEG bytes, .png name
    ]


ARCHIVE_PAGES = ["dir/page.png", "dir/noext", "dir/sub/scan.dat", "dir/sub/photo.png"]


def _make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if data is None:
                z.writestr(zipfile.ZipInfo(name), b"")
            else:
                z.writestr(name, data)


def _make_targz(path, members):
    with tarfile.open(path, "w:gz") as t:
        for name, data in members:
            info = tarfile.TarInfo(name.rstrip("/"))
            if data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                t.addfile(info)
            else:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_archive_entries(sample_bytes, expected, tmp_path, kind):
    name = f"archive.{kind}"
    members = _archive_members(sample_bytes)
    (_make_zip if kind == "zip" else _make_targz)(tmp_path / name, members)
    r = run(["-q", "-j", "2", name], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [rec["source"] for rec in r.pages] == [f"{name}::{e}" for e in ARCHIVE_PAGES], r.describe()
    for rec in r.pages:
        assert_page_record(rec)
        want = expected["invoice.jpg"] if rec["source"].endswith("photo.png") else expected["notice.bmp"]
        assert_words(rec["text"], want, rec["source"])
    assert_summary(r.summary, pages=4, errors=0, errors_by_code={}, skipped=1)


def test_archive_recognised_by_content_without_extension(sample_bytes, expected, tmp_path):
    _make_targz(tmp_path / "bundle", [("a.bmp", sample_bytes["notice.bmp"])])
    r = run(["-q", "bundle"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [rec["source"] for rec in r.pages] == ["bundle::a.bmp"]
    assert_words(r.pages[0]["text"], expected["notice.bmp"])


def test_archive_inside_folder_walk(sample_bytes, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _make_zip(folder / "a.zip", [("p.bmp", sample_bytes["notice.bmp"])])
    copy_sample("notice.bmp", folder / "b.bmp")
    r = run(["-q", "-j", "2", "in"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [rec["source"] for rec in r.pages] == ["in/a.zip::p.bmp", "in/b.bmp"]


def test_hidden_archive_entries_skipped_unless_hidden(sample_bytes, tmp_path):
    _make_zip(tmp_path / "mac.zip", [
        ("a.bmp", sample_bytes["notice.bmp"]),
        (".secret.bmp", sample_bytes["notice.bmp"]),
        (".cache/b.bmp", sample_bytes["notice.bmp"]),
        ("__MACOSX/._a.bmp", b"\x00\x05\x16\x07resource fork"),
    ])
    r = run(["-q", "-j", "2", "mac.zip"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [rec["source"] for rec in r.records[:-1]] == ["mac.zip::a.bmp"], r.describe()
    r = run(["-q", "-j", "2", "--hidden", "mac.zip"], cwd=tmp_path)
    pages = [rec["source"] for rec in r.pages]
    assert pages == ["mac.zip::a.bmp", "mac.zip::.secret.bmp", "mac.zip::.cache/b.bmp"], r.describe()


# --- lists of paths ------------------------------------------------------------------------

def test_files_from_file(samples, expected, tmp_path):
    copy_sample("notice.bmp", tmp_path / "b.bmp")
    copy_sample("report.tif", tmp_path / "sub" / "a.tif")
    # Not sorted; blank lines ignored; a CRLF line ending accepted.
    (tmp_path / "list.txt").write_bytes(b"b.bmp\n\nsub/a.tif\r\n")
    r = run(["-q", "-j", "2", "--files-from", "list.txt"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [(rec["source"], rec["page"]) for rec in r.pages] == [
        ("b.bmp", 1), ("sub/a.tif", 1), ("sub/a.tif", 2), ("sub/a.tif", 3)], r.describe()
    assert_words(r.pages[0]["text"], expected["notice.bmp"])
    assert_words(r.pages[3]["text"], expected["report.tif#3"])
    assert_summary(r.summary, pages=4, errors=0)


def test_files_from_with_positional_inputs(samples, tmp_path):
    copy_sample("notice.bmp", tmp_path / "one.bmp")
    copy_sample("notice.bmp", tmp_path / "two.bmp")
    (tmp_path / "list.txt").write_text("two.bmp\n")
    r = run(["-q", "-j", "2", "one.bmp", "--files-from", "list.txt"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [rec["source"] for rec in r.pages] == ["one.bmp", "two.bmp"]


def test_files_from_missing_list_is_reported(samples, tmp_path):
    r = run(["--files-from", "nope.txt"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert len(r.errors) == 1, r.describe()
    assert_error_record(r.errors[0], "nope.txt", "not_found")
    stderr_error_line(r, "nope.txt", "not_found")
    assert_summary(r.summary, pages=0, errors=1, errors_by_code={"not_found": 1})
