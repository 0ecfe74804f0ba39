#!/usr/bin/python3
"""Builds a set of big receipt "phone photos" for the speed benchmark: each SROIE receipt
enlarged so its longer side is SIDE pixels (default 4032, a 12-megapixel phone camera), softened
a little as a camera lens would, and saved as JPEG (quality 90). The text is then 3-6 times
larger than Tesseract needs: the pixels a photo wastes.

Usage: bench/make_photos.py [--data DIR] [--side N] [--count N] OUT_DIR

DIR defaults to ../shared/data from the repository root; the receipts are its
eng-receipts-sroie set, ground truth copied beside each photo. OUT_DIR must be outside the
repository (the data's licence forbids shipping it).
"""

import argparse
import os
import shutil
import sys

from PIL import Image, ImageFilter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.normpath(os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--side", type=int, default=4032)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("out")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    if out == ROOT or out.startswith(ROOT + os.sep):
        sys.exit("make_photos.py: OUT_DIR must be outside the repository")
    src = os.path.join(args.data, "eng-receipts-sroie")
    names = sorted(f for f in os.listdir(src) if f.endswith(".jpg"))
    # The smaller receipts: the ones a phone would have photographed at many times their scan size.
    names = [n for n in names if max(Image.open(os.path.join(src, n)).size) < 2500][: args.count]
    os.makedirs(out, exist_ok=True)
    for name in names:
        im = Image.open(os.path.join(src, name)).convert("RGB")
        f = args.side / max(im.size)
        big = im.resize((round(im.width * f), round(im.height * f)), Image.BICUBIC)
        big = big.filter(ImageFilter.GaussianBlur(radius=f / 2))
        stem = os.path.splitext(name)[0]
        big.save(os.path.join(out, f"photo-{stem}.jpg"), quality=90)
        shutil.copy(os.path.join(src, stem + ".gt.txt"), os.path.join(out, f"photo-{stem}.gt.txt"))
        print(f"photo-{stem}.jpg {big.width}x{big.height} (x{f:.2f})")


if __name__ == "__main__":
    main()
