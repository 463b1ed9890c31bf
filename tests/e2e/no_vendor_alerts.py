#!/usr/bin/env python3
"""No capture in ../shared/pcaps/ndpi contains traffic to the clouds of the sixteen vendors
(checked with tshark by whoever built the corpus), but a few hold real on-premises product
traffic (issue 16): those `vendor` events were checked by hand against the packets with tshark
and are listed in ndpi_onprem_events.json (capture, host, vendor, host_role, evidence field and
what the packets show). Any other `vendor` event is a false positive, and every listed event
must still be found (the list cannot go stale silently).

usage: no_vendor_alerts.py VENDORWATCH SHARED_DIR
"""
import json
import os
import sys

from vwtest import corpus, run_vw, skip

EXPECTED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ndpi_onprem_events.json")


def main():
    vw, shared = sys.argv[1], sys.argv[2]
    files = corpus(shared)
    if not files:
        skip(f"no captures in {shared}/pcaps/ndpi")
    expected = {(x["pcap"], x["host"], x["vendor"], x["host_role"]): x
                for x in json.load(open(EXPECTED))["events"]}
    seen = set()
    bad = []
    for f in files:
        rc, events, err = run_vw(vw, ["scan", "-q", "--dedup-window", "0", f])
        for e in events:
            if e.get("event_type") != "vendor":
                continue
            key = (os.path.basename(f), e["host"], e["vendor"]["id"], e.get("host_role", "client"))
            fields = {x["field"] for x in e.get("evidence", [])}
            want = expected.get(key)
            if want is not None and want["field"] in fields:
                seen.add(key)
                continue
            ev = ", ".join(f"{x['field']}={x['value']} ({x['indicator']})"
                           for x in e.get("evidence", []))
            bad.append(f"{key[0]}: {e['host']} -> {e['vendor']['id']} as {key[3]} "
                       f"[{e['confidence']}]: {ev}")
    print(f"{len(files)} captures scanned, {len(seen)} hand-checked on-prem events found, "
          f"{len(bad)} other vendor events")
    for b in bad:
        print("FALSE POSITIVE", b)
    missing = sorted(set(expected) - seen)
    for m in missing:
        print("MISSING hand-checked event", m)
    if bad or missing:
        print(f"0 passed, {len(bad) + len(missing)} failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
