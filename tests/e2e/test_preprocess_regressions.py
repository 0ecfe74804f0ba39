"""Regressions of the default `--preprocess auto` that lost text silently: dark paper wiped as a
border, palette images inverted by index, short capital lines turned upside down, small lines
and word crops called blank, a sideways page sent to sparse-text mode. Each page must read at
least as well as under `--preprocess none` (plain tesseract)."""

import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import run

from test_preprocess import LINES, WORDS

FONTS = "/usr/share/fonts/truetype/dejavu/"


def render_page(*, paper=255, ink=0, spacing=150, lines=6, size=42):
    font = ImageFont.truetype(FONTS + "DejaVuSerif.ttf", size)
    page = Image.new("L", (2000 if lines <= 6 else 1700, 1100 if lines <= 6 else 2200), paper)
    draw = ImageDraw.Draw(page)
    for i in range(lines):
        draw.text((90, 100 + i * spacing), LINES[i % len(LINES)], font=font, fill=ink)
    return page


def found(text):
    return [w for w in WORDS if w in text]


def read(path, *args):
    # Regressions of Tesseract's path and its steps: under --engine auto some of these pages
    # (grey and inverted, or sideways and so scattered-looking) go to the detector instead,
    # whose own tests are in test_dnn_engine.py.
    result = run(["-q", "--engine", "tesseract", *args, str(path)])
    assert result.returncode == 0, result.err
    return result.pages[0]


def steps(page, name):
    return [s for s in page["preprocess"] if s["step"] == name]


@pytest.mark.parametrize("paper", [50, 30])
def test_dark_page_keeps_its_text(tmp_path, paper):
    path = tmp_path / "dark.png"
    render_page(paper=paper).save(path)
    page = read(path)
    assert found(page["text"]) == WORDS, page["text"]
    assert not any(s["applied"] for s in steps(page, "border")), page["preprocess"]


@pytest.mark.parametrize("suffix", ["png", "gif"])
def test_palette_light_on_dark_page_keeps_its_text(tmp_path, suffix):
    path = tmp_path / f"palette.{suffix}"
    render_page(paper=20, ink=235).convert("P", palette=Image.ADAPTIVE, colors=16).save(path)
    page = read(path)
    assert steps(page, "invert")[0]["applied"]
    assert found(page["text"]) == WORDS, page["text"]


def test_sideways_page_is_read_in_the_mode_of_the_turned_page(tmp_path):
    # Lines 90 pixels apart: upright the text fills its block (about 0.5), sideways the
    # columns of letters look scattered (under 0.25).
    font = ImageFont.truetype(FONTS + "DejaVuSerif.ttf", 36)
    upright = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(upright)
    for i in range(22):
        draw.text((100, 100 + i * 90), LINES[i % len(LINES)], font=font, fill=0)
    upright.save(tmp_path / "upright.png", dpi=(300, 300))
    upright.rotate(90, expand=True).save(tmp_path / "sideways.png", dpi=(300, 300))
    page = read(tmp_path / "sideways.png")
    assert page["rotation"] == 90
    assert steps(page, "classify")[0]["line_fill"] < 0.25  # as measured across the columns
    assert "psm" not in page, page["preprocess"]
    redecided = steps(page, "sparse")[-1]
    assert not redecided["applied"] and redecided["line_fill"] >= 0.25, page["preprocess"]
    # Sparse-text mode would put a blank line after every line.
    plain = read(tmp_path / "upright.png", "--preprocess", "none")
    assert page["text"].count("\n\n") <= plain["text"].count("\n\n") + 2, page["text"]
    assert len(found(page["text"])) == len(WORDS)


CAPS = ["NO ONIONS", "NOON SWIMS", "SOLD OUT", "HOT SOUP", "OPEN NOW", "SIX DOSES", "MIND HOW"]
CAPS_FONTS = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Bold.ttf",
              "DejaVuSerifCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"]


def test_short_all_caps_lines_are_never_turned(tmp_path):
    # Tight 1-bit crops of two short words in capitals, which read about as well upside down.
    for k, name in enumerate(CAPS_FONTS):
        for size in (14, 20):
            font = ImageFont.truetype(FONTS + name, size)
            for words in CAPS:
                left, top, right, bottom = font.getbbox(words)
                image = Image.new("L", (right - left + 8, bottom - top + 8), 255)
                ImageDraw.Draw(image).text((4 - left, 4 - top), words, font=font, fill=0)
                image.convert("1").save(tmp_path / f"{k}-{size}-{words.replace(' ', '_')}.png")
    auto = run(["-q", "-j", "2", tmp_path])
    plain = run(["-q", "-j", "2", "--preprocess", "none", tmp_path])
    assert auto.returncode == 0 and plain.returncode == 0
    plain_text = {p["source"]: p["text"] for p in plain.pages}
    assert len(auto.pages) == len(CAPS_FONTS) * 2 * len(CAPS)
    for page in auto.pages:
        assert page["rotation"] == 0, (page["source"], page["text"], page["preprocess"])
        assert not page["blank"], page["source"]
        assert page["text"] == plain_text[page["source"]], page["source"]


def test_upside_down_line_of_running_text_is_still_turned(tmp_path):
    # The stronger evidence a line needs is there when the line really is upside down.
    font = ImageFont.truetype(FONTS + "DejaVuSerif.ttf", 22)
    text = "have reacted to form a single spinel phase."
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right - left + 16, bottom - top + 12), 255)
    ImageDraw.Draw(image).text((8 - left, 6 - top), text, font=font, fill=0)
    path = tmp_path / "upside-down.png"
    image.rotate(180).convert("1").save(path)
    page = read(path)
    assert page["rotation"] == 180, page["preprocess"]
    assert "spinel phase" in page["text"]


def test_faint_word_crop_is_not_called_blank(tmp_path):
    # A light word on a grey sign, as camera word crops come.
    path = tmp_path / "crop.png"
    font = ImageFont.truetype(FONTS + "DejaVuSans-Bold.ttf", 26)
    image = Image.new("L", (110, 40), 125)
    ImageDraw.Draw(image).text((6, 4), "UNDER", font=font, fill=180)
    image.save(path)
    plain = read(path, "--preprocess", "none")
    assert "UNDER" in plain["text"]
    page = read(path)
    assert page["blank"] is False
    assert "UNDER" in page["text"], page["preprocess"]
