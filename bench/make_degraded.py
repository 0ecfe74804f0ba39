#!/usr/bin/python3
"""Build a degraded accuracy set from the real page scans, for bench/accuracy.py.

Usage: bench/make_degraded.py [--data DIR] [--sets a,b] [--seed N] OUT_DIR

Reads every image with <id>.gt.txt ground truth in the given sets under DIR (default
../shared/data from the repository root; default sets eng-pages-tesseract-test and
eng-books-oldbooks, 24 full pages) and writes one degraded greyscale page per source to OUT_DIR
as <set-short>-<id>.png|jpg, its ground truth as <set-short>-<id>.gt.txt, and OUT_DIR/manifest.tsv
(one row per page: what was done to it). Score it with
    bench/accuracy.py --sets OUT_DIR
The steps, applied in this order, each drawn for a balanced share of the pages:
  1. orientation: 0/90/180/270 degrees counter-clockwise (a quarter each); pages fed sideways
     or upside down;
  2. skew: ±2-8 degrees, bicubic, white fill (75% of pages); scans of pages laid crookedly;
  3. resolution: downscaled to 130-150 dpi (half); fax-like and low-end scanner resolution;
  4. shading: paper grey 200-235, ink lifted, then a linear gradient down to 0.45-0.6 times a
     radial vignette (half); phone photos taken under uneven light;
  5. noise: additive Gaussian, sigma 8-20 (half); sensor noise;
  6. format: JPEG quality 30-60 (half), else PNG; heavily compressed photos and uploads.
The source dpi is read from the file (values under 72, e.g. the old books' 1x1, mean unknown:
300 is assumed); the output records its own dpi. UNLV .uzn zone files are not carried over.
The same seed and sets give byte-identical output (Pillow's noise uses C rand(), seeded per page).

OUT_DIR must be outside the repository and empty: the source data's licences forbid shipping it
or anything derived from it (../shared/data/README.md). Exit status: 0 success, 2 usage error.
Needs only Debian's python3 and Pillow (python3-pil); no numpy.
"""

import argparse
import ctypes
import os
import random
import shutil
import sys

from PIL import Image, ImageChops

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
DEFAULT_SETS = "eng-pages-tesseract-test,eng-books-oldbooks"
SHORT = {"eng-pages-tesseract-test": "tess", "eng-books-oldbooks": "books"}
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
BICUBIC, LANCZOS = Image.Resampling.BICUBIC, Image.Resampling.LANCZOS
TRANSPOSE = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
             270: Image.Transpose.ROTATE_270}
LIBC = ctypes.CDLL(None)


def fail(msg):
    print(f"make_degraded: {msg}", file=sys.stderr)
    sys.exit(2)


def balanced(rng, n, values):
    """values repeated to n items (so each appears n/len(values) times, +-1), shuffled."""
    out = [values[i % len(values)] for i in range(n)]
    rng.shuffle(out)
    return out


def shading_field(rng, size, low):
    """Illumination in 0..255: a linear gradient 255 -> 255*low in one of 8 directions, times a
    radial vignette that darkens the edges by 15-30%, stretched to the page."""
    g = Image.linear_gradient("L")  # darkening towards: bottom, right, top, left
    axes = [g] + [g.transpose(t) for t in (Image.Transpose.ROTATE_90, Image.Transpose.FLIP_TOP_BOTTOM,
                                          Image.Transpose.ROTATE_270)]
    k = rng.randrange(8)
    lin = axes[k] if k < 4 else ImageChops.add(axes[k - 4], axes[(k - 3) % 4], scale=2)
    lin = lin.point(lambda v: round(255 - v * (1 - low)))
    strength = rng.uniform(0.15, 0.3)
    rad = Image.radial_gradient("L").point(lambda v: round(255 - v * strength))
    return ImageChops.multiply(lin, rad).resize(size, BICUBIC)


def degrade(img, p, rng):
    img = img.convert("L")
    if p["rotation"]:
        img = img.transpose(TRANSPOSE[p["rotation"]])
    if p["skew"]:
        img = img.rotate(p["skew"], resample=BICUBIC, expand=True, fillcolor=255)
    if p["dpi"] != p["src_dpi"]:
        f = p["dpi"] / p["src_dpi"]
        img = img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))), LANCZOS)
    if p["shading"]:
        low, paper, ink = p["shading"]
        img = img.point(lambda v: round(ink + v * (paper - ink) / 255))
        img = ImageChops.multiply(img, shading_field(rng, img.size, low))
    if p["noise"]:
        LIBC.srand(rng.randrange(1 << 31))
        img = ImageChops.add(img, Image.effect_noise(img.size, p["noise"]), scale=1, offset=-128)
    return img


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA, help="data folder (default: %(default)s)")
    ap.add_argument("--sets", default=DEFAULT_SETS, help="comma-separated set names under DATA, or paths")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("out_dir", metavar="OUT_DIR")
    a = ap.parse_args()
    out = os.path.realpath(a.out_dir)
    if os.path.commonpath([out, os.path.realpath(ROOT)]) == os.path.realpath(ROOT):
        fail(f"{a.out_dir} is inside the repository; the data's licences forbid that")
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        fail(f"{a.out_dir} exists and is not an empty folder")

    sources = []  # (short name, id, image path, gt path)
    for name in filter(None, a.sets.split(",")):
        d = name if os.sep in name else os.path.join(a.data, name)
        if not os.path.isdir(d):
            fail(f"no such set: {d}")
        base = os.path.basename(os.path.normpath(d))
        short = SHORT.get(base, base)
        for f in sorted(os.listdir(d)):
            stem, ext = os.path.splitext(f)
            if ext.lower() in IMAGE_EXTS and os.path.isfile(os.path.join(d, stem + ".gt.txt")):
                sources.append((short, stem, os.path.join(d, f), os.path.join(d, stem + ".gt.txt")))
    if not sources:
        fail("no images with .gt.txt ground truth found")

    rng = random.Random(a.seed)
    n = len(sources)
    plan = {"rotation": balanced(rng, n, [0, 90, 180, 270]),
            "skew": balanced(rng, n, [True, True, True, False]),
            **{k: balanced(rng, n, [True, False]) for k in ("dpi", "shading", "noise", "jpeg")}}
    os.makedirs(out, exist_ok=True)
    rows = ["id\tsource\trotation\tskew_deg\tdpi\tshading\tnoise_sigma\tjpeg_quality"]
    counts = {k: 0 for k in ("skew", "dpi", "shading", "noise", "jpeg")}
    for i, (short, stem, path, gt) in enumerate(sources):
        with Image.open(path) as src:
            img = src.copy()
            dpi = (src.info.get("dpi") or (300, 300))[0]
        src_dpi = round(dpi) if dpi >= 72 else 300
        p = {"rotation": plan["rotation"][i], "src_dpi": src_dpi,
             "skew": round(rng.choice((-1, 1)) * rng.uniform(2, 8), 2) if plan["skew"][i] else 0.0,
             "dpi": min(src_dpi, rng.randint(130, 150)) if plan["dpi"][i] else src_dpi,
             "shading": ((round(rng.uniform(0.45, 0.6), 2), rng.randint(200, 235), rng.randint(15, 50))
                         if plan["shading"][i] else None),
             "noise": rng.randint(8, 20) if plan["noise"][i] else 0,
             "jpeg": rng.randint(30, 60) if plan["jpeg"][i] else 0}
        img = degrade(img, p, rng)
        name = f"{short}-{stem}"
        fname = name + (".jpg" if p["jpeg"] else ".png")
        img.save(os.path.join(out, fname), dpi=(p["dpi"], p["dpi"]), quality=p["jpeg"] or 75)  # PNG: no quality
        shutil.copyfile(gt, os.path.join(out, name + ".gt.txt"))
        shading = "low={}/paper={}/ink={}".format(*p["shading"]) if p["shading"] else "-"
        rows.append("\t".join(map(str, (name, os.path.abspath(path), p["rotation"], p["skew"], p["dpi"],
                                        shading, p["noise"] or "-", p["jpeg"] or "-"))))
        for k in counts:
            counts[k] += bool(p[k] != src_dpi if k == "dpi" else p[k])
        print(f"{fname}: rot {p['rotation']}, skew {p['skew']:+.2f}, {p['dpi']} dpi, shading {shading}, "
              f"noise {p['noise'] or '-'}, jpeg {p['jpeg'] or '-'}, {img.width}x{img.height}")
    with open(os.path.join(out, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    rot = [plan["rotation"].count(r) for r in (0, 90, 180, 270)]
    print(f"total: {n} pages -> {a.out_dir}; rotation 0/90/180/270 = {'/'.join(map(str, rot))}, "
          f"skewed {counts['skew']}, downscaled {counts['dpi']}, shaded {counts['shading']}, "
          f"noisy {counts['noise']}, jpeg {counts['jpeg']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
