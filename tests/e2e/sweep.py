#!/usr/bin/env python3
"""No-crash sweep: every capture in ../shared/pcaps/ndpi is read to the end by the real binary
(with --log-flows --log-dns --log-http --log-stats), then truncated copies of 20 of them at
several offsets. Tallies decode outcomes and link types over the corpus.

usage: sweep.py VENDORWATCH SHARED_DIR WORK_DIR
"""
import collections
import os
import shutil
import sys

from vwtest import corpus, run_vw, skip


def main():
    vw, shared, work = sys.argv[1], sys.argv[2], sys.argv[3]
    files = corpus(shared)
    if not files:
        skip(f"no captures in {shared}/pcaps/ndpi")
    os.makedirs(work, exist_ok=True)
    failures = []
    outcomes = collections.Counter()
    links = collections.Counter()
    read = 0
    for i, f in enumerate(files):
        # Every other capture through two workers: the threaded pipeline sees the whole corpus
        # too (and runs under ASan+UBSan in the sanitizer build).
        rc, events, err = run_vw(vw, ["scan", "-q", "--log-flows", "--log-dns", "--log-http",
                                      "--log-stats", "--workers", str(1 + i % 2), f])
        # rc 0 = read fine; rc 1 = libpcap could not open/read the file (reported on stderr).
        if rc not in (0, 1) or (rc == 1 and "vendorwatch:" not in err):
            failures.append(f"{os.path.basename(f)}: exit {rc}: {err.strip()[-300:]}")
            continue
        stats = [e for e in events if e.get("event_type") == "stats"]
        if rc == 0 and len(stats) != 1:
            failures.append(f"{os.path.basename(f)}: expected one stats event, got {len(stats)}")
            continue
        if rc == 0:
            read += 1
            outcomes.update(stats[0]["stats"]["decode"])
            links.update(stats[0]["stats"]["link_types"])
    print(f"corpus: {read}/{len(files)} captures read to the end, {len(failures)} failures")
    print("decode outcomes: " + ", ".join(f"{k}={v}" for k, v in sorted(outcomes.items())))
    print("link types: " + ", ".join(f"{k}={v}" for k, v in sorted(links.items())))

    # Truncated copies: 20 captures spread over the corpus, cut at several offsets.
    picks = files[:: max(1, len(files) // 20)][:20]
    cut_runs = 0
    for f in picks:
        data = open(f, "rb").read()
        for frac in (0.1, 0.33, 0.5, 0.77, 0.99):
            cut = max(1, int(len(data) * frac))
            path = os.path.join(work, f"cut-{int(frac * 100)}-{os.path.basename(f)}")
            with open(path, "wb") as out:
                out.write(data[:cut])
            rc, events, err = run_vw(vw, ["scan", "-q", "--log-flows", "--log-dns",
                                          "--log-http", path])
            cut_runs += 1
            if rc not in (0, 1):
                failures.append(f"{os.path.basename(path)}: exit {rc}: {err.strip()[-300:]}")
            os.unlink(path)
    print(f"truncated copies: {cut_runs} runs")
    for x in failures:
        print("FAIL", x)
    if failures:
        print(f"0 passed, {len(failures)} failed")
        sys.exit(1)
    if read != len(files):
        print(f"FAIL: only {read} of {len(files)} captures could be read")
        sys.exit(1)


if __name__ == "__main__":
    main()
