#!/usr/bin/env bash
# Searchable PDF memory: peak RSS of `ocrbatch -f pdf` on a 50-page and a 500-page run.
#
# Usage: bench/pdf_memory.sh [-j JOBS] [-s SMALL] [-l LARGE]
#   -j N   ocrbatch workers (default 2)
#   -s N   pages of the small run (default 50); -l N: of the large one (default 500)
# Environment: OCRBATCH (binary; default build/src/ocrbatch).
#
# The pages are one generated scan (a 1700 x 2200 grey JPEG: a few lines of text, so OCR is
# quick, on a textured background, so it weighs about 1 MB as a real scan does) linked under N
# names; the PDF embeds each as it is. Timed command: ocrbatch -j N --preprocess none
# --progress none -q -f pdf -o OUT.pdf DIR, under GNU time (%M = peak RSS). Prints both and
# their ratio; the issue asks for the large run within 10% of the small one.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
jobs=2
small=50
large=500
while getopts "j:s:l:h" opt; do
  case "$opt" in
    j) jobs=$OPTARG ;;
    s) small=$OPTARG ;;
    l) large=$OPTARG ;;
    h) sed -n '2,14p' "$0"; exit 0 ;;
    *) sed -n '4p' "$0" >&2; exit 2 ;;
  esac
done
ocrbatch=${OCRBATCH:-$root/build/src/ocrbatch}
work=$(mktemp -d "${TMPDIR:-/tmp}/ocrbatch-pdfmem.XXXXXX")
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work/page.jpg" <<'PY'
import random, sys
from PIL import Image, ImageDraw, ImageFilter, ImageFont
random.seed(1)
page = Image.effect_noise((1700, 2200), 40).filter(ImageFilter.GaussianBlur(0.6))
page = page.point(lambda v: 200 + v // 5)
draw = ImageDraw.Draw(page)
font = ImageFont.truetype("DejaVuSans.ttf", 36)
words = "the quick brown fox jumps over a lazy dog while ledgers harbour mountains".split()
for y in range(150, 400, 60):  # a few lines: the run measures the PDF, not OCR
    draw.text((120, y), " ".join(random.choice(words) for _ in range(8)), fill=0, font=font)
page.save(sys.argv[1], "JPEG", quality=90, dpi=(200, 200))
PY

peak() {  # peak RSS in KiB of a run over $1 pages
  local dir="$work/p$1"
  mkdir -p "$dir"
  for i in $(seq -w 1 "$1"); do ln "$work/page.jpg" "$dir/p$i.jpg"; done
  /usr/bin/time -f %M -o "$work/rss" "$ocrbatch" -j "$jobs" --preprocess none --progress none \
    -q -f pdf -o "$work/out.pdf" "$dir"
  pages=$(pdfinfo "$work/out.pdf" | awk '/^Pages:/ {print $2}')
  [ "$pages" = "$1" ] || { echo "expected $1 pages, the PDF has $pages" >&2; exit 1; }
  size=$(stat -c %s "$work/out.pdf")
  rm -rf "$dir" "$work/out.pdf"
  echo "$(cat "$work/rss") $size"
}
read -r small_rss small_size < <(peak "$small")
read -r large_rss large_size < <(peak "$large")
echo "| pages | peak RSS (MiB) | PDF size (MiB) |"
echo "|---|---|---|"
echo "| $small | $((small_rss / 1024)) | $((small_size >> 20)) |"
echo "| $large | $((large_rss / 1024)) | $((large_size >> 20)) |"
awk -v a="$small_rss" -v b="$large_rss" -v s="$small" -v l="$large" \
  'BEGIN { printf "peak RSS, %s pages / %s pages: %.3f\n", l, s, b / a }'
