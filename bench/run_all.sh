#!/usr/bin/env bash
# Runs every benchmark behind bench/RESULTS.md and saves each one's output in OUTDIR.
#
# Usage: bench/run_all.sh [DATA_DIR] [OUTDIR]
#   DATA_DIR  the shared data folder (default: ../shared/data relative to the repository root)
#   OUTDIR    where the logs go (default: a new folder under ${TMPDIR:-/tmp}); never the repository
# Environment:
#   OCRBATCH      binary to measure (default: a copy of build/src/ocrbatch taken at the start and
#                 kept in OUTDIR, since build/ may be rebuilt while this runs)
#   UW3_ROUNDS    throughput rounds on the 150 line images (default 9)
#   PAGE_ROUNDS   throughput rounds on the 24 full pages (default 5)
#   MEM_ROUNDS    memory-scaling rounds per set (default 3)
#   VARIANT_ARGS  if set, also run the throughput tables and the text check with these extra
#                 ocrbatch arguments (e.g. "--psm 6")
# Takes about 40 minutes on 2 busy cores (twice the throughput part with VARIANT_ARGS).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
data=$(readlink -f "${1:-$root/../shared/data}")
out=${2:-$(mktemp -d "${TMPDIR:-/tmp}/ocrbatch-bench-results.XXXXXX")}
mkdir -p "$out"
uw3_rounds=${UW3_ROUNDS:-9}
page_rounds=${PAGE_ROUNDS:-5}
mem_rounds=${MEM_ROUNDS:-3}
variant=${VARIANT_ARGS:-}
pages=("$data/eng-pages-tesseract-test" "$data/eng-books-oldbooks")
if [ -z "${OCRBATCH:-}" ]; then
  cp "$root/build/src/ocrbatch" "$out/ocrbatch"
  export OCRBATCH=$out/ocrbatch
fi
unset OCRBATCH_ARGS

{
  date -u +"%Y-%m-%dT%H:%M:%SZ"
  echo "nproc $(nproc)"
  grep -m1 'model name' /proc/cpuinfo
  uname -srm
  "$OCRBATCH" --version
  sha256sum "$OCRBATCH"
  tesseract --version 2>&1 | head -2
  parallel --version | head -1
  echo "git HEAD $(git -C "$root" rev-parse --short HEAD), uncommitted changes in src/: $(git -C "$root" status --short -- src | awk '{print $2}' | tr '\n' ' ')"
} >"$out/env.txt" 2>&1

"$here/compare_text.py" --diagnose "${pages[@]}" >"$out/compare_pages.txt" 2>&1 || true
"$here/compare_text.py" --diff-lines 6 "$data/eng-lines-uw3" >"$out/compare_uw3.txt" 2>&1 || true
"$here/throughput.sh" -r "$uw3_rounds" -n "eng-lines-uw3" "$data/eng-lines-uw3" \
  >"$out/throughput_uw3.md" 2>"$out/throughput_uw3.log"
"$here/throughput.sh" -r "$page_rounds" -n "full pages" "${pages[@]}" \
  >"$out/throughput_pages.md" 2>"$out/throughput_pages.log"
"$here/memory_scaling.sh" -r "$mem_rounds" "$data/eng-lines-uw3" \
  >"$out/memory_scaling.md" 2>"$out/memory_scaling.log"
if [ -n "$variant" ]; then
  export OCRBATCH_ARGS=$variant
  "$here/compare_text.py" "${pages[@]}" >"$out/compare_pages_variant.txt" 2>&1 || true
  "$here/throughput.sh" -r "$uw3_rounds" -n "eng-lines-uw3, ocrbatch $variant" "$data/eng-lines-uw3" \
    >"$out/throughput_uw3_variant.md" 2>"$out/throughput_uw3_variant.log"
  "$here/throughput.sh" -r "$page_rounds" -n "full pages, ocrbatch $variant" "${pages[@]}" \
    >"$out/throughput_pages_variant.md" 2>"$out/throughput_pages_variant.log"
fi
echo "results in $out" >&2
