#!/usr/bin/python3
"""What preprocessing costs: ocrbatch --preprocess auto against --preprocess none on the same
images, in alternating rounds of the same run.

Usage: bench/preprocess_overhead.py [-r ROUNDS] [-j JOBS] PATH...

PATH: image files or folders (their *.png *.jpg *.tif, sorted). Per round, each mode runs once
over all images (odd rounds auto first, even rounds none first); wall seconds are measured
around the whole process. Prints the per-round times, the medians, their ratio (auto / none),
and, from the auto records themselves, the preprocessing time (the sum of the steps' "ms") as
a share of the recognition time of each page: median and total. The records' share is the
cleaner number on a noisy machine; the wall ratio includes everything else.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


def images(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(os.path.join(p, f) for f in os.listdir(p) if f.lower().endswith(EXTS))
        else:
            out.append(p)
    return out


def run(binary, mode, jobs, files):
    start = time.monotonic()
    proc = subprocess.run([binary, "-q", "--progress", "none", "-j", str(jobs), "--preprocess", mode, *files],
                          stdout=subprocess.PIPE, check=True)
    wall = time.monotonic() - start
    pages = [json.loads(l) for l in proc.stdout.decode().splitlines()]
    return wall, [p for p in pages if p["type"] == "page"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-r", "--rounds", type=int, default=5)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--ocrbatch", default=os.path.join(ROOT, "build", "src", "ocrbatch"))
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    files = images(args.paths)
    if not files:
        sys.exit("no images")
    walls = {"auto": [], "none": []}
    shares, pre_total, rec_total = [], 0.0, 0.0
    for r in range(args.rounds):
        order = ["auto", "none"] if r % 2 == 0 else ["none", "auto"]
        for mode in order:
            wall, pages = run(args.ocrbatch, mode, args.jobs, files)
            walls[mode].append(wall)
            if mode == "auto":
                for p in pages:
                    pre = sum(s["ms"] for s in p.get("preprocess", []))
                    rest = max(p["duration_ms"] - pre, 1e-3)
                    shares.append(pre / rest)
                    pre_total += pre
                    rec_total += rest
        print(f"round {r + 1}: auto {walls['auto'][-1]:.2f} s, none {walls['none'][-1]:.2f} s", flush=True)
    auto, none = statistics.median(walls["auto"]), statistics.median(walls["none"])
    print(f"\n{len(files)} images, {args.rounds} rounds, -j {args.jobs}")
    print("| measure | auto | none | auto/none |")
    print("|---|---:|---:|---:|")
    print(f"| wall seconds, median | {auto:.2f} | {none:.2f} | {auto / none:.3f} |")
    print(f"| preprocessing / rest of page time, median page | {statistics.median(shares) * 100:.1f}% | | |")
    print(f"| preprocessing / rest of page time, all pages | {pre_total / rec_total * 100:.1f}% | | |")


if __name__ == "__main__":
    main()
