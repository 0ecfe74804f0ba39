"""The document formats -f tsv, hocr and alto: validity, structure, and tesseract's shape.

They render each page's layout tree, which the engines fill; the unit tests (tests/unit/output/)
cover hand-built trees, and the same checks here run on tesseract's own hOCR and TSV so they are
known to accept a real one.
"""

import csv
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import REPO, assert_words, copy_sample, run

INPUTS = ["notice.bmp", "report.tif", "missing.bmp"]
# (source, page) of every page record, in input order.
PAGES = [("notice.bmp", 1), ("report.tif", 1), ("report.tif", 2), ("report.tif", 3)]
ALTO_SCHEMA = REPO / "tests" / "data" / "alto" / "alto-4-2.xsd"
TSV_HEADER = ["level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top",
              "width", "height", "conf", "text"]
XHTML = "{http://www.w3.org/1999/xhtml}"
ALTO = "{http://www.loc.gov/standards/alto/ns-v4#}"
HOCR_LEVELS = ["ocr_page", "ocr_carea", "ocr_par", "ocr_line", "ocrx_word"]
EMPTY_TREE = "the page's layout tree came out empty"


@pytest.fixture(scope="module")
def workdir(samples, tmp_path_factory):
    d = tmp_path_factory.mktemp("documents")
    for name in ("notice.bmp", "report.tif"):
        copy_sample(name, d / name)
    return d


@pytest.fixture(scope="module")
def outputs(workdir):
    runs = {fmt: run(["-q", "-j", "2", "-f", fmt] + INPUTS, cwd=workdir)
            for fmt in ("jsonl", "tsv", "hocr", "alto")}
    for fmt, r in runs.items():
        assert r.returncode == 1, r.describe()  # missing.bmp
    return runs


@pytest.fixture(scope="module")
def page_records(outputs):
    return outputs["jsonl"].pages


@pytest.fixture(scope="module")
def tesseract_outputs(workdir, tmp_path_factory):
    """tesseract's own TSV and hOCR of notice.bmp."""
    if shutil.which("tesseract") is None:
        pytest.skip("the tesseract CLI is not installed")
    base = tmp_path_factory.mktemp("tesseract") / "notice"
    subprocess.run(["tesseract", str(workdir / "notice.bmp"), str(base), "tsv", "hocr"],
                   check=True, capture_output=True, timeout=60)
    return {"tsv": Path(f"{base}.tsv").read_text("utf-8"),
            "hocr": Path(f"{base}.hocr").read_text("utf-8")}


# --- TSV -----------------------------------------------------------------------------------

def read_tsv(text):
    """Rows as tesseract's readers take them: split on tab and newline, no quoting."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t",
                           quoting=csv.QUOTE_NONE))


def check_tsv(text):
    """Checks tesseract's TSV rules; returns {page_num: (page row, [word texts])}."""
    rows = read_tsv(text)
    assert rows and rows[0] == TSV_HEADER, rows[:1]
    pages = {}
    previous = 0
    page_box = None
    for row in rows[1:]:
        assert len(row) == 12, row
        level = int(row[0])
        nums = [int(v) for v in row[1:6]]
        box = [int(v) for v in row[6:10]]
        assert 1 <= level <= 5 and level <= previous + 1, (previous, row)
        # A level-L row numbers itself and its parents, and nothing below it.
        assert all(n > 0 for n in nums[:level]) and all(n == 0 for n in nums[level:]), row
        if level == 1:
            assert nums[0] not in pages, f"page_num {nums[0]} twice"
            assert box[:2] == [0, 0] and row[10] == "-1" and row[11] == "", row
            page_box = box
            pages[nums[0]] = (row, [])
        else:
            x, y, w, h = box
            assert 0 <= x and 0 <= y and x + w <= page_box[2] and y + h <= page_box[3], row
        if level < 5:
            assert row[10] == "-1", row
        else:
            assert 0 <= float(row[10]) <= 100, row
            pages[nums[0]][1].append(row[11])
        previous = level
    return pages


def test_tsv_has_tesseracts_columns_one_header_and_nested_levels(outputs, page_records):
    pages = check_tsv(outputs["tsv"].out)
    # page_num counts the pages of the stream; the rows of a page have its size.
    assert sorted(pages) == [1, 2, 3, 4]
    for number, rec in zip(sorted(pages), page_records):
        row = pages[number][0]
        assert [int(row[8]), int(row[9])] == [rec["width"], rec["height"]], rec["source"]


def test_tsv_words_are_the_pages_words(outputs, expected):
    pages = check_tsv(outputs["tsv"].out)
    if not any(words for _, words in pages.values()):
        pytest.fail(EMPTY_TREE)
    for number, (source, page) in zip(sorted(pages), PAGES):
        key = source if source != "report.tif" else f"{source}#{page}"
        assert_words(" ".join(pages[number][1]), expected[key], key)


def test_tsv_checks_accept_tesseracts_own_tsv(tesseract_outputs):
    pages = check_tsv(tesseract_outputs["tsv"])
    assert pages[1][1], "tesseract's TSV has no words"


def test_tsv_page_row_is_tesseracts(outputs, tesseract_outputs):
    ours = read_tsv(outputs["tsv"].out)
    theirs = read_tsv(tesseract_outputs["tsv"])
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]  # notice.bmp's level-1 row, to the column
    notice = [row for row in ours[1:] if row[1] == "1"]
    if len(notice) == 1:
        pytest.fail(EMPTY_TREE)
    assert {row[0] for row in notice} == {row[0] for row in theirs[1:]} == set("12345")


# --- hOCR ----------------------------------------------------------------------------------

def hocr_properties(title):
    """hOCR's title properties: 'name values; name "quoted; string"' -> {name: values}."""
    props = {}
    for part in re.findall(r'(?:[^;"]|"(?:[^"\\]|\\.)*")+', title or ""):
        name, _, value = part.strip().partition(" ")
        props[name] = value
    return props


def check_hocr(text):
    """Parses hOCR as XHTML and checks its hOCR rules; returns [(page props, [words])]."""
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{XHTML}html", root.tag
    metas = {m.get("name"): m.get("content") for m in root.iter(f"{XHTML}meta")}
    assert metas.get("ocr-system"), metas
    assert set(HOCR_LEVELS + ["ocrp_wconf"]) <= set(metas["ocr-capabilities"].split()), metas
    ids = set()
    pages = []

    def walk(element, parent_level, parent_box):
        for child in element:
            cls = child.get("class")
            if cls not in HOCR_LEVELS:
                walk(child, parent_level, parent_box)
                continue
            level = HOCR_LEVELS.index(cls)
            assert level == parent_level + 1, f"{cls} inside level {parent_level}"
            ident = child.get("id")
            assert ident and ident not in ids, f"id {ident!r} missing or repeated"
            ids.add(ident)
            props = hocr_properties(child.get("title"))
            box = [int(v) for v in props["bbox"].split()]
            assert box[0] <= box[2] and box[1] <= box[3], (ident, box)
            if parent_box is not None:
                assert (parent_box[0] <= box[0] and parent_box[1] <= box[1]
                        and box[2] <= parent_box[2] and box[3] <= parent_box[3]), \
                    f"{ident} {box} is not inside its parent's {parent_box}"
            if "x_wconf" in props:
                assert 0 <= int(props["x_wconf"]) <= 100, (ident, props)
            if cls == "ocr_page":
                assert box[:2] == [0, 0] and "image" in props and "ppageno" in props, props
                pages.append((props, []))
            if cls == "ocrx_word":
                assert "x_wconf" in props, ident
                pages[-1][1].append("".join(child.itertext()))
            walk(child, level, box)

    walk(root.find(f"{XHTML}body"), -1, None)
    return pages


def test_hocr_is_xhtml_with_valid_hocr_properties(outputs, page_records):
    pages = check_hocr(outputs["hocr"].out)
    assert len(pages) == len(PAGES)
    for (props, _), (source, page), rec in zip(pages, PAGES, page_records):
        # Each page names its input and its place in it, so it can be traced to the file.
        assert props["image"] == f'"{source}"'
        assert props["ppageno"] == str(page - 1)
        assert props["bbox"] == f"0 0 {rec['width']} {rec['height']}"


def test_hocr_words_are_the_pages_words(outputs, expected):
    pages = check_hocr(outputs["hocr"].out)
    if not any(words for _, words in pages):
        pytest.fail(EMPTY_TREE)
    for (_, words), (source, page) in zip(pages, PAGES):
        key = source if source != "report.tif" else f"{source}#{page}"
        assert_words(" ".join(words), expected[key], key)


def test_hocr_checks_accept_tesseracts_own_hocr(tesseract_outputs):
    pages = check_hocr(tesseract_outputs["hocr"])
    assert len(pages) == 1 and pages[0][1], "tesseract's hOCR has no words"


def hocr_shape(text):
    root = ET.fromstring(text.encode("utf-8"))
    classes = {e.get("class") for e in root.iter() if (e.get("class") or "").startswith("ocr")}
    page = next(e for e in root.iter() if e.get("class") == "ocr_page")
    return classes, set(hocr_properties(page.get("title")))


def test_hocr_has_tesseracts_classes_and_page_properties(outputs, tesseract_outputs):
    our_classes, our_props = hocr_shape(outputs["hocr"].out)
    their_classes, their_props = hocr_shape(tesseract_outputs["hocr"])
    assert their_props <= our_props
    assert our_classes <= their_classes
    if our_classes == {"ocr_page"}:
        pytest.fail(EMPTY_TREE)
    assert our_classes == their_classes


# --- ALTO ----------------------------------------------------------------------------------

def xmllint_schema(path):
    if shutil.which("xmllint") is None:
        pytest.fail("xmllint is not installed (libxml2-utils, in scripts/bootstrap)")
    return subprocess.run(["xmllint", "--noout", "--nonet", "--schema", str(ALTO_SCHEMA),
                           str(path)], capture_output=True, text=True, timeout=60)


def test_alto_is_valid_against_the_alto_4_schema(outputs, tmp_path):
    path = tmp_path / "out.xml"
    path.write_bytes(outputs["alto"].stdout)
    result = xmllint_schema(path)
    assert result.returncode == 0, result.stderr


def test_alto_schema_check_rejects_a_broken_document(outputs, tmp_path):
    path = tmp_path / "broken.xml"
    path.write_bytes(outputs["alto"].stdout.replace(b"PHYSICAL_IMG_NR=", b"PHYSICAL_NR="))
    assert xmllint_schema(path).returncode != 0


def test_alto_has_a_page_per_page_record(outputs, page_records):
    root = ET.fromstring(outputs["alto"].stdout)
    assert root.find(f"{ALTO}Description/{ALTO}MeasurementUnit").text == "pixel"
    assert root.find(f"{ALTO}Description/{ALTO}sourceImageInformation/{ALTO}fileName").text \
        == "notice.bmp"
    software = root.find(f"{ALTO}Description/{ALTO}Processing/{ALTO}processingSoftware")
    assert software.find(f"{ALTO}softwareName").text == "ocrbatch"
    pages = root.findall(f"{ALTO}Layout/{ALTO}Page")
    assert [p.get("PHYSICAL_IMG_NR") for p in pages] == [str(page) for _, page in PAGES]
    for p, rec in zip(pages, page_records):
        assert [p.get("WIDTH"), p.get("HEIGHT")] == [str(rec["width"]), str(rec["height"])]
    strings = [s.get("CONTENT") for s in root.iter(f"{ALTO}String")]
    if not strings:
        pytest.fail(EMPTY_TREE)
    assert all(0 <= float(s.get("WC")) <= 1 for s in root.iter(f"{ALTO}String"))


# --- all three -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["tsv", "hocr", "alto"])
def test_errors_go_to_stderr_not_into_the_document(outputs, fmt):
    r = outputs[fmt]
    assert r.err_lines and r.err_lines[0].startswith("ocrbatch: missing.bmp: not_found: ")
    assert b"missing.bmp" not in r.stdout


@pytest.mark.parametrize("fmt", ["tsv", "hocr", "alto"])
def test_detail_with_a_document_format_is_a_usage_error(workdir, fmt):
    r = run(["-f", fmt, "--detail", "word", "notice.bmp"], cwd=workdir)
    assert r.returncode == 2, r.describe()
    assert "--detail has no effect with -f " + fmt in r.err
