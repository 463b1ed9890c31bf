#!/usr/bin/python3
"""Generates pcaps/*.pcap and pcaps/*.truth.json. Run through pcaps/generate.sh (root, private
network namespace). See pcaps/README.md."""

import argparse
import calendar
import re
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import actions  # noqa: E402
import check  # noqa: E402
import pcapio  # noqa: E402
import pki as pkimod  # noqa: E402
import scenarios  # noqa: E402
import services  # noqa: E402
import world  # noqa: E402

# Capture dates: the demo starts 2025-03-11 08:30:00 UTC, the others follow at 10-minute steps.
BASE = calendar.timegm((2025, 3, 11, 8, 30, 0))
CAPTURE_FILTER = "not host %s and not net 127.0.0.0/8 and not ip6 host ::1" % world.PROXY_EGRESS


def die(msg):
    print("generate: " + msg, file=sys.stderr)
    sys.exit(1)


def in_private_netns():
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout.splitlines()
    return len(links) == 1 and ": lo:" in links[0]


class Tcpdump:
    def __init__(self, path):
        self.path = path
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["tcpdump", "-i", "lo", "-n", "-s", "0", "-U", "-Z", "root",
                                      "--time-stamp-precision=micro", "-w", self.path, CAPTURE_FILTER],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        if "listening on" not in line:
            die("tcpdump did not start: " + line + self.proc.stderr.read())
        time.sleep(0.2)

    def stop(self):
        time.sleep(1.0)  # let FIN/ACK exchanges finish
        self.proc.send_signal(signal.SIGINT)
        err = self.proc.stderr.read()
        self.proc.wait()
        if not re.search(r"(^|\n)0 packets dropped by kernel", err):
            die("tcpdump reports drops: " + err)


def expected_from_flows(flows):
    """What the flows of a scenario imply: client pairs, instances (with clients), web pairs and
    interception vendors. Flows are actions.Flow objects."""
    client, inst, web, insp = set(), {}, set(), set()
    for f in flows:
        if f.usage == "product":
            if f.client:
                client.add((f.client, f.vendor))
            if f.instance:
                inst.setdefault((f.instance, f.vendor), set())
                if f.client:
                    inst[(f.instance, f.vendor)].add(f.client)
        elif f.usage == "web":
            web.add((f.client, f.vendor))
        elif f.usage == "inspected":
            insp.add(f.vendor)
    return client, inst, web - client, insp


def check_declarations(sc, ctx):
    """The declared expectations must equal what the clients were made to do."""
    client, inst, web, insp = expected_from_flows(ctx.flows)
    problems = []
    d_client = {(a["host"], a["vendor"]) for a in sc.alerts if a["host_role"] == "client"}
    d_server = {(a["host"], a["vendor"]) for a in sc.alerts if a["host_role"] == "server"}
    if len(d_client) + len(d_server) != len(sc.alerts):
        problems.append("an alert (host, vendor, host_role) is declared twice")
    if d_client != client:
        problems.append("client alerts %s != product users in the flows %s" % (sorted(d_client), sorted(client)))
    if d_server != set(inst):
        problems.append("server alerts %s != instances in the flows %s" % (sorted(d_server), sorted(inst)))
    d_inst = {(i["ip"], i["vendor"]): set(i["clients"]) for i in sc.instances}
    if d_inst != inst:
        problems.append("instances %s != flows %s" % (sorted(d_inst.items()), sorted(inst.items())))
    d_web = {(w["host"], w["vendor"]) for w in sc.web}
    if d_web != web:
        problems.append("web %s != web presence in the flows %s" % (sorted(d_web), sorted(web)))
    if {x["vendor"] for x in sc.inspection} != insp:
        problems.append("inspection %s != inspected flows' vendors %s" % (sc.inspection, sorted(insp)))
    involved = {h for h, _ in client} | {h for h, _ in inst}
    for h in sc.no_alert_hosts:
        if h in involved:
            problems.append("no-alert host %s uses or runs a vendor product in the flows" % h)
    for i in sc.instances:
        if not world.is_internal(i["ip"]):
            problems.append("instance %s is not an internal address" % i["ip"])
    if problems:
        die("%s: declarations do not match the flows:\n  %s" % (sc.name, "\n  ".join(problems)))


def build_truth(sc, ctx, final_path):
    measured = pcapio.flows_of(final_path)
    reg = {f.key(): f for f in ctx.flows}
    if set(reg) != set(measured):
        die("%s: flows in capture and registry differ:\n only registry %s\n only capture %s"
            % (sc.name, sorted(set(reg) - set(measured)), sorted(set(measured) - set(reg))))
    flows = []
    for k in sorted(measured, key=lambda k: measured[k]["first"]):
        f, m = reg[k], measured[k]
        e = {"src_ip": f.cip, "src_port": f.cport, "dest_ip": f.sip, "dest_port": f.sport, "proto": f.proto,
             "expect": f.expect, "bytes_toserver": m["bytes_toserver"]}
        e.update({"bytes_toclient": m["bytes_toclient"], "pkts_toserver": m["pkts_toserver"],
                  "pkts_toclient": m["pkts_toclient"], "host": f.host,
                  "vendor": f.vendor if f.vendor not in (None, "decoy") else None,
                  "kind": f.kind, "counts_toward_vendor_bytes": bool(f.counts and f.vendor not in (None, "decoy")
                                                                   and f.usage in ("product", "web")),
                  "usage": f.usage, "client": f.client, "instance": f.instance})
        if m["vlan"] is not None:
            e["vlan"] = m["vlan"]
        flows.append(e)
    check_declarations(sc, ctx)
    alerts = []
    for a in sc.alerts:
        a = dict(a)
        a["bytes_to_vendor"] = check.bytes_to_vendor(flows, a["host"], a["vendor"], a["host_role"])
        keys = ["host", "vendor", "host_role", "via", "min_confidence", "bytes_to_vendor", "note"]
        if a.get("product"):
            keys.insert(3, "product")
        alerts.append({k: a[k] for k in keys})
    web = [{"host": w["host"], "vendor": w["vendor"],
            "bytes_to_vendor": check.bytes_to_vendor(flows, w["host"], w["vendor"], "web"), "note": w["note"]}
           for w in sc.web]
    # names: measured by tshark, cross-checked with what the clients were told to send
    expected = {k: set() for k in check.NAME_FIELDS}
    for f in ctx.flows:
        for k, v in f.names.items():
            expected[k].update(x.lower() for x in v)
    inspection = []
    for x in sc.inspection:
        mine = [f for f in flows if f["usage"] == "inspected" and f["vendor"] == x["vendor"]]
        inspection.append({"vendor": x["vendor"], "ca_contains": x["ca_contains"], "flows": len(mine),
                           "hosts": len({f["src_ip"] for f in mine}), "note": x["note"]})
    truth = {"capture": sc.name + ".pcap", "description": sc.description, "alerts": alerts,
             "instances": sc.instances, "web": web, "inspection": inspection,
             "no_alert_hosts": sc.no_alert_hosts}
    forged = sum(f.forged for f in ctx.flows)
    if forged != (sc.dns_unsolicited or 0):
        die("%s: %d forged DNS responses sent, dns_unsolicited declares %s" % (sc.name, forged, sc.dns_unsolicited))
    if sc.dns_unsolicited is not None:
        truth["dns_unsolicited"] = sc.dns_unsolicited
    if sc.own_domains:
        truth["own_domains"] = sc.own_domains
        truth["own_sites"] = sc.own_sites
    truth.update({"names": None, "flows": flows})
    names = check.tshark_names(final_path, check.tls_ports_of(truth), check.http_ports_of(truth))
    for k in check.NAME_FIELDS:
        if sorted(expected[k]) != names[k]:
            die("%s: names[%s]: clients sent %s, tshark sees %s" % (sc.name, k, sorted(expected[k]), names[k]))
    truth["names"] = names
    return truth


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.dirname(HERE))
    ap.add_argument("--only", nargs="*", help="scenario names (default: all)")
    ap.add_argument("--keep-work", action="store_true")
    args = ap.parse_args()
    if os.geteuid() != 0:
        die("must run as root (use: sudo pcaps/generate.sh)")
    if not in_private_netns():
        die("must run in a private network namespace (use pcaps/generate.sh, which runs unshare --net)")
    for tool in ("tcpdump", "tshark", "dnsmasq", "dig", "curl", "ip", "ssh", "ssh-keygen"):
        if not shutil.which(tool):
            die("missing tool: " + tool)
    known = {s.name for s in scenarios.ALL}
    for n in args.only or []:
        if n not in known:
            die("unknown scenario %s (known: %s)" % (n, ", ".join(sorted(known))))
    work = tempfile.mkdtemp(prefix="vw-pcaps-")
    services.setup_loopback()
    pk = pkimod.Pki(os.path.join(work, "pki"), world.CAS)
    dns = services.Dnsmasq(work)
    web = services.WebServers(pk)
    proxy = services.ConnectProxy()
    products = services.ProductServers(pk)
    dns.start()
    web.start()
    proxy.start()
    products.start()
    problems = []
    try:
        for idx, sc in enumerate(scenarios.ALL):
            if args.only and sc.name not in args.only:
                continue
            raw = os.path.join(work, sc.name + ".raw.pcap")
            final = os.path.join(args.out, sc.name + ".pcap")
            td = Tcpdump(raw)
            td.start()
            ctx = actions.Ctx(idx, work)
            sc.run(ctx)
            td.stop()
            recs = pcapio.read_pcap(raw)
            pcapio.write_pcap(final, pcapio.rewrite(recs, BASE + idx * 600))
            truth = build_truth(sc, ctx, final)
            with open(os.path.join(args.out, sc.name + ".truth.json"), "w") as f:
                json.dump(truth, f, indent=2)
                f.write("\n")
            p = check.verify_capture(final, truth)
            problems += p
            print("%-24s %4d packets %3d flows %2d alerts %7d bytes%s" % (
                sc.name + ".pcap", len(recs), len(truth["flows"]), len(truth["alerts"]), os.path.getsize(final),
                "  PROBLEMS" if p else ""), flush=True)
    finally:
        products.stop()
        proxy.stop()
        web.stop()
        dns.stop()
        if not args.keep_work:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("work dir kept: " + work)
    for p in problems:
        print("PROBLEM: " + p, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
