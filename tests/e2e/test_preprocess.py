"""Preprocessing end to end: a page fed upside down and skewed reads right under the default
(auto) and wrong under --preprocess none; records say what was done; step selection and
listing on the command line."""

import csv
import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import assert_page_record, run

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LINES = [
    "The committee met on Tuesday to review the harbour budget.",
    "Members agreed that the lighthouse needs a new lantern soon.",
    "Repairs to the northern breakwater will begin in the spring.",
    "A report on fishing licences is expected before the winter.",
    "The treasurer thanked volunteers for their generous donations.",
    "Next meeting: first Monday of the month, in the village hall.",
]
WORDS = ["committee", "harbour", "lighthouse", "breakwater", "licences", "treasurer", "volunteers", "village"]


def render_page(path, *, turn=0, skew=0.0):
    font = ImageFont.truetype(FONT, 42)
    page = Image.new("L", (2000, 1100), 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(LINES):
        draw.text((90, 100 + i * 150), line, font=font, fill=0)
    if skew:
        page = page.rotate(skew, expand=True, fillcolor=255, resample=Image.BICUBIC)
    if turn:
        page = page.rotate(turn, expand=True)
    page.save(path, dpi=(300, 300))
    return path


def found(text):
    return [w for w in WORDS if w in text]


def test_turned_and_skewed_page_reads_right_only_with_preprocessing(tmp_path):
    path = render_page(tmp_path / "turned.png", turn=180, skew=6)
    auto = run(["-q", path])
    assert auto.returncode == 0, auto.err
    page = auto.pages[0]
    assert_page_record(page)
    assert found(page["text"]) == WORDS, page["text"]
    assert page["rotation"] == 180
    assert page["skew"] == pytest.approx(6, abs=0.5)
    assert page["blank"] is False
    applied = [s["step"] for s in page["preprocess"] if s["applied"]]
    assert "deskew" in applied and "orient" in applied, page["preprocess"]
    assert all("ms" in s for s in page["preprocess"])

    plain = run(["-q", "--preprocess", "none", path])
    assert plain.returncode == 0, plain.err
    raw = plain.pages[0]
    assert "preprocess" not in raw and "rotation" not in raw
    assert len(found(raw["text"])) <= len(WORDS) // 4, raw["text"]


def test_upright_page_is_left_as_it_is(tmp_path):
    path = render_page(tmp_path / "upright.png")
    page = run(["-q", path]).pages[0]
    assert found(page["text"]) == WORDS
    assert page["rotation"] == 0
    assert "skew" not in page and "scale" not in page


def test_word_boxes_are_in_source_pixels_after_turning(tmp_path):
    path = render_page(tmp_path / "turned.png", turn=180)
    page = run(["-q", "--detail", "word", path]).pages[0]
    assert page["rotation"] == 180
    word = next(w for w in page["words"] if w["text"] == "committee")
    x, y, w, h = word["bbox"]
    # Upright the word sits near the top left; turned, near the bottom right of the file.
    assert x > 1000 and y > 800, word
    assert 0 < x + w <= page["width"] and 0 < y + h <= page["height"]

    # The layout tree is mapped back the same way, and its baselines turn with the text: the
    # first line starts at the bottom right of the file and runs leftwards along its top edge.
    tree = run(["-q", "--detail", "layout", path]).pages[0]
    lines = [line for b in tree["blocks"] for p in b["paragraphs"] for line in p["lines"]]
    words = [wd for line in lines for wd in line["words"]]
    assert [{k: wd[k] for k in ("text", "confidence", "bbox")} for wd in words] == page["words"]
    first = next(line for line in lines if line["words"][0]["text"] == "The")
    x1, y1, x2, y2 = first["baseline"]
    lx, ly, lw, lh = first["bbox"]
    assert x1 > x2 and x1 > 1500, first
    assert ly <= y1 <= ly + lh / 2 and ly <= y2 <= ly + lh / 2, first
    for block in tree["blocks"]:
        bx, by, bw, bh = block["bbox"]
        assert 0 <= bx and bx + bw <= tree["width"] and 0 <= by and by + bh <= tree["height"]


def test_blank_page_is_flagged_without_recognition(tmp_path):
    path = tmp_path / "blank.png"
    Image.new("L", (1700, 2200), 252).save(path)
    result = run(["-q", path])
    assert result.returncode == 0
    page = result.pages[0]
    assert page["blank"] is True
    assert page["text"] == "" and page["word_count"] == 0
    assert page["preprocess"][-1]["step"] == "blank"


def test_named_steps_run_in_the_given_order(tmp_path):
    path = render_page(tmp_path / "skewed.png", skew=-4)
    page = run(["-q", "--preprocess", "binarize,deskew", path]).pages[0]
    assert [s["step"] for s in page["preprocess"]] == ["classify", "binarize", "deskew"]
    assert page["skew"] == pytest.approx(-4, abs=0.5)
    assert found(page["text"]) == WORDS


def test_a_sparse_page_records_the_mode_tesseract_read_it_in(tmp_path):
    path = render_page(tmp_path / "page.png")
    page = run(["-q", "--preprocess", "sparse", path]).pages[0]
    assert page["psm"] == 11
    [sparse] = [s for s in page["preprocess"] if s["step"] == "sparse"]
    assert sparse["applied"] is True and sparse["psm"] == 11, sparse
    assert list(sparse) == ["step", "applied", "psm", "ms"]
    assert "psm" not in run(["-q", "--preprocess", "deskew", path]).pages[0]


def test_unknown_step_is_a_usage_error(tmp_path):
    result = run(["--preprocess", "deskew,sharpen", tmp_path])
    assert result.returncode == 2
    assert "sharpen" in result.err and "--list-steps" in result.err


def test_list_steps_names_every_step():
    result = run(["--list-steps"])
    assert result.returncode == 0
    for step in ["blank", "invert", "border", "scale", "orient", "deskew", "binarize", "denoise", "sparse"]:
        assert f"\n  {step}\n" in result.out, step


def test_csv_carries_rotation_and_skew(tmp_path):
    path = render_page(tmp_path / "turned.png", turn=180, skew=5)
    rows = list(csv.DictReader(io.StringIO(run(["-q", "-f", "csv", path]).out)))
    assert rows[0]["rotation"] == "180"
    assert float(rows[0]["skew"]) == pytest.approx(5, abs=0.5)
    assert rows[0]["blank"] == "false"


def test_odd_images_go_through_every_step_without_failing(tmp_path):
    # Sizes and pixel formats the steps must not trip over: one pixel, a thin strip, palette,
    # 16-bit grey, transparent RGBA, and an all-black page.
    odd = {
        "one.png": Image.new("L", (1, 1), 0),
        "strip.png": Image.new("1", (2, 500), 0),
        "wide.png": Image.new("L", (500, 2), 0),
        "palette.png": Image.new("P", (300, 200), 5),
        "deep.png": Image.new("I;16", (400, 300), 30000),
        "alpha.png": Image.new("RGBA", (300, 300), (0, 0, 0, 0)),
        "black.png": Image.new("L", (1200, 1600), 0),
    }
    for name, image in odd.items():
        image.save(tmp_path / name)
    result = run(["-q", "-j", "2", tmp_path])
    assert result.returncode == 0, result.err
    assert sorted(p["source"].rsplit("/", 1)[-1] for p in result.pages) == sorted(odd)
    for page in result.pages:
        assert page["preprocess"][0]["step"] == "classify"
        assert page["rotation"] == 0
    assert result.summary["errors"] == 0
