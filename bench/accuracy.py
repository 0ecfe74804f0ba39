#!/usr/bin/python3
"""Accuracy harness: score ocrbatch and the plain `tesseract` CLI side by side on the same images.

Usage: bench/accuracy.py [--data DIR] [--sets a,b] [--jobs N] [-l LANG] [--psm N]
                         [--ocrbatch-args "..."] [--tesseract-args "..."] [--markdown]
                         [--per-image] [--uppercase] [--max-chars N] [--cli-uzn]
                         [--ocrbatch BIN] [--tesseract BIN]

DIR (default: ../shared/data from the repository root) holds one folder per set; a set is a folder
of <id>.<png|jpg|jpeg|tif|tiff> images with <id>.gt.txt UTF-8 ground truth. --sets takes set names
under DIR or paths to any such folder (e.g. a generated degraded copy elsewhere); the default is
every folder in DIR. Images without <id>.gt.txt are left out (and counted in the notes); a set
with none is skipped (degraded-dibco2011-printed has no text ground truth).

Per set, ocrbatch runs once over all the set's images (`-j N -q --progress none`, JSON Lines) and
`tesseract IMG -` runs once per image (OMP_THREAD_LIMIT=1, N in parallel). Both get the same
language and page segmentation mode: -l/--psm here, or the set's default (eng; chi_sim for the
Chinese sets chi-sim-*, which are skipped when chi_sim.traineddata is not installed). The pass-through
argument strings are appended to each engine's command line as they are. An image with a UNLV
zone file <id>.uzn beside it is given to the CLI as a symlink in an empty folder: for --psm 0 and
4-13 the CLI would OCR only those zones, and ocrbatch never reads them (--cli-uzn turns this off).

Scoring follows ../shared/data/README.md: both texts are normalised (Unicode NFKC, words hyphenated
at line ends joined, all whitespace collapsed to one space, ends stripped; upper-cased for the
receipts set eng-receipts-sroie* and the photo set eng-photos-real* (case-blind), or for every set
with --uppercase). CER = sum of Levenshtein distances / sum of ground-truth characters over the set
(micro average). Word F1 = bag-of-words F1 on whitespace tokens, true positives = multiset
intersection, precision and recall summed over the set. Chinese sets (chi-sim-*) have all
whitespace removed instead, and their F1 is over the bag of characters. An ocrbatch error record (or a tesseract failure) counts as an empty text and is reported.
"differ" counts the images whose raw page texts are not byte-identical between the two engines.

Exit status: 0 all runs succeeded; 1 some engine run or image failed (the table is still printed);
2 usage or setup error.
"""

import argparse
import collections
import concurrent.futures as cf
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
DEFAULT_OCRBATCH = os.path.join(ROOT, "build", "src", "ocrbatch")
IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
GT_SUFFIX = ".gt.txt"
RECEIPTS_SET = "eng-receipts-sroie"
PHOTOS_SET = "eng-photos-real"
CHINESE_PREFIX = "chi-sim"
CHI_SIM_MODEL = "/usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata"
NO_TEXT_SETS = {"degraded-dibco2011-printed": "no text ground truth (binarisation GT only)"}
DEFAULT_MAX_CHARS = 20000


# ----------------------------------------------------------------------------------------------
# Scoring
# ----------------------------------------------------------------------------------------------

# A word character, a hyphen (ASCII, soft, Unicode hyphen; NFKC maps U+2011 to U+2010), optional
# spaces, one line break, any further whitespace (blank lines, indentation), then a word character.
_EOL_HYPHEN = re.compile(r"(\w)[-\u00ad\u2010][ \t]*(?:\r\n|[\n\r\f\v\x85\u2028\u2029])\s*(?=\w)")


def normalise(text, upper=False, chars=False):
    """NFKC, join words hyphenated at line ends, collapse whitespace to one space, strip ends.

    chars (Chinese): remove all whitespace instead, as there are no word spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _EOL_HYPHEN.sub(r"\1", text)
    text = ("" if chars else " ").join(text.split())
    if upper:
        text = text.upper()
    return text


def levenshtein(a, b):
    """Edit distance (unit insert/delete/substitute) with a single-row DP in O(len(a)*len(b))."""
    if a == b:
        return 0
    # Common prefix and suffix never change the distance.
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    a, b = a[start:end_a], b[start:end_b]
    if len(a) < len(b):
        a, b = b, a  # the row runs over the shorter string
    if not b:
        return len(a)
    row = list(range(len(b) + 1))  # row[j] = distance(a[:i], b[:j])
    for i, ca in enumerate(a, 1):
        diag = row[0]  # distance(a[:i-1], b[:j-1])
        left = row[0] = i  # distance(a[:i], b[:j-1])
        j = 1
        for cb in b:
            up = row[j]  # distance(a[:i-1], b[:j])
            if ca == cb:
                left = diag
            else:
                if up < left:
                    left = up
                if diag < left:
                    left = diag
                left += 1
            row[j] = left
            diag = up
            j += 1
    return row[-1]


def capped_distance(hyp, ref, max_chars=0):
    """(distance, capped): Levenshtein on at most max_chars characters of each side (0 = no cap).

    When a side is cut, the distance is an upper bound: the cut tails are charged as a full
    rewrite, max(len(hyp tail), len(ref tail))."""
    if max_chars <= 0 or (len(hyp) <= max_chars and len(ref) <= max_chars):
        return levenshtein(hyp, ref), False
    tail = max(len(hyp) - min(len(hyp), max_chars), len(ref) - min(len(ref), max_chars))
    return levenshtein(hyp[:max_chars], ref[:max_chars]) + tail, True


def cer(pairs):
    """Micro-averaged CER over (hypothesis, reference) pairs of already-normalised texts."""
    dist = sum(levenshtein(h, r) for h, r in pairs)
    chars = sum(len(r) for _, r in pairs)
    return dist / chars if chars else (0.0 if dist == 0 else float("inf"))


def word_counts(hyp, ref, chars=False):
    """(true positives, hypothesis words, reference words) for bag-of-words matching; with
    chars, the bag holds characters (Chinese has no word spaces)."""
    h = collections.Counter(hyp if chars else hyp.split())
    r = collections.Counter(ref if chars else ref.split())
    return sum((h & r).values()), sum(h.values()), sum(r.values())


def f1_from_counts(tp, n_hyp, n_ref):
    """F1 of precision tp/n_hyp and recall tp/n_ref; two empty texts agree perfectly."""
    if n_hyp == 0 and n_ref == 0:
        return 1.0
    if tp == 0:
        return 0.0
    precision, recall = tp / n_hyp, tp / n_ref
    return 2 * precision * recall / (precision + recall)


def word_f1(hyp, ref):
    return f1_from_counts(*word_counts(hyp, ref))


def uppercase_for(set_name, force=False):
    """The receipts ground truth is upper case, and photos are compared case-blind: both
    sides upper-cased there."""
    return force or set_name.startswith(RECEIPTS_SET) or set_name.startswith(PHOTOS_SET)


def chinese(set_name):
    """Chinese sets: read with chi_sim, scored on characters with all whitespace removed."""
    return set_name.startswith(CHINESE_PREFIX)


def score_page(hyp_raw, ref_raw, upper=False, max_chars=0, chars=False):
    """Normalise both texts and return the per-page counts the set totals are built from."""
    hyp, ref = normalise(hyp_raw, upper, chars), normalise(ref_raw, upper, chars)
    dist, capped = capped_distance(hyp, ref, max_chars)
    tp, n_hyp, n_ref = word_counts(hyp, ref, chars)
    return {"dist": dist, "chars": len(ref), "hyp_chars": len(hyp), "tp": tp, "n_hyp": n_hyp,
            "n_ref": n_ref, "capped": capped}


# ----------------------------------------------------------------------------------------------
# Sets and engines
# ----------------------------------------------------------------------------------------------

class SetupError(Exception):
    pass


def list_set(folder):
    """[(id, image path, gt path)], plus the number of images that have no ground truth."""
    items, no_gt = [], 0
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        stem, ext = os.path.splitext(name)
        if ext.lower() not in IMAGE_EXTS or not os.path.isfile(path) or stem.endswith(".gt"):
            continue  # <id>.gt.tif is binarisation ground truth, not an input
        gt = os.path.join(folder, stem + GT_SUFFIX)
        if os.path.isfile(gt):
            items.append((stem, path, gt))
        else:
            no_gt += 1
    return items, no_gt


def resolve_sets(data_dir, spec):
    """[(name, folder)] for --sets (names under data_dir or folder paths); default: all of them."""
    if spec:
        out = []
        for token in [s.strip() for s in spec.split(",") if s.strip()]:
            under = os.path.join(data_dir, token)
            if os.sep not in token and os.path.isdir(under):
                out.append((token, os.path.abspath(under)))
            elif os.path.isdir(token):
                folder = os.path.abspath(token)
                out.append((os.path.basename(folder.rstrip(os.sep)), folder))
            else:
                raise SetupError(f"no set '{token}': neither {under} nor {os.path.abspath(token)} "
                                 "is a folder")
        return out
    if not os.path.isdir(data_dir):
        raise SetupError(f"data folder {data_dir} does not exist (use --data DIR)")
    return [(name, os.path.join(data_dir, name)) for name in sorted(os.listdir(data_dir))
            if os.path.isdir(os.path.join(data_dir, name))]


def has_option(args, *names):
    """Whether a pass-through argument list sets one of the given options."""
    for arg in args:
        for name in names:
            if arg == name or (name.startswith("--") and arg.startswith(name + "=")) or (
                    not name.startswith("--") and arg.startswith(name) and len(arg) > len(name)):
                return True
    return False


def option_value(args, *names):
    """The last value given for one of the options in a pass-through list (None if absent)."""
    value = None
    for k, arg in enumerate(args):
        for name in names:
            if arg == name and k + 1 < len(args):
                value = args[k + 1]
            elif name.startswith("--") and arg.startswith(name + "="):
                value = arg[len(name) + 1:]
            elif not name.startswith("--") and arg.startswith(name) and len(arg) > len(name):
                value = arg[len(name):]
    return value


def run_ocrbatch(binary, images, jobs, common, extra, workdir, tag):
    """({image: [page texts]}, [(image, message)] errors, exit status, stderr, seconds, cmd,
    fallback) where fallback counts the pages the plain-reading fallback checked and used, and
    the milliseconds that took."""
    out = os.path.join(workdir, f"ocrbatch.{tag}.jsonl")
    cmd = [binary, "-j", str(jobs), "-q", "--progress", "none", *common, *extra,
           "-f", "jsonl", "-o", out, *images]
    t0 = time.monotonic()
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seconds = time.monotonic() - t0
    pages = collections.defaultdict(dict)
    errors = []
    fallback = {"checked": 0, "used": 0, "ms": 0.0}
    wanted = set(images)
    if os.path.exists(out):
        with open(out, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                rec = json.loads(line)
                source = rec.get("source")
                if source not in wanted and source is not None:
                    source = os.path.abspath(source)
                if rec.get("type") == "page":
                    pages[source][int(rec.get("page", 1))] = rec.get("text", "")
                    for step in rec.get("preprocess", []):
                        if step.get("step") == "fallback":
                            fallback["checked"] += 1
                            fallback["used"] += bool(step.get("applied"))
                            fallback["ms"] += step.get("ms", 0.0)
                elif rec.get("type") == "error":
                    err = rec.get("error", {})
                    where = f" page {rec['page']}" if "page" in rec else ""
                    errors.append((source, f"{err.get('code')}{where}: {err.get('message')}"))
    texts = {img: [pages[img][p] for p in sorted(pages[img])] for img in images if img in pages}
    for img in images:
        if img not in texts and not any(src == img for src, _ in errors):
            errors.append((img, "no record in ocrbatch's output"))
    stderr = res.stderr.decode("utf-8", "replace").strip()
    return texts, errors, res.returncode, stderr, seconds, cmd, fallback


def uzn_path(image):
    """The UNLV zone file the tesseract CLI would read beside an image (<stem>.uzn)."""
    return os.path.splitext(image)[0] + ".uzn"


def run_tesseract_one(binary, image, common, extra, hide_dir=None):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    target = image
    if hide_dir is not None:
        # The CLI reads <stem>.uzn beside its input for every --psm without column finding
        # (0, 4-13) and OCRs only those zones; ocrbatch never does. A symlink in an empty
        # folder gives both engines the same input.
        os.makedirs(hide_dir, exist_ok=True)
        target = os.path.join(hide_dir, os.path.basename(image))
        if not os.path.lexists(target):
            os.symlink(image, target)
    cmd = [binary, target, "-", *common, *extra]
    try:
        res = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=1800)
    except subprocess.TimeoutExpired:
        return image, None, "timed out after 1800 s"
    if res.returncode != 0:
        msg = res.stderr.decode("utf-8", "replace").strip().splitlines()
        return image, None, f"exit {res.returncode}: {msg[-1] if msg else ''}"
    text = res.stdout.decode("utf-8", "replace")
    # The CLI's text renderer writes the page separator (\f) *between* pages.
    return image, text.split("\f"), None


def run_tesseract(binary, images, jobs, common, extra, hide_uzn_dir=None):
    """Run the CLI per image; images with a .uzn beside them go through hide_uzn_dir if given."""
    t0 = time.monotonic()
    texts, errors = {}, []

    def one(k_image):
        k, image = k_image
        hide = (os.path.join(hide_uzn_dir, str(k))
                if hide_uzn_dir is not None and os.path.exists(uzn_path(image)) else None)
        return run_tesseract_one(binary, image, common, extra, hide)

    with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
        for image, pages, err in pool.map(one, enumerate(images)):
            if err is None:
                texts[image] = pages
            else:
                errors.append((image, err))
    return texts, errors, time.monotonic() - t0


def _score_job(args):
    hyp, ref, upper, max_chars, chars = args
    return score_page(hyp, ref, upper, max_chars, chars)


# ----------------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------------

COLUMNS = ["set", "images", "CER ocrbatch", "CER tesseract", "word-F1 ocrbatch",
           "word-F1 tesseract", "differ"]


def fmt_pct(x):
    return "n/a" if x is None else f"{100 * x:.2f}%"


def fmt_f1(x):
    return "n/a" if x is None else f"{x:.4f}"


def print_table(rows, markdown, out=sys.stdout):
    cells = [[r["set"], str(r["images"]), fmt_pct(r["cer_o"]), fmt_pct(r["cer_t"]),
              fmt_f1(r["f1_o"]), fmt_f1(r["f1_t"]), str(r["differ"])] for r in rows]
    if markdown:
        print("| " + " | ".join(COLUMNS) + " |", file=out)
        print("|" + "|".join(["---"] + ["---:"] * (len(COLUMNS) - 1)) + "|", file=out)
        for c in cells:
            print("| " + " | ".join(c) + " |", file=out)
        return
    widths = [max(len(COLUMNS[k]), *(len(c[k]) for c in cells)) if cells else len(COLUMNS[k])
              for k in range(len(COLUMNS))]
    line = "  ".join(COLUMNS[k].ljust(widths[k]) if k == 0 else COLUMNS[k].rjust(widths[k])
                     for k in range(len(COLUMNS)))
    print(line, file=out)
    print("-" * len(line), file=out)
    for c in cells:
        print("  ".join(c[k].ljust(widths[k]) if k == 0 else c[k].rjust(widths[k])
                        for k in range(len(COLUMNS))), file=out)


# ----------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="accuracy.py", description="Score ocrbatch and the tesseract CLI side by side "
        "(CER and bag-of-words F1 against <id>.gt.txt).")
    p.add_argument("--data", default=DEFAULT_DATA, help="folder of sets (default: %(default)s)")
    p.add_argument("--sets", default="", help="comma-separated set names under --data, or "
                   "folder paths (default: every folder in --data)")
    p.add_argument("--jobs", "-j", type=int, default=len(os.sched_getaffinity(0)),
                   help="ocrbatch -j, parallel tesseract runs and scoring processes "
                   "(default: %(default)s)")
    p.add_argument("-l", "--lang", default=None,
                   help="language for both engines (default: eng; chi_sim for the Chinese set)")
    p.add_argument("--psm", default=None, help="page segmentation mode for both engines "
                   "(default: each engine's default, 3)")
    p.add_argument("--ocrbatch-args", default="", help="extra arguments for ocrbatch (shell-split)")
    p.add_argument("--tesseract-args", default="",
                   help="extra arguments for the tesseract CLI (shell-split)")
    p.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    p.add_argument("--per-image", action="store_true",
                   help="also print per-image CER for both engines")
    p.add_argument("--uppercase", action="store_true",
                   help="upper-case both sides for every set (default: receipts set only)")
    p.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS,
                   help="cut each normalised page text to N characters for the edit distance "
                   "(the cut tails are charged in full; 0 = no cap; default %(default)s)")
    p.add_argument("--cli-uzn", action="store_true",
                   help="let the tesseract CLI read <id>.uzn zone files beside the images (by "
                   "default it gets a symlink without one, as ocrbatch never reads them)")
    p.add_argument("--ocrbatch", default=DEFAULT_OCRBATCH, help="ocrbatch binary "
                   "(default: %(default)s)")
    p.add_argument("--tesseract", default="tesseract", help="tesseract CLI (default: from PATH)")
    args = p.parse_args(argv)
    if args.jobs < 1:
        p.error("--jobs must be at least 1")
    return args


def engine_args(user_extra, lang, psm):
    """The -l/--psm arguments the harness adds for one engine, unless its pass-through sets them."""
    common = []
    if lang is not None and not has_option(user_extra, "-l", "--lang"):
        common += ["-l", lang]
    if psm is not None and not has_option(user_extra, "--psm"):
        common += ["--psm", str(psm)]
    return common


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    t_start = time.monotonic()
    try:
        o_extra = shlex.split(args.ocrbatch_args)
        t_extra = shlex.split(args.tesseract_args)
        sets = resolve_sets(os.path.abspath(args.data), args.sets)
        if not (os.path.isfile(args.ocrbatch) and os.access(args.ocrbatch, os.X_OK)):
            raise SetupError(f"ocrbatch binary {args.ocrbatch} not found (build it, or --ocrbatch)")
        tesseract = shutil.which(args.tesseract)
        if tesseract is None:
            raise SetupError(f"tesseract CLI '{args.tesseract}' not found")
    except (SetupError, ValueError) as exc:
        print(f"accuracy.py: {exc}", file=sys.stderr)
        return 2

    rows, notes, failures = [], [], []
    timings = []
    with tempfile.TemporaryDirectory(prefix="ocrbatch-accuracy.") as workdir, \
            cf.ProcessPoolExecutor(max_workers=args.jobs) as scorer:
        for index, (name, folder) in enumerate(sets):
            items, no_gt = list_set(folder)
            if not items:
                notes.append(f"{name}: skipped, no image has a <id>{GT_SUFFIX}"
                             + (f": {NO_TEXT_SETS[name]}" if name in NO_TEXT_SETS else ""))
                continue
            if no_gt:
                notes.append(f"{name}: {no_gt} image(s) without ground truth left out")
            lang = args.lang
            if lang is None and chinese(name):
                if not os.path.isfile(CHI_SIM_MODEL):
                    notes.append(f"{name}: skipped, {CHI_SIM_MODEL} is not installed "
                                 "(apt-get install tesseract-ocr-chi-sim)")
                    continue
                lang = "chi_sim"
            o_common = engine_args(o_extra, lang, args.psm)
            t_common = engine_args(t_extra, lang, args.psm)
            o_lang = option_value(o_common + o_extra, "-l", "--lang") or "eng"
            t_lang = option_value(t_common + t_extra, "-l") or "eng"
            o_psm = option_value(o_common + o_extra, "--psm") or "3"
            t_psm = option_value(t_common + t_extra, "--psm") or "3"
            if (o_lang, o_psm) != (t_lang, t_psm):
                notes.append(f"{name}: engines differ in settings: ocrbatch -l {o_lang} --psm "
                             f"{o_psm}, tesseract -l {t_lang} --psm {t_psm}")
            images = [img for _, img, _ in items]
            print(f"[{name}] {len(images)} images: ocrbatch ...", file=sys.stderr, flush=True)
            o_texts, o_errors, o_rc, o_stderr, o_secs, o_cmd, fallback = run_ocrbatch(
                args.ocrbatch, images, args.jobs, o_common, o_extra, workdir, index)
            if fallback["checked"]:
                notes.append(f"{name}: the plain-reading fallback read {fallback['checked']} "
                             f"of {len(images)} image(s) a second time "
                             f"({fallback['ms'] / 1000:.1f} s) and used the plain reading on "
                             f"{fallback['used']}")
            if o_rc not in (0, 1):
                failures.append(f"{name}: ocrbatch exited {o_rc}: {o_stderr[-500:]}")
            elif o_rc == 1 and not o_errors:
                failures.append(f"{name}: ocrbatch exited 1 without an error record: "
                                f"{o_stderr[-500:]}")
            print(f"[{name}] ocrbatch {o_secs:.1f} s; tesseract ...", file=sys.stderr, flush=True)
            with_uzn = sum(1 for img in images if os.path.exists(uzn_path(img)))
            if with_uzn:
                notes.append(f"{name}: {with_uzn} image(s) have a <id>.uzn zone file: " + (
                    "the tesseract CLI read them (--cli-uzn; it does for --psm 0 and 4-13)"
                    if args.cli_uzn else "the tesseract CLI got a symlink without it "
                    "(--cli-uzn to let it read the zones, which it does for --psm 0 and 4-13)"))
            t_texts, t_errors, t_secs = run_tesseract(
                tesseract, images, args.jobs, t_common, t_extra,
                None if args.cli_uzn else os.path.join(workdir, f"cli.{index}"))
            print(f"[{name}] tesseract {t_secs:.1f} s; scoring ...", file=sys.stderr, flush=True)
            for img, msg in o_errors:
                failures.append(f"{name}: ocrbatch error on {os.path.basename(img or '?')}: "
                                f"{msg} (scored as empty text)")
            for img, msg in t_errors:
                failures.append(f"{name}: tesseract failed on {os.path.basename(img)}: "
                                f"{msg} (scored as empty text)")

            upper = uppercase_for(name, args.uppercase)
            chars = chinese(name)
            refs = {}
            for _, img, gt in items:
                with open(gt, encoding="utf-8") as fh:
                    refs[img] = fh.read()
            o_join = {img: "\n".join(o_texts.get(img, [])) for img in images}
            t_join = {img: "\n".join(t_texts.get(img, [])) for img in images}
            differ = [img for img in images
                      if o_texts.get(img) != t_texts.get(img)]
            # Score each distinct (hypothesis, reference) once: the engines mostly agree.
            t0 = time.monotonic()
            jobs = {}
            for img in images:
                for hyp in (o_join[img], t_join[img]):
                    key = (hyp, img)
                    if key not in jobs:
                        jobs[key] = scorer.submit(_score_job, (hyp, refs[img], upper,
                                                               args.max_chars, chars))
            scores = {key: fut.result() for key, fut in jobs.items()}
            s_secs = time.monotonic() - t0
            o_scores = [scores[(o_join[img], img)] for img in images]
            t_scores = [scores[(t_join[img], img)] for img in images]
            capped = sum(1 for s in o_scores + t_scores if s["capped"])
            if capped:
                notes.append(f"{name}: {capped} page score(s) used texts cut to "
                             f"{args.max_chars} chars (distance is an upper bound)")

            def totals(page_scores):
                chars = sum(s["chars"] for s in page_scores)
                dist = sum(s["dist"] for s in page_scores)
                return (dist / chars if chars else None,
                        f1_from_counts(sum(s["tp"] for s in page_scores),
                                       sum(s["n_hyp"] for s in page_scores),
                                       sum(s["n_ref"] for s in page_scores)))

            cer_o, f1_o = totals(o_scores)
            cer_t, f1_t = totals(t_scores)
            rows.append({"set": name, "images": len(images), "cer_o": cer_o, "cer_t": cer_t,
                         "f1_o": f1_o, "f1_t": f1_t, "differ": len(differ)})
            timings.append((name, o_secs, t_secs, s_secs))
            norm_differ = [img for img in differ if normalise(o_join[img], upper, chars)
                           != normalise(t_join[img], upper, chars)]
            if differ:
                notes.append(f"{name}: texts differ on {len(differ)} image(s) "
                             f"({len(norm_differ)} after normalisation): "
                             + ", ".join(os.path.basename(i) for i in differ[:10])
                             + (" ..." if len(differ) > 10 else ""))
            if args.per_image:
                print(f"[{name}] per image: id  chars  CER ocrbatch  CER tesseract")
                for (img_id, img, _), so, st in zip(items, o_scores, t_scores):
                    c = so["chars"]
                    print(f"  {img_id}  {c}  "
                          f"{fmt_pct(so['dist'] / c if c else None)}  "
                          f"{fmt_pct(st['dist'] / c if c else None)}"
                          + ("  *differ*" if img in differ else ""))

    print_table(rows, args.markdown)
    elapsed = time.monotonic() - t_start
    bullet = "- " if args.markdown else "  "
    if notes or failures:
        print()
        print("Notes:" if not args.markdown else "Notes:\n")
        for n in notes:
            print(bullet + n)
        for f in failures:
            print(bullet + "FAILED: " + f)
    print()
    print(("Timing:" if not args.markdown else "Timing (wall seconds):\n"))
    for name, o_secs, t_secs, s_secs in timings:
        print(f"{bullet}{name}: ocrbatch {o_secs:.1f} s, tesseract CLI {t_secs:.1f} s, "
              f"scoring {s_secs:.1f} s")
    print(f"{bullet}total {elapsed:.1f} s (jobs {args.jobs})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
