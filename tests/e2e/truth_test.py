#!/usr/bin/env python3
"""End-to-end truth test: every capture in pcaps/ with a truth file is scanned by the real binary
with DEFAULT settings (only the event logs --log-flows/--log-dns/--log-http are turned on, which
add event types and change no verdict); events and summary are compared with the truth, which
pcaps/generate.sh made from what its clients did (see pcaps/README.md, CONTRACT section 6):

  alerts        every expected vendor event (host, vendor, host_role) is written, with at least
                min_confidence, every evidence field of `via` (on its vendor or flow events or
                its summary entry) and the declared product; no other vendor event; none with
                "usage": "web";
                bytes_to_vendor of client verdicts in the summary's hosts within 30% of the truth;
  instances     the summary's `instances` hold exactly the expected (address, vendor) set, with
                the declared product and exactly the expected clients;
  web           every expected web-presence entry is in the summary's `web` (bytes within 30%);
                any other entry must be a (host, vendor) with web traffic in the capture;
  inspection    exactly the expected findings (vendor, CA containing ca_contains, flows, hosts),
                and one `inspection` event each;
  no_alert_hosts  no vendor event, no summary host entry, no instance, no client of an instance;
  dns_unsolicited the summary's coverage counts exactly the forged DNS responses;
  names         the TLS SNI / DNS query / HTTP Host names equal the truth's.

usage: truth_test.py VENDORWATCH PCAPS_DIR
"""
import glob
import json
import os
import sys
import tempfile

from vwtest import run_vw

CONF = {"low": 1, "medium": 2, "high": 3}


def role_of(e):
    return e.get("host_role", "client")


def vendor_id(e):
    v = e.get("vendor")
    return v.get("id") if isinstance(v, dict) else v


def check(vw, truth_path):
    t = json.load(open(truth_path))
    pcap = os.path.join(os.path.dirname(truth_path), t["capture"])
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        summary_path = os.path.join(tmp, "summary.json")
        rc, events, err = run_vw(vw, ["scan", "-q", "--log-flows", "--log-dns", "--log-http",
                                      "--summary", summary_path, pcap])
        if rc != 0:
            return [f"exit {rc}: {err.strip()[-300:]}"]
        summary = json.load(open(summary_path))
    alerts = [e for e in events if e["event_type"] == "vendor"]
    flows = [e for e in events if e["event_type"] == "flow"]
    ledger = {(h["ip"], v["id"]): v for h in summary.get("hosts", []) for v in h["vendors"]}

    # -- alerts ---------------------------------------------------------------------------
    expected = {}
    for a in t["alerts"]:
        expected[(a["host"], a["vendor"], a.get("host_role", "client"))] = a
    for (host, vendor, role), a in expected.items():
        what = f"{host} -> {vendor} as {role}"
        mine = [e for e in alerts if e["host"] == host and vendor_id(e) == vendor and role_of(e) == role]
        if not mine:
            others = sorted({role_of(e) for e in alerts if e["host"] == host and vendor_id(e) == vendor})
            fails.append(f"missed: {what} ({a.get('note', '')})"
                         + (f"; events exist with host_role {others}" if others else ""))
            continue
        best = max(CONF.get(e.get("confidence"), 0) for e in mine)
        if best < CONF[a["min_confidence"]]:
            got = [e.get("confidence") for e in mine]
            fails.append(f"{what}: confidence {got} below {a['min_confidence']} ({a.get('note', '')})")
        # evidence: the events about this verdict, the host's flow events, and the summary's
        # entry for it (hosts for a client, instances for a server), where later evidence of a
        # verdict that was not stronger (no new event) is kept
        fields = {x["field"] for e in mine for x in e.get("evidence", [])}
        fields |= {x["field"] for e in flows if e.get("host") == host
                   and vendor_id(e) == vendor for x in e.get("evidence", [])}
        if role == "client":
            fields |= {x["field"] for x in (ledger.get((host, vendor)) or {}).get("evidence", [])}
        else:
            fields |= {x["field"] for i in summary.get("instances", []) if i.get("ip") == host
                       and vendor_id(i) == vendor for x in i.get("evidence", [])}
        for v in a.get("via", []):
            if v not in fields:
                fails.append(f"{what}: evidence {v} missing (have {sorted(fields)})")
        if a.get("product"):
            prods = sorted({(e.get("product") or {}).get("id") or "" for e in mine})
            if a["product"] not in prods:
                fails.append(f"{what}: product {a['product']} expected, events say {prods}")
        if role == "client":
            entry = ledger.get((host, vendor))
            if entry is None:
                fails.append(f"{what}: not in the summary's hosts")
            else:
                want, got = a["bytes_to_vendor"], entry.get("bytes_to_vendor", 0)
                if want == 0:
                    if got != 0:
                        fails.append(f"{what}: bytes_to_vendor {got}, truth 0")
                elif abs(got - want) > 0.3 * want:
                    fails.append(f"{what}: bytes_to_vendor {got}, truth {want} (>30%)")
    for e in alerts:
        key = (e["host"], vendor_id(e), role_of(e))
        if key not in expected:
            ev = ", ".join(f"{x['field']}={x['value']}" for x in e.get("evidence", []))
            fails.append(f"unexpected alert: {key[0]} -> {key[1]} as {key[2]} "
                         f"[{e.get('confidence')}, usage {e.get('usage', '?')}] {ev}")
        elif e.get("usage") == "web":
            fails.append(f"web-presence event under default settings: {key[0]} -> {key[1]} "
                         "(web presence makes no vendor event unless --alert-web)")

    # -- no_alert_hosts ---------------------------------------------------------------------
    instances = summary.get("instances", [])
    inst_ips = {i["ip"] for i in instances}
    inst_clients = {c for i in instances for c in i.get("clients", [])}
    for host in t.get("no_alert_hosts", []):
        evs = [e for e in alerts if e["host"] == host]
        if evs:
            fails.append(f"no-alert host {host} has vendor events: "
                         + ", ".join(f"{vendor_id(e)} as {role_of(e)}" for e in evs))
        if any(h == host for h, _ in ledger):
            fails.append(f"no-alert host {host} appears in the summary's hosts")
        if host in inst_ips:
            fails.append(f"no-alert host {host} is listed as a product instance")
        if host in inst_clients:
            fails.append(f"no-alert host {host} is listed as a client of an instance")

    # -- instances --------------------------------------------------------------------------
    want_inst = {(i["ip"], i["vendor"]): i for i in t.get("instances", [])}
    if want_inst and "instances" not in summary:
        fails.append("the summary has no 'instances' section (expected %d instances)" % len(want_inst))
    got_inst = {}
    for i in instances:
        got_inst.setdefault((i["ip"], vendor_id(i)), []).append(i)
    for key, i in want_inst.items():
        what = f"instance {key[0]} ({key[1]})"
        have = got_inst.get(key)
        if not have:
            fails.append(f"missed {what}: {i.get('note', '')}")
            continue
        if i.get("product"):
            prods = sorted({(x.get("product") or {}).get("id") or "" for x in have})
            if i["product"] not in prods:
                fails.append(f"{what}: product {i['product']} expected, summary says {prods}")
        clients = {c for x in have for c in x.get("clients", [])}
        if clients != set(i["clients"]):
            fails.append(f"{what}: clients {sorted(clients)}, truth {i['clients']}")
    for key, have in got_inst.items():
        if key not in want_inst:
            prods = sorted({(x.get("product") or {}).get("id") or "" for x in have})
            ev = ", ".join(f"{x['field']}={x['value']}" for h in have for x in h.get("evidence", []))
            fails.append(f"unexpected instance: {key[0]} ({key[1]}, {prods}) {ev}")

    # -- web presence -----------------------------------------------------------------------
    want_web = {(w["host"], w["vendor"]): w for w in t.get("web", [])}
    if want_web and "web" not in summary:
        fails.append("the summary has no 'web' section (expected %d entries)" % len(want_web))
    got_web = {(w["ip"], vendor_id(w)): w for w in summary.get("web", [])}
    web_traffic = {(f.get("client"), f["vendor"]) for f in t["flows"] if f.get("usage") == "web"}
    for key, w in want_web.items():
        have = got_web.get(key)
        if have is None:
            fails.append(f"web presence missing: {key[0]} -> {key[1]} ({w.get('note', '')})")
            continue
        want, got = w["bytes_to_vendor"], have.get("bytes_to_vendor", 0)
        if want and abs(got - want) > 0.3 * want:
            fails.append(f"web {key[0]} -> {key[1]}: bytes_to_vendor {got}, truth {want} (>30%)")
    for key in got_web:
        if key not in want_web and key not in web_traffic:
            fails.append(f"unexpected web presence: {key[0]} -> {key[1]} (no web traffic of that vendor)")

    # -- TLS inspection ---------------------------------------------------------------------
    want_x = t.get("inspection", [])
    if want_x and "inspection" not in summary:
        fails.append("the summary has no 'inspection' section (expected %d findings)" % len(want_x))
    got_x = list(summary.get("inspection", []))
    for x in want_x:
        what = f"inspection {x['vendor']} CA containing '{x['ca_contains']}'"
        hits = [g for g in got_x if vendor_id(g) == x["vendor"] and x["ca_contains"] in g.get("ca", "")]
        if len(hits) != 1:
            fails.append(f"{what}: {len(hits)} findings, expected exactly 1")
            continue
        g = hits[0]
        got_x.remove(g)
        if g.get("flows") != x["flows"] or g.get("hosts") != x["hosts"]:
            fails.append(f"{what}: flows {g.get('flows')} hosts {g.get('hosts')}, "
                         f"truth flows {x['flows']} hosts {x['hosts']}")
    for g in got_x:
        fails.append(f"unexpected inspection finding: {vendor_id(g)} CA {g.get('ca')!r}")
    n_events = sum(1 for e in events if e["event_type"] == "inspection")
    if n_events != len(want_x):
        fails.append(f"{n_events} inspection events, expected {len(want_x)} (one per finding)")

    # -- DNS responses that answer no query -------------------------------------------------
    if "dns_unsolicited" in t:
        got = summary.get("coverage", {}).get("dns_unsolicited")
        if got != t["dns_unsolicited"]:
            fails.append(f"coverage.dns_unsolicited {got}, truth {t['dns_unsolicited']} "
                         "(forged responses: unsolicited, wrong id, wrong question, wrong 5-tuple)")

    # -- names ------------------------------------------------------------------------------
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
