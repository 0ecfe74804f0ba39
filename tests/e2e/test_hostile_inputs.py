"""Hostile and oversized inputs, generated here: truncated and empty images, a PNG header
declaring 100000x100000 pixels, pixel/page/archive limits, a zip bomb, zip-slip names, an
encrypted zip entry, tar symlinks, a symlink loop, an unreadable file. Each sits in a batch
with good inputs, which must still succeed, and the run exits 1."""

import io
import os
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from conftest import assert_error_record, assert_page_record, assert_words, copy_sample
from nightly_helpers import check_summary, orun, run_measured, text_page_bytes, write_pages


def png_with_header(width, height):
    """A PNG with a valid signature, an IHDR declaring width x height (correct CRC), a tiny
    IDAT and IEND: cheap to store, enormous if anyone decoded it."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


def error_of(result, source):
    recs = [r for r in result.records[:-1] if r["source"] == source]
    assert len(recs) == 1, f"{source}: {recs}\n{result.describe()}"
    return recs[0]


# ---------------------------------------------------------------------------------------------
# Damaged files, a huge declared size and a zip bomb, with default limits.

CORRUPT = [
    ("trunc.png", "decode_failed"),
    ("trunc.jpg", "decode_failed"),
    ("trunc.tif", "decode_failed"),
    ("zero.png", "decode_failed"),
    ("zero.jpg", "decode_failed"),
    ("zero.tif", "decode_failed"),
    ("huge.png", "too_large"),
    ("wide.png", "too_large"),
    ("bomb.zip::zeros.png", "too_large"),
]


@pytest.fixture(scope="module")
def corrupt_batch(sample_bytes, tmp_path_factory):
    d = tmp_path_factory.mktemp("corrupt")
    words = write_pages(d, 3, prefix="good")
    (d / "trunc.png").write_bytes(sample_bytes["letter.png"][: len(sample_bytes["letter.png"]) // 3])
    (d / "trunc.jpg").write_bytes(sample_bytes["invoice.jpg"][: len(sample_bytes["invoice.jpg"]) // 3])
    (d / "trunc.tif").write_bytes(sample_bytes["report.tif"][: len(sample_bytes["report.tif"]) // 3])
    for name in ("zero.png", "zero.jpg", "zero.tif"):
        (d / name).write_bytes(b"")
    (d / "huge.png").write_bytes(png_with_header(100000, 100000))
    (d / "wide.png").write_bytes(png_with_header(40000, 10))  # few pixels, but one side too long
    # 100 MiB of zeros deflated to ~100 KB: past 64 MiB at over 100x its compressed size.
    with zipfile.ZipFile(d / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("first.png", (d / "good01.png").read_bytes())
        with z.open("zeros.png", "w") as f:
            block = bytes(1 << 20)
            for _ in range(100):
                f.write(block)
        z.writestr("after.png", (d / "good02.png").read_bytes())
    assert (d / "bomb.zip").stat().st_size < 1 << 20
    inputs = ["good00.png", "trunc.png", "trunc.jpg", "trunc.tif", "zero.png", "zero.jpg", "zero.tif",
              "huge.png", "wide.png", "bomb.zip"]
    result, max_rss, wall = run_measured(["-j", "2"] + inputs, cwd=d)
    return SimpleNamespace(dir=d, words=words, result=result, max_rss=max_rss, wall=wall)


def test_corrupt_batch_exit_code_and_good_pages(corrupt_batch):
    r = corrupt_batch.result
    assert r.returncode == 1, r.describe()
    assert [rec["source"] for rec in r.pages] == ["good00.png", "bomb.zip::first.png"], r.describe()
    assert_words(r.pages[0]["text"], corrupt_batch.words["good00.png"])
    assert_words(r.pages[1]["text"], corrupt_batch.words["good01.png"], "bomb.zip::first.png")
    for rec in r.pages:
        assert_page_record(rec)
    check_summary(r.summary, pages=2, errors=len(CORRUPT),
                  errors_by_code={"decode_failed": 6, "too_large": 3})


@pytest.mark.parametrize("source,code", CORRUPT)
def test_corrupt_input_gives_error_record(corrupt_batch, source, code):
    r = corrupt_batch.result
    assert_error_record(error_of(r, source), source, code)
    assert any(line.startswith(f"ocrbatch: {source}: {code}: ") for line in r.err_lines), r.err


def test_huge_declared_size_refused_before_decoding(corrupt_batch):
    r = corrupt_batch.result
    message = error_of(r, "huge.png")["error"]["message"]
    assert "100000x100000" in message, message
    assert "32767" in error_of(r, "wide.png")["error"]["message"]
    # Decoding 10^10 pixels would need gigabytes; the whole batch stays small and quick.
    assert corrupt_batch.max_rss < 300 << 20, f"max RSS {corrupt_batch.max_rss >> 20} MiB"
    assert corrupt_batch.wall < 45, f"took {corrupt_batch.wall:.1f} s"


def test_zip_bomb_refused_and_rest_of_archive_not_read(corrupt_batch):
    r = corrupt_batch.result
    message = error_of(r, "bomb.zip::zeros.png")["error"]["message"]
    assert "bomb" in message, message
    assert not [rec for rec in r.records[:-1] if rec["source"] == "bomb.zip::after.png"], r.describe()


# ---------------------------------------------------------------------------------------------
# --max-pixels and --max-pages.

def test_pixel_and_page_limits(samples, tmp_path):
    data, words = text_page_bytes(0)  # 520x60 = 31200 pixels
    (tmp_path / "small.png").write_bytes(data)
    copy_sample("letter.png", tmp_path / "letter.png")
    copy_sample("report.tif", tmp_path / "report.tif")  # 3 pages
    r = orun(["-j", "2", "--max-pixels", "40000", "--max-pages", "2",
              "letter.png", "small.png", "report.tif"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert [rec["source"] for rec in r.records[:-1]] == ["letter.png", "small.png", "report.tif"]
    assert_error_record(r.records[0], "letter.png", "too_large")
    assert "--max-pixels" in r.records[0]["error"]["message"], r.records[0]
    assert_page_record(r.records[1], source="small.png")
    assert_words(r.records[1]["text"], words)
    assert_error_record(r.records[2], "report.tif", "too_large")
    # The directory walk stops one page past the limit: the count is a lower bound.
    assert "more than 2 pages" in r.records[2]["error"]["message"], r.records[2]
    assert "--max-pages" in r.records[2]["error"]["message"], r.records[2]
    check_summary(r.summary, pages=1, errors=2, errors_by_code={"too_large": 2})


# ---------------------------------------------------------------------------------------------
# Archives and folders that try to escape or loop, with --max-archive-size 1.

def _big_bmp(index):
    """A ~390 KB uncompressed BMP with one line of text (compresses to almost nothing)."""
    data, words = text_page_bytes(index)
    page = Image.open(io.BytesIO(data))
    canvas = Image.new("L", (700, 560), 255)
    canvas.paste(page, (0, 0))
    out = io.BytesIO()
    canvas.save(out, format="BMP")
    return out.getvalue(), words


def _snapshot(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*"))


@pytest.fixture(scope="module")
def archive_batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    d = base / "work" / "dir"   # ../../etc/passwd from here is base/etc/passwd
    d.mkdir(parents=True)
    pages, words = {}, {}
    for i in range(12):
        pages[i], words[i] = text_page_bytes(i)
    (d / "good.png").write_bytes(pages[0])

    with zipfile.ZipFile(d / "several.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(5):
            bmp, words[f"n{i}"] = _big_bmp(i + 1)
            assert 350_000 < len(bmp) < 500_000
            z.writestr(f"n{i}.bmp", bmp)

    with zipfile.ZipFile(d / "slip.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("../../etc/passwd", pages[6])
        z.writestr("/abs/page.png", pages[7])
    assert zipfile.ZipFile(d / "slip.zip").namelist() == ["../../etc/passwd", "/abs/page.png"]

    with zipfile.ZipFile(d / "enc.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("secret.png", pages[8])
        z.writestr("plain.png", pages[9])
    raw = bytearray((d / "enc.zip").read_bytes())
    assert raw[:4] == b"PK\x03\x04"
    raw[6] |= 0x1                         # general-purpose flag, local header of secret.png
    central = raw.find(b"PK\x01\x02")
    raw[central + 8] |= 0x1               # and its central-directory entry
    (d / "enc.zip").write_bytes(bytes(raw))

    outside = base / "outside"
    outside.mkdir()
    (outside / "target.png").write_bytes(pages[11])
    with tarfile.open(d / "links.tar", "w") as t:
        info = tarfile.TarInfo("real.png")
        info.size = len(pages[10])
        t.addfile(info, io.BytesIO(pages[10]))
        for name, target in [("abs-link.png", str(outside / "target.png")),
                             ("rel-link.png", "../../outside/target.png")]:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            t.addfile(info)

    (d / "tree" / "a").mkdir(parents=True)
    (d / "tree" / "a" / "page.png").write_bytes(pages[5])
    os.symlink("..", d / "tree" / "a" / "up")      # a loop back to tree/
    os.symlink(".", d / "tree" / "self")           # a loop to itself

    assert not (base / "etc").exists() and not Path("/abs").exists()
    before_base, before_dir = _snapshot(base), _snapshot(d)
    r = orun(["-j", "2", "--max-archive-size", "1", "good.png", "several.zip", "slip.zip",
              "enc.zip", "links.tar", "tree"], cwd=d, timeout=90)
    return SimpleNamespace(base=base, dir=d, words=words, result=r, before_base=before_base,
                           before_dir=before_dir)


def test_archive_batch_exit_code_and_order(archive_batch):
    r = archive_batch.result
    assert r.returncode == 1, r.describe()
    assert [rec["source"] for rec in r.records[:-1]] == [
        "good.png",
        "several.zip::n0.bmp", "several.zip::n1.bmp", "several.zip::n2.bmp",
        "slip.zip::../../etc/passwd", "slip.zip::/abs/page.png",
        "enc.zip::secret.png", "enc.zip::plain.png",
        "links.tar::real.png",
        "tree/a/page.png",
    ], r.describe()
    for rec in r.pages:
        assert_page_record(rec)
    # The two symlinks in the tar are skipped, not followed.
    check_summary(r.summary, pages=8, errors=2, skipped=2,
                  errors_by_code={"too_large": 1, "unsupported_format": 1})
    assert r.summary["skipped_by_kind"] == {"link": 2}, r.summary


def test_archive_total_limit_stops_reading(archive_batch):
    r = archive_batch.result
    got = {rec["source"]: rec for rec in r.records[:-1]}
    assert_words(got["several.zip::n0.bmp"]["text"], archive_batch.words["n0"])
    assert_words(got["several.zip::n1.bmp"]["text"], archive_batch.words["n1"])
    assert_error_record(got["several.zip::n2.bmp"], "several.zip::n2.bmp", "too_large")
    assert "limit" in got["several.zip::n2.bmp"]["error"]["message"]
    assert "several.zip::n3.bmp" not in got and "several.zip::n4.bmp" not in got


def test_zip_slip_names_are_only_names(archive_batch):
    r = archive_batch.result
    got = {rec["source"]: rec for rec in r.records[:-1]}
    assert_words(got["slip.zip::../../etc/passwd"]["text"], archive_batch.words[6])
    assert_words(got["slip.zip::/abs/page.png"]["text"], archive_batch.words[7])
    # Nothing was written anywhere: not next to the test folder, not at /abs, not inside it.
    assert not (archive_batch.base / "etc").exists()
    assert not Path("/abs").exists()
    assert _snapshot(archive_batch.base) == archive_batch.before_base
    assert _snapshot(archive_batch.dir) == archive_batch.before_dir


def test_encrypted_entry_is_unsupported(archive_batch):
    r = archive_batch.result
    got = {rec["source"]: rec for rec in r.records[:-1]}
    assert_error_record(got["enc.zip::secret.png"], "enc.zip::secret.png", "unsupported_format")
    assert "encrypted" in got["enc.zip::secret.png"]["error"]["message"]
    assert any(line.startswith("ocrbatch: enc.zip::secret.png: unsupported_format: ")
               for line in r.err_lines), r.err
    assert_words(got["enc.zip::plain.png"]["text"], archive_batch.words[9])


def test_tar_symlinks_are_not_followed(archive_batch):
    r = archive_batch.result
    got = {rec["source"]: rec for rec in r.records[:-1]}
    assert_words(got["links.tar::real.png"]["text"], archive_batch.words[10])
    assert not [s for s in got if s.endswith("-link.png")], r.describe()
    # The link target's words appear nowhere.
    assert not [rec for rec in r.pages if archive_batch.words[11][0] in rec["text"]], r.describe()


def test_symlink_loop_in_walk_ends(archive_batch):
    r = archive_batch.result
    tree = [rec["source"] for rec in r.records[:-1] if rec["source"].startswith("tree/")]
    assert tree == ["tree/a/page.png"], r.describe()
    assert_words(r.records[-2]["text"], archive_batch.words[5])


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_in_walked_folder(tmp_path):
    words = write_pages(tmp_path / "in", 2, prefix="p")
    secret = tmp_path / "in" / "p00.png"
    secret.chmod(0)
    try:
        r = orun(["-j", "2", "in"], cwd=tmp_path)
    finally:
        secret.chmod(0o644)
    assert r.returncode == 1, r.describe()
    assert [rec["source"] for rec in r.records[:-1]] == ["in/p00.png", "in/p01.png"], r.describe()
    assert_error_record(r.records[0], "in/p00.png", "permission_denied")
    assert_words(r.records[1]["text"], words["p01.png"])
    check_summary(r.summary, pages=1, errors=1, errors_by_code={"permission_denied": 1})
