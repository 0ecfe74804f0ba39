"""Reading from stdin: one image, one archive, or a list of paths."""

import io
import tarfile
import zipfile

from conftest import (assert_error_record, assert_page_record, assert_summary, assert_words,
                      copy_sample, run, stderr_error_line)


def test_image_on_stdin(sample_bytes, expected):
    r = run(["-q", "-"], input=sample_bytes["notice.bmp"])
    assert r.returncode == 0, r.describe()
    assert [rec["type"] for rec in r.records] == ["page", "summary"], r.describe()
    assert_page_record(r.records[0], source="-", page=1, pages=1)
    assert (r.records[0]["width"], r.records[0]["height"]) == (1200, 300)
    assert_words(r.records[0]["text"], expected["notice.bmp"])
    assert_summary(r.summary, pages=1, errors=0)


def test_multipage_tiff_on_stdin(sample_bytes, expected):
    r = run(["-q", "-j", "2", "-"], input=sample_bytes["report.tif"])
    assert r.returncode == 0, r.describe()
    assert [(rec["source"], rec["page"], rec["pages"]) for rec in r.pages] == [
        ("-", 1, 3), ("-", 2, 3), ("-", 3, 3)]
    for rec in r.pages:
        assert_words(rec["text"], expected[f"report.tif#{rec['page']}"])


def test_zip_on_stdin(sample_bytes, expected):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("in/notice.bmp", sample_bytes["notice.bmp"])
        z.writestr("in/report.tif", sample_bytes["report.tif"])
    r = run(["-q", "-j", "2", "-"], input=buf.getvalue())
    assert r.returncode == 0, r.describe()
    assert [(rec["source"], rec["page"]) for rec in r.pages] == [
        ("-::in/notice.bmp", 1), ("-::in/report.tif", 1), ("-::in/report.tif", 2),
        ("-::in/report.tif", 3)], r.describe()
    assert_words(r.pages[0]["text"], expected["notice.bmp"])
    assert_words(r.pages[2]["text"], expected["report.tif#2"])
    assert_summary(r.summary, pages=4, errors=0)


def test_tar_gz_on_stdin(sample_bytes, expected):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        info = tarfile.TarInfo("scan/notice.bmp")
        info.size = len(sample_bytes["notice.bmp"])
        t.addfile(info, io.BytesIO(sample_bytes["notice.bmp"]))
    r = run(["-q", "-"], input=buf.getvalue())
    assert r.returncode == 0, r.describe()
    assert [rec["source"] for rec in r.pages] == ["-::scan/notice.bmp"]
    assert_words(r.pages[0]["text"], expected["notice.bmp"])


def test_empty_stdin_is_an_error(samples):
    r = run(["-q", "-"], input=b"")
    assert r.returncode == 1, r.describe()
    assert len(r.errors) == 1
    assert_error_record(r.errors[0], "-", "decode_failed")
    assert_summary(r.summary, pages=0, errors=1, errors_by_code={"decode_failed": 1})


def test_files_from_stdin_nul_separated(samples, expected, tmp_path):
    # Names that a newline-separated list could not carry.
    odd = "odd\nname.bmp"
    copy_sample("notice.bmp", tmp_path / odd)
    copy_sample("notice.bmp", tmp_path / "with space.bmp")
    copy_sample("notice.bmp", tmp_path / "a.bmp")
    listing = b"\0".join(n.encode() for n in ["with space.bmp", odd, "missing.bmp", "a.bmp"]) + b"\0"
    r = run(["-j", "2", "--files-from", "-", "-0"], input=listing, cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert [rec["source"] for rec in r.records[:-1]] == ["with space.bmp", odd, "missing.bmp", "a.bmp"]
    for rec in r.pages:
        assert_words(rec["text"], expected["notice.bmp"], rec["source"])
    assert_error_record(r.records[2], "missing.bmp", "not_found")
    stderr_error_line(r, "missing.bmp", "not_found")
    assert_summary(r.summary, pages=3, errors=1, errors_by_code={"not_found": 1})


def test_files_from_stdin_without_trailing_separator(samples, tmp_path):
    copy_sample("notice.bmp", tmp_path / "a.bmp")
    copy_sample("notice.bmp", tmp_path / "b.bmp")
    r = run(["-q", "-j", "2", "--files-from", "-"], input=b"b.bmp\na.bmp", cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [rec["source"] for rec in r.pages] == ["b.bmp", "a.bmp"]


def test_stdin_used_twice_is_a_usage_error(sample_bytes):
    for args in (["-", "-"], ["-", "--files-from", "-"]):
        r = run(args, input=sample_bytes["notice.bmp"])
        assert r.returncode == 2, r.describe()
        assert r.stdout == b"", r.describe()
        assert "stdin" in r.err, r.describe()
