#!/usr/bin/env python3
"""Searchable PDFs from a scanned PDF: ocrbatch against OCRmyPDF, and memory over PDF length.

Usage:
  bench/pdf_documents.py vs-ocrmypdf [-r ROUNDS] [-j JOBS] [--pages N] [DATA_DIR]
  bench/pdf_documents.py memory [-j JOBS] [--small 50] [--large 500]

vs-ocrmypdf: builds one scanned PDF from the book pages of DATA_DIR/eng-books-oldbooks (default
../shared/data; each page a 1-bit image at 300 dpi, Flate-compressed; N pages, default every
page, repeated when N is larger), then times, in alternating order each round,
  ocrbatch -j JOBS --output-dir OUT -f pdf,txt book.pdf
  ocrmypdf -j JOBS --sidecar OUT.txt book.pdf OUT.pdf
on the same file. It reports the median wall time, pages per second, CPU seconds (user + system
of the process and its children), each tool's CER against the ground truth (the book set's
normalisation from bench/accuracy.py; pages split on form feeds), and the output sizes.

memory: generates two PDFs of text pages (N pages of the same few lines, rendered at 300 dpi,
1-bit), runs `ocrbatch --output-dir OUT -f pdf,txt` on each under GNU time, and reports the peak
RSS of both and their ratio.

Environment: OCRBATCH (binary; default build/src/ocrbatch).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import accuracy  # noqa: E402  (the scoring rules of ACCURACY.md)

from PIL import Image, ImageDraw, ImageFont  # noqa: E402


def book_pages(data_dir):
    folder = os.path.join(data_dir, "eng-books-oldbooks")
    ids = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".tif"))
    return [(os.path.join(folder, i + ".tif"), os.path.join(folder, i + ".gt.txt")) for i in ids]


def write_scan_pdf(images, path, dpi=300):
    """A PDF of 1-bit pages, each one image filling the page (Flate, lossless), as a scanner's
    PDF holds them."""
    import zlib

    import pikepdf

    pdf = pikepdf.new()
    for im in images:
        im = im.convert("1")
        w, h = im.size
        image = pikepdf.Stream(pdf, zlib.compress(im.tobytes(), 6))
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = w, h, 1
        image.ColorSpace = pikepdf.Name.DeviceGray
        image.Filter = pikepdf.Name.FlateDecode
        pw, ph = w * 72.0 / dpi, h * 72.0 / dpi
        content = pikepdf.Stream(pdf, f"q {pw:.3f} 0 0 {ph:.3f} 0 0 cm /Im0 Do Q".encode())
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, pw, ph], Contents=content,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)))
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)


def timed(cmd, env=None):
    """(wall seconds, CPU seconds of the process tree, peak RSS in KiB, exit status)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0 = time.monotonic()
        res = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", tf.name, *cmd],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        wall = time.monotonic() - t0
        user, system, rss = tf.read().split()[-3:]
    if res.returncode != 0:
        sys.stderr.write(res.stderr.decode("utf-8", "replace")[-2000:])
    return wall, float(user) + float(system), int(rss), res.returncode


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCRBATCH_")}
    env.pop("OMP_THREAD_LIMIT", None)
    if "OCRBATCH_MODELS" in os.environ:
        env["OCRBATCH_MODELS"] = os.environ["OCRBATCH_MODELS"]
    return env


def score(text, truths):
    """Micro CER over pages, pages split on form feeds; the whole text against the whole truth
    when the page count does not match."""
    parts = text.split("\f")
    while parts and not parts[-1].strip():
        parts.pop()
    refs = [open(t, encoding="utf-8").read() for t in truths]
    if len(parts) != len(refs):
        parts, refs = [" ".join(parts)], [" ".join(refs)]
    pages = [accuracy.score_page(h, r) for h, r in zip(parts, refs)]
    return sum(p["dist"] for p in pages) / max(1, sum(p["chars"] for p in pages))


def vs_ocrmypdf(args):
    ocrbatch = os.environ.get("OCRBATCH", os.path.join(ROOT, "build/src/ocrbatch"))
    if not shutil.which("ocrmypdf"):
        sys.exit("ocrmypdf is not installed (scripts/bootstrap --bench)")
    pages = book_pages(args.data_dir)
    n = args.pages or len(pages)
    chosen = [pages[i % len(pages)] for i in range(n)]
    work = tempfile.mkdtemp(prefix="ocrbatch-pdfbench.")
    try:
        book = os.path.join(work, "book.pdf")
        write_scan_pdf([Image.open(p) for p, _ in chosen], book)
        runs = {"ocrbatch": [], "ocrmypdf": []}
        outputs = {}
        for r in range(args.rounds):
            order = ["ocrbatch", "ocrmypdf"] if r % 2 == 0 else ["ocrmypdf", "ocrbatch"]
            for tool in order:
                out = os.path.join(work, f"{tool}.{r}")
                os.mkdir(out)
                if tool == "ocrbatch":
                    cmd = [ocrbatch, "-j", str(args.jobs), "-q", "--progress", "none",
                           "--output-dir", out, "-f", "pdf,txt", book]
                    pdf_out, txt_out = os.path.join(out, "book.pdf"), os.path.join(out, "book.txt")
                else:
                    pdf_out, txt_out = os.path.join(out, "book.pdf"), os.path.join(out, "book.txt")
                    cmd = ["ocrmypdf", "-q", "-j", str(args.jobs), "--sidecar", txt_out, book,
                           pdf_out]
                wall, cpu, rss, rc = timed(cmd, clean_env())
                if rc != 0:
                    sys.exit(f"{tool} failed (exit {rc}): {' '.join(cmd)}")
                runs[tool].append((wall, cpu, rss))
                outputs[tool] = (pdf_out, txt_out, " ".join(cmd))
                print(f"round {r + 1} {tool}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                      f"{rss / 1024:.0f} MiB", file=sys.stderr)
        truths = [t for _, t in chosen]
        rows = []
        for tool in ("ocrbatch", "ocrmypdf"):
            wall = statistics.median(w for w, _, _ in runs[tool])
            cpu = statistics.median(c for _, c, _ in runs[tool])
            rss = statistics.median(m for _, _, m in runs[tool])
            pdf_out, txt_out, cmd = outputs[tool]
            cer = score(open(txt_out, encoding="utf-8").read(), truths)
            rows.append((tool, wall, n / wall, cpu, rss, cer, os.path.getsize(pdf_out),
                         os.path.getsize(txt_out), cmd))
        print(f"\n{n} pages, {os.path.getsize(book) / 1e6:.1f} MB input, -j {args.jobs}, "
              f"{args.rounds} rounds (medians)\n")
        print("| tool | wall s | pages/s | CPU s | peak RSS MiB | CER | PDF size | text size |")
        print("|---|---|---|---|---|---|---|---|")
        for tool, wall, pps, cpu, rss, cer, psize, tsize, _ in rows:
            print(f"| {tool} | {wall:.2f} | {pps:.2f} | {cpu:.1f} | {rss / 1024:.0f} | "
                  f"{100 * cer:.2f}% | {psize / 1e6:.2f} MB | {tsize / 1e3:.1f} kB |")
        a, b = rows
        print(f"\npages/s ratio ocrbatch/ocrmypdf: {a[2] / b[2]:.2f}x; CPU ratio "
              f"ocrmypdf/ocrbatch: {b[3] / a[3]:.2f}x; input {os.path.getsize(book)} bytes")
        for row in rows:
            print(f"  {row[0]}: {row[8]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def text_page(lines, size=(2480, 3508)):
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 42)
    im = Image.new("L", size, 255)
    draw = ImageDraw.Draw(im)
    for i, line in enumerate(lines):
        draw.text((200, 300 + 70 * i), line, font=font, fill=0)
    return im


def memory(args):
    ocrbatch = os.environ.get("OCRBATCH", os.path.join(ROOT, "build/src/ocrbatch"))
    lines = ["The quick brown fox jumps over the lazy dog.",
             "Pack my box with five dozen liquor jugs, 1234567890.",
             "Sphinx of black quartz, judge my vow."]
    work = tempfile.mkdtemp(prefix="ocrbatch-pdfmem.")
    try:
        page = text_page(lines)
        results = []
        for n in (args.small, args.large):
            pdf = os.path.join(work, f"doc{n}.pdf")
            write_scan_pdf([page] * n, pdf)
            out = os.path.join(work, f"out{n}")
            os.mkdir(out)
            cmd = [ocrbatch, "-j", str(args.jobs), "-q", "--progress", "none",
                   "--output-dir", out, "-f", "pdf,txt", pdf]
            wall, cpu, rss, rc = timed(cmd, clean_env())
            if rc != 0:
                sys.exit(f"ocrbatch failed (exit {rc}): {' '.join(cmd)}")
            results.append((n, wall, rss, os.path.getsize(os.path.join(out, f"doc{n}.pdf"))))
            print(f"{n} pages: {wall:.1f} s, peak RSS {rss / 1024:.1f} MiB", file=sys.stderr)
        print("| pages | wall s | peak RSS MiB | output PDF |")
        print("|---|---|---|---|")
        for n, wall, rss, size in results:
            print(f"| {n} | {wall:.1f} | {rss / 1024:.1f} | {size / 1e6:.2f} MB |")
        print(f"\npeak RSS ratio {args.large}/{args.small} pages: "
              f"{results[1][2] / results[0][2]:.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    a = sub.add_parser("vs-ocrmypdf")
    a.add_argument("-r", "--rounds", type=int, default=3)
    a.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    a.add_argument("--pages", type=int, default=0)
    a.add_argument("data_dir", nargs="?", default=os.path.join(ROOT, "..", "shared", "data"))
    m = sub.add_parser("memory")
    m.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    m.add_argument("--small", type=int, default=50)
    m.add_argument("--large", type=int, default=500)
    args = parser.parse_args()
    vs_ocrmypdf(args) if args.what == "vs-ocrmypdf" else memory(args)


if __name__ == "__main__":
    main()
