"""Bad inputs mixed into a batch, limits, and setup errors."""

import io
import os
import zipfile

import pytest
from PIL import Image

from conftest import (assert_error_record, assert_page_record, assert_summary, assert_words,
                      copy_sample, run, stderr_error_line)

# (name on the command line, error code); good inputs are between them.
BAD = [
    ("trunc.png", "decode_failed"),
    ("trunc.jpg", "decode_failed"),
    ("empty.png", "decode_failed"),
    ("missing.png", "not_found"),
    ("notes.txt", "unsupported_format"),
    ("bad.zip", "archive_corrupt"),
]
INPUTS = ["good.bmp", "trunc.png", "trunc.jpg", "empty.png", "missing.png", "report.tif", "notes.txt",
          "bad.zip", "mixed.zip", "half.zip"]


@pytest.fixture(scope="module")
def batch_dir(sample_bytes, tmp_path_factory):
    d = tmp_path_factory.mktemp("errors")
    copy_sample("notice.bmp", d / "good.bmp")
    copy_sample("report.tif", d / "report.tif")
    (d / "trunc.png").write_bytes(sample_bytes["letter.png"][:4000])
    (d / "trunc.jpg").write_bytes(sample_bytes["invoice.jpg"][:20000])
    (d / "empty.png").write_bytes(b"")
    (d / "notes.txt").write_text("meeting notes, not a picture\n")
    (d / "bad.zip").write_bytes(b"PK\x03\x04" + b"\x00garbage-not-a-zip" * 8)
    with zipfile.ZipFile(d / "mixed.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("ok.bmp", sample_bytes["notice.bmp"])
        z.writestr("broken.png", sample_bytes["letter.png"][:3000])
    # A zip cut short: the first entry (letter.png, ~10 KB) is complete, the next is not.
    (d / "half.zip").write_bytes(sample_bytes["scans.zip"][:30000])
    return d


@pytest.fixture(scope="module")
def batch(batch_dir):
    return run(["-j", "2"] + INPUTS, cwd=batch_dir)


def test_batch_exit_code_is_1(batch):
    assert batch.returncode == 1, batch.describe()


@pytest.mark.parametrize("name,code", BAD)
def test_error_record_for_bad_input(batch, name, code):
    recs = [r for r in batch.records if r.get("source") == name]
    assert len(recs) == 1, batch.describe()
    assert_error_record(recs[0], name, code)
    assert "page" not in recs[0]


@pytest.mark.parametrize("name,code", BAD + [("mixed.zip::broken.png", "decode_failed")])
def test_stderr_names_each_failed_input(batch, name, code):
    line = stderr_error_line(batch, name, code)
    rec = next(r for r in batch.errors if r["source"] == name)
    assert rec["error"]["message"] in line


def test_bad_entry_inside_zip(batch, expected):
    recs = [r for r in batch.records if r.get("source", "").startswith("mixed.zip::")]
    assert [r["source"] for r in recs] == ["mixed.zip::ok.bmp", "mixed.zip::broken.png"]
    assert_page_record(recs[0])
    assert_words(recs[0]["text"], expected["notice.bmp"])
    assert_error_record(recs[1], "mixed.zip::broken.png", "decode_failed")


def test_truncated_zip_keeps_complete_entries(batch, expected):
    recs = [r for r in batch.records if r.get("source", "").startswith("half.zip")]
    assert recs and recs[0]["source"] == "half.zip::scans/letter.png", batch.describe()
    assert_words(recs[0]["text"], expected["letter.png"])
    errors = [r for r in recs if r["type"] == "error"]
    assert errors and all(r["error"]["code"] == "archive_corrupt" for r in errors), recs
    assert recs[-1]["type"] == "error"


def test_good_pages_still_correct(batch, expected):
    good = [(r["source"], r["page"]) for r in batch.pages]
    assert good == [("good.bmp", 1), ("report.tif", 1), ("report.tif", 2), ("report.tif", 3),
                    ("mixed.zip::ok.bmp", 1), ("half.zip::scans/letter.png", 1)], batch.describe()
    for rec in batch.pages:
        assert_page_record(rec)
    assert_words(batch.pages[0]["text"], expected["notice.bmp"])
    for rec in batch.pages[1:4]:
        assert_words(rec["text"], expected[f"report.tif#{rec['page']}"])


def test_records_follow_input_order(batch):
    order = []
    for r in batch.records[:-1]:
        top = r["source"].split("::")[0]
        if not order or order[-1] != top:
            order.append(top)
    assert order == INPUTS, batch.describe()


def test_summary_last_with_counts(batch):
    assert [r["type"] for r in batch.records].count("summary") == 1
    n_errors = len(batch.errors)
    by_code = {}
    for r in batch.errors:
        by_code[r["error"]["code"]] = by_code.get(r["error"]["code"], 0) + 1
    assert by_code["decode_failed"] == 4 and by_code["not_found"] == 1
    assert by_code["unsupported_format"] == 1 and by_code["archive_corrupt"] >= 2
    assert_summary(batch.summary, pages=6, errors=n_errors, errors_by_code=by_code, skipped=0)


def test_summary_line_on_stderr(batch):
    last = batch.err_lines[-1]
    s = batch.summary
    assert last.startswith("ocrbatch: 6 pages"), batch.err
    assert f"{s['errors']} errors" in last, batch.err


def test_quiet_stderr_has_only_error_lines(batch_dir):
    r = run(["-q", "-j", "2"] + INPUTS, cwd=batch_dir)
    assert r.returncode == 1, r.describe()
    expected_lines = []
    for rec in r.errors:
        expected_lines.append(f"ocrbatch: {rec['source']}: {rec['error']['code']}: "
                              f"{rec['error']['message']}")
    # Nothing but one line per error record: no summary, no progress, no library chatter.
    assert r.err_lines == expected_lines, r.describe()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_is_permission_denied(samples, tmp_path, expected):
    copy_sample("notice.bmp", tmp_path / "good.bmp")
    secret = copy_sample("notice.bmp", tmp_path / "secret.bmp")
    secret.chmod(0)
    try:
        r = run(["-j", "2", "secret.bmp", "good.bmp"], cwd=tmp_path)
    finally:
        secret.chmod(0o644)
    assert r.returncode == 1, r.describe()
    assert_error_record(r.records[0], "secret.bmp", "permission_denied")
    stderr_error_line(r, "secret.bmp", "permission_denied")
    assert_words(r.pages[0]["text"], expected["notice.bmp"])
    assert_summary(r.summary, pages=1, errors=1, errors_by_code={"permission_denied": 1})


def test_too_large_file_and_archive_entry(sample_bytes, expected, tmp_path):
    big = io.BytesIO()
    Image.new("L", (1100, 1100), 255).save(big, format="BMP")  # ~1.2 MB
    assert len(big.getvalue()) > 1 << 20
    (tmp_path / "big.bmp").write_bytes(big.getvalue())
    with zipfile.ZipFile(tmp_path / "big.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.bmp", big.getvalue())
        z.writestr("small.bmp", sample_bytes["notice.bmp"])
    copy_sample("notice.bmp", tmp_path / "small.bmp")
    r = run(["-j", "2", "--max-file-size", "1", "big.bmp", "big.zip", "small.bmp"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert [rec["source"] for rec in r.records[:-1]] == [
        "big.bmp", "big.zip::big.bmp", "big.zip::small.bmp", "small.bmp"], r.describe()
    assert_error_record(r.records[0], "big.bmp", "too_large")
    assert_error_record(r.records[1], "big.zip::big.bmp", "too_large")
    stderr_error_line(r, "big.bmp", "too_large")
    for rec in r.pages:
        assert_words(rec["text"], expected["notice.bmp"], rec["source"])
    assert_summary(r.summary, pages=2, errors=2, errors_by_code={"too_large": 2})


def test_bad_page_in_folder_walk_is_an_error_not_a_skip(sample_bytes, tmp_path):
    folder = tmp_path / "in"
    copy_sample("notice.bmp", folder / "a.bmp")
    (folder / "b.png").write_bytes(sample_bytes["letter.png"][:2000])
    (folder / "c.txt").write_text("text\n")
    r = run(["-q", "-j", "2", "in"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert [rec["source"] for rec in r.records[:-1]] == ["in/a.bmp", "in/b.png"]
    assert_error_record(r.records[1], "in/b.png", "decode_failed")
    assert_summary(r.summary, pages=1, errors=1, skipped=1)


def test_timeout_gives_timeout_error_records(samples, expected, tmp_path):
    copy_sample("letter.png", tmp_path / "slow.png")
    copy_sample("notice.bmp", tmp_path / "fast.bmp")
    r = run(["-j", "2", "--timeout", "0.01", "slow.png", "fast.bmp"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert [rec["type"] for rec in r.records] == ["error", "error", "summary"], r.describe()
    assert_error_record(r.records[0], "slow.png", "timeout")
    assert_error_record(r.records[1], "fast.bmp", "timeout")
    stderr_error_line(r, "slow.png", "timeout")
    assert_summary(r.summary, pages=0, errors=2, errors_by_code={"timeout": 2})
    # 0 means no limit.
    r = run(["-q", "--timeout", "0", "fast.bmp"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert_words(r.pages[0]["text"], expected["notice.bmp"])
