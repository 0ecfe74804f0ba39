#!/usr/bin/env bash
# Memory scaling: peak RSS of ocrbatch on N images against the same images repeated 10 times.
#
# Usage: bench/memory_scaling.sh [-r ROUNDS] [-j JOBS] [-x FACTOR] [UW3_DIR]
#   UW3_DIR  folder of line images (its top-level *.png); default ../shared/data/eng-lines-uw3
#            relative to the repository root
#   -r N     rounds per set (default 3), alternating 1x then 10x, 10x then 1x, ...
#   -j N     ocrbatch workers (default: nproc)
#   -x F     size factor of the big set (default 10)
# Environment: OCRBATCH (binary; default build/src/ocrbatch), OCRBATCH_ARGS (extra args).
#
# Both sets are folders of uniquely named symlinks in a temporary folder (1x: c00_<name>, 10x:
# c00_<name> ... c09_<name>) to the same images, so only the number of inputs differs. Timed
# command: ocrbatch -j N --progress none -q -f jsonl -o OUT.jsonl SETDIR, under GNU time
# (%M = peak RSS). Prints per-round numbers and a Markdown table with medians and the ratio.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=3
jobs=$(nproc)
factor=10
while getopts "r:j:x:h" opt; do
  case "$opt" in
    r) rounds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    x) factor=$OPTARG ;;
    h) sed -n '2,15p' "$0"; exit 0 ;;
    *) sed -n '4p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
src=$(readlink -f "${1:-$root/../shared/data/eng-lines-uw3}")
ocrbatch=${OCRBATCH:-$root/build/src/ocrbatch}
read -r -a extra <<<"${OCRBATCH_ARGS:-}"
clean_env=(env -u OMP_THREAD_LIMIT)   # no OCRBATCH_* options from the environment (e.g. a ledger)
for v in $(compgen -e | grep '^OCRBATCH' || true); do clean_env+=(-u "$v"); done

work=$(mktemp -d "${TMPDIR:-/tmp}/ocrbatch-memscale.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/x1" "$work/xN"
mapfile -t imgs < <(find "$src" -maxdepth 1 -type f -iname '*.png' | LC_ALL=C sort)
n=${#imgs[@]}
[ "$n" -gt 0 ] || { echo "memory_scaling.sh: no *.png in $src" >&2; exit 2; }
for img in "${imgs[@]}"; do
  ln -s "$img" "$work/x1/c00_$(basename "$img")"
  for c in $(seq 0 $((factor - 1))); do ln -s "$img" "$work/xN/$(printf 'c%02d' "$c")_$(basename "$img")"; done
done
xargs -d '\n' cat <<<"$(printf '%s\n' "${imgs[@]}")" >/dev/null   # warm the page cache

raw=$work/raw.tsv   # set round images wall user sys maxrss_kb
: >"$raw"
run() {
  local set=$1 r=$2 count
  count=$(find "$work/$set" -maxdepth 1 -type l | wc -l)
  "${clean_env[@]}" /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
    "$ocrbatch" -j "$jobs" --progress none -q "${extra[@]}" -f jsonl -o "$work/out.jsonl" "$work/$set"
  python3 - "$work/out.jsonl" "$count" <<'EOF'
import json, sys
last = json.loads(open(sys.argv[1]).read().splitlines()[-1])
if last["pages"] != int(sys.argv[2]) or last["errors"] != 0:
    sys.exit(f"memory_scaling.sh: ocrbatch summary is wrong: {last}")
EOF
  printf '%s\t%s\t%s\t%s\n' "$set" "$r" "$count" "$(tail -1 "$work/time" | tr ' ' '\t')" >>"$raw"
  tail -1 "$raw" | awk '{ printf "round %s %-3s %5d images  wall %6.2f s  maxrss %6.1f MiB\n", $2, $1, $3, $4, $7 / 1024 }' >&2
}
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then run x1 "$r"; run xN "$r"; else run xN "$r"; run x1 "$r"; fi
done

python3 - "$raw" "$factor" "$jobs" <<'EOF'
import statistics as st, sys
raw, factor, jobs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = {"x1": [], "xN": []}
for line in open(raw):
    s, r, count, wall, user, sys_, rss = line.split()
    d[s].append((int(count), float(wall), int(rss) / 1024))
def med(s, i): return st.median(v[i] for v in d[s])
a, b = med("x1", 2), med("xN", 2)
print(f"\n### ocrbatch peak RSS, 1x vs {factor}x inputs, -j {jobs}, {len(d['x1'])} rounds each\n")
print("| set | images | peak RSS MiB (median, min-max) | wall s (median) | images/s (median) |")
print("|---|---|---|---|---|")
for s, label in (("x1", "1x"), ("xN", f"{factor}x")):
    rss = [v[2] for v in d[s]]
    ips = st.median(v[0] / v[1] for v in d[s])
    print(f"| {label} | {d[s][0][0]} | {st.median(rss):.1f} ({min(rss):.1f}-{max(rss):.1f}) | {med(s, 1):.2f} | {ips:.1f} |")
verdict = "within" if abs(b / a - 1) <= 0.10 else "NOT within"
print(f"| **ratio {factor}x/1x** | | **{b / a:.3f}** ({verdict} 10%) | | |")
EOF
