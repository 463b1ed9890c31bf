#!/usr/bin/env python3
"""e2e: `vendorwatch signatures export` in every format.

usage: export_test.py VENDORWATCH PCAPS_DIR WORK_DIR

Checks Suricata rules and the Zeek intel file with a parser for their documented syntax,
loads the nDPI protos file into Debian's ndpiReader and requires the demo capture's vendor
flows to be classified as the custom protocols, and loads the RPZ zone with named-checkzone.
Exit 0 all checks passed, 1 a check failed, 77 everything that could run passed but a tool
(ndpiReader, named-checkzone) is missing.
"""
import csv
import io
import ipaddress
import collections
import json
import os
import re
import shutil
import subprocess
import sys

from vwtest import skip_code

failures = []
skipped = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    return cond


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)


def export(vw, fmt, *extra):
    p = run([vw, "signatures", "export", "--format", fmt, *extra])
    check(p.returncode == 0, f"export {fmt} exit {p.returncode}: {p.stderr}")
    return p.stdout


def ndpi_name(vendor_name):
    n = "VW_" + "".join(c for c in vendor_name if c.isascii() and c.isalnum())
    return n


DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_-]+$")
SID_MIN, SID_MAX = 4200000, 4299999
STICKY = {"tls.sni", "dns.query", "http.host", "http.user_agent", "ja3.hash", "http.server",
          "http.response_header", "http.request_header", "http.uri", "tls.cert_subject",
          "tls.cert_issuer"}
CONTENT_MODS = {"nocase", "endswith", "startswith", "distance", "within"}
KNOWN = STICKY | CONTENT_MODS | {"msg", "content", "dotprefix", "bsize", "classtype",
                                 "metadata", "sid", "rev", "flow", "dsize"}
RULE_RE = re.compile(
    r"^alert (tls|dns|http|ip|tcp|udp) (?:\$HOME_NET any|any (?:any|\[[0-9,]+\])) -> "
    r"(any|\[[0-9a-fA-F:./]+\]) any \((.*)\)$")


def split_options(body):
    """Splits a rule body on ';' outside quotes (Suricata escapes ; inside quotes with \\)."""
    opts, cur, quoted, esc = [], "", False, False
    for ch in body:
        if esc:
            cur += ch
            esc = False
        elif ch == "\\":
            cur += ch
            esc = True
        elif ch == '"':
            quoted = not quoted
            cur += ch
        elif ch == ";" and not quoted:
            opts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return opts, cur.strip(), quoted


def content_bytes(v):
    """Decodes a Suricata content value: "text|2E 41|text"."""
    assert v.startswith('"') and v.endswith('"'), v
    v = v[1:-1]
    out, i = b"", 0
    while i < len(v):
        if v[i] == "|":
            j = v.index("|", i + 1)
            out += bytes.fromhex(v[i + 1:j].replace(" ", ""))
            i = j + 1
        else:
            assert v[i] not in '";\\', f"unescaped {v[i]!r} in content"
            out += v[i].encode()
            i += 1
    return out


def check_suricata(text, version, indicators):
    sids, nrules = set(), 0
    for ln, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        where = f"suricata line {ln}"
        m = RULE_RE.match(line)
        if not check(m, f"{where}: not a rule header: {line[:120]}"):
            continue
        nrules += 1
        proto, dst, body = m.groups()
        if dst != "any":
            try:
                ipaddress.ip_network(dst[1:-1], strict=True)
            except ValueError as e:
                check(False, f"{where}: bad address {dst}: {e}")
        opts, rest, quoted = split_options(body)
        check(rest == "" and not quoted, f"{where}: body must end with ';'")
        kv = []
        for o in opts:
            k, _, v = o.partition(":")
            check(k in KNOWN, f"{where}: unknown keyword {k}")
            kv.append((k, v))
        keys = [k for k, _ in kv]
        check(keys[0] == "msg" and kv[0][1].startswith('"') and kv[0][1].endswith('"')
              and '"' not in kv[0][1][1:-1] and ";" not in kv[0][1],
              f"{where}: msg first and quoted")
        sid = [int(v) for k, v in kv if k == "sid"]
        check(len(sid) == 1 and SID_MIN <= sid[0] <= SID_MAX and sid[0] not in sids,
              f"{where}: sid missing, out of range or duplicate: {sid}")
        sids.update(sid)
        check("rev" in keys, f"{where}: rev")
        check(any(k == "metadata" and f"vw_set {version}" in v for k, v in kv),
              f"{where}: metadata carries the set version")
        # Sticky buffer -> [dotprefix] -> content -> modifiers.
        for i, (k, v) in enumerate(kv):
            if k in STICKY:
                j = i + 1
                dot = kv[j][0] == "dotprefix"
                if dot:
                    j += 1
                if not check(kv[j][0] == "content", f"{where}: {k} not followed by content"):
                    continue
                c = content_bytes(kv[j][1])
                mods = []
                j += 1
                while j < len(kv) and kv[j][0] in CONTENT_MODS | {"bsize"}:
                    mods.append(kv[j])
                    j += 1
                names = [x for x, _ in mods]
                if dot:
                    check(c.startswith(b".") and "endswith" in names,
                          f"{where}: dotprefix needs .content + endswith")
                if "bsize" in names:
                    check(int(dict(mods)["bsize"]) == len(c), f"{where}: bsize != content length")
                if k == "http.host":
                    check("nocase" not in names and c == c.lower(),
                          f"{where}: http.host content is lowercase without nocase")
                if k in ("tls.sni", "dns.query", "http.host"):
                    check(dot or "bsize" in names, f"{where}: domain without dotprefix or bsize")
                    check(proto == {"tls.sni": "tls", "dns.query": "dns", "http.host": "http"}[k],
                          f"{where}: {k} in an {proto} rule")
    # Every exportable indicator produced its rules.
    want = 0
    for row in indicators:
        if row["kind"] == "domain" and row["match"] in ("exact", "suffix"):
            want += 3
        elif row["kind"] in ("cidr", "http_user_agent", "ja3", "banner", "http_header",
                             "http_path"):
            want += 1
        elif row["kind"] == "cert":
            want += 2 if row["details"] == "part=any" else 1
        elif row["kind"] == "syslog" and row["details"] != "format=kv":
            want += 2
    check(nrules == want, f"suricata: {nrules} rules, expected {want}")
    check(nrules > 0, "suricata: no rules")
    return nrules


def check_zeek(text, indicators):
    lines = text.splitlines()
    data = [l for l in lines if l and not l.startswith("#")]
    check(lines[0] == "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc",
          "zeek: first line is the #fields header")
    types = {}
    for l in data:
        f = l.split("\t")
        if not check(len(f) == 4 and all(f), f"zeek: 4 non-empty tab fields: {l!r}"):
            continue
        ind, typ, src, desc = f
        types[typ] = types.get(typ, 0) + 1
        check(" " not in ind, f"zeek: indicator without spaces: {ind!r}")
        if typ == "Intel::DOMAIN":
            check(DOMAIN_RE.match(ind), f"zeek: bad domain {ind!r}")
        elif typ == "Intel::ADDR":
            try:
                ipaddress.ip_address(ind)
            except ValueError:
                check(False, f"zeek: bad address {ind!r}")
        elif typ == "Intel::SUBNET":
            try:
                ipaddress.ip_network(ind, strict=True)
            except ValueError:
                check(False, f"zeek: bad subnet {ind!r}")
        else:
            check(False, f"zeek: unexpected type {typ}")
    want = sum(1 for r in indicators
               if (r["kind"] == "domain" and r["match"] != "pattern") or r["kind"] == "cidr")
    check(len(data) == want, f"zeek: {len(data)} rows, expected {want}")
    check(types.get("Intel::DOMAIN", 0) > 0, "zeek: domains exported")
    # Suffix semantics are documented in the file.
    check("subdomains" in text and "exactly" in text, "zeek: suffix caveat documented")
    return len(data)


def main():
    vw, pcaps, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    set_version = None
    manifest = run([vw, "signatures", "list"]).stdout.splitlines()[0]
    m = re.match(r"signature set (\S+) \((\S+)\)", manifest)
    check(m, f"signatures list header: {manifest}")
    set_version, set_date = m.group(1), m.group(2)

    # --version names the signature set, and still works when none can be loaded.
    p = run([vw, "--version"])
    check(p.returncode == 0 and f"signature set {set_version} ({set_date}" in p.stdout,
          f"--version: {p.stdout!r}")
    p = run([vw, "--version"], env={**os.environ, "VENDORWATCH_SIGNATURES": "/nonexistent"})
    check(p.returncode == 0 and "vendorwatch " in p.stdout and "not loadable" in p.stdout,
          f"--version without signatures: {p.stdout!r}")

    csv_text = export(vw, "csv")
    rows = list(csv.DictReader(io.StringIO(csv_text, newline="")))
    check(len(rows) > 100, f"csv: {len(rows)} indicators")
    check(all(r["set_version"] == set_version and r["set_date"] == set_date for r in rows),
          "csv: provenance columns")

    for fmt in ("suricata", "zeek-intel", "ndpi-protos", "rpz"):
        t = export(vw, fmt)
        with open(os.path.join(work, "export." + fmt), "w") as f:
            f.write(t)
        check(f"signature set version {set_version}, dated {set_date}" in t,
              f"{fmt}: provenance comment")
        if fmt != "zeek-intel":
            check("skipped domain (pattern)" in t, f"{fmt}: skipped patterns are commented")

    n = check_suricata(open(os.path.join(work, "export.suricata")).read(), set_version, rows)
    print(f"suricata: {n} rules parsed")
    n = check_zeek(open(os.path.join(work, "export.zeek-intel")).read(), rows)
    print(f"zeek-intel: {n} rows parsed")

    # Vendor filter.
    cs = export(vw, "zeek-intel", "--vendor", "crowdstrike")
    data = [l for l in cs.splitlines() if l and not l.startswith("#")]
    check(data and all("CrowdStrike" in l for l in data), "--vendor crowdstrike keeps only it")
    p = run([vw, "signatures", "export", "--format", "csv", "--vendor", "nosuchvendor"])
    check(p.returncode == 2 and "nosuchvendor" in p.stderr, "unknown vendor: exit 2, named")
    p = run([vw, "signatures", "export", "--format", "snort"])
    check(p.returncode == 2, "unknown format: exit 2")

    # RPZ: suffix indicators block subdomains; the zone loads in BIND's checker.
    rpz = open(os.path.join(work, "export.rpz")).read()
    for r in rows:
        if r["kind"] == "domain" and r["match"] == "suffix":
            check(f"\n*.{r['value']}\tCNAME\t." in rpz, f"rpz: *.{r['value']}")
            break
    if shutil.which("named-checkzone"):
        p = run(["named-checkzone", "-k", "fail", "rpz.vendorwatch",
                 os.path.join(work, "export.rpz")])
        check(p.returncode == 0 and "OK" in p.stdout, f"named-checkzone: {p.stdout}{p.stderr}")
        print("rpz:", p.stdout.strip().splitlines()[-2:])
    else:
        skipped.append("named-checkzone not installed (Debian bind9-utils)")

    # nDPI: the demo's vendor flows are classified as the exported custom protocols.
    if shutil.which("ndpiReader"):
        summary = os.path.join(work, "demo-summary.json")
        p = run([vw, "scan", "-q", "--summary", summary, os.path.join(pcaps, "demo.pcap")])
        check(p.returncode == 0, f"scan demo: {p.returncode} {p.stderr}")
        summ = json.load(open(summary))
        # Flows to the vendors' clouds only: the demo's on-prem part (clients of an ESXi host,
        # a FortiGate GUI, a CyberArk Vault; evidence `instance`) is found from banners,
        # certificates and syslog, which an nDPI protos file cannot express.
        flows = collections.Counter()
        names = {}
        for h in summ["hosts"]:
            for v in h["vendors"]:
                names[v["id"]] = v["name"]
                if any(e.get("field") != "instance" for e in v.get("evidence", [])):
                    flows[v["id"]] += v["flows"]
        vendors = [{"name": names[i], "flows": n} for i, n in sorted(flows.items())]
        check(len(vendors) >= 3, "demo summary has vendors")
        p = run(["ndpiReader", "-p", os.path.join(work, "export.ndpi-protos"), "-i",
                 os.path.join(pcaps, "demo.pcap"), "-v", "1"])
        check(p.returncode == 0, f"ndpiReader exit {p.returncode}: {p.stderr[-500:]}")
        out = p.stdout
        detected = {}
        sect = out.split("Detected protocols:", 1)[-1].split("Protocol statistics:", 1)[0]
        for m in re.finditer(r"^\s+(VW_\w+)\s+packets: (\d+)\s+bytes: (\d+)\s+flows: (\d+)",
                             sect, re.M):
            detected[m.group(1)] = int(m.group(4))
        print("ndpiReader detected:", detected)
        for v in vendors:
            name = ndpi_name(v["name"])
            check(detected.get(name, 0) >= v["flows"],
                  f"ndpiReader: {name} flows {detected.get(name, 0)} < vendorwatch {v['flows']}")
        check(set(detected) <= {ndpi_name(v["name"]) for v in vendors},
              f"ndpiReader: unexpected custom protocols {detected}")
    else:
        skipped.append("ndpiReader not installed (Debian libndpi-bin)")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    if skipped:
        return skip_code("; ".join(skipped))
    print("export: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
