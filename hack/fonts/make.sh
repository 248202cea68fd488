#!/usr/bin/env bash
# Rebuilds reports/render/pdf/fonts/PlinthGothic{,Bold}.ttf.zst from Debian's
# fonts-nanum (NanumGothic): the glyphs a report prints (no Hanja), no
# hinting, renamed as the SIL OFL asks of a modified version (its Reserved
# Font Names are not used), zstd-compressed. Needs fonts-nanum, fonttools
# (Debian packages) and zstd. See reports/render/pdf/fonts/README.md.
set -euo pipefail
src=/usr/share/fonts/truetype/nanum
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../reports/render/pdf/fonts"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for style in Regular Bold; do
  in=NanumGothic; name=PlinthGothic
  if [ "$style" = Bold ]; then in=NanumGothicBold; name=PlinthGothicBold; fi
  pyftsubset "$src/$in.ttf" --unicodes='U+0000-4DFF,U+A000-F8FF,U+FB00-FFFF' \
    --no-hinting --notdef-outline --name-IDs='*' --name-languages='*' \
    --layout-features='*' --output-file="$tmp/$in.ttf" 2>/dev/null
  /usr/bin/python3 "$here/rename.py" "$tmp/$in.ttf" "$tmp/$name.ttf" "$style"
  zstd -q -f --ultra -22 "$tmp/$name.ttf" -o "$out/$name.ttf.zst"
done
ls -l "$out"/*.zst
