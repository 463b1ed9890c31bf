#!/usr/bin/env python3
"""--own-domains through the real binary (issue 16 item 3) against the generator's truth.

For every pcaps/*.truth.json that declares `own_domains` (pcaps/own-domains.pcap): a scan with
`--own-domains <those domains>` must report exactly the declared `own_sites` as product
instances (address, vendor, product), each with evidence naming the own name and its CNAME
target, one `vendor` event per site with host_role server at medium confidence, no vendor event
about any internal host (the other site behind the same vendor stays web presence), and the
same web presence as the default run. Without the option no instance at all. A bad domain is
refused with exit 2 and a message naming it.

usage: own_domains_test.py VENDORWATCH PCAPS_DIR WORK_DIR
"""
import glob
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vwtest import run_vw, skip  # noqa: E402

failures = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg, flush=True)
    if not cond:
        failures.append(msg)


def scan(vw, pcap, work, tag, extra):
    summ = os.path.join(work, tag + ".summary.json")
    rc, events, err = run_vw(vw, ["scan", "-q", "--summary", summ] + extra + [pcap])
    check(rc == 0, f"{tag}: scan exits 0 (got {rc}; {err.strip()[:300]})")
    with open(summ) as f:
        return events, json.load(f)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    vw, pcaps, work = sys.argv[1:]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cases = []
    for path in sorted(glob.glob(os.path.join(pcaps, "*.truth.json"))):
        with open(path) as f:
            t = json.load(f)
        if t.get("own_domains"):
            cases.append((os.path.join(pcaps, t["capture"]), t))
    if not cases:
        skip("no truth file declares own_domains")
    for pcap, t in cases:
        name = os.path.basename(pcap)
        opt = ["--own-domains", ",".join(t["own_domains"])]
        # 1. default settings: no instance at all (the truth's `instances` is the default set).
        ev0, s0 = scan(vw, pcap, work, name + ".default", [])
        check(len(s0.get("instances", [])) == len(t["instances"]),
              f"{name}: without --own-domains the instances are the default ones ({len(t['instances'])})")
        # 2. with --own-domains: exactly the own sites are instances.
        ev1, s1 = scan(vw, pcap, work, name + ".own", opt)
        got = {(i["ip"], i["vendor"]["id"], i["product"]["id"]) for i in s1.get("instances", [])}
        want = {(i["ip"], i["vendor"], i["product"]) for i in t["instances"]}
        want |= {(o["ip"], o["vendor"], o["product"]) for o in t["own_sites"]}
        check(got == want, f"{name}: instances with {' '.join(opt)}: {sorted(got)} == truth {sorted(want)}")
        for o in t["own_sites"]:
            inst = [i for i in s1.get("instances", []) if i["ip"] == o["ip"] and i["vendor"]["id"] == o["vendor"]]
            evid = {(e["field"], e["value"]) for i in inst for e in i.get("evidence", [])}
            check(("dns.cname", f"{o['name']} -> {o['cname']}") in evid,
                  f"{name}: instance {o['ip']} has evidence dns.cname {o['name']} -> {o['cname']} ({sorted(evid)})")
            check(("dns.answer", f"{o['name']} -> {o['ip']}") in evid,
                  f"{name}: instance {o['ip']} has evidence dns.answer {o['name']} -> {o['ip']}")
            check(all(i["confidence"] == "medium" for i in inst), f"{name}: instance {o['ip']} is medium")
            srv = [e for e in ev1 if e.get("event_type") == "vendor" and e.get("host") == o["ip"]
                   and e["vendor"]["id"] == o["vendor"]]
            check(len(srv) == 1 and srv[0].get("host_role") == "server"
                  and srv[0].get("confidence") == "medium" and srv[0].get("usage") == "product",
                  f"{name}: one vendor event host {o['ip']} host_role server, medium ({srv})")
        # No vendor event about any internal host; web presence as by default.
        own_ips = {o["ip"] for o in t["own_sites"]}
        other = [e for e in ev1 if e.get("event_type") == "vendor" and e.get("host") not in own_ips]
        check(not other, f"{name}: no other vendor event with --own-domains ({other[:2]})")
        web0 = {(w["ip"], w["vendor"]["id"]) for w in s0.get("web", [])}
        web1 = {(w["ip"], w["vendor"]["id"]) for w in s1.get("web", [])}
        want_web = {(w["host"], w["vendor"]) for w in t["web"]}
        check(web0 == want_web and web1 == want_web,
              f"{name}: web presence {sorted(web1)} (default {sorted(web0)}) == truth {sorted(want_web)}")
        # The host table lists the instance.
        rc, _, err = run_vw(vw, ["scan", "-q", "--table"] + opt + [pcap])
        check(rc == 0 and all(o["ip"] in err for o in t["own_sites"]),
              f"{name}: the instance table lists the own sites")
    # 3. validation: a bad domain gives exit 2 and names the element.
    pcap = cases[0][0]
    for bad, why in (("exa mple.com", "invalid character"), ("*.example.com", "wildcard"),
                     ("10.0.0.1", "address"), ("a..b", "empty label"), ("example.com,", "empty")):
        rc, _, err = run_vw(vw, ["scan", "-q", "--own-domains", bad, pcap])
        check(rc == 2 and "--own-domains" in err and why in err,
              f"--own-domains {bad!r}: exit 2 with '{why}' (got {rc}: {err.strip()[:200]})")
    rc, _, err = run_vw(vw, ["scan", "-q", "--own-domains", "Example.COM.", "--own-domains",
                             "a.example,b.example", pcap])
    check(rc == 0, f"--own-domains repeatable, comma-separated, case and trailing dot normalised (rc {rc})")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
