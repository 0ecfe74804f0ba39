"""The layout tree of every page record: --detail layout's shape, boxes in source pixels after
the steps changed the image, --detail line|word as views of the tree, the DNN path's tree, and
the tree replayed from the ledger."""

from PIL import Image, ImageDraw, ImageFont

from conftest import run

SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
PARAGRAPHS = [
    ["The harbour board met on Tuesday evening.",
     "It agreed to paint the lighthouse in spring.",
     "Volunteers will gather at the northern quay."],
    ["A second meeting is planned for the winter.",
     "Members asked for a report on the breakwater."],
]


def two_paragraphs(path, size=40, scale=1):
    """Two paragraphs far apart; returns the box of each word that occurs once, as PIL drew
    it."""
    font = ImageFont.truetype(SERIF, size * scale)
    img = Image.new("L", (1700 * scale, 1000 * scale), 255)
    d = ImageDraw.Draw(img)
    boxes, seen = {}, set()
    y = 80 * scale
    for lines in PARAGRAPHS:
        for line in lines:
            d.text((90 * scale, y), line, font=font, fill=0)
            words = line.split()
            for i, word in enumerate(words):
                prefix = " ".join(words[:i]) + (" " if i else "")
                left = 90 * scale + d.textlength(prefix, font=font)
                boxes[word] = (left, y, left + d.textlength(word, font=font), y + size * scale)
                if word in seen:
                    boxes.pop(word)
                seen.add(word)
            y += int(size * 1.6) * scale
        y += 4 * size * scale
    img.save(path, dpi=(300 // scale if scale > 1 else 300,) * 2)
    return boxes


def tree_lines(page):
    return [line for b in page["blocks"] for p in b["paragraphs"] for line in p["lines"]]


def inside(inner, outer, slack=0):
    ix, iy, iw, ih = inner
    ox, oy, ow, oh = outer
    return (ix >= ox - slack and iy >= oy - slack and ix + iw <= ox + ow + slack
            and iy + ih <= oy + oh + slack)


def check_shape(page, slack=0):
    """Every level has its keys in order, and every box lies within its parent's."""
    for block in page["blocks"]:
        assert list(block) == ["bbox", "confidence", "paragraphs"], block.keys()
        assert inside(block["bbox"], (0, 0, page["width"], page["height"]))
        assert block["paragraphs"]
        for paragraph in block["paragraphs"]:
            assert list(paragraph) == ["bbox", "confidence", "lines"]
            assert inside(paragraph["bbox"], block["bbox"], slack), (paragraph, block["bbox"])
            assert paragraph["lines"]
            for line in paragraph["lines"]:
                assert list(line) == ["bbox", "confidence", "baseline", "words"]
                assert inside(line["bbox"], paragraph["bbox"], slack)
                assert 0 <= line["confidence"] <= 100
                assert len(line["baseline"]) == 4 and all(isinstance(v, int) for v in line["baseline"])
                assert line["words"]
                for word in line["words"]:
                    assert list(word) == ["text", "confidence", "bbox", "baseline"]
                    assert word["text"]
                    assert inside(word["bbox"], line["bbox"], slack), (word, line["bbox"])


def test_detail_layout_gives_the_tree_of_a_two_paragraph_page(tmp_path):
    path = tmp_path / "two.png"
    two_paragraphs(path)
    result = run(["-q", "--detail", "layout", path])
    assert result.returncode == 0, result.err
    page = result.pages[0]
    assert "words" not in page and "lines" not in page
    check_shape(page)
    assert sum(len(b["paragraphs"]) for b in page["blocks"]) == 2, page["blocks"]
    lines = tree_lines(page)
    assert [" ".join(w["text"] for w in line["words"]) for line in lines] == \
        [line for lines in PARAGRAPHS for line in lines]
    assert sum(len(line["words"]) for line in lines) == page["word_count"]
    for line in lines:
        x1, y1, x2, y2 = line["baseline"]
        lx, ly, lw, lh = line["bbox"]
        assert lx - 2 <= x1 < x2 <= lx + lw + 2 and ly + lh / 2 < y1 <= ly + lh, line

    # --detail word and line are the tree's words and lines, as they always were.
    words = run(["-q", "--detail", "word", path]).pages[0]["words"]
    assert words == [{k: w[k] for k in ("text", "confidence", "bbox")}
                     for line in lines for w in line["words"]]
    by_line = run(["-q", "--detail", "line", path]).pages[0]["lines"]
    assert [item["text"] for item in by_line] == [line for lines in PARAGRAPHS for line in lines]
    assert [item["bbox"] for item in by_line] == [line["bbox"] for line in lines]

    # CSV has no room for a tree: its rows are the words.
    layout_csv = run(["-q", "-f", "csv", "--detail", "layout", path]).out
    assert layout_csv == run(["-q", "-f", "csv", "--detail", "word", path]).out


def test_tree_boxes_are_in_source_pixels_after_scaling(tmp_path):
    # Text too small for Tesseract: the scale step enlarges the page, and every box of the tree
    # comes back to the small image.
    path = tmp_path / "small.png"
    boxes = two_paragraphs(path, size=14)
    result = run(["-q", "--detail", "layout", path])
    assert result.returncode == 0, result.err
    page = result.pages[0]
    assert page.get("scale", 1) > 1.3, page
    check_shape(page)
    hits = 0
    for line in tree_lines(page):
        for word in line["words"]:
            box = boxes.get(word["text"])
            if not box:
                continue
            x0, y0, x1, y1 = box
            bx, by, bw, bh = word["bbox"]
            assert abs(bx - x0) <= 3 and abs(bx + bw - x1) <= 3, (word, box)
            assert y0 - 3 <= by and by + bh <= y1 + 6, (word, box)
            wx1, wy1, wx2, wy2 = word["baseline"]
            assert abs(wx1 - bx) <= 1 and abs(wx2 - (bx + bw)) <= 1, word
            hits += 1
    assert hits >= 20, page["text"]


ROWS = [("Invoice", "40417"), ("Customer", "Harbour Timber"), ("Street", "Quay Lane"),
        ("City", "Portsmouth"), ("Total", "1280.50"), ("Paid", "Tuesday")]


def form(path):
    font = ImageFont.truetype(BOLD, 26)
    img = Image.new("L", (900, 620), 245)
    d = ImageDraw.Draw(img)
    for i, (label, value) in enumerate(ROWS):
        d.text((60, 50 + i * 90), label + ":", font=font, fill=20)
        d.text((420, 50 + i * 90), value, font=font, fill=20)
    img.save(path)


def test_the_detector_fills_the_same_tree_on_a_form(tmp_path):
    path = tmp_path / "form.png"
    form(path)
    for reader in ("ppocr", "tesseract"):
        result = run(["-q", "--engine", "dnn", "--recognizer", reader, "--detail", "layout", path])
        assert result.returncode == 0, result.err
        page = result.pages[0]
        assert page["engine"] == {"layout": "dnn", "recognizer": reader}
        check_shape(page, slack=4)
        lines = tree_lines(page)
        texts = [" ".join(w["text"] for w in line["words"]) for line in lines]
        assert texts == [line for line in page["text"].splitlines() if line.strip()], (reader, texts)
        assert len(" ".join(texts).split()) >= 10, (reader, texts)
        for block in page["blocks"]:
            assert len(block["paragraphs"]) == 1
        for line in lines:
            x1, y1, x2, y2 = line["baseline"]
            lx, ly, lw, lh = line["bbox"]
            assert x1 < x2 and ly + lh / 2 < y1 <= ly + lh and ly + lh / 2 < y2 <= ly + lh, \
                (reader, line)
            for word in line["words"]:
                wx1, wy1, wx2, wy2 = word["baseline"]
                bx, by, bw, bh = word["bbox"]
                assert wx1 < wx2 and by + bh / 2 < wy1 <= by + bh + 1, (reader, word)
        # --detail word lists the same words.
        words = run(["-q", "--engine", "dnn", "--recognizer", reader, "--detail", "word",
                     path]).pages[0]["words"]
        assert words == [{k: w[k] for k in ("text", "confidence", "bbox")}
                         for line in lines for w in line["words"]], reader


def test_the_tree_is_replayed_from_the_ledger_as_it_was(tmp_path):
    path = tmp_path / "two.png"
    two_paragraphs(path)
    ledger = tmp_path / "ledger.db"
    first = run(["-q", "--detail", "layout", "--ledger", ledger, path])
    assert first.returncode == 0, first.err
    again = run(["-q", "--detail", "layout", "--ledger", ledger, "--emit", "all", path])
    assert again.returncode == 0, again.err
    # Replayed, not read again: the remembered record keeps its time.
    assert again.pages[0]["duration_ms"] == first.pages[0]["duration_ms"]
    assert again.pages[0]["blocks"] == first.pages[0]["blocks"]
    assert again.pages[0]["text"] == first.pages[0]["text"]
