"""Regressions in reading inputs: lists, long paths, archives, animated GIFs, multi-page TIFFs
and the names ocrbatch writes given back to it as inputs."""

import io
import os
import subprocess

from conftest import BIN, assert_error_record, run


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
