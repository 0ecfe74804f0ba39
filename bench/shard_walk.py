#!/usr/bin/env python3
"""The walk cost of one shard: `ocrbatch --list --shard I/N` over a folder of many small files,
against the same listing without --shard (every file opened and sniffed) and against `find`
(the bare walk). A shard passes over the other shards' files before opening them, so its cost
should approach the bare walk as N grows. Median of R rounds after one warm-up pass.

    bench/shard_walk.py [--files 200000] [--rounds 3] [--shards 4,16,1000] [--bin build/src/ocrbatch]

The files go to a temporary folder under /tmp (200 folders of 1000 files of 8 bytes each),
removed at the end unless --keep.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_tree(root, files, per_folder=1000):
    for i in range(files):
        folder = root / f"d{i // per_folder:04}"
        if i % per_folder == 0:
            folder.mkdir()
        (folder / f"scan-{i:07}.png").write_bytes(b"notapng\n")


def measure(cmd):
    """Wall seconds and CPU seconds (user + system) of one run; stdout discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)}: exit {r.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--shards", default="4,16,1000", help="shard counts N to time shard 0 of")
    ap.add_argument("--bin", default=str(ROOT / "build" / "src" / "ocrbatch"))
    ap.add_argument("--keep", action="store_true", help="leave the generated folder")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ocrbatch-shard-walk-", dir="/tmp"))
    tree = tmp / "inbox"
    tree.mkdir()
    try:
        t0 = time.perf_counter()
        make_tree(tree, args.files)
        print(f"made {args.files} files in {time.perf_counter() - t0:.1f}s under {tree}", flush=True)
        env_cmds = [("find (bare walk)", ["find", str(tree), "-type", "f"])]
        env_cmds.append(("--list (no shard)", [args.bin, "--list", str(tree)]))
        for n in [int(x) for x in args.shards.split(",")]:
            env_cmds.append((f"--list --shard 0/{n}", [args.bin, "--list", "--shard", f"0/{n}",
                                                       str(tree)]))
        for _, cmd in env_cmds:  # warm the page and dentry caches
            measure(cmd)
        rows = []
        for name, cmd in env_cmds:
            walls, cpus = zip(*(measure(cmd) for _ in range(args.rounds)))
            rows.append((name, statistics.median(walls), statistics.median(cpus)))
            print(f"{name}: wall {', '.join(f'{w:.2f}' for w in walls)} s", flush=True)
        print()
        print(f"| command ({args.files} files) | wall s (median of {args.rounds}) | CPU s |"
              " per file |")
        print("|---|---|---|---|")
        for name, wall, cpu in rows:
            print(f"| `{name}` | {wall:.2f} | {cpu:.2f} | {wall / args.files * 1e6:.1f} µs |")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
