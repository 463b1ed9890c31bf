#!/usr/bin/env python3
"""End-to-end truth test: every capture in pcaps/ with a truth file is scanned by the real
binary; events and summary are compared with the truth (see pcaps/README.md):
  - every expected (host, vendor) alert is found, with at least min_confidence and every
    evidence field listed in `via` (on its vendor or flow events);
  - no vendor alert for a (host, vendor) pair the truth does not list, and none at all for a
    no_alert host (decoys);
  - bytes_to_vendor in the summary within 30% of the truth;
  - the TLS SNI / DNS query / HTTP Host names equal the truth's.

usage: truth_test.py VENDORWATCH PCAPS_DIR
"""
import glob
import json
import os
import sys
import tempfile

from vwtest import run_vw

CONF = {"low": 1, "medium": 2, "high": 3}


def check(vw, truth_path):
    t = json.load(open(truth_path))
    pcap = os.path.join(os.path.dirname(truth_path), t["capture"])
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        summary_path = os.path.join(tmp, "summary.json")
        rc, events, err = run_vw(vw, ["scan", "-q", "--log-flows", "--log-dns", "--log-http",
                                      "--dedup-window", "0", "--summary", summary_path, pcap])
        if rc != 0:
            return [f"exit {rc}: {err.strip()[-300:]}"]
        summary = json.load(open(summary_path))
    alerts = [e for e in events if e["event_type"] == "vendor"]
    flows = [e for e in events if e["event_type"] == "flow"]
    ledger = {(h["ip"], v["id"]): v for h in summary["hosts"] for v in h["vendors"]}

    expected = {(a["host"], a["vendor"]): a for a in t["alerts"]}
    for (host, vendor), a in expected.items():
        mine = [e for e in alerts if e["host"] == host and e["vendor"]["id"] == vendor]
        if not mine:
            fails.append(f"missed: {host} -> {vendor} ({a.get('note', '')})")
            continue
        best = max(CONF[e["confidence"]] for e in mine)
        if best < CONF[a["min_confidence"]]:
            fails.append(f"{host} -> {vendor}: confidence {best} below {a['min_confidence']}")
        fields = {x["field"] for e in mine for x in e.get("evidence", [])}
        fields |= {x["field"] for e in flows if e.get("host") == host
                   and e.get("vendor", {}).get("id") == vendor for x in e.get("evidence", [])}
        for v in a.get("via", []):
            if v not in fields:
                fails.append(f"{host} -> {vendor}: evidence {v} missing (have {sorted(fields)})")
        entry = ledger.get((host, vendor))
        if entry is None:
            fails.append(f"{host} -> {vendor}: not in the summary")
        else:
            want = a["bytes_to_vendor"]
            got = entry["bytes_to_vendor"]
            if want == 0:
                if got != 0:
                    fails.append(f"{host} -> {vendor}: bytes_to_vendor {got}, truth 0")
            elif abs(got - want) > 0.3 * want:
                fails.append(f"{host} -> {vendor}: bytes_to_vendor {got}, truth {want} (>30%)")
    for e in alerts:
        key = (e["host"], e["vendor"]["id"])
        if key not in expected:
            ev = ", ".join(f"{x['field']}={x['value']}" for x in e.get("evidence", []))
            fails.append(f"unexpected alert: {key[0]} -> {key[1]} [{e['confidence']}] {ev}")
    for host in t.get("no_alert_hosts", []):
        if any(h == host for h, _ in ledger):
            fails.append(f"decoy host {host} appears in the summary")

    ours = {"tls.sni": set(), "dns.query": set(), "http.host": set(), "quic.sni": set()}
    for e in flows:
        if e.get("tls", {}).get("sni"):
            ours["tls.sni"].add(e["tls"]["sni"])
        if e.get("quic", {}).get("sni"):
            ours["quic.sni"].add(e["quic"]["sni"])
    for e in events:
        if e["event_type"] == "dns":
            ours["dns.query"].add(e["dns"]["query"])
        elif e["event_type"] == "http" and e["http"].get("host"):
            ours["http.host"].add(e["http"]["host"])
    for kind in ("tls.sni", "dns.query", "quic.sni"):
        want = set(t["names"].get(kind, []))
        if ours[kind] != want:
            fails.append(f"{kind}: missing {sorted(want - ours[kind])}, "
                         f"extra {sorted(ours[kind] - want)}")
    want_http = set(t["names"].get("http.host", [])) | set(
        c.rsplit(":", 1)[0] for c in t["names"].get("http.connect", []))
    if not want_http <= ours["http.host"]:
        fails.append(f"http.host: missing {sorted(want_http - ours['http.host'])}")
    return fails


def main():
    vw, pcaps = sys.argv[1], sys.argv[2]
    truths = sorted(glob.glob(os.path.join(pcaps, "*.truth.json")))
    passed = failed = 0
    for tp in truths:
        fails = check(vw, tp)
        name = os.path.basename(tp).replace(".truth.json", ".pcap")
        if fails:
            failed += 1
            print(f"FAIL {name}")
            for f in fails:
                print(f"     {f}")
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not truths else 0)


if __name__ == "__main__":
    main()
