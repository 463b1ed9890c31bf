#!/usr/bin/env python3
"""No-crash sweep: every capture in ../shared/pcaps/ndpi is read to the end by the real binary
(with --log-flows --log-dns --log-http --log-stats), then truncated copies of 20 of them at
several offsets. Tallies decode outcomes and link types over the corpus.

Every capture of the corpus must be read (exit 0): one libpcap cannot open is a failure, not a
pass. A truncated copy must give exit 0 (the packets before the cut, a warning) unless the cut
falls inside the file header, where exit 1 with a diagnostic is the right answer.

usage: sweep.py VENDORWATCH SHARED_DIR WORK_DIR
"""
import collections
import os
import shutil
import struct
import sys

from vwtest import corpus, run_vw, skip


def file_header_len(data):
    """Bytes a capture needs before its first packet: the 24-byte pcap header, or pcapng's
    Section Header Block plus the Interface Description Block(s) that follow it."""
    if data[:4] != b"\x0a\x0d\x0d\x0a":
        return 24
    order = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    off = 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack(order + "II", data[off:off + 8])
        if btype not in (0x0A0D0D0A, 0x00000001) or blen < 12:
            break
        off += blen
    return off


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
        # Every corpus capture is readable: exit 1 (libpcap could not open/read it) is a failure.
        if rc != 0:
            failures.append(f"{os.path.basename(f)}: exit {rc}: {err.strip()[-300:]}")
            continue
        stats = [e for e in events if e.get("event_type") == "stats"]
        if len(stats) != 1:
            failures.append(f"{os.path.basename(f)}: expected one stats event, got {len(stats)}")
            continue
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
        header = file_header_len(data)
        for frac in (0.1, 0.33, 0.5, 0.77, 0.99):
            cut = max(1, int(len(data) * frac))
            path = os.path.join(work, f"cut-{int(frac * 100)}-{os.path.basename(f)}")
            with open(path, "wb") as out:
                out.write(data[:cut])
            rc, events, err = run_vw(vw, ["scan", "-q", "--log-flows", "--log-dns",
                                          "--log-http", path])
            cut_runs += 1
            # Past the file header the packets before the cut are read (exit 0); inside it
            # the file cannot be opened (exit 1, with a diagnostic).
            ok = rc == 0 if cut >= header else (rc == 1 and "vendorwatch:" in err)
            if not ok:
                failures.append(f"{os.path.basename(path)} (cut at {cut} of {len(data)} bytes, "
                                f"header {header}): exit {rc}: {err.strip()[-300:]}")
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
