#!/usr/bin/env python3
"""Checks the committed captures against their truth files (no root needed, only tshark):

  python3 pcaps/gen/verify.py [pcaps-dir]

For every X.truth.json: tshark reads X.pcap without errors, no bad checksums / malformed frames,
the names tshark extracts equal truth["names"], the flows and their byte counts equal what the
capture holds, every alert's and web entry's bytes_to_vendor equals the sum recomputed from the
capture, no host is both expected and a no-alert host. Also checks that all 16 vendors have an
alert somewhere, that every scenario kind is covered and that the captures stay under 2 MB.
Prints 'N passed, N failed'.
"""

import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import check  # noqa: E402

VENDORS = ["vmware", "paloalto", "fortinet", "crowdstrike", "sentinelone", "mcafee", "mandiant", "wiz",
           "recordedfuture", "claroty", "rapid7", "checkpoint", "cyberark", "orca", "cato", "imperva"]
MAX_TOTAL = 2 * 1024 * 1024


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(HERE)
    truths = sorted(glob.glob(os.path.join(d, "*.truth.json")))
    passed = failed = 0
    seen_vendors = set()
    for t in truths:
        truth = check.load_truth(t)
        pcap = os.path.join(d, truth["capture"])
        problems = check.verify_capture(pcap, truth) if os.path.exists(pcap) else ["missing " + pcap]
        alerted = {a["host"] for a in truth["alerts"]} | {i["ip"] for i in truth.get("instances", [])}
        alerted |= {c for i in truth.get("instances", []) for c in i["clients"]}
        clash = alerted & set(truth["no_alert_hosts"])
        if clash:
            problems.append("hosts both alerted and no-alert: %s" % sorted(clash))
        seen_vendors.update(a["vendor"] for a in truth["alerts"])
        if problems:
            failed += 1
            print("FAIL %s" % os.path.basename(pcap))
            for p in problems:
                print("     " + p)
        else:
            passed += 1
            print("ok   %-28s %8d bytes  %3d flows  %2d alerts" % (os.path.basename(pcap), os.path.getsize(pcap),
                                                                   len(truth["flows"]), len(truth["alerts"])))
    # coverage of the scenario kinds the test suite relies on
    allt = [check.load_truth(t) for t in truths]
    flows = [f for t in allt for f in t["flows"]]
    alerts = [a for t in allt for a in t["alerts"]]
    kinds = {
        "IPv6 flow": any(":" in f["src_ip"] for f in flows),
        "VLAN-tagged flow": any(f.get("vlan") for f in flows),
        "CONNECT through a proxy": any(f["kind"] == "connect" and f["vendor"] for f in flows),
        "plain HTTP to a vendor": any(f["kind"] == "http" and f["vendor"] for f in flows),
        "long-lived DNS flow (>= 50 queries)": any(f["kind"] == "dns" and f["pkts_toserver"] >= 50 for f in flows),
        "certificate-only alert": any(a["via"] and set(a["via"]) <= {"tls.subject", "tls.issuer", "tls.san"} for a in alerts),
        "DNS answer then SNI-less TLS": any("dns.cache" in a["via"] for a in alerts),
        "CNAME into a vendor domain": any("dns.cname" in a["via"] for a in alerts),
        "DNS-only alert": any(a["via"] == ["dns.query"] and a["bytes_to_vendor"] == 0 for a in alerts),
        "decoys.pcap without alerts": any(t["capture"] == "decoys.pcap" and not t["alerts"] for t in allt),
        "web presence without an alert": any(t.get("web") for t in allt),
        "a high alert after a web visit of the same vendor":
            any(a["min_confidence"] == "high" and any(f["usage"] == "web" and f["client"] == a["host"]
                                                      and f["vendor"] == a["vendor"] for f in t["flows"])
                for t in allt for a in t["alerts"]),
        "unsolicited / mismatched DNS responses": any(t.get("dns_unsolicited") for t in allt),
        "short-TTL answer then SNI-less TLS": any("dns.cache" in a["via"] for t in allt for a in t["alerts"]
                                                  if t["capture"] == "precision.pcap"),
        "product instance (host_role server)": any(a.get("host_role") == "server" for a in alerts),
        "server-first banner": any(f["kind"] == "banner-tls" for f in flows),
        "SSH identification string": any(f["kind"] == "ssh" for f in flows),
        "CEF / key=value syslog": any(f["kind"] == "syslog" for f in flows),
        "inbound from a vendor edge range (several flows)":
            any(sum(1 for f in t["flows"] if f["kind"] in ("tls-inbound", "http-inbound") and f["instance"] == i["ip"])
                >= 3 for t in allt for i in t.get("instances", [])),
        "TLS-inspection finding": any(t.get("inspection") for t in allt),
        "demo with clients and instances": any(t["capture"] == "demo.pcap" and t.get("instances") and
                                               any(a.get("host_role", "client") == "client" for a in t["alerts"])
                                               for t in allt),
    }
    for k, ok in kinds.items():
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL no capture covers: " + k)
    missing = [v for v in VENDORS if v not in seen_vendors]
    if missing:
        failed += 1
        print("FAIL vendors without any alert: %s" % ", ".join(missing))
    else:
        passed += 1
        print("ok   all 16 vendors have alerts")
    total = sum(os.path.getsize(p) for p in glob.glob(os.path.join(d, "*.pcap")))
    if total > MAX_TOTAL:
        failed += 1
        print("FAIL captures total %d bytes > %d" % (total, MAX_TOTAL))
    else:
        passed += 1
        print("ok   captures total %d bytes" % total)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
