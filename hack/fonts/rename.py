"""Renames a subset of NanumGothic to Plinth Gothic (SIL OFL 1.1: a modified
version does not use the Reserved Font Names). Usage: rename.py IN OUT STYLE."""
import sys

from fontTools.ttLib import TTFont

src, dst, style = sys.argv[1], sys.argv[2], sys.argv[3]
f = TTFont(src)
name = f["name"]
family = "Plinth Gothic"
full = family if style == "Regular" else family + " Bold"
ps = "PlinthGothic" if style == "Regular" else "PlinthGothic-Bold"
# Keep copyright, trademark, manufacturer, designer, URLs and license.
name.names = [r for r in name.names if r.nameID in (0, 7, 8, 9, 10, 11, 12, 13, 14)]
for pid, eid, lid in [(3, 1, 0x409), (1, 0, 0)]:
    name.setName(family, 1, pid, eid, lid)
    name.setName(style, 2, pid, eid, lid)
    name.setName(ps + "; subset of NanumGothic by plinth", 3, pid, eid, lid)
    name.setName(full, 4, pid, eid, lid)
    name.setName("Version 1.0", 5, pid, eid, lid)
    name.setName(ps, 6, pid, eid, lid)
name.setName("Modified (subset, unhinted) from NanumGothic, Copyright (c) 2010 NAVER "
             "Corporation; SIL Open Font License 1.1", 10, 3, 1, 0x409)
f.save(dst)
