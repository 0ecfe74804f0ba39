#!/usr/bin/python3
"""A 4-task Slurm job array against one plain run on the same folder.

Usage: bench/slurm_array.py [-r ROUNDS] [-n PAGES] [-t TASKS] [-j JOBS] [FOLDER]

Brings up the single-node cluster of the end-to-end tests (tests/e2e/slurm_cluster.py; needs
root and scripts/bootstrap's Slurm packages), then per round, alternating which goes first:
  plain  `ocrbatch -j JOBS --ledger L -o OUT FOLDER` on this machine;
  array  `sbatch --array=0-(TASKS-1)`, each task `ocrbatch --shard slurm -j 1 --ledger L-%s
         -o OUT-%s FOLDER`, waited for by polling squeue.
Both run under GNU time (/usr/bin/time, `scripts/bootstrap --bench`); the array's CPU is the sum
over its tasks. Each round checks that the shards' records are the plain run's records apart
from order and run_id (and shard), each input in exactly one shard. Then the fixed cost of a
shard, ROUNDS times: `ocrbatch --shard I/N` with its own ledger for an I that owns no input
of the folder (start-up with the engine's backend and models, the walk, the ledger; the
recognizer itself is made at a worker's first page), and a run whose only input is one small
line (the recognizer's start included, plus that line).

FOLDER defaults to PAGES (40) generated letter-like pages (7 lines of 40-pt serif text on
1700x900, 1-bit, as samples/letter.png) in a temporary folder. Prints medians as Markdown.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from slurm_cluster import SlurmCluster, unavailable_reason  # noqa: E402

GNU_TIME = "/usr/bin/time"
# fields that differ between any two runs, or between a shard and a plain run
VOLATILE = {"duration_ms", "elapsed_s", "pages_per_second", "run_id", "shard"}
WORDS = ("order shipment warehouse parcel delivery customer invoice service quarterly revenue "
         "region garden furniture freight energy winter depot harbour drivers autumn office "
         "friday entrance contents morning month working confirm damaged missing regards").split()


def make_pages(folder, count, seed=1):
    from PIL import Image, ImageDraw, ImageFont

    folder.mkdir(parents=True, exist_ok=True)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 40)
    rng = random.Random(seed)
    for i in range(count):
        img = Image.new("L", (1700, 900), 255)
        draw = ImageDraw.Draw(img)
        for line in range(7):
            words = [rng.choice(WORDS) for _ in range(9)]
            if line == 0:
                words = ["Letter", str(i + 1)] + words[:7]
            draw.text((80, 70 + line * 64), " ".join(words), font=font, fill=0)
        img = img.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)
        img.save(folder / f"letter{i:03}.png", dpi=(300, 300))


def read_time(path):
    """GNU time's "%e %U %S" line: (wall, CPU) seconds."""
    wall, user, system = (float(x) for x in path.read_text().split()[-3:])
    return wall, user + system


def records(paths):
    out = []
    for path in paths:
        for line in Path(path).read_text().splitlines():
            if line:
                out.append(json.loads(line))
    return out


def canonical(recs):
    def strip(r):
        r = {k: v for k, v in r.items() if k not in VOLATILE}
        if "preprocess" in r:
            r["preprocess"] = [{k: v for k, v in s.items() if k != "ms"} for s in r["preprocess"]]
        return json.dumps(r, sort_keys=True)
    return sorted(strip(r) for r in recs if r["type"] in ("page", "error"))


def run_plain(binary, folder, work, jobs):
    out, timing = work / "plain.jsonl", work / "plain.time"
    subprocess.run([GNU_TIME, "-f", "%e %U %S", "-o", timing, binary, "-q", "--progress", "none",
                    "-j", str(jobs), "--ledger", work / "plain.db", "-o", out, folder],
                   check=True, env=clean_env())
    wall, cpu = read_time(timing)
    return wall, cpu, records([out])


def run_array(cluster, binary, folder, work, tasks):
    script = work / "array.sh"
    script.write_text(
        "#!/bin/bash\nset -eu\n"
        f'exec {GNU_TIME} -f "%e %U %S" -o "{work}/task-$SLURM_ARRAY_TASK_ID.time" '
        f'{binary} -q --progress none --shard slurm -j 1 '
        f'--ledger "{work}/task-%s.db" -o "{work}/task-%s.jsonl" "{folder}"\n')
    script.chmod(0o755)
    start = time.monotonic()
    job = cluster.sbatch([f"--array=0-{tasks - 1}", f"--output={work}/task-%a.log",
                          f"--chdir={work}", script], env=clean_env())
    cluster.wait(job, timeout=1800)
    wall = time.monotonic() - start
    done = cluster.wait_completions(job, tasks)
    codes = {t: f["ExitCode"] for t, f in done.items()}
    if sorted(codes) != list(range(tasks)) or set(codes.values()) != {"0:0"}:
        raise SystemExit(f"array tasks did not all succeed: {codes}")
    cpu = sum(read_time(work / f"task-{t}.time")[1] for t in range(tasks))
    return wall, cpu, records(work / f"task-{t}.jsonl" for t in range(tasks))


def check_same(plain, shards, tasks):
    sources = [r["source"] for r in shards if r["type"] == "page"]
    if len(sources) != len(set(sources)):
        raise SystemExit("an input appears in more than one shard's output")
    if canonical(plain) != canonical(shards):
        raise SystemExit("the shards' records differ from the plain run's")
    summaries = [r for r in shards if r["type"] == "summary"]
    if len(summaries) != tasks:
        raise SystemExit(f"{len(summaries)} shard summaries for {tasks} tasks")


def timed(argv, timing):
    subprocess.run([GNU_TIME, "-f", "%e %U %S", "-o", timing] + [str(a) for a in argv],
                   check=True, env=clean_env(), stdout=subprocess.DEVNULL)
    return read_time(timing)


def fixed_cost(binary, folder, work, count, rounds):
    """Medians of (wall, CPU) for a shard that owns none of the folder's inputs (startup, the
    walk, the ledger; the recognizer is made at the first page, so it is not in this), and
    for a shard whose only input is one small line (the recognizer's start included)."""
    shards = count * 10
    out = work / "fixed.jsonl"
    for index in range(shards):
        subprocess.run([binary, "-q", "--progress", "none", "--shard", f"{index}/{shards}",
                        "-o", out, folder], check=True, env=clean_env())
        if not [r for r in records([out]) if r["type"] != "summary"]:
            break
    else:
        raise SystemExit("no empty shard found")
    line = work / "one-line"
    make_line(line / "line.png")
    empty, one = [], []
    for r in range(rounds):
        empty.append(timed([binary, "-q", "--progress", "none", "--shard", f"{index}/{shards}",
                            "--ledger", work / f"empty-{r}.db", "-o", out, folder],
                           work / "fixed.time"))
        one.append(timed([binary, "-q", "--progress", "none", "--shard", "0/1",
                          "--ledger", work / f"one-{r}.db", "-o", out, line], work / "fixed.time"))
    med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
    return (f"{index}/{shards}", (med(empty, 0), med(empty, 1)), (med(one, 0), med(one, 1)))


def make_line(path):
    from PIL import Image, ImageDraw, ImageFont

    path.parent.mkdir(parents=True, exist_ok=True)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 28)
    img = Image.new("L", (520, 60), 255)
    ImageDraw.Draw(img).text((12, 12), "Page 01 harbour ledger", fill=0, font=font)
    img.save(path)


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCRBATCH_")}
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-r", "--rounds", type=int, default=3)
    ap.add_argument("-n", "--pages", type=int, default=40)
    ap.add_argument("-t", "--tasks", type=int, default=4)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--ocrbatch", default=str(ROOT / "build" / "src" / "ocrbatch"))
    ap.add_argument("folder", nargs="?")
    args = ap.parse_args()
    reason = unavailable_reason()
    if reason:
        sys.exit(f"slurm_array: {reason}")
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit(f"slurm_array: {GNU_TIME} is missing (scripts/bootstrap --bench installs it)")
    binary = str(Path(args.ocrbatch).resolve())
    temp = Path(tempfile.mkdtemp(prefix="ocrbatch-slurm-bench-"))
    try:
        folder = Path(args.folder).resolve() if args.folder else temp / "inbox"
        if not args.folder:
            make_pages(folder, args.pages)
        count = len(os.listdir(folder))
        with SlurmCluster(temp / "cluster") as cluster:
            print(f"cluster up in {cluster.bringup_s:.2f} s; {count} inputs, "
                  f"{args.tasks} tasks, plain -j {args.jobs}", flush=True)
            results = {"plain": [], "array": []}
            for r in range(args.rounds):
                order = ["plain", "array"] if r % 2 == 0 else ["array", "plain"]
                got = {}
                for mode in order:
                    work = temp / f"round{r}-{mode}"
                    work.mkdir()
                    if mode == "plain":
                        got[mode] = run_plain(binary, folder, work, args.jobs)
                    else:
                        got[mode] = run_array(cluster, binary, folder, work, args.tasks)
                    results[mode].append(got[mode][:2])
                check_same(got["plain"][2], got["array"][2], args.tasks)
                print(f"round {r + 1}: plain {got['plain'][0]:.2f} s wall, "
                      f"{got['plain'][1]:.2f} s CPU; array {got['array'][0]:.2f} s wall, "
                      f"{got['array'][1]:.2f} s CPU; records identical", flush=True)
            spec, empty, one = fixed_cost(binary, folder, temp, count, args.rounds)
        print(f"cluster down in {cluster.teardown_s:.2f} s\n")
        med = {m: [statistics.median(x[i] for x in results[m]) for i in (0, 1)] for m in results}
        print(f"{count} inputs, median of {args.rounds} interleaved rounds")
        print(f"| measure | plain `-j {args.jobs}` | {args.tasks}-task array (`-j 1` each) "
              "| array/plain |")
        print("|---|---:|---:|---:|")
        print(f"| wall s (array: submit to last task done) | {med['plain'][0]:.2f} | "
              f"{med['array'][0]:.2f} | {med['array'][0] / med['plain'][0]:.3f} |")
        print(f"| CPU s (user+sys; array: sum of tasks) | {med['plain'][1]:.2f} | "
              f"{med['array'][1]:.2f} | {med['array'][1] / med['plain'][1]:.3f} |")
        paired = [a[1] / p[1] for p, a in zip(results["plain"], results["array"])]
        print(f"| CPU array/plain per round (median; min-max) | | | {statistics.median(paired):.3f} "
              f"({min(paired):.3f}-{max(paired):.3f}) |")
        print(f"\nfixed cost of a shard, median of {args.rounds}:")
        print(f"- no inputs of its own (--shard {spec} of the folder, own ledger): "
              f"{empty[0]:.2f} s wall, {empty[1]:.2f} s CPU")
        print(f"- one 520x60 line (its recognizer's start included): "
              f"{one[0]:.2f} s wall, {one[1]:.2f} s CPU")
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
