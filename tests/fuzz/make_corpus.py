#!/usr/bin/python3
"""Writes the seed corpus for the fuzz targets in tests/fuzz.

    tests/fuzz/make_corpus.py OUTDIR

creates OUTDIR/decode (images: valid, truncated, empty, lying headers), OUTDIR/archive
(zip, tar, compressed tars: valid, truncated, hostile entries) and OUTDIR/dnn_input (text
images for the detector, the decode seeds, and fuzz_dnn_input.cc's map and quad programs) and
OUTDIR/pdf (the decode seeds' PDFs, text layers, images, damaged and hostile page trees). Everything is generated, so
nothing binary is committed and the output is the same on every run (fixed timestamps).
Needs Debian's python3 (PIL); the pyenv python3 on PATH has no PIL.
"""

import bz2
import gzip
import io
import lzma
import shutil
import struct
import sys
import tarfile
import zipfile
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

DATE = (2020, 1, 1, 0, 0, 0)


def page(w=64, h=48, mode="L", text="ab"):
    """A small white page with a black bar and a grey box: enough for every encoder."""
    bg = {"1": 1, "L": 255, "P": 0, "RGB": (255, 255, 255), "RGBA": (255, 255, 255, 255),
          "CMYK": (0, 0, 0, 0), "I;16": 65535, "LA": (255, 255)}[mode]
    im = Image.new(mode, (w, h), bg)
    d = ImageDraw.Draw(im)
    fg = {"1": 0, "L": 0, "P": 1, "RGB": (0, 0, 0), "RGBA": (0, 0, 0, 255),
          "CMYK": (0, 0, 0, 255), "I;16": 0, "LA": (0, 255)}[mode]
    d.rectangle([w // 8, h // 3, w - w // 8, h // 3 + 4], fill=fg)
    if mode not in ("1", "I;16"):
        d.text((2, 2), text, fill=fg)
    if mode == "P":
        im.putpalette([255, 255, 255, 0, 0, 0] + [128] * 762)
    return im


def encode(im, fmt, **kw):
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(w, h, depth=8, color=0):
    """A PNG whose IHDR declares w x h with one tiny (wrong-sized) IDAT: header-bomb shape."""
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) +
            png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) + png_chunk(b"IEND", b""))


def jpeg_declaring(w, h):
    """A valid small JPEG with its SOF0 dimensions patched to w x h."""
    data = bytearray(encode(page(), "JPEG", quality=50))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, h, w)
    return bytes(data)


def tiff_declaring(w, h):
    """A one-page uncompressed TIFF whose ImageWidth/ImageLength say w x h."""
    data = bytearray(encode(page(16, 16), "TIFF"))
    ifd = struct.unpack_from("<I", data, 4)[0]
    count = struct.unpack_from("<H", data, ifd)[0]
    for i in range(count):
        entry = ifd + 2 + 12 * i
        tag, typ = struct.unpack_from("<HH", data, entry)
        if tag in (256, 257):
            value = w if tag == 256 else h
            if typ == 3:  # SHORT
                struct.pack_into("<H", data, entry + 8, min(value, 0xFFFF))
            else:
                struct.pack_into("<I", data, entry + 8, value)
    return bytes(data)


def tiff_ifd_loop():
    """A TIFF whose first directory's next-IFD offset points back at itself."""
    data = bytearray(encode(page(16, 16), "TIFF"))
    ifd = struct.unpack_from("<I", data, 4)[0]
    count = struct.unpack_from("<H", data, ifd)[0]
    struct.pack_into("<I", data, ifd + 2 + 12 * count, ifd)
    return bytes(data)


def gif_declaring(w, h):
    data = bytearray(encode(page(16, 16, "P"), "GIF"))
    struct.pack_into("<HH", data, 6, w, h)  # logical screen
    desc = data.find(b"\x2c\x00\x00\x00\x00")
    if desc > 0:
        struct.pack_into("<HH", data, desc + 5, w, h)  # first frame
    return bytes(data)


def bmp_declaring(w, h):
    data = bytearray(encode(page(16, 16, "RGB"), "BMP"))
    struct.pack_into("<ii", data, 18, w, h)
    return bytes(data)


def tiff_big_endian(w, h):
    """An uncompressed 8-bit grey "MM" TIFF, written by hand: PIL only writes "II"."""
    tags = [(256, 3, w), (257, 3, h), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 0),
            (277, 3, 1), (278, 3, h), (279, 4, w * h)]
    data_at = 8 + 2 + 12 * len(tags) + 4
    ifd = struct.pack(">H", len(tags))
    for tag, typ, value in tags:
        value = data_at if tag == 273 else value
        packed = struct.pack(">HH", value, 0) if typ == 3 else struct.pack(">I", value)
        ifd += struct.pack(">HHI", tag, typ, 1) + packed
    return b"MM\0*" + struct.pack(">I", 8) + ifd + b"\0\0\0\0" + bytes(range(w * h))


def multipage_tiff(compression=None, modes=("L", "L", "L")):
    pages = [page(64 + 8 * i, 48, m) for i, m in enumerate(modes)]
    kw = {"save_all": True, "append_images": pages[1:]}
    if compression:
        kw["compression"] = compression
    return encode(pages[0], "TIFF", **kw)


def pdf(objects, root=1):
    """A PDF of the given object bodies (numbered from 1), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, xref)
    return bytes(out)


def pdf_pages(mediabox=b"[0 0 64 48]", count=1, kids=b"[3 0 R]"):
    content = b"0 0 32 24 re f"
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids %s /Count %d >>" % (kids, count),
                b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R >>" % mediabox,
                b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)])


def images():
    out = {}
    out["png_gray.png"] = encode(page(), "PNG")
    out["png_rgb.png"] = encode(page(mode="RGB"), "PNG")
    out["png_rgba.png"] = encode(page(mode="RGBA"), "PNG")
    out["png_palette.png"] = encode(page(mode="P"), "PNG")
    out["png_1bit.png"] = encode(page(mode="1"), "PNG")
    out["png_16bit.png"] = encode(page(mode="I;16"), "PNG")
    out["png_gray_alpha.png"] = encode(page(mode="LA"), "PNG")
    out["png_dpi.png"] = encode(page(), "PNG", dpi=(300, 300))
    out["jpeg_gray.jpg"] = encode(page(), "JPEG", quality=60)
    out["jpeg_rgb.jpg"] = encode(page(mode="RGB"), "JPEG", quality=60)
    out["jpeg_progressive.jpg"] = encode(page(mode="RGB"), "JPEG", quality=60, progressive=True)
    out["jpeg_cmyk.jpg"] = encode(page(mode="CMYK"), "JPEG", quality=60)
    out["jpeg_dpi.jpg"] = encode(page(), "JPEG", quality=60, dpi=(200, 200))
    out["tiff_3pages.tif"] = multipage_tiff()
    out["tiff_lzw_mixed.tif"] = multipage_tiff("tiff_lzw", ("L", "RGB", "P"))
    out["tiff_deflate.tif"] = multipage_tiff("tiff_adobe_deflate", ("RGB", "L"))
    out["tiff_packbits.tif"] = multipage_tiff("packbits", ("L", "1"))
    out["tiff_g4_6pages.tif"] = multipage_tiff("group4", ("1",) * 6)
    out["tiff_g3.tif"] = encode(page(mode="1"), "TIFF", compression="group3")
    out["tiff_jpeg.tif"] = encode(page(mode="RGB"), "TIFF", compression="jpeg")
    out["tiff_bigendian.tif"] = tiff_big_endian(8, 8)
    out["tiff_ifd_loop.tif"] = tiff_ifd_loop()
    out["tiff_no_directory.tif"] = b"II*\0\0\0\0\0"
    out["tiff_bad_ifd_offset.tif"] = b"II*\0\xff\xff\xff\x7f" + b"\0" * 32
    out["tiff_mm_header_only.tif"] = b"MM\0*\0\0\0\x08\0\0"
    out["bmp_rgb.bmp"] = encode(page(mode="RGB"), "BMP")
    out["bmp_palette.bmp"] = encode(page(mode="P"), "BMP")
    out["bmp_1bit.bmp"] = encode(page(mode="1"), "BMP")
    out["bmp_gray.bmp"] = encode(page(), "BMP")
    out["pnm_p4.pbm"] = encode(page(mode="1"), "PPM")
    out["pnm_p5.pgm"] = encode(page(), "PPM")
    out["pnm_p6.ppm"] = encode(page(mode="RGB"), "PPM")
    out["pnm_p1.pbm"] = b"P1\n# comment\n4 2\n0 1 0 1\n1 0 1 0\n"
    out["pnm_p2.pgm"] = b"P2\n3 2\n255\n0 128 255\n255 128 0\n"
    out["pnm_p3.ppm"] = b"P3\n2 1\n255\n255 0 0  0 0 255\n"
    out["pnm_p5_16bit.pgm"] = b"P5\n2 2\n65535\n" + b"\xff\xff\x00\x00\x80\x00\x00\x80"
    out["pnm_p7.pam"] = (b"P7\nWIDTH 2\nHEIGHT 2\nDEPTH 1\nMAXVAL 255\nTUPLTYPE GRAYSCALE\nENDHDR\n"
                         + b"\x00\xff\xff\x00")
    out["gif_static.gif"] = encode(page(mode="P"), "GIF")
    out["gif_interlaced.gif"] = encode(page(mode="P"), "GIF", interlace=True)
    frames = [page(mode="P", text=str(i)) for i in range(3)]
    out["gif_animated.gif"] = encode(frames[0], "GIF", save_all=True, append_images=frames[1:],
                                     duration=100, loop=0)
    out["webp_lossy.webp"] = encode(page(mode="RGB"), "WEBP", quality=50)
    out["webp_lossless.webp"] = encode(page(mode="RGB"), "WEBP", lossless=True)
    out["webp_alpha.webp"] = encode(page(mode="RGBA"), "WEBP", quality=50)
    out["jp2_file.jp2"] = encode(page(), "JPEG2000")
    out["jp2_codestream.j2k"] = encode(page(mode="RGB"), "JPEG2000", no_jp2=True)
    out["pdf_scan.pdf"] = encode(page(), "PDF", save_all=True, append_images=[page(text="cd")])
    out["pdf_vector.pdf"] = pdf_pages()

    # Truncated copies of every valid file: half, and just past the magic.
    for name, data in list(out.items()):
        if len(data) > 64:
            out["trunc_half_" + name] = data[: len(data) // 2]
            out["trunc_head_" + name] = data[:24]

    out["empty.png"] = b""
    out["magic_only.png"] = b"\x89PNG\r\n\x1a\n"
    out["magic_only.jpg"] = b"\xff\xd8\xff"
    out["magic_only.gif"] = b"GIF89a"
    out["magic_only.bmp"] = b"BM" + b"\0" * 12
    out["magic_only.webp"] = b"RIFF\0\0\0\0WEBP"
    # Headers declaring huge images: the decoder must refuse or fail, not allocate.
    out["huge_png_100000x100000.png"] = png_declaring(100000, 100000)
    out["huge_png_1bit_40000x40000.png"] = png_declaring(40000, 40000, depth=1)
    out["huge_png_0x0.png"] = png_declaring(0, 0)
    out["huge_jpeg_65000x65000.jpg"] = jpeg_declaring(65000, 65000)
    out["huge_jpeg_0x0.jpg"] = jpeg_declaring(0, 0)
    out["huge_tiff_100000x100000.tif"] = tiff_declaring(100000, 100000)
    out["huge_gif_65535x65535.gif"] = gif_declaring(65535, 65535)
    out["huge_bmp_100000x100000.bmp"] = bmp_declaring(100000, 100000)
    out["huge_bmp_negative.bmp"] = bmp_declaring(16, -2147483647)
    out["huge_pnm.pgm"] = b"P5\n100000 100000\n255\n" + b"\0" * 16
    out["pnm_bad_maxval.pgm"] = b"P5\n2 2\n0\n\0\0\0\0"
    # PDFs: a 200-inch page, a page count that lies, a page tree that contains itself.
    out["huge_pdf_mediabox.pdf"] = pdf_pages(mediabox=b"[0 0 14400 14400]")
    out["pdf_count_bomb.pdf"] = pdf_pages(count=100000000)
    out["pdf_recursive_tree.pdf"] = pdf_pages(kids=b"[2 0 R 3 0 R]", count=2)
    out["pdf_header_late.pdf"] = b" " * 900 + pdf_pages()
    return out


# ---------------------------------------------------------------------------- archives

def zinfo(name, compress=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, DATE)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


def make_zip(entries, compress=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            z.writestr(zinfo(name, compress), data)
    return buf.getvalue()


class Unseekable(io.RawIOBase):
    """Makes zipfile write streamed entries (data descriptors, sizes after the data)."""

    def __init__(self):
        self.buf = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.buf += b
        return len(b)


def make_streamed_zip(entries):
    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            with z.open(zinfo(name), "w") as f:
                f.write(data)
    return bytes(sink.buf)


def zip_symlink(name, target, png):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zinfo(name, zipfile.ZIP_STORED)
        info.create_system = 3  # Unix: external_attr carries st_mode
        info.external_attr = (0o120777 << 16)
        z.writestr(info, target)
        z.writestr(zinfo("after_link.png"), png)
    return buf.getvalue()


def set_zip_flag(data, bit):
    """Sets general-purpose flag `bit` in every local and central directory header."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        infos = z.infolist()
    for info in infos:
        off = info.header_offset  # local file header: flags at +6
        assert data[off:off + 4] == b"PK\x03\x04"
        data[off + 6] |= bit
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:  # central directory headers: flags at +8
        data[pos + 8] |= bit
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        pos = pos + 46 + name_len + extra_len + comment_len
        if data[pos:pos + 4] != b"PK\x01\x02":
            break
    return bytes(data)


def lie_about_size(data, declared):
    """Patches the local and central uncompressed sizes of the first entry."""
    data = bytearray(data)
    struct.pack_into("<I", data, 22, declared)
    cd = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, declared)
    return bytes(data)


def tinfo(name, size=0, kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.size, info.type, info.linkname = size, kind, linkname
    info.mtime, info.mode, info.uname, info.gname = 0, 0o644, "u", "g"
    return info


def make_tar(entries, fmt=tarfile.USTAR_FORMAT, compress=None):
    """entries: (name, bytes) for files, or a ready TarInfo (no data) for anything else."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for entry in entries:
            if isinstance(entry, tarfile.TarInfo):
                t.addfile(entry)
            else:
                name, data = entry
                t.addfile(tinfo(name, len(data)), io.BytesIO(data))
    raw = buf.getvalue()
    if compress == "gz":
        return gzip.compress(raw, mtime=0)
    if compress == "bz2":
        return bz2.compress(raw)
    if compress == "xz":
        return lzma.compress(raw)
    return raw


def cpio_newc(entries):
    """A minimal SVR4 'newc' cpio stream (libarchive reads it inside gzip)."""
    out = bytearray()

    def add(name, data, mode):
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out.extend(hdr.encode() + nb)
        out.extend(b"\0" * ((4 - len(out) % 4) % 4))
        out.extend(data)
        out.extend(b"\0" * ((4 - len(out) % 4) % 4))

    for name, data in entries:
        add(name, data, 0o100644)
    add("TRAILER!!!", b"", 0)
    return bytes(out)


def seven_zip(name, data):
    """A minimal 7z holding one entry stored with the Copy coder, written by hand (the
    Python standard library has no 7z writer). Reading 7z needs seeking to the header at
    the end of the file."""
    def number(v):  # 7z variable-length NUMBER, enough for values below 2^14
        return bytes([v]) if v < 0x80 else bytes([0x80 | (v >> 8), v & 0xFF])

    header = (b"\x01"                                       # kHeader
              b"\x04"                                       # kMainStreamsInfo
              b"\x06" + number(0) + number(1) +              # kPackInfo: pos 0, 1 stream
              b"\x09" + number(len(data)) + b"\x00" +        # kSize, kEnd
              b"\x07\x0b" + number(1) + b"\x00" +            # kUnPackInfo, kFolder: 1, inline
              number(1) + b"\x01\x00" +                      # 1 coder: id size 1, Copy (0x00)
              b"\x0c" + number(len(data)) +                  # kCodersUnPackSize
              b"\x00"                                       # kEnd (unpack info)
              b"\x08\x0a\x01" + struct.pack("<I", zlib.crc32(data)) +  # kSubStreamsInfo: kCRC
              b"\x00"                                       # kEnd (substreams info)
              b"\x00"                                       # kEnd (streams info)
              b"\x05" + number(1) +                          # kFilesInfo: 1 file
              b"\x11" + number(1 + 2 * (len(name) + 1)) + b"\x00" +  # kName, not external
              (name + "\0").encode("utf-16-le") +
              b"\x00"                                       # kEnd (files info)
              b"\x00")                                      # kEnd (header)
    start = struct.pack("<QQI", len(data), len(header), zlib.crc32(header))
    return (b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(start)) + start +
            data + header)


def archives(imgs):
    out = {}
    png, jpg, tif = imgs["png_gray.png"], imgs["jpeg_rgb.jpg"], imgs["tiff_3pages.tif"]
    some = [("scan.png", png), ("dir/photo.jpg", jpg), ("dir/sub/pages.tif", tif),
            ("notes.txt", b"not an image\n")]

    out["zip_deflated.zip"] = make_zip(some)
    out["zip_stored.zip"] = make_zip(some, zipfile.ZIP_STORED)
    out["zip_bzip2.zip"] = make_zip(some[:2], zipfile.ZIP_BZIP2)
    out["zip_lzma.zip"] = make_zip(some[:2], zipfile.ZIP_LZMA)
    out["zip_streamed.zip"] = make_streamed_zip(some[:2])
    out["zip_empty.zip"] = make_zip([])
    out["zip_dirs_only.zip"] = make_zip([("a/", b""), ("a/b/", b"")])
    out["zip_empty_image_entry.zip"] = make_zip([("empty.png", b""), ("bad.jpg", b"garbage")])
    out["zip_traversal.zip"] = make_zip([("../../etc/passwd", b"root:x:0:0\n"),
                                         ("../../tmp/evil.png", png)])
    out["zip_absolute.zip"] = make_zip([("/etc/passwd", b"root:x:0:0\n"), ("/tmp/abs.png", png)])
    out["zip_symlink.zip"] = zip_symlink("link.png", "/etc/passwd", png)
    out["zip_hidden.zip"] = make_zip([(".hidden.png", png), ("dir/.secret/x.png", png),
                                      ("__MACOSX/._scan.png", b"\0\5\26\7"), ("./ok.png", png),
                                      ("../up.png", png)])
    out["zip_encrypted_flag.zip"] = set_zip_flag(make_zip([("secret.png", png),
                                                           ("secret2.jpg", jpg)]), 0x1)
    out["zip_size_lies_small.zip"] = lie_about_size(make_zip([("a.png", png)],
                                                             zipfile.ZIP_STORED), 10)
    out["zip_size_lies_big.zip"] = lie_about_size(make_zip([("a.png", png)]), 0xFFFFFFF0)
    out["zip_long_name.zip"] = make_zip([("d/" * 300 + "long.png", png)])
    out["zip_many_entries.zip"] = make_zip([("e%04d.png" % i, b"") for i in range(400)],
                                           zipfile.ZIP_STORED)
    out["zip_nested.zip"] = make_zip([("inner.zip", make_zip(some[:1])), ("outer.png", png)])
    out["zip_non_ascii_name.zip"] = make_zip([("caf\xe9.png", png)])
    # 50 MB of zeros in a ~50 KB entry: the 1 MiB limit must stop it while reading.
    zeros = bytes(50 * 1024 * 1024)
    bomb = make_zip([("bomb.png", zeros), ("after_bomb.png", png)])
    out["zip_bomb_50mb.zip"] = bomb
    out["zip_bomb_streamed.zip"] = make_streamed_zip([("bomb.png", zeros[: 8 << 20])])
    out["zip_bomb_size_hidden.zip"] = lie_about_size(make_zip([("bomb.png", zeros[: 4 << 20])]),
                                                     100)

    out["tar_ustar.tar"] = make_tar(some)
    out["tar_gnu.tar"] = make_tar(some + [("g/" * 80 + "long.png", png)], tarfile.GNU_FORMAT)
    out["tar_pax.tar"] = make_tar(some + [("p/" * 80 + "long.png", png)], tarfile.PAX_FORMAT)
    out["tar_gz.tar.gz"] = make_tar(some, compress="gz")
    out["tar_bz2.tar.bz2"] = make_tar(some, compress="bz2")
    out["tar_xz.tar.xz"] = make_tar(some, compress="xz")
    out["tar_traversal.tar"] = make_tar([("../../etc/passwd", b"root:x:0:0\n"),
                                         ("../../tmp/evil.png", png)])
    out["tar_absolute.tar"] = make_tar([("/etc/passwd", b"root:x:0:0\n"), ("/tmp/abs.png", png)])
    out["tar_links.tar"] = make_tar([
        ("real.png", png),
        tinfo("sym.png", kind=tarfile.SYMTYPE, linkname="/etc/passwd"),
        tinfo("hard.png", kind=tarfile.LNKTYPE, linkname="real.png"),
        tinfo("fifo.png", kind=tarfile.FIFOTYPE),
        tinfo("dev.png", kind=tarfile.CHRTYPE),
        tinfo("dir.png", kind=tarfile.DIRTYPE),
        ("after.png", png)])
    out["tar_hidden.tar.gz"] = make_tar([(".a.png", png), ("x/.b/c.png", png), ("ok.png", png)],
                                        compress="gz")
    out["tar_bomb_50mb.tar.gz"] = make_tar([("bomb.png", zeros), ("after_bomb.png", png)],
                                           compress="gz")
    # A header declaring 2 MiB with little data behind it: refused by declared size.
    big = make_tar([("big.png", png)])
    big = bytearray(big)
    big[124:136] = b"%011o\0" % (2 << 20)
    chk = sum(big[:148]) + 8 * 32 + sum(big[156:512])
    big[148:156] = b"%06o\0 " % chk
    out["tar_declares_2mib.tar"] = bytes(big)
    out["cpio_in_gzip.cpio.gz"] = gzip.compress(cpio_newc([("c.png", png), ("t.txt", b"x")]),
                                                mtime=0)
    out["gzip_of_png.gz"] = gzip.compress(png, mtime=0)
    out["cpio_newc.cpio"] = cpio_newc([("c.png", png), ("t.txt", b"x")])
    v7 = bytearray(make_tar([("v7.png", png)]))
    v7[257:265] = b"\0" * 8  # no ustar magic or version: a V7 header
    v7[148:156] = b" " * 8
    v7[148:156] = b"%06o\0 " % sum(v7[:512])
    out["tar_v7.tar"] = bytes(v7)
    # Streams decoded by input::Decompressor: members one after another, tape padding after.
    tar = make_tar(some)
    half = len(tar) // 2
    out["tar_gz_two_members.tar.gz"] = (gzip.compress(tar[:half], mtime=0) +
                                        gzip.compress(tar[half:], mtime=0))
    out["tar_gz_zero_padded.tar.gz"] = gzip.compress(tar, mtime=0) + b"\0" * 512
    # libarchive's format_all includes mtree, which names files on the local disk; 3.6
    # reads their contents only with the (off by default) checkfs option. Keep it covered.
    out["mtree_in_gzip.tar.gz"] = gzip.compress(
        b"#mtree\nleak.png type=file size=100 contents=/etc/passwd\n"
        b"dir type=dir\nlink.png type=link link=/etc/passwd\n", mtime=0)
    out["seven_zip_magic.7z"] = b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\0" * 56
    out["seven_zip_stored.7z"] = seven_zip("scan.png", png)
    out["trunc_half_seven_zip_stored.7z"] = out["seven_zip_stored.7z"][:100]
    out["rar_magic.rar"] = b"Rar!\x1a\x07\x00" + b"\0" * 57
    out["zstd_magic.zst"] = b"\x28\xb5\x2f\xfd" + b"\0" * 60
    out["empty_zip_eocd_only.zip"] = b"PK\x05\x06" + b"\0" * 18

    # Truncated copies of the small valid archives.
    for name in ["zip_deflated.zip", "zip_stored.zip", "tar_ustar.tar", "tar_gz.tar.gz",
                 "tar_bz2.tar.bz2", "tar_xz.tar.xz", "zip_streamed.zip"]:
        data = out[name]
        out["trunc_half_" + name] = data[: len(data) // 2]
        out["trunc_end_" + name] = data[:-30]
    out["trunc_head_zip.zip"] = out["zip_deflated.zip"][:40]
    out["trunc_head_tar.tar"] = out["tar_ustar.tar"][:300]
    return out


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def text_page(w, h, lines, size=20, fg=0, bg=255, angle=0, at=(6, 4), mode="L"):
    """Dark text on paper: what the detector finds boxes in. angle turns the whole page."""
    font = ImageFont.truetype(FONT, size)
    im = Image.new("L", (w, h), bg)
    d = ImageDraw.Draw(im)
    x, y = at
    for line in lines:
        d.text((x, y), line, fill=fg, font=font)
        y += int(size * 1.4)
    if angle:
        im = im.rotate(angle, expand=True, fillcolor=bg)
    return im.convert(mode) if mode != "L" else im


def map_program(width, rows, flags=0, params=b"", scale=(16, 16), offset=(0, 0),
                source=(256, 128)):
    """fuzz_dnn_input's map layout: mode 0, width - 1, flags, params, scale, offset, size."""
    head = bytes([0, width - 1, flags]) + params + bytes(scale)
    head += struct.pack("<bbHH", offset[0], offset[1], source[0] - 1, source[1] - 1)
    if flags & 1:
        return head + b"".join(struct.pack("<%df" % width, *row) for row in rows)
    return head + b"".join(bytes(row) for row in rows)


def blob_rows(width, height, boxes, value=240, special=None):
    """A map of 0..250 codes: `value` inside each (x0, y0, x1, y1), 0 outside."""
    rows = [[0] * width for _ in range(height)]
    for x0, y0, x1, y1 in boxes:
        for y in range(y0, y1):
            for x in range(x0, x1):
                rows[y][x] = value
    if special:
        for x, y, code in special:
            rows[y][x] = code
    return rows


def quad_program(page_w, page_h, quads, flags=1, params=b""):
    """fuzz_dnn_input's quad layout: mode 1, page size - 1, flags, params, corners."""
    out = bytes([1, page_w - 1, page_h - 1, flags]) + params
    for quad in quads:
        for x, y in quad:
            out += struct.pack("<ff", x, y) if flags & 4 else struct.pack(
                "<hh", int(round(x * 4)), int(round(y * 4)))
    return out


def dnn_inputs(imgs):
    out = {}
    words = ["Office closed", "on Friday 12"]
    page_l = text_page(256, 96, words)
    out["text_grey.png"] = encode(page_l, "PNG")
    out["text_rgb.jpg"] = encode(text_page(256, 96, words, mode="RGB"), "JPEG", quality=80)
    out["text_1bit.png"] = encode(page_l.point(lambda v: 255 if v > 128 else 0).convert("1"), "PNG")
    out["text_palette.gif"] = encode(text_page(256, 96, words, mode="P"), "GIF")
    out["text_rgba.png"] = encode(text_page(256, 96, words, mode="RGBA"), "PNG")
    out["text_16bit.png"] = encode(page_l.convert("I").point(lambda v: v * 256), "PNG")
    out["text.tif"] = encode(page_l, "TIFF", compression="tiff_lzw")
    out["text.bmp"] = encode(page_l.convert("RGB"), "BMP")
    out["text.webp"] = encode(page_l.convert("RGB"), "WEBP", lossless=True)
    out["text_inverted.png"] = encode(text_page(256, 96, words, fg=255, bg=0), "PNG")
    out["text_tilted_15.png"] = encode(text_page(256, 96, words, angle=15), "PNG")
    out["text_vertical.png"] = encode(text_page(256, 64, ["Vertical text"], angle=90), "PNG")
    out["text_touching_edges.png"] = encode(text_page(180, 40, ["EDGE TEXT"], size=30,
                                                      at=(-4, -6)), "PNG")
    out["text_tilted_at_corner.png"] = encode(text_page(200, 60, ["CORNER"], size=36,
                                                        at=(-10, -12), angle=25), "PNG")
    # Sizes the input sizing must round: larger than the net's side, thin, tiny, odd.
    out["line_long.png"] = encode(text_page(1400, 40, ["A long line " * 10], size=24), "PNG")
    out["line_tall.png"] = encode(text_page(1400, 40, ["A tall line " * 10], size=24,
                                            angle=90), "PNG")
    out["page_big.jpg"] = encode(text_page(600, 420, ["Big page"] * 8, size=32), "JPEG")
    out["one_pixel.png"] = encode(Image.new("L", (1, 1), 0), "PNG")
    out["thin_row.png"] = encode(Image.new("L", (900, 1), 0), "PNG")
    out["thin_column.png"] = encode(Image.new("L", (1, 900), 0), "PNG")
    out["odd_33x31.png"] = encode(text_page(33, 31, ["ab"], size=14, at=(1, 1)), "PNG")
    out["odd_47x16.png"] = encode(text_page(47, 16, ["word"], size=12, at=(1, 0)), "PNG")
    noise = Image.frombytes("L", (160, 120), bytes((i * 7919 + (i >> 5) * 104729) % 251
                                                   for i in range(160 * 120)))
    out["noise.png"] = encode(noise, "PNG")
    for name, data in imgs.items():
        out["decode_" + name] = data

    # Probability maps (fuzz_dnn_input.cc, run_map).
    out["map_two_lines.bin"] = map_program(64, blob_rows(64, 32, [(4, 4, 50, 10),
                                                                  (8, 18, 60, 26)]))
    out["map_nan_inside.bin"] = map_program(48, blob_rows(48, 24, [(4, 4, 40, 14)],
                                                          special=[(10, 8, 251), (20, 9, 252)]))
    out["map_specials.bin"] = map_program(16, [[251, 252, 253, 254, 255] * 3 + [0]] * 16)
    out["map_full.bin"] = map_program(32, blob_rows(32, 32, [(0, 0, 32, 32)]))
    out["map_at_edges_offset.bin"] = map_program(40, blob_rows(40, 30, [(0, 0, 40, 6),
                                                                        (30, 10, 40, 30)]),
                                                 offset=(-16, -16), source=(100, 60))
    out["map_own_params.bin"] = map_program(40, blob_rows(40, 20, [(2, 2, 38, 8)], value=120),
                                            flags=2, params=bytes([60, 100, 255, 0]))
    out["map_raw_floats.bin"] = map_program(
        8, [[0.0, 0.9, 0.9, 0.9, float("nan"), 0.9, 1e38, 0.0]] * 8, flags=1)
    out["map_one_row.bin"] = map_program(200, blob_rows(200, 1, [(0, 0, 200, 1)]))

    # Quads (run_quads): on the page, rotated, tall, past the page, degenerate, huge, NaN.
    nan, inf = float("nan"), float("inf")
    out["quads_on_page.bin"] = quad_program(120, 80, [
        [(10, 10), (90, 10), (90, 30), (10, 30)],
        [(20, 40), (100, 30), (104, 50), (24, 60)],
        [(0, 0), (120, 0), (120, 80), (0, 80)],
        [(50, 5), (60, 5), (60, 75), (50, 75)],
        [(5, 5), (6, 5), (6, 6), (5, 6)],
        [(10, 70), (110, 70), (110, 71), (10, 71)]])
    out["quads_off_page.bin"] = quad_program(60, 40, [
        [(-50, -20), (200, -10), (210, 90), (-40, 100)],
        [(-1000, 5), (-900, 5), (-900, 20), (-1000, 20)]], flags=3)
    out["quads_degenerate.bin"] = quad_program(100, 60, [
        [(0, 0), (10, 0), (20, 0), (30, 0)],
        [(10, 10), (40, 10), (40, 10), (10, 10)],
        [(10, 10), (10, 10), (10, 10), (10, 10)],
        [(0, 0), (50, 0), (50, 30), (50, 30)],
        [(0, 0), (50, 30), (50, 0), (0, 30)]])
    out["quads_raw_floats.bin"] = quad_program(100, 60, [
        [(10, 10), (60, 10), (nan, 30), (10, 30)],
        [(10, 10), (inf, 10), (60, 30), (10, 30)],
        [(1e30, 1e30), (1e30 + 10, 1e30), (1e30 + 10, 1e30 + 10), (1e30, 1e30 + 10)],
        [(0, 0), (30000, 0), (30000, 2), (0, 2)],
        [(0, 0), (40000, 0), (40000, 20), (0, 20)],
        [(1e-30, 0), (2, 1e-38), (2, 2), (0, 2)]], flags=1 | 4)
    out["quads_own_params.bin"] = quad_program(90, 50, [
        [(5, 5), (80, 5), (80, 20), (5, 20)],
        [(40, 2), (50, 2), (50, 48), (40, 48)]], flags=2 | 8, params=bytes([32, 64, 32, 1]))
    out["quads_no_rotation.bin"] = quad_program(90, 50, [
        [(40, 2), (50, 2), (50, 48), (40, 48)]], flags=8, params=bytes([255, 0, 0, 0]))
    return out


def pdf_inputs(imgs):
    """The PDF reader's seeds: the decode seeds that are PDFs, and PDFs with text, images,
    damage and hostile structure."""
    out = {name: data for name, data in imgs.items() if name.endswith(".pdf")}
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"

    def page_with(content, resources=b"<< /Font << /F1 5 0 R >> >>", extra=()):
        return pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
                    b"/Resources %s >>" % resources,
                    b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
                    font] + list(extra))

    out["text.pdf"] = page_with(b"BT /F1 12 Tf 10 80 Td (Invoice Harbour) Tj 0 -14 Td (Ledger) Tj ET")
    out["text_invisible.pdf"] = page_with(b"BT 3 Tr /F1 12 Tf 10 80 Td (hidden words) Tj ET")
    out["text_rotated.pdf"] = page_with(b"BT /F1 12 Tf 0 1 -1 0 100 10 Tm (up the page) Tj ET")
    grey = bytes(range(256)) * 4
    image = b"<< /Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceGray " \
            b"/BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream" % (len(grey), grey)
    out["image.pdf"] = page_with(b"q 200 0 0 100 0 0 cm /Im1 Do Q BT /F1 8 Tf 5 5 Td (stamp) Tj ET",
                                 b"<< /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >>", [image])
    out["image_inline.pdf"] = page_with(b"q 50 0 0 50 0 0 cm BI /W 4 /H 4 /CS /G /BPC 8 ID "
                                        + bytes(16) + b" EI Q 0 0 10 10 re f")
    out["image_mask.pdf"] = page_with(b"q 100 0 0 50 0 0 cm BI /W 8 /H 2 /IM true ID \xff\x00 EI Q")
    out["image_skewed.pdf"] = page_with(b"q 0 0 100 50 0 0 cm /Im1 Do Q 1e30 0 0 1e-30 0 0 cm /Im1 Do",
                                        b"<< /XObject << /Im1 6 0 R >> >>", [image])
    five = pdf_pages(count=5, kids=b"[3 0 R 3 0 R 3 0 R 3 0 R 3 0 R]")
    out["cut_in_the_middle.pdf"] = five[: len(five) // 2]
    out["missing_kid.pdf"] = pdf_pages(count=3, kids=b"[3 0 R 99 0 R 3 0 R]")
    out["self_kid.pdf"] = pdf_pages(count=2, kids=b"[2 0 R 3 0 R]")
    out["deep_array.pdf"] = page_with(b"[" * 3000 + b"]" * 3000 + b" pop 0 0 9 9 re f")
    out["many_ops.pdf"] = page_with(b"0 0 1 1 re f\n" * 4000)
    out["form_loop.pdf"] = page_with(b"/Fm1 Do", b"<< /XObject << /Fm1 6 0 R >> >>", [
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /Fm1 6 0 R "
        b">> >> /Length 7 >>\nstream\n/Fm1 Do\nendstream"])
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUTDIR")
    root = Path(sys.argv[1])
    imgs = images()
    for kind, files in (("decode", imgs), ("archive", archives(imgs)),
                        ("dnn_input", dnn_inputs(imgs)), ("pdf", pdf_inputs(imgs))):
        d = root / kind
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for name, data in sorted(files.items()):
            (d / name).write_bytes(data)
    print("make_corpus: %d decode, %d archive, %d dnn_input and %d pdf seeds in %s" % (
        len(list((root / "decode").iterdir())), len(list((root / "archive").iterdir())),
        len(list((root / "dnn_input").iterdir())), len(list((root / "pdf").iterdir())), root))


if __name__ == "__main__":
    main()
