"""Output formats (jsonl, json, csv, text), --detail, and -o FILE."""

import csv
import io
import json
import os
import re

import pytest
from PIL import Image

from conftest import (TESSERACT_PATH, assert_summary, assert_words, canonical, copy_sample,
                      parse_jsonl, run, strip_timing)

INPUTS = ["notice.bmp", "report.tif", "missing.bmp"]
PAGES = [("notice.bmp", 1), ("report.tif", 1), ("report.tif", 2), ("report.tif", 3)]


def _expected_words(expected, rec):
    key = rec["source"] if rec["pages"] == 1 else f"{rec['source']}#{rec['page']}"
    return expected[key]


@pytest.fixture(scope="module")
def workdir(samples, tmp_path_factory):
    d = tmp_path_factory.mktemp("formats")
    copy_sample("notice.bmp", d / "notice.bmp")
    copy_sample("report.tif", d / "report.tif")
    return d


@pytest.fixture(scope="module")
def outputs(workdir):
    """One run per format/detail combination on the same inputs."""
    combos = {
        "jsonl": [],
        "json": ["-f", "json"],
        "csv": ["-f", "csv"],
        "csv_word": ["-f", "csv", "--detail", "word"],
        "text": ["-f", "text"],
        "word": ["--detail", "word"],
        "line": ["--detail", "line"],
    }
    return {k: run(["-q", "-j", "2"] + extra + INPUTS, cwd=workdir) for k, extra in combos.items()}


def _csv_rows(text):
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "csv_word", "text", "word", "line"])
def test_exit_code_and_error_on_stderr(outputs, fmt):
    r = outputs[fmt]
    assert r.returncode == 1, r.describe()   # missing.bmp
    assert r.err_lines and r.err_lines[0].startswith("ocrbatch: missing.bmp: not_found: "), r.describe()


# --- jsonl ---------------------------------------------------------------------------------

def test_jsonl_records(outputs, expected):
    r = outputs["jsonl"]
    assert [(x["source"], x["page"]) for x in r.pages] == PAGES
    assert [x["type"] for x in r.records] == ["page"] * 4 + ["error", "summary"]
    for rec in r.pages:
        assert "words" not in rec and "lines" not in rec
        assert_words(rec["text"], _expected_words(expected, rec), rec["source"])
    assert_summary(r.summary, pages=4, errors=1, errors_by_code={"not_found": 1}, skipped=0)


# --- json ----------------------------------------------------------------------------------

def test_json_is_one_document_with_the_jsonl_records(outputs):
    doc = json.loads(outputs["json"].out)
    assert isinstance(doc, list), outputs["json"].describe()
    jsonl = outputs["jsonl"].records
    assert [strip_timing(x) for x in doc[:-1]] == [strip_timing(x) for x in jsonl[:-1]]
    assert doc[-1]["type"] == "summary"
    assert strip_timing(doc[-1]) == strip_timing(jsonl[-1])


# --- csv -----------------------------------------------------------------------------------

def test_csv_one_row_per_page(outputs):
    rows = _csv_rows(outputs["csv"].out)
    header, body = rows[0], rows[1:]
    for column in ("type", "source", "page", "text", "error_code", "error_message"):
        assert column in header, header
    assert all(len(row) == len(header) for row in body), rows
    dicts = [dict(zip(header, row)) for row in body]
    pages = [d for d in dicts if d["type"] == "page"]
    jsonl_pages = outputs["jsonl"].pages
    assert [(d["source"], int(d["page"])) for d in pages] == PAGES
    # Multi-line text with commas survives quoting exactly.
    assert [d["text"] for d in pages] == [p["text"] for p in jsonl_pages]
    for d, p in zip(pages, jsonl_pages):
        if "width" in d:
            assert (int(d["width"]), int(d["height"])) == (p["width"], p["height"])
        if "confidence" in d:
            assert float(d["confidence"]) == pytest.approx(p["confidence"], abs=0.05)
    errors = [d for d in dicts if d["type"] == "error"]
    assert [(d["source"], d["error_code"]) for d in errors] == [("missing.bmp", "not_found")]
    assert errors[0]["error_message"]
    assert len(dicts) == 5   # no summary row


def test_csv_detail_word_one_row_per_word(outputs, expected):
    rows = _csv_rows(outputs["csv_word"].out)
    header, body = rows[0], rows[1:]
    for column in ("type", "source", "page", "x", "y", "w", "h", "confidence", "text"):
        assert column in header, header
    assert all(len(row) == len(header) for row in body), rows
    dicts = [dict(zip(header, row)) for row in body]
    words = [d for d in dicts if d["type"] == "word"]
    assert [d["type"] for d in dicts] == ["word"] * len(words) + ["error"]
    by_page = {}
    for d in words:
        by_page.setdefault((d["source"], int(d["page"])), []).append(d)
    assert list(by_page) == PAGES
    detail = {(p["source"], p["page"]): p for p in outputs["word"].pages}
    for key, ds in by_page.items():
        page = detail[key]
        assert len(ds) == len(page["words"]), key
        assert [d["text"] for d in ds] == [w["text"] for w in page["words"]]
        for d in ds:
            x, y, w, h = (int(d[k]) for k in ("x", "y", "w", "h"))  # ints, not floats
            assert x >= 0 and y >= 0 and w > 0 and h > 0
            assert x + w <= page["width"] and y + h <= page["height"]
            assert 0 <= float(d["confidence"]) <= 100
        assert_words(" ".join(d["text"] for d in ds), _expected_words(expected, page), str(key))


# --- text ----------------------------------------------------------------------------------

def test_text_pages_each_followed_by_form_feed(outputs):
    out = outputs["text"].out
    assert out.endswith("\f"), repr(out[-40:])
    chunks = out.split("\f")
    assert chunks[-1] == ""
    assert chunks[:-1] == [p["text"] for p in outputs["jsonl"].pages]
    assert "{" not in out and "missing.bmp" not in out   # no records, errors only on stderr


# --- --detail ------------------------------------------------------------------------------

@pytest.mark.parametrize("detail,key,other", [("word", "words", "lines"), ("line", "lines", "words")])
def test_detail_items(outputs, expected, detail, key, other):
    r = outputs[detail]
    assert [(x["source"], x["page"]) for x in r.pages] == PAGES
    base = {(p["source"], p["page"]): p for p in outputs["jsonl"].pages}
    for page in r.pages:
        assert other not in page
        items = page[key]
        assert isinstance(items, list) and items, page
        # Detail adds a field; it does not change the others.
        assert strip_timing({k: v for k, v in page.items() if k != key}) == \
            strip_timing(base[(page["source"], page["page"])])
        for item in items:
            assert list(item.keys()) == ["text", "confidence", "bbox"], item
            assert isinstance(item["text"], str) and item["text"].strip()
            assert 0 <= item["confidence"] <= 100
            bbox = item["bbox"]
            assert len(bbox) == 4 and all(isinstance(v, int) for v in bbox), item
            x, y, w, h = bbox
            assert x >= 0 and y >= 0 and w > 0 and h > 0, item
            assert x + w <= page["width"] and y + h <= page["height"], (item, page["width"], page["height"])
        texts = [i["text"] for i in items]
        if detail == "word":
            assert all(" " not in t for t in texts), texts
            assert len(items) == page["word_count"]
        else:
            assert 1 < len(items) < page["word_count"]
            assert [t.strip() for t in texts] == [l.strip() for l in page["text"].splitlines() if l.strip()]
        assert_words(" ".join(texts), _expected_words(expected, page), page["source"])


def test_detail_with_text_format_is_a_usage_error(workdir):
    r = run(["-f", "text", "--detail", "word", "notice.bmp"], cwd=workdir)
    assert r.returncode == 2, r.describe()
    assert r.stdout == b""
    assert "--detail" in r.err


# --- -o FILE -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_output_file(outputs, workdir, tmp_path, fmt):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"result.{fmt}"
    target.write_text("old contents\n")     # replaced, not appended to
    r = run(["-q", "-j", "2", "-f", fmt, "-o", target] + INPUTS, cwd=workdir)
    assert r.returncode == 1, r.describe()
    assert r.stdout == b"", r.describe()
    assert sorted(os.listdir(out_dir)) == [target.name], "temporary file left behind"
    content = target.read_text(encoding="utf-8")
    assert "old contents" not in content
    if fmt == "jsonl":
        recs = parse_jsonl(content)
        assert canonical(recs) == canonical(outputs["jsonl"].records)
        assert recs[-1]["type"] == "summary"
    else:
        rows = _csv_rows(content)
        assert rows[0] == _csv_rows(outputs["csv"].out)[0]
        assert len(rows) == 6
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_output_file_in_missing_folder_is_a_setup_error(workdir, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "out.jsonl"
    r = run(["-q", "-o", target, "notice.bmp"], cwd=workdir)
    assert r.returncode == 2, r.describe()
    assert r.stdout == b""
    assert str(target) in r.err
    assert not (tmp_path / "no").exists()


def test_output_path_that_is_a_folder_fails_before_processing(workdir, tmp_path):
    """A bad -o is a setup error: found at the start, not after the whole batch has run."""
    (tmp_path / "results").mkdir()
    target = tmp_path / "results"
    r = run(["-o", target, "-j", "2", "missing.bmp", "notice.bmp"], cwd=workdir)
    assert r.returncode == 2, r.describe()
    assert r.stdout == b""
    assert str(target) in r.err, r.describe()
    # No input was looked at: no error line for missing.bmp, no summary line.
    assert not any(line.startswith("ocrbatch: missing.bmp") for line in r.err_lines), r.describe()
    assert not re.search(r"ocrbatch: \d+ pages?,", r.err), r.describe()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
    assert list(target.iterdir()) == []


def test_output_dash_means_stdout(workdir):
    r = run(["-q", "-o", "-", "notice.bmp"], cwd=workdir)
    assert r.returncode == 0, r.describe()
    assert [rec["type"] for rec in r.records] == ["page", "summary"]
    assert not (workdir / "-").exists()


def test_blank_page_keeps_a_row_or_record(workdir, tmp_path):
    Image.new("L", (400, 200), 255).save(tmp_path / "blank.png")
    r = run(["-q", "blank.png"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    page = r.pages[0]
    assert page["source"] == "blank.png" and page["word_count"] == 0
    assert page["text"].strip() == ""
    assert 0 <= page["confidence"] <= 100
    for detail in ("word", "line"):
        r = run(["-q", "-f", "csv", "--detail", detail, "blank.png"], cwd=tmp_path)
        assert r.returncode == 0, r.describe()
        rows = _csv_rows(r.out)
        body = [dict(zip(rows[0], row)) for row in rows[1:]]
        # A page with no text is still listed, so it is not mistaken for one never processed.
        assert [(d["type"], d["source"], d["page"]) for d in body] == [("page", "blank.png", "1")], rows


def test_every_page_record_says_which_engine_path_read_it(workdir, tmp_path):
    Image.new("L", (400, 200), 255).save(tmp_path / "blank.png")
    copy_sample("notice.bmp", tmp_path / "notice.bmp")
    for extra in ([], ["--preprocess", "none"], ["-f", "json"], ["--detail", "word"]):
        r = run(["-q"] + extra + ["notice.bmp", "blank.png"], cwd=tmp_path)
        assert r.returncode == 0, r.describe()
        pages = r.pages if extra != ["-f", "json"] else json.loads(r.out)[:-1]
        assert [p["engine"] for p in pages] == [TESSERACT_PATH] * 2, extra
        for p in pages:
            assert list(p).index("engine") == list(p).index("lang") + 1, list(p)
    # CSV keeps its columns: the engine is in the JSON records only.
    header = _csv_rows(run(["-q", "-f", "csv", "notice.bmp"], cwd=tmp_path).out)[0]
    assert "engine" not in header and header[-1] == "source_bytes"
