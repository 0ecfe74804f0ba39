#!/usr/bin/python3
"""Writes a deliberately slow page for the --timeout measurement in RESULTS.md: the first
oldbooks page tiled 3x2 (about 29 MP).
Usage: bench/make_slow_page.py [DATA_DIR] [OUT.png]   (defaults: ../shared/data, /tmp/slow.png)"""
import glob
import os
import sys

from PIL import Image

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data")
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/slow.png"
page = Image.open(sorted(glob.glob(os.path.join(data, "eng-books-oldbooks", "*.tif")))[0]).convert("L")
w, h = page.size
tiled = Image.new("L", (3 * w, 2 * h), 255)
for i in range(3):
    for j in range(2):
        tiled.paste(page, (i * w, j * h))
tiled.save(out)
print(out, tiled.size)
