"""Issue 10, PDF input: a PDF is a multi-page input like a TIFF, read through poppler, with its
own error code for an encrypted file and the page limits checked before rendering."""

import io
import zipfile

import pikepdf
from PIL import Image, ImageDraw, ImageFont

from conftest import assert_error_record, assert_summary, assert_words, copy_sample, run

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
        # auto: 300 dpi, so the 6-inch-wide page is 1800 pixels wide
        assert (page["width"], page["height"], page["dpi"]) == (1800, 400, 300), page
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
