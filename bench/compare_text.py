#!/usr/bin/env python3
"""Text-identity check: ocrbatch's page text against `tesseract IMG - -l LANG` stdout.

Usage: bench/compare_text.py [--ocrbatch BIN] [--ocrbatch-args ARGS] [-l LANG] [-j N]
                             [--diagnose] [--keep DIR] PATH...

PATH is an image file or a folder (its top-level png/jpg/jpeg/tif/tiff images). ocrbatch runs once
over all images (JSON Lines, -j N, default settings plus --ocrbatch-args); the CLI runs once per
image with OMP_THREAD_LIMIT=1 and the same language, default --psm/--oem. Texts are compared as
bytes (ocrbatch's "text" encoded as UTF-8 against the CLI's stdout). For every image that differs
a short unified diff is printed. With --diagnose, each differing image is also run through
  (a) ocrbatch --psm 3 (the CLI's default page segmentation, set explicitly), and
  (b) tesseract --psm 6 on a symlink in an empty folder (TessBaseAPI's own default PSM_SINGLE_BLOCK;
      the symlink keeps the CLI from reading a UNLV zone file <name>.uzn beside the image,
      which it does for every --psm that does not find columns),
to tell which page-segmentation mode ocrbatch actually used.
Exit status: 0 all identical, 1 some differ, 2 setup error.
"""
import argparse
import concurrent.futures as cf
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile

EXTS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def images(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(os.path.join(os.path.abspath(p), f) for f in os.listdir(p)
                          if f.lower().endswith(EXTS) and os.path.isfile(os.path.join(p, f)))
        elif os.path.isfile(p):
            out.append(os.path.abspath(p))
        else:
            sys.exit(f"compare_text.py: no such file or folder: {p}")
    return out


def run_ocrbatch(binary, args, lang, jobs, imgs, workdir, tag):
    out = os.path.join(workdir, f"ocrbatch.{tag}.jsonl")
    # No OCRBATCH_* variables: ocrbatch reads some of them as options (config file, ledger).
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCRBATCH") and k != "OMP_THREAD_LIMIT"}
    cmd = [binary, "-j", str(jobs), "--progress", "none", "-q", "-l", lang, *args, "-f", "jsonl",
           "-o", out, *imgs]
    res = subprocess.run(cmd, env=env, stderr=subprocess.PIPE, text=True)
    if res.returncode not in (0, 1):
        sys.exit(f"compare_text.py: ocrbatch exited {res.returncode}: {res.stderr.strip()}")
    pages = {}
    for line in open(out, encoding="utf-8"):
        rec = json.loads(line)
        if rec["type"] == "page":
            pages[rec["source"]] = rec
        elif rec["type"] == "error":
            print(f"ocrbatch error: {rec}", file=sys.stderr)
    return pages


def run_cli(tesseract, img, lang, extra=()):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    res = subprocess.run([tesseract, img, "-", "-l", lang, *extra], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0:
        sys.exit(f"compare_text.py: tesseract failed on {img}: {res.stderr.decode().strip()}")
    return res.stdout


def short_diff(a, b, limit):
    lines = list(difflib.unified_diff(a.decode("utf-8", "replace").splitlines(),
                                      b.decode("utf-8", "replace").splitlines(),
                                      "tesseract CLI", "ocrbatch", n=0, lineterm=""))
    more = len(lines) - limit
    return "\n".join(lines[:limit]) + (f"\n... ({more} more diff lines)" if more > 0 else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--ocrbatch", default=os.environ.get("OCRBATCH", os.path.join(ROOT, "build/src/ocrbatch")))
    ap.add_argument("--ocrbatch-args", default=os.environ.get("OCRBATCH_ARGS", ""))
    ap.add_argument("--tesseract", default=os.environ.get("TESSERACT", "tesseract"))
    ap.add_argument("-l", "--lang", default="eng")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--diagnose", action="store_true")
    ap.add_argument("--diff-lines", type=int, default=12)
    ap.add_argument("--keep", help="keep outputs in this folder")
    a = ap.parse_args()
    paths = a.paths or [os.path.join(ROOT, "..", "shared", "data", "eng-pages-tesseract-test"),
                        os.path.join(ROOT, "..", "shared", "data", "eng-books-oldbooks")]
    for tool in (a.ocrbatch, a.tesseract):
        if shutil.which(tool) is None:
            sys.exit(f"compare_text.py: {tool} not found")
    imgs = images(paths)
    workdir = a.keep or tempfile.mkdtemp(prefix="ocrbatch-compare.")
    os.makedirs(workdir, exist_ok=True)
    try:
        extra = a.ocrbatch_args.split()
        pages = run_ocrbatch(a.ocrbatch, extra, a.lang, a.jobs, imgs, workdir, "default")
        with cf.ThreadPoolExecutor(a.jobs) as pool:
            cli = dict(zip(imgs, pool.map(lambda i: run_cli(a.tesseract, i, a.lang), imgs)))
        differ = []
        print(f"ocrbatch args: {' '.join(extra) or '(defaults)'}; tesseract: -l {a.lang}, default psm/oem")
        print(f"{'image':<28} {'dpi':>4} {'size':>10} {'ocrbatch B':>10} {'CLI B':>7}  identical")
        for img in imgs:
            rec = pages.get(img)
            got = rec["text"].encode("utf-8") if rec else b""
            same = rec is not None and got == cli[img]
            if not same:
                differ.append(img)
            size = f"{rec['width']}x{rec['height']}" if rec else "-"
            print(f"{os.path.basename(img):<28} {rec['dpi'] if rec else '-':>4} {size:>10} "
                  f"{len(got):>10} {len(cli[img]):>7}  {'yes' if same else 'NO'}")
        print(f"\nbyte-identical: {len(imgs) - len(differ)} of {len(imgs)}")
        for img in differ:
            print(f"\n--- {os.path.basename(img)}: diff (CLI -> ocrbatch), first {a.diff_lines} lines")
            print(short_diff(cli[img], pages[img]["text"].encode() if img in pages else b"", a.diff_lines))
        if a.diagnose and differ:
            print("\n### diagnosis")
            psm3 = run_ocrbatch(a.ocrbatch, extra + ["--psm", "3"], a.lang, a.jobs, differ, workdir, "psm3")
            linkdir = os.path.join(workdir, "nosidecar")
            os.makedirs(linkdir, exist_ok=True)
            for img in differ:
                link = os.path.join(linkdir, os.path.basename(img))
                if not os.path.lexists(link):
                    os.symlink(img, link)
                cli6 = run_cli(a.tesseract, link, a.lang, ["--psm", "6"])
                got = pages[img]["text"].encode() if img in pages else None
                p3 = psm3[img]["text"].encode() if img in psm3 else None
                print(f"{os.path.basename(img)}: ocrbatch --psm 3 == CLI default: {p3 == cli[img]}; "
                      f"ocrbatch default == CLI --psm 6 (no sidecar): {got == cli6}")
        return 1 if differ else 0
    finally:
        if not a.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
