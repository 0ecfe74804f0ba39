"""Regressions in reading inputs: lists, long paths, archives, animated GIFs, multi-page TIFFs
and the names ocrbatch writes given back to it as inputs."""

import io
import json
import os
import subprocess

import pytest

from conftest import BIN, assert_error_record, run, stderr_error_line


def test_list_file_that_is_a_folder_gives_read_failed(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    result = run(["--preprocess", "none", "--files-from", folder])
    assert result.returncode == 1, result.describe()
    assert len(result.errors) == 1, result.describe()
    assert_error_record(result.errors[0], str(folder), "read_failed")


def test_list_on_stdin_that_is_a_folder_gives_read_failed(tmp_path):
    folder = os.open(tmp_path, os.O_RDONLY)
    try:
        proc = subprocess.run([str(BIN), "--files-from", "-"], stdin=folder,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(folder)
    assert proc.returncode == 1, proc.stderr
    assert b'"source":"-","error":{"code":"read_failed"' in proc.stdout, proc.stdout


def _text_png(text="Hello regression", size=(900, 200)):
    from PIL import Image, ImageDraw, ImageFont
    img = Image.new("L", size, 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 48)
    ImageDraw.Draw(img).text((20, 60), text, fill=0, font=font)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def test_image_deeper_than_path_max_in_a_walk_is_read(tmp_path):
    # 20 folders of 220 characters: the image's path is over 4400 bytes, past PATH_MAX, so
    # only a walk that opens each entry relative to its folder can read it.
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        for level in range(20):
            name = f"{level:02d}" + "d" * 218
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        out = os.open("page.png", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, _text_png())
        os.close(out)
    finally:
        os.close(fd)
    result = run(["--preprocess", "none", "-j", "1", tmp_path])
    assert result.returncode == 0, result.describe()
    assert len(result.pages) == 1, result.describe()
    assert len(result.pages[0]["source"]) > 4096
    assert result.pages[0]["source"].endswith("/page.png")
    assert "regression" in result.pages[0]["text"]


def _gif_frames(data):
    """The end of the header and colour table, and (start, end) of each frame with the
    extensions before it."""
    pos = 13
    if data[10] & 0x80:
        pos += 3 * (2 << (data[10] & 7))
    head_end, frames, start = pos, [], pos
    while data[pos] in (0x21, 0x2C):
        image = data[pos] == 0x2C
        if image:
            flags = data[pos + 9]
            pos += 10 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0) + 1
        else:
            pos += 2
        while data[pos]:
            pos += 1 + data[pos]
        pos += 1
        if image:
            frames.append((start, pos))
            start = pos
    return head_end, frames


def animated_gif(first, later, count):
    """A GIF of `first` then count-1 copies of `later` (PIL images of one size), assembled
    block by block so that no encoder merges the identical frames."""
    def single(img):
        out = io.BytesIO()
        img.convert("L").convert("P").save(out, "GIF")  # the same grey palette for both
        return out.getvalue()
    a, b = single(first), single(later)
    head_end, frames_a = _gif_frames(a)
    _, frames_b = _gif_frames(b)
    frame_a, frame_b = a[slice(*frames_a[0])], b[slice(*frames_b[0])]
    return a[:head_end] + frame_a + frame_b * (count - 1) + b";"


def run_capped(args, address_space, timeout=120):
    """Runs ocrbatch with its address space capped, so a decoder that holds what it should
    not fails instead of taking the machine's memory."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    proc = subprocess.run([str(BIN)] + [str(a) for a in args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, preexec_fn=limit)
    return proc


@pytest.mark.skipif("ASAN_OPTIONS" in os.environ,
                    reason="ASan reserves terabytes of address space: no cap fits under it")
def test_animated_gif_decodes_only_its_first_frame(tmp_path):
    # 1000 frames of 2000x2000 in a 4 MB file: 4 GB if every frame is decoded. Under a 1 GiB
    # cap the first frame is still read.
    from PIL import Image, ImageDraw, ImageFont
    first = Image.new("L", (2000, 2000), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 64)
    ImageDraw.Draw(first).text((100, 900), "Animated first frame", fill=0, font=font)
    gif = tmp_path / "anim.gif"
    gif.write_bytes(animated_gif(first, Image.new("L", (2000, 2000), 255), 1000))
    with Image.open(gif) as check:
        assert check.n_frames == 1000
    proc = run_capped(["--preprocess", "none", "-j", "1", gif], 1 << 30)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = json.loads(proc.stdout.splitlines()[0])
    assert page["type"] == "page", page
    assert (page["width"], page["height"]) == (2000, 2000)
    assert "Animated" in page["text"]


def test_many_page_tiff_costs_time_linear_in_its_pages(tmp_path):
    # 3000 blank 8x8 pages: each page walking the directories before it took ~50 s here.
    from PIL import Image
    pages = [Image.new("L", (8, 8), 255) for _ in range(3000)]
    tiff = tmp_path / "many.tif"
    pages[0].save(tiff, save_all=True, append_images=pages[1:])
    result = run(["-j", "2", "--max-pages", "5000", tiff], timeout=60)
    assert result.returncode == 0, result.describe()
    assert [p["page"] for p in result.pages] == list(range(1, 3001))
    assert {p["pages"] for p in result.pages} == {3000}
    if "ASAN_OPTIONS" not in os.environ:  # instrumented, every page is several times slower
        assert result.summary["elapsed_s"] < 15, result.summary


def _newc_cpio(entries):
    """An uncompressed cpio archive in the newc format, which starts with no magic a
    hand-written list of archive signatures knew."""
    out = b""
    for ino, (name, data) in enumerate(entries + [("TRAILER!!!", b"")], 1):
        raw_name = name.encode() + b"\0"
        fields = [ino, 0o100644, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(raw_name), 0]
        out += b"070701" + b"".join(b"%08X" % v for v in fields) + raw_name
        out += b"\0" * (-len(out) % 4) + data
        out += b"\0" * (-len(out) % 4)
    return out


def _v7_tar(name, data):
    """A tar archive whose header has no ustar magic, as Unix V7 wrote them."""
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    raw = bytearray(buf.getvalue())
    raw[257:265] = b"\0" * 8  # magic and version
    raw[148:156] = b" " * 8
    raw[148:156] = b"%06o\0 " % sum(raw[:512])
    return bytes(raw)


def test_uncompressed_cpio_and_v7_tar_are_read_as_archives(tmp_path):
    png = _text_png()
    (tmp_path / "named.cpio").write_bytes(_newc_cpio([("page.png", png)]))
    (tmp_path / "old.tar").write_bytes(_v7_tar("page.png", png))
    walked = tmp_path / "walked"
    walked.mkdir()
    (walked / "scans.cpio").write_bytes(_newc_cpio([("page.png", png)]))
    result = run(["--preprocess", "none", "-j", "1", "named.cpio", "old.tar", "walked"],
                 cwd=tmp_path)
    assert result.returncode == 0, result.describe()
    assert [p["source"] for p in result.pages] == [
        "named.cpio::page.png", "old.tar::page.png", "walked/scans.cpio::page.png"]
    assert all("regression" in p["text"] for p in result.pages)


# The names ocrbatch writes, given back to it as inputs.

@pytest.fixture
def named_inputs(tmp_path):
    import zipfile
    from PIL import Image
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.writestr("dir/page.png", _text_png("Zipped page"))
        z.writestr("dir/other.png", _text_png("Other page"))
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as z:
        z.writestr("inner.zip", (tmp_path / "a.zip").read_bytes())
    pages = [Image.open(io.BytesIO(_text_png(f"Page number {w}"))) for w in ("one", "two", "three")]
    pages[0].save(tmp_path / "doc.tif", save_all=True, append_images=pages[1:])
    return tmp_path


def test_archive_entry_name_reads_only_that_entry(named_inputs):
    result = run(["--preprocess", "none", "-j", "1", "--files-from", "-"],
                 input=b"a.zip::dir/page.png\n", cwd=named_inputs)
    assert result.returncode == 0, result.describe()
    assert [p["source"] for p in result.pages] == ["a.zip::dir/page.png"]
    assert "Zipped" in result.pages[0]["text"]
    assert result.summary["skipped"] == 0


def test_tiff_page_name_reads_only_that_page(named_inputs):
    result = run(["--preprocess", "none", "-j", "1", "doc.tif#3"], cwd=named_inputs)
    assert result.returncode == 0, result.describe()
    assert [(p["source"], p["page"], p["pages"]) for p in result.pages] == [("doc.tif", 3, 3)]
    assert "three" in result.pages[0]["text"]


@pytest.mark.parametrize("name,source,page", [
    ("a.zip::dir/missing.png", "a.zip::dir/missing.png", None),
    ("doc.tif#7", "doc.tif", 7),
    ("outer.zip::inner.zip::dir/page.png", "outer.zip::inner.zip::dir/page.png", None),
])
def test_missing_entry_or_page_is_not_found(named_inputs, name, source, page):
    result = run(["--preprocess", "none", "-j", "1", name], cwd=named_inputs)
    assert result.returncode == 1, result.describe()
    assert len(result.records) == 2, result.describe()
    assert_error_record(result.errors[0], source, "not_found")
    assert result.errors[0].get("page") == page
    stderr_error_line(result, name, "not_found")


def test_a_file_with_such_a_name_wins_over_the_parsed_form(named_inputs):
    (named_inputs / "doc.tif#2").write_bytes(_text_png("Literal name"))
    (named_inputs / "a.zip::dir").mkdir()
    (named_inputs / "a.zip::dir" / "page.png").write_bytes(_text_png("Folder beside"))
    result = run(["--preprocess", "none", "-j", "1", "doc.tif#2", "a.zip::dir/page.png"],
                 cwd=named_inputs)
    assert result.returncode == 0, result.describe()
    assert [(p["source"], p["page"]) for p in result.pages] == [
        ("doc.tif#2", 1), ("a.zip::dir/page.png", 1)]
    assert "Literal" in result.pages[0]["text"] and "Folder" in result.pages[1]["text"]


def test_failures_of_a_run_can_be_run_again_from_its_error_sources(named_inputs):
    import zipfile
    with zipfile.ZipFile(named_inputs / "b.zip", "w") as z:
        z.writestr("good.png", _text_png("Good entry"))
        z.writestr("broken.png", b"\x89PNG\r\n\x1a\n broken")
    first = run(["--preprocess", "none", "-j", "1", "b.zip", "doc.tif"], cwd=named_inputs)
    failed = [r["source"] for r in first.errors]
    assert failed == ["b.zip::broken.png"], first.describe()
    # jq -r 'select(.type=="error").source' | ocrbatch --files-from -
    again = run(["--preprocess", "none", "-j", "1", "--files-from", "-"],
                input="".join(s + "\n" for s in failed).encode(), cwd=named_inputs)
    assert [r["source"] for r in again.records[:-1]] == failed, again.describe()
    assert again.errors[0]["error"] == first.errors[0]["error"]


def _tar(entries, end_blocks=True):
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    if end_blocks:
        return raw
    return raw[:sum(512 + -(-len(data) // 512) * 512 for _, data in entries)]


def test_small_truncated_tar_gz_keeps_its_first_entry(tmp_path):
    import gzip
    import lzma
    tar = _tar([("one.png", _text_png("First entry")), ("noise.bin", os.urandom(5000)),
                ("two.png", _text_png("Second entry"))])
    for suffix, packed in (("tar.gz", gzip.compress(tar)), ("tar.xz", lzma.compress(tar))):
        (tmp_path / f"cut.{suffix}").write_bytes(packed[: len(packed) * 2 // 3])
    result = run(["--preprocess", "none", "-j", "1", "cut.tar.gz", "cut.tar.xz"], cwd=tmp_path)
    assert result.returncode == 1, result.describe()
    for suffix in ("tar.gz", "tar.xz"):
        mine = [r for r in result.records[:-1] if r["source"].startswith(f"cut.{suffix}")]
        assert mine[0]["type"] == "page" and mine[0]["source"] == f"cut.{suffix}::one.png", mine
        assert "First" in mine[0]["text"]
        assert mine[-1]["type"] == "error" and mine[-1]["error"]["code"] == "archive_corrupt"
        assert "truncated" in mine[-1]["error"]["message"], mine[-1]


def test_compressed_tar_cut_between_entries_is_reported(tmp_path):
    # No end-of-archive blocks and no gzip trailer: the tar inside looks whole up to the cut.
    import gzip
    tar = _tar([("one.png", _text_png("First entry"))], end_blocks=False)
    (tmp_path / "cut.tar.gz").write_bytes(gzip.compress(tar)[:-8])
    result = run(["--preprocess", "none", "-j", "1", "cut.tar.gz"], cwd=tmp_path)
    assert [r["source"] for r in result.pages] == ["cut.tar.gz::one.png"], result.describe()
    assert_error_record(result.errors[-1], "cut.tar.gz", "archive_corrupt")
