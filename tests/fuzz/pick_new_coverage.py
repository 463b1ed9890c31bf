#!/usr/bin/env python3
# Picks up to K inputs (each < 4 KiB) that a libFuzzer run found, greedily by the coverage edges
# (then features) they add over the committed corpus. Input: the control file of a merge whose
# first directory is a copy of the committed corpus and whose second is the run's output:
#   vw_fuzz_X -merge=1 -merge_control_file=CTL COPY_OF_CORPUS RUN_DIR
#   python3 tests/fuzz/pick_new_coverage.py CTL 10     # prints: path, gain, size
import sys, os
ctl, k = sys.argv[1], int(sys.argv[2])
lines = open(ctl).read().split('\n')
n = int(lines[0]); m = int(lines[1])
files = lines[2:2+n]
ft = {}
for l in lines[2+n:]:
    p = l.split()
    if p and p[0] in ('FT', 'COV'):
        tag = 0 if p[0] == 'COV' else 1
        ft.setdefault(int(p[1]), set()).update((tag, int(x)) for x in p[2:])
base = set()
for i in range(m):
    base |= ft.get(i, set())
cand = {i: ft.get(i, set()) - base for i in range(m, n)
        if os.path.getsize(files[i]) < 4096}
picked = []
while len(picked) < k:
    best = max(cand, key=lambda i: (sum(1 for t in cand[i] - base if t[0] == 0), len(cand[i] - base), -os.path.getsize(files[i])), default=None)
    if best is None or not (cand[best] - base):
        break
    gain = len(cand[best] - base)
    base |= cand[best]
    picked.append(best)
    print(files[best], gain, os.path.getsize(files[best]))
    del cand[best]
