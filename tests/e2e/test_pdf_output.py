"""Issue 10, -f pdf: one searchable PDF of the run's pages, each the source image (a JPEG as it
is, everything else lossless) under an invisible text layer on the record's words."""

import io
import re
import subprocess

import pikepdf
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from conftest import run

FAST = ["--preprocess", "none", "-j", "2", "--progress", "none"]


def text_image(words, mode="L", size=(900, 200), dpi=200):
    font = ImageFont.truetype("DejaVuSans.ttf", 40)
    im = Image.new("L", size, 255)
    ImageDraw.Draw(im).text((30, 60), " ".join(words), fill=0, font=font)
    if mode == "RGB":
        # Colour that survives: a red rule under the text.
        im = im.convert("RGB")
        ImageDraw.Draw(im).rectangle((30, 150, 600, 160), fill=(200, 30, 30))
    elif mode == "1":
        im = im.point(lambda v: 255 if v > 128 else 0).convert("1")
    elif mode == "CMYK":
        im = im.convert("CMYK")
    return im, dpi


def save(im_dpi, path, fmt, **kw):
    im, dpi = im_dpi
    im.save(path, fmt, dpi=(dpi, dpi), **kw)
    return path


def write_pdf(tmp_path, inputs, extra=()):
    r = run(FAST + ["-f", "pdf", *extra, *inputs], cwd=tmp_path)
    out = tmp_path / "out.pdf"
    out.write_bytes(r.stdout)
    return r, out


def qpdf_check(path):
    p = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "No syntax or stream encoding errors" in p.stdout, p.stdout


def page_image(pdf, index):
    images = list(pdf.pages[index].images.values())
    assert len(images) == 1
    return images[0]


def test_a_run_is_one_pdf_of_its_pages_that_passes_qpdf_check(tmp_path):
    names = []
    for i, words in enumerate([["Invoice", "Harbour"], ["Ledger", "Mountain"], ["Gamma"]]):
        names.append(save(text_image(words), tmp_path / f"p{i}.png", "PNG").name)
    r, out = write_pdf(tmp_path, names)
    assert r.returncode == 0, r.err
    qpdf_check(out)
    pdf = pikepdf.open(out)
    assert len(pdf.pages) == 3
    # 900 x 200 pixels at 200 dpi: 324 x 72 points.
    assert [float(v) for v in pdf.pages[0].mediabox] == [0, 0, 324, 72]


@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_a_jpeg_is_embedded_as_is(tmp_path, mode):
    path = save(text_image(["Invoice"], mode), tmp_path / "scan.jpg", "JPEG", quality=85,
                progressive=mode == "RGB")
    r, out = write_pdf(tmp_path, ["scan.jpg"])
    assert r.returncode == 0, r.err
    image = page_image(pikepdf.open(out), 0)
    assert image.Filter == "/DCTDecode"
    assert image.read_raw_bytes() == path.read_bytes()


def test_a_cmyk_jpeg_is_recompressed_losslessly_from_its_decoded_pixels(tmp_path):
    save(text_image(["Invoice"], "CMYK"), tmp_path / "cmyk.jpg", "JPEG", quality=90)
    r, out = write_pdf(tmp_path, ["cmyk.jpg"])
    assert r.returncode == 0, r.err
    qpdf_check(out)
    image = page_image(pikepdf.open(out), 0)
    assert image.Filter == "/FlateDecode"
    assert image.ColorSpace == "/DeviceRGB"


@pytest.mark.parametrize("mode,fmt,name", [("L", "PNG", "grey.png"), ("RGB", "PNG", "rgb.png"),
                                           ("1", "TIFF", "fax.tif")])
def test_a_png_or_bilevel_tiff_is_embedded_losslessly(tmp_path, mode, fmt, name):
    kw = {"compression": "group4"} if fmt == "TIFF" else {}
    path = save(text_image(["Invoice", "Harbour"], mode), tmp_path / name, fmt, **kw)
    r, out = write_pdf(tmp_path, [name])
    assert r.returncode == 0, r.err
    qpdf_check(out)
    embedded = pikepdf.PdfImage(page_image(pikepdf.open(out), 0))
    if mode == "1":
        assert embedded.obj.Filter == "/CCITTFaxDecode"
    decoded = embedded.as_pil_image()
    source = Image.open(path)
    assert decoded.size == source.size
    want = source.convert("RGB" if mode == "RGB" else "L")
    assert ImageChops.difference(want, decoded.convert(want.mode)).getbbox() is None


def test_pages_of_a_pdf_input_are_their_rendered_raster(tmp_path):
    im = text_image(["Ledger"])[0]
    buf = io.BytesIO()
    im.save(buf, "PDF", resolution=100)
    (tmp_path / "in.pdf").write_bytes(buf.getvalue())
    r, out = write_pdf(tmp_path, ["in.pdf"], ["--pdf-dpi", "150"])
    assert r.returncode == 0, r.err
    pdf = pikepdf.open(out)
    image = page_image(pdf, 0)
    # 9 x 2 inches at 150 dpi, on a page of the input's size.
    assert (int(image.Width), int(image.Height)) == (1350, 300)
    assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 648, 144]


def test_an_errored_input_has_no_page_and_the_document_still_closes(tmp_path):
    save(text_image(["Invoice"]), tmp_path / "good.png", "PNG")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    r, out = write_pdf(tmp_path, ["broken.png", "good.png"])
    assert r.returncode != 0  # the run had an error, and says so
    qpdf_check(out)
    assert len(pikepdf.open(out).pages) == 1


def test_a_run_without_a_page_writes_nothing_and_says_so(tmp_path):
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    r = run(FAST + ["-f", "pdf", "broken.png"], cwd=tmp_path)
    assert r.stdout == b""
    assert "no page was read, so no PDF was written" in r.err


def test_pdf_a_writes_pdfa_2b_identification_and_an_output_intent(tmp_path):
    save(text_image(["Invoice"], "RGB"), tmp_path / "p.png", "PNG")
    r, out = write_pdf(tmp_path, ["p.png"], ["--pdf-a"])
    assert r.returncode == 0, r.err
    qpdf_check(out)
    pdf = pikepdf.open(out)
    assert pdf.open_metadata().pdfa_status == "2B"
    assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
    assert pdf.pdf_version == "1.7"


def test_pdf_a_applies_only_to_pdf_output(tmp_path):
    r = run(FAST + ["--pdf-a", "x.png"], cwd=tmp_path)
    assert r.returncode == 2
    assert "--pdf-a applies only to -f pdf" in r.err


def pdftotext_words(path):
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [(m[4], *map(float, m[0:4])) for m in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html)]


def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    area = lambda r: (r[2] - r[0]) * (r[3] - r[1])  # noqa: E731
    return inter / (area(a) + area(b) - inter)


def test_the_text_layer_falls_on_the_words_of_the_record(tmp_path):
    save(text_image(["Invoice", "Harbour", "Mountain"], dpi=300), tmp_path / "p.png", "PNG")
    r, out = write_pdf(tmp_path, ["p.png"])
    assert r.returncode == 0, r.err
    found = pdftotext_words(out)
    assert found, "the text layer is empty"
    words = run(FAST + ["--detail", "word", "p.png"], cwd=tmp_path).pages[0]["words"]
    assert [w[0] for w in found] == [w["text"] for w in words]
    scale = 72 / 300
    good = 0
    for (text, *box), w in zip(found, words):
        x, y, bw, bh = w["bbox"] if isinstance(w["bbox"], list) else (
            w["bbox"]["x"], w["bbox"]["y"], w["bbox"]["w"], w["bbox"]["h"])
        good += iou(box, [x * scale, y * scale, (x + bw) * scale, (y + bh) * scale]) > 0.5
    assert good >= 0.8 * len(words), (found, words)


def test_a_page_replayed_from_the_ledger_keeps_its_page_without_an_image(tmp_path):
    save(text_image(["Invoice"]), tmp_path / "p.png", "PNG")
    first = run(FAST + ["-f", "pdf", "--ledger", "l.db", "p.png"], cwd=tmp_path)
    assert first.returncode == 0, first.err
    again, out = write_pdf(tmp_path, ["--ledger", "l.db", "--emit", "all", "p.png"])
    assert again.returncode == 0, again.err
    qpdf_check(out)
    pdf = pikepdf.open(out)
    assert len(pdf.pages) == 1
    assert not list(pdf.pages[0].images)  # the ledger keeps results, not pixels
    assert [float(v) for v in pdf.pages[0].mediabox] == [0, 0, 324, 72]


def test_a_pdf_page_kept_from_its_text_layer_still_shows_its_page(tmp_path):
    # A searchable PDF as input: its words are taken as they are (no OCR), and the PDF written
    # from it shows the page rendered, under the same words.
    save(text_image(["Invoice", "Harbour"], dpi=300), tmp_path / "p.png", "PNG")
    r, first = write_pdf(tmp_path, ["p.png"])
    assert r.returncode == 0, r.err
    (tmp_path / "first.pdf").write_bytes(first.read_bytes())
    again = run(FAST + ["-f", "pdf", "first.pdf"], cwd=tmp_path)
    assert again.returncode == 0, again.err
    out = tmp_path / "second.pdf"
    out.write_bytes(again.stdout)
    qpdf_check(out)
    pdf = pikepdf.open(out)
    images = list(pdf.pages[0].images.values())
    assert len(images) == 1
    assert int(images[0].Width) > 0 and int(images[0].Height) > 0
    assert [w[0] for w in pdftotext_words(out)] == [w[0] for w in pdftotext_words(first)]
    record = run(FAST + ["first.pdf"], cwd=tmp_path).pages[0]
    assert record["text_source"] == "pdf"
