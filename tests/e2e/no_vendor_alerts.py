#!/usr/bin/env python3
"""No capture in ../shared/pcaps/ndpi contains any of the sixteen vendors (checked with tshark
by whoever built the corpus), so any `vendor` event there is a false positive.

usage: no_vendor_alerts.py VENDORWATCH SHARED_DIR
"""
import os
import sys

from vwtest import corpus, run_vw, skip


def main():
    vw, shared = sys.argv[1], sys.argv[2]
    files = corpus(shared)
    if not files:
        skip(f"no captures in {shared}/pcaps/ndpi")
    bad = []
    for f in files:
        rc, events, err = run_vw(vw, ["scan", "-q", "--dedup-window", "0", f])
        for e in events:
            if e.get("event_type") == "vendor":
                ev = ", ".join(f"{x['field']}={x['value']} ({x['indicator']})"
                               for x in e.get("evidence", []))
                bad.append(f"{os.path.basename(f)}: {e['host']} -> {e['vendor']['id']} "
                           f"[{e['confidence']}]: {ev}")
    print(f"{len(files)} captures scanned, {len(bad)} vendor events")
    for b in bad:
        print("FALSE POSITIVE", b)
    if bad:
        print(f"0 passed, {len(bad)} failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
