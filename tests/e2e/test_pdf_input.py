"""Issue 10, PDF input: a PDF is a multi-page input like a TIFF, read through poppler, with its
own error code for an encrypted file and the page limits checked before rendering."""

import io
import re
import resource
import subprocess
import time
import zipfile

import pikepdf
from PIL import Image, ImageDraw, ImageFont

from conftest import (TESSERACT_PATH, assert_error_record, assert_summary, assert_words,
                      copy_sample, run)

FAST = ["--preprocess", "none", "-j", "2", "--progress", "none"]
WORDS = [["Invoice", "Harbour"], ["Ledger", "Mountain"]]


def text_pdf(pages=WORDS):
    """A PDF of rendered text, one page per word list, as a scanner would write it."""
    font = ImageFont.truetype("DejaVuSans.ttf", 40)
    images = []
    for words in pages:
        im = Image.new("L", (900, 200), 255)
        ImageDraw.Draw(im).text((30, 60), " ".join(words), fill=0, font=font)
        images.append(im)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return out.getvalue()


def blank_pdf(path, pages=1, mediabox=(0, 0, 612, 792)):
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=mediabox[2:])
    for page in pdf.pages:
        page.mediabox = pikepdf.Array(mediabox)
    pdf.save(path)


def test_a_two_page_pdf_gives_a_record_per_page_with_its_text(tmp_path):
    (tmp_path / "x.pdf").write_bytes(text_pdf())
    r = run(FAST + ["x.pdf"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [(p["source"], p["page"], p["pages"]) for p in r.pages] == [("x.pdf", 1, 2),
                                                                        ("x.pdf", 2, 2)]
    for page, words in zip(r.pages, WORDS):
        assert_words(page["text"], words, f"page {page['page']}")
        # auto: the scan's own 150 dpi, so the 6-inch-wide page is 900 pixels wide
        assert (page["width"], page["height"], page["dpi"]) == (900, 200, 150), page
    assert_summary(r.summary, pages=2, errors=0, skipped=0)


def test_a_pdf_page_name_and_pdf_dpi_pick_one_page_at_that_resolution(tmp_path):
    (tmp_path / "x.pdf").write_bytes(text_pdf())
    r = run(FAST + ["--pdf-dpi", "150", "x.pdf#2"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [(p["source"], p["page"], p["width"], p["dpi"]) for p in r.pages] == [
        ("x.pdf", 2, 900, 150)]
    assert_words(r.pages[0]["text"], WORDS[1])


def test_a_rerun_at_another_pdf_dpi_reads_the_pages_again(tmp_path):
    (tmp_path / "x.pdf").write_bytes(text_pdf())
    ledger = ["--ledger", "l.db", "--emit", "all"]
    first = run(FAST + ledger + ["x.pdf"], cwd=tmp_path)
    assert first.returncode == 0, first.describe()
    again = run(FAST + ledger + ["x.pdf"], cwd=tmp_path)
    assert again.summary["cached"] == 2, again.summary
    other = run(FAST + ledger + ["--pdf-dpi", "150", "x.pdf"], cwd=tmp_path)
    assert other.returncode == 0, other.describe()
    assert other.summary["cached"] == 0, other.summary
    assert [p["width"] for p in other.pages] == [900, 900]


def test_pdf_dpi_must_be_auto_or_a_resolution(tmp_path):
    r = run(["--pdf-dpi", "fast", "x.pdf"], cwd=tmp_path)
    assert r.returncode == 2, r.describe()
    assert "--pdf-dpi" in r.err, r.err


def test_a_pdf_in_a_zip_and_on_stdin_is_read_by_its_content(tmp_path):
    pdf = text_pdf(WORDS[:1])
    with zipfile.ZipFile(tmp_path / "in.zip", "w") as z:
        z.writestr("scans/doc", pdf)  # no extension: recognised by content
    r = run(FAST + ["in.zip", "-"], cwd=tmp_path, input=pdf)
    assert r.returncode == 0, r.describe()
    assert [p["source"] for p in r.pages] == ["in.zip::scans/doc", "-"], r.describe()
    for page in r.pages:
        assert_words(page["text"], WORDS[0], page["source"])


def test_an_encrypted_pdf_is_an_encrypted_error(tmp_path):
    src = tmp_path / "plain.pdf"
    src.write_bytes(text_pdf(WORDS[:1]))
    with pikepdf.open(src) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(user="u", owner="o"))
    r = run(FAST + ["locked.pdf"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert len(r.errors) == 1, r.describe()
    assert_error_record(r.errors[0], "locked.pdf", "encrypted")
    assert_summary(r.summary, pages=0, errors=1, errors_by_code={"encrypted": 1})


def test_a_truncated_pdf_is_an_error_naming_it_and_the_batch_goes_on(samples, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "cut.pdf").write_bytes(text_pdf()[:60])
    copy_sample("letter.png", d / "letter.png")
    r = run(FAST + ["in"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert [p["source"] for p in r.pages] == ["in/letter.png"], r.describe()
    assert len(r.errors) == 1, r.describe()
    assert_error_record(r.errors[0], "in/cut.pdf", "decode_failed")
    assert "PDF" in r.errors[0]["error"]["message"], r.errors[0]


def test_a_huge_mediabox_is_too_large_before_it_is_rendered(tmp_path):
    blank_pdf(tmp_path / "huge.pdf", mediabox=(0, 0, 14400, 14400))  # 200 inches a side
    r = run(FAST + ["huge.pdf"], cwd=tmp_path, timeout=20)
    assert r.returncode == 1, r.describe()
    assert_error_record(r.errors[0], "huge.pdf", "too_large")
    assert "60000x60000" in r.errors[0]["error"]["message"], r.errors[0]


def test_max_pages_refuses_a_pdf_with_more_pages(tmp_path):
    blank_pdf(tmp_path / "many.pdf", pages=5)
    r = run(FAST + ["--max-pages", "4", "many.pdf"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert len(r.errors) == 1, r.describe()
    assert_error_record(r.errors[0], "many.pdf", "too_large")
    assert "--max-pages" in r.errors[0]["error"]["message"], r.errors[0]


# --- --pdf-dpi auto: the resolution of the page's largest image ---------------------------------

def scan_pdf(path, dpi, inches=(4, 2), words=("Harbour",)):
    """A one-page PDF holding one grey image scanned at `dpi`, filling the page."""
    font = ImageFont.truetype("DejaVuSans.ttf", max(8, dpi // 5))
    im = Image.new("L", (int(inches[0] * dpi), int(inches[1] * dpi)), 255)
    ImageDraw.Draw(im).text((dpi // 5, dpi // 2), " ".join(words), fill=0, font=font)
    im.save(path, "PDF", resolution=dpi)


def content_pdf(path, content, mediabox=(0, 0, 612, 792), image=None):
    """A one-page PDF with `content` as its content stream (Helvetica as /F1, and `image`, a PIL
    image, as /Im1 if given)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    if image is not None:
        grey = image.convert("L")
        stream = pdf.make_stream(grey.tobytes())
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        stream.Width, stream.Height = grey.width, grey.height
        stream.ColorSpace, stream.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        resources.XObject = pikepdf.Dictionary(Im1=stream)
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=list(mediabox),
                              Resources=resources, Contents=pdf.make_stream(content))
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)


def test_pdf_dpi_auto_renders_a_scan_at_the_resolution_of_its_image(tmp_path):
    scan_pdf(tmp_path / "a200.pdf", 200)
    scan_pdf(tmp_path / "a400.pdf", 400)
    r = run(FAST + ["a200.pdf", "a400.pdf"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert [(p["dpi"], p["width"], p["height"]) for p in r.pages] == [(200, 800, 400),
                                                                      (400, 1600, 800)]
    assert [p["text_source"] for p in r.pages] == ["ocr", "ocr"]


def test_pdf_dpi_auto_caps_a_1200_dpi_scan_at_600(tmp_path):
    scan_pdf(tmp_path / "fine.pdf", 1200, inches=(2, 1))
    r = run(FAST + ["fine.pdf"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert (r.pages[0]["dpi"], r.pages[0]["width"]) == (600, 1200), r.pages[0]


def test_pdf_dpi_auto_is_300_on_a_page_without_an_image(tmp_path):
    content_pdf(tmp_path / "vector.pdf", b"BT /F1 24 Tf 72 700 Td (Invoice Harbour) Tj ET")
    r = run(FAST + ["--pdf-text", "ocr", "vector.pdf"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert (r.pages[0]["dpi"], r.pages[0]["width"], r.pages[0]["height"]) == (300, 2550, 3300)
    assert_words(r.pages[0]["text"], ["Invoice", "Harbour"])


def test_pdf_dpi_auto_checks_the_size_against_max_pixels_before_rendering(tmp_path):
    scan_pdf(tmp_path / "a400.pdf", 400)  # 1600x800 at its own 400 dpi
    r = run(FAST + ["--max-pixels", "1000000", "a400.pdf"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert_error_record(r.errors[0], "a400.pdf", "too_large")
    assert "1600x800" in r.errors[0]["error"]["message"], r.errors[0]


# --- --timeout covers rendering ---------------------------------------------------------------

def slow_pdf(path, ops=1_000_000):
    """A page whose content is a million tiny filled rectangles: seconds to render or read."""
    content = b"".join(b"%d %d 1 1 re f\n" % (i % 600, (i // 600) % 780) for i in range(ops))
    content_pdf(path, content)


def test_a_page_that_renders_too_long_is_a_timeout_and_the_batch_goes_on(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    slow_pdf(d / "a_slow.pdf")
    word = Image.new("L", (300, 80), 255)  # read in well under the limit, even on a busy machine
    ImageDraw.Draw(word).text((10, 15), "Harbour", fill=0, font=ImageFont.truetype("DejaVuSans.ttf", 40))
    word.save(d / "b_word.png")
    for mode in (["--pdf-text", "ocr", "--pdf-dpi", "300"], []):  # the render; the reading pass
        start = time.monotonic()
        r = run(FAST + mode + ["--timeout", "1", "in"], cwd=tmp_path, timeout=60)
        took = time.monotonic() - start
        assert r.returncode == 1, r.describe()
        assert len(r.errors) == 1, r.describe()
        assert_error_record(r.errors[0], "in/a_slow.pdf", "timeout")
        assert "--timeout" in r.errors[0]["error"]["message"], r.errors[0]
        assert [p["source"] for p in r.pages] == ["in/b_word.png"], r.describe()
        assert took < 10, f"{mode}: {took:.1f} s"


# --- --pdf-text: the page's own text layer ------------------------------------------------------

BORN_DIGITAL = (b"BT /F1 24 Tf 72 700 Td (Invoice Harbour) Tj 0 -30 Td (Ledger Mountain) Tj ET "
                b"BT /F1 12 Tf 72 400 Td (Second block far below) Tj ET")


def pdftotext_words(path):
    """pdftotext -bbox's words: (text, xMin, yMin, xMax, yMax) in points."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True,
                         text=True).stdout
    return [(m.group(5), *map(float, m.group(1, 2, 3, 4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        out)]


def test_a_born_digital_pdf_is_read_from_its_text_layer_without_ocr(tmp_path):
    content_pdf(tmp_path / "digital.pdf", BORN_DIGITAL)
    r = run(FAST + ["--detail", "word", "digital.pdf"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    page = r.pages[0]
    assert page["text_source"] == "pdf", page
    assert page["engine"] == {"layout": "pdf", "recognizer": "pdf"}, page
    assert page["text"].split() == "Invoice Harbour Ledger Mountain Second block far below".split()
    assert (page["confidence"], page["word_count"]) == (100, 8), page
    assert page["duration_ms"] < 500, page  # no rendering, no OCR
    # Boxes: poppler's own words (pdftotext -bbox), at 300 dpi from the top-left corner.
    expected = pdftotext_words(tmp_path / "digital.pdf")
    assert [w["text"] for w in page["words"]] == [w[0] for w in expected]
    k = 300 / 72
    for word, (text, x0, y0, x1, y1) in zip(page["words"], expected):
        x, y, w, h = word["bbox"]
        assert abs(x - x0 * k) <= 2 and abs(y - y0 * k) <= 2, (word, text, x0, y0)
        assert abs(x + w - x1 * k) <= 2 and abs(y + h - y1 * k) <= 2, (word, text, x1, y1)
        assert word["confidence"] == 100


def test_pdf_text_ocr_reads_a_born_digital_pdf_by_ocr(tmp_path):
    content_pdf(tmp_path / "digital.pdf", BORN_DIGITAL)
    r = run(FAST + ["--pdf-text", "ocr", "digital.pdf"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert r.pages[0]["text_source"] == "ocr"
    assert r.pages[0]["engine"] == TESSERACT_PATH
    assert_words(r.pages[0]["text"], ["Invoice", "Harbour", "Ledger", "Mountain"])


def test_invisible_text_over_a_scan_counts_as_a_text_layer(tmp_path):
    # As OCRmyPDF writes it: the scan as an image, its words in text render mode 3 over it.
    im = Image.new("L", (1275, 1650), 255)  # 150 dpi
    ImageDraw.Draw(im).text((150, 150), "Invoice Harbour", fill=0,
                            font=ImageFont.truetype("DejaVuSans.ttf", 40))
    words = b" ".join(b"(%s) Tj 0 -14 Td" % b" ".join(b"w%d" % (10 * line + i) for i in range(10))
                      for line in range(30))
    content_pdf(tmp_path / "ocrd.pdf", b"q 612 0 0 792 0 0 cm /Im1 Do Q BT 3 Tr /F1 12 Tf 72 700 Td "
                + words + b" ET", image=im)
    r = run(FAST + ["ocrd.pdf"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert r.pages[0]["text_source"] == "pdf", r.pages[0]
    assert r.pages[0]["word_count"] == 300, r.pages[0]


def test_a_scan_with_a_few_words_of_text_is_ocred_under_auto(tmp_path):
    # A stamp: a full-page scan and three words of real text on it.
    im = Image.new("L", (1275, 1650), 255)
    ImageDraw.Draw(im).text((150, 150), "Invoice Harbour", fill=0,
                            font=ImageFont.truetype("DejaVuSans.ttf", 40))
    content_pdf(tmp_path / "stamped.pdf",
                b"q 612 0 0 792 0 0 cm /Im1 Do Q BT /F1 10 Tf 400 40 Td (RECEIVED 12 MAR) Tj ET",
                image=im)
    r = run(FAST + ["stamped.pdf"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    assert r.pages[0]["text_source"] == "ocr", r.pages[0]
    assert_words(r.pages[0]["text"], ["Invoice", "Harbour"])


def test_pdf_text_keep_gives_a_scanned_page_an_empty_record(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(text_pdf(WORDS[:1]))
    r = run(FAST + ["--pdf-text", "keep", "scan.pdf"], cwd=tmp_path)
    assert r.returncode == 0, r.describe()
    page = r.pages[0]
    assert (page["text"], page["word_count"], page["text_source"]) == ("", 0, "pdf"), page
    assert (page["width"], page["dpi"]) == (900, 150), page


def test_images_have_no_text_source(samples, tmp_path):
    copy_sample("letter.png", tmp_path / "letter.png")
    r = run(FAST + ["letter.png"], cwd=tmp_path)
    assert "text_source" not in r.pages[0], r.pages[0]


def test_a_rerun_with_another_pdf_text_reads_the_pages_again(tmp_path):
    content_pdf(tmp_path / "digital.pdf", BORN_DIGITAL)
    ledger = ["--ledger", "l.db", "--emit", "all"]
    first = run(FAST + ledger + ["digital.pdf"], cwd=tmp_path)
    assert first.pages[0]["text_source"] == "pdf", first.describe()
    again = run(FAST + ledger + ["digital.pdf"], cwd=tmp_path)
    assert again.summary["cached"] == 1 and again.pages[0]["text_source"] == "pdf"
    other = run(FAST + ledger + ["--pdf-text", "ocr", "digital.pdf"], cwd=tmp_path)
    assert other.summary["cached"] == 0 and other.pages[0]["text_source"] == "ocr"


# --- damaged PDFs keep their readable pages ---------------------------------------------------

FIVE = [["Invoice"], ["Harbour"], ["Ledger"], ["Mountain"], ["Window"]]


def test_a_pdf_cut_in_its_third_page_keeps_the_two_before_it(tmp_path):
    pdf = text_pdf(FIVE)  # PIL writes the page tree first, then each page's image, page, content
    cut = pdf.index(b"\n7 0 obj") + 400  # inside page 3's image
    (tmp_path / "cut.pdf").write_bytes(pdf[:cut])
    r = run(FAST + ["cut.pdf"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert [(p["page"], p["pages"]) for p in r.pages] == [(1, 5), (2, 5)], r.describe()
    for page, words in zip(r.pages, FIVE):
        assert_words(page["text"], words)
    assert len(r.errors) == 1, r.describe()
    assert_error_record(r.errors[0], "cut.pdf", "decode_failed")
    assert r.errors[0]["page"] == 3, r.errors[0]
    assert "pages 3-5 of 5" in r.errors[0]["error"]["message"], r.errors[0]
    assert [rec["type"] for rec in r.records[:-1]] == ["page", "page", "error"]


def test_a_page_tree_naming_a_missing_object_keeps_the_other_pages_in_place(tmp_path):
    pdf = text_pdf(FIVE)
    kids = re.search(rb"/Kids \[ ?(\d+) 0 R (\d+) 0 R (\d+) 0 R", pdf)
    broken = pdf[:kids.start(3)] + b"99" + pdf[kids.end(3):]  # page 3 names object 99
    (tmp_path / "hole.pdf").write_bytes(broken)
    r = run(FAST + ["hole.pdf"], cwd=tmp_path)
    assert r.returncode == 1, r.describe()
    assert [p["page"] for p in r.pages] == [1, 2, 4, 5], r.describe()
    for page in r.pages:
        assert_words(page["text"], FIVE[page["page"] - 1], f"page {page['page']}")
    assert len(r.errors) == 1, r.describe()
    assert r.errors[0]["page"] == 3 and "page 3 of 5" in r.errors[0]["error"]["message"]
    assert [rec.get("page") for rec in r.records[:-1]] == [1, 2, 3, 4, 5]


# --- hostile PDFs: an error or a bounded-time result, never a hang or a crash -----------------

def raw_pdf(objects):
    """A PDF of the given object bodies (numbered from 1, the catalog first), xref and all."""
    parts, offsets, size = [b"%PDF-1.4\n"], [], 9
    for i, body in enumerate(objects, 1):
        offsets.append(size)
        parts.append(b"%d 0 obj\n%s\nendobj\n" % (i, body))
        size += len(parts[-1])
    parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    parts += [b"%010d 00000 n \n" % o for o in offsets]
    parts.append(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, size))
    return b"".join(parts)


CONTENT = b"<< /Length 14 >>\nstream\n0 0 50 50 re f\nendstream"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R >>"


def test_a_page_tree_of_100000_pages_is_refused_by_max_pages_quickly(tmp_path):
    n = 100_000
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(n))
    (tmp_path / "bomb.pdf").write_bytes(raw_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            kids, n), CONTENT] + [PAGE] * n))
    start = time.monotonic()
    r = run(FAST + ["bomb.pdf"], cwd=tmp_path, timeout=60)
    took = time.monotonic() - start
    assert r.returncode == 1, r.describe()
    assert len(r.errors) == 1 and not r.pages, r.describe()
    assert_error_record(r.errors[0], "bomb.pdf", "too_large")
    assert "--max-pages" in r.errors[0]["error"]["message"], r.errors[0]
    assert took < 20, f"{took:.1f} s"
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1_000_000  # KiB


def test_a_pages_node_that_is_its_own_kid_ends(tmp_path):
    (tmp_path / "loop.pdf").write_bytes(raw_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 4 0 R] /Count 2 >>",
         CONTENT, PAGE]))
    r = run(FAST + ["loop.pdf"], cwd=tmp_path, timeout=30)
    assert r.returncode == 1, r.describe()
    assert [p["page"] for p in r.pages] == [1], r.describe()  # the one real page
    assert len(r.errors) == 1 and r.errors[0]["page"] == 2, r.describe()


def test_deeply_nested_pdf_objects_end_in_bounded_time(tmp_path):
    deep = b"[" * 10_000 + b"]" * 10_000
    (tmp_path / "deep_array.pdf").write_bytes(raw_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
         CONTENT, PAGE[:-2] + b" /Deep " + deep + b" >>"]))
    content = deep + b" pop 0 0 50 50 re f"
    (tmp_path / "deep_content.pdf").write_bytes(raw_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
         b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content), PAGE]))
    tree = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    tree += [b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (i + 3) for i in range(10_000)]
    tree += [b"<< /Type /Page /MediaBox [0 0 200 200] /Contents %d 0 R >>" % (len(tree) + 2),
             CONTENT]
    (tmp_path / "deep_tree.pdf").write_bytes(raw_pdf(tree))
    names = ["deep_array.pdf", "deep_content.pdf", "deep_tree.pdf"]
    r = run(FAST + names, cwd=tmp_path, timeout=60)
    assert r.returncode in (0, 1), r.describe()
    got = sorted({rec["source"] for rec in r.pages + r.errors})
    assert got == names, r.describe()
