#!/usr/bin/env bash
# Throughput, CPU and peak-RSS benchmark: ocrbatch against its peer, the tesseract CLI driven
# by GNU parallel, on the same images in the same run.
#
# Usage: bench/throughput.sh [-r ROUNDS] [-j JOBS] [-l LANG] [-n NAME] [-k DIR] [PATH...]
#   PATH     image files, folders (their top-level *.png *.jpg *.jpeg *.tif *.tiff, sorted) or
#            @LIST (a file with one image path per line). Default: ../shared/data/eng-lines-uw3
#            relative to the repository root.
#   -r N     rounds (default 5). Odd rounds run ocrbatch first, even rounds the peer first.
#   -j N     workers for both tools (default: nproc)
#   -l LANG  Tesseract language for both tools (default: eng)
#   -n NAME  label for the table (default: basename of the first PATH)
#   -k DIR   keep outputs and raw timings in DIR (default: a temporary folder, removed at exit)
# Environment:
#   OCRBATCH       ocrbatch binary (default: build/src/ocrbatch under the repository root)
#   OCRBATCH_ARGS  extra ocrbatch arguments, word-split (e.g. "--psm 3")
#   TESSERACT      tesseract binary for the peer (default: tesseract)
#
# Per round and tool, GNU time records wall seconds (%e), user+sys CPU seconds (%U+%S, children
# included) and peak RSS (%M). Commands timed:
#   ocrbatch: ocrbatch -j N --progress none -q -l LANG -f jsonl -o OUT.jsonl --files-from LIST
#             (run without OMP_THREAD_LIMIT in the environment, so its own re-exec is measured,
#             and without any OCRBATCH_* variable, which ocrbatch may read as options)
#   peer:     OMP_THREAD_LIMIT=1 parallel -j N tesseract {} - -l LANG :::: LIST > OUT.txt
# For the peer, %M is the peak RSS of the largest single process (parallel or one tesseract),
# not the sum of the N processes that run at once; an untimed extra pass therefore measures the
# peak RSS of each tesseract process on its own (median and max over the images).
# Both outputs go to regular files in the work folder, so every round's output can be checked.
# Prints raw per-round numbers, then a Markdown table of medians and the ocrbatch/peer ratio.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

rounds=5
jobs=$(nproc)
lang=eng
name=""
keep=""
while getopts "r:j:l:n:k:h" opt; do
  case "$opt" in
    r) rounds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    l) lang=$OPTARG ;;
    n) name=$OPTARG ;;
    k) keep=$OPTARG ;;
    h) sed -n '2,30p' "$0"; exit 0 ;;
    *) sed -n '4,5p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- "$root/../shared/data/eng-lines-uw3"
[ -n "$name" ] || name=$(basename "${1#@}")

ocrbatch=${OCRBATCH:-$root/build/src/ocrbatch}
tesseract=${TESSERACT:-tesseract}
read -r -a extra <<<"${OCRBATCH_ARGS:-}"
# ocrbatch reads some OCRBATCH_* variables as options (config file, ledger, jobs): run it with
# none of them, and without OMP_THREAD_LIMIT so that its own re-exec is part of the time.
clean_env=(env -u OMP_THREAD_LIMIT)
for v in $(compgen -e | grep '^OCRBATCH' || true); do clean_env+=(-u "$v"); done
timebin=/usr/bin/time
for tool in "$ocrbatch" "$tesseract" parallel "$timebin" python3; do
  command -v "$tool" >/dev/null || { echo "throughput.sh: $tool not found (scripts/bootstrap --bench)" >&2; exit 2; }
done

if [ -n "$keep" ]; then
  work=$keep
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/ocrbatch-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

# The image list, absolute paths, in a stable order.
list=$work/images.list
: >"$list"
for p in "$@"; do
  if [[ $p == @* ]]; then
    while IFS= read -r line; do [ -n "$line" ] && readlink -f "$line"; done <"${p#@}" >>"$list"
  elif [ -d "$p" ]; then
    find "$(readlink -f "$p")" -maxdepth 1 -type f \
      \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.tif' -o -iname '*.tiff' \) |
      LC_ALL=C sort >>"$list"
  elif [ -f "$p" ]; then
    readlink -f "$p" >>"$list"
  else
    echo "throughput.sh: no such file or folder: $p" >&2; exit 2
  fi
done
n=$(wc -l <"$list")
[ "$n" -gt 0 ] || { echo "throughput.sh: no images found" >&2; exit 2; }

echo "# $name: $n images, $rounds rounds, -j $jobs, -l $lang, ocrbatch extra args: '${extra[*]:-}'" >&2

# Warm the page cache for the images and the model so round 1 is not penalised.
xargs -d '\n' cat <"$list" >/dev/null
"$tesseract" --list-langs >/dev/null 2>&1 || true

raw=$work/raw.tsv   # round tool wall user sys maxrss_kb
: >"$raw"

run_ocrbatch() {
  local r=$1 out=$work/ocrbatch.$1.jsonl tf=$work/time.ocrbatch.$1
  "${clean_env[@]}" "$timebin" -f "%e %U %S %M" -o "$tf" \
    "$ocrbatch" -j "$jobs" --progress none -q -l "$lang" "${extra[@]}" -f jsonl -o "$out" \
    --files-from "$list" 2>"$work/ocrbatch.$r.err" || {
      echo "throughput.sh: ocrbatch failed in round $r (see $work/ocrbatch.$r.err)" >&2; exit 1; }
  # Every image must come back as a page, with no errors.
  python3 - "$out" "$n" <<'EOF' || exit 1
import json, sys
last = json.loads(open(sys.argv[1]).read().splitlines()[-1])
if last.get("type") != "summary" or last["pages"] != int(sys.argv[2]) or last["errors"] != 0:
    sys.exit(f"throughput.sh: ocrbatch summary is wrong: {last}")
EOF
  printf '%s\tocrbatch\t%s\n' "$r" "$(tail -1 "$tf" | tr ' ' '\t')" >>"$raw"
}

run_peer() {
  local r=$1 out=$work/peer.$1.txt tf=$work/time.peer.$1
  OMP_THREAD_LIMIT=1 "$timebin" -f "%e %U %S %M" -o "$tf" \
    parallel -j "$jobs" "$tesseract" {} - -l "$lang" :::: "$list" >"$out" 2>"$work/peer.$r.err" || {
      echo "throughput.sh: parallel tesseract failed in round $r (see $work/peer.$r.err)" >&2; exit 1; }
  printf '%s\tpeer\t%s\n' "$r" "$(tail -1 "$tf" | tr ' ' '\t')" >>"$raw"
}

for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then run_ocrbatch "$r"; run_peer "$r"; else run_peer "$r"; run_ocrbatch "$r"; fi
  awk -v r="$r" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '$1 == r { printf "round %s %-8s wall %6.2f s  cpu %7.2f s  maxrss %7.1f MiB  (loadavg after: %s)\n", $1, $2, $3, $4 + $5, $6 / 1024, load }' "$raw" >&2
done

# Untimed pass: peak RSS of each tesseract process on its own.
mkdir -p "$work/rss"
OMP_THREAD_LIMIT=1 parallel -j "$jobs" "$timebin" -f "%M" -o "$work/rss/{#}" \
  "$tesseract" {} - -l "$lang" :::: "$list" >/dev/null 2>&1
cat "$work"/rss/* | grep -E '^[0-9]+$' >"$work/rss.txt"

python3 - "$raw" "$work/rss.txt" "$n" "$name" "$jobs" <<'EOF'
import statistics as st, sys
raw, rss_file, n, name, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
rows = {"ocrbatch": [], "peer": []}
for line in open(raw):
    r, tool, wall, user, sys_, rss = line.split()
    rows[tool].append((float(wall), float(user) + float(sys_), int(rss)))
def summary(tool):
    v = rows[tool]
    ips = [n / w for w, _, _ in v]
    cpu = [c / n for _, c, _ in v]
    rss = [m / 1024 for _, _, m in v]
    return dict(ips=st.median(ips), ips_lo=min(ips), ips_hi=max(ips), cpu=st.median(cpu),
                wall=st.median([w for w, _, _ in v]), rss=st.median(rss), rss_hi=max(rss))
o, p = summary("ocrbatch"), summary("peer")
one = [int(x) / 1024 for x in open(rss_file).read().split()]
# Paired per-round ratio (same round, back to back) as a check on the ratio of medians.
paired = st.median([(n / a[0]) / (n / b[0]) for a, b in zip(rows["ocrbatch"], rows["peer"])])
print(f"\n### {name}: {n} images, {len(rows['ocrbatch'])} rounds, -j {jobs}\n")
print("| tool | images/s (median, min-max) | wall s (median) | CPU s per image (median) | peak RSS MiB (GNU time %M, median) |")
print("|---|---|---|---|---|")
print(f"| ocrbatch | {o['ips']:.2f} ({o['ips_lo']:.2f}-{o['ips_hi']:.2f}) | {o['wall']:.2f} | {o['cpu']:.3f} | {o['rss']:.1f} (whole process, up to {jobs} engines) |")
print(f"| parallel + tesseract | {p['ips']:.2f} ({p['ips_lo']:.2f}-{p['ips_hi']:.2f}) | {p['wall']:.2f} | {p['cpu']:.3f} | {p['rss']:.1f} (largest single process) |")
print(f"| **ratio ocrbatch/peer** | **{o['ips'] / p['ips']:.2f}x** (paired per-round median {paired:.2f}x) | {o['wall'] / p['wall']:.2f} | {o['cpu'] / p['cpu']:.2f} | |")
print()
print(f"One tesseract process on its own (untimed pass, {len(one)} images): peak RSS median "
      f"{st.median(one):.1f} MiB, max {max(one):.1f} MiB; with {jobs} running at once the peer holds "
      f"about {jobs} x {st.median(one):.1f} = {jobs * st.median(one):.1f} MiB (median) "
      f"to {jobs * max(one):.1f} MiB (max), plus parallel itself.")
EOF
