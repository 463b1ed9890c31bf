#!/usr/bin/env python3
"""Agreement with tshark on names, over every capture in ../shared/pcaps/ndpi.

For each capture, the set of (kind, name) pairs that vendorwatch reports
(--log-flows --log-dns --log-http) is compared with what `tshark -T fields` extracts:
  tls.sni   TLS ClientHello server_name over TCP
  quic.sni  the same inside QUIC Initial packets (tshark decrypts them)
  dns.query query names of DNS messages (not mDNS, not LLMNR)
  http.host Host header of HTTP requests
Names are compared lowercased with one trailing dot removed. Agreement is
|ours & tshark| / |ours | tshark| summed over all captures; the test fails below 99%.

usage: tshark_agreement.py VENDORWATCH SHARED_DIR [REPORT_FILE]
"""
import collections
import concurrent.futures
import re
import os
import shutil
import subprocess
import sys

from vwtest import corpus, run_vw, skip

THRESHOLD = 0.99


OCTAL = re.compile(r"\\([0-7]{3})")
CESC = re.compile(r"\\([abfnrtv])")
CMAP = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def norm(name, from_tshark=False):
    """Comparable form of a name. tshark prints non-printable label bytes as octal escapes
    (\\004) and vendorwatch's JSON carries them as characters, and the two replace invalid
    UTF-8 differently; so both sides render control bytes as \\xNN and any run of non-ASCII
    characters as one '?'. The name itself is what is compared, not its rendering."""
    if from_tshark:
        name = OCTAL.sub(lambda m: chr(int(m.group(1), 8)), name)
        name = CESC.sub(lambda m: CMAP[m.group(1)], name)
    if name.endswith("."):
        name = name[:-1]
    out = []
    for ch in name.lower():
        o = ord(ch)
        if o < 0x20 or o == 0x7f:
            out.append("\\x%02x" % o)
        elif o >= 0x80:
            if not out or out[-1] != "?":
                out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def placeholder(name):
    # tshark's stand-ins for undecodable names, e.g. <Root>, <name too long>.
    return name.startswith("<") and name.endswith(">")


def tshark_names(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t", "-E",
           "occurrence=a", "-E", "aggregator=\x1f",
           "-e", "frame.protocols", "-e", "tls.handshake.type",
           "-e", "tls.handshake.extensions_server_name", "-e", "dns.qry.name",
           "-e", "http.host", "-e", "http.request.method"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    names = set()
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        cols = line.split("\t")
        while len(cols) < 6:
            cols.append("")
        protos, hstype, sni, qname, host, method = cols
        plist = protos.split(":")
        if sni and "1" in hstype.split("\x1f"):
            kind = "quic.sni" if "quic" in plist else "tls.sni"
            for s in sni.split("\x1f"):
                if s:
                    names.add((kind, norm(s, True)))
        if qname and "dns" in plist and "mdns" not in plist and "llmnr" not in plist:
            for q in qname.split("\x1f"):
                if q and not placeholder(q):
                    names.add(("dns.query", norm(q, True)))
        if host and method:
            for h in host.split("\x1f"):
                if h:
                    hh = h
                    # tshark keeps the port in http.host; we report the host alone.
                    if hh.startswith("["):
                        hh = hh[1:hh.find("]")] if "]" in hh else hh
                    elif hh.count(":") == 1:
                        hh = hh.split(":")[0]
                    names.add(("http.host", norm(hh, True)))
    return p.returncode, p.stderr.decode("utf-8", "replace").strip(), names


def our_names(vw, path):
    rc, events, err = run_vw(vw, ["scan", "-q", "--log-flows", "--log-dns", "--log-http", path])
    names = set()
    for e in events:
        t = e.get("event_type")
        if t == "flow":
            if "tls" in e and e["tls"].get("sni"):
                names.add(("tls.sni", norm(e["tls"]["sni"])))
            if "quic" in e and e["quic"].get("sni"):
                names.add(("quic.sni", norm(e["quic"]["sni"])))
        elif t == "dns":
            q = e["dns"].get("query", "")
            if q:
                names.add(("dns.query", norm(q)))
        elif t == "http":
            h = e["http"].get("host", "")
            if h:
                names.add(("http.host", norm(h)))
    return rc, names


def main():
    vw, shared = sys.argv[1], sys.argv[2]
    report = sys.argv[3] if len(sys.argv) > 3 else None
    if shutil.which("tshark") is None:
        skip("tshark is not installed")
    files = corpus(shared)
    if not files:
        skip(f"no captures in {shared}/pcaps/ndpi")
    inter = union = 0
    per_kind = collections.Counter()
    per_kind_union = collections.Counter()
    diffs = []
    def both_sides(f):
        return f, tshark_names(f), our_names(vw, f)

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(both_sides, files))
    errors = []
    for f, (trc, terr, theirs), (rc, ours) in results:
        # Both sides must have read the capture: a run that failed compares nothing.
        if rc != 0:
            errors.append(f"{os.path.basename(f)}: vendorwatch exit {rc}")
        # tshark exits 2 on a capture cut inside a packet after reading what precedes the cut
        # (fuzz-2021-10-13.pcap); that is a read, not a failed run.
        if trc != 0 and not theirs and "cut short in the middle of a packet" not in terr:
            errors.append(f"{os.path.basename(f)}: tshark exit {trc} with no output: {terr[-200:]}")
        both = ours & theirs
        inter += len(both)
        union += len(ours | theirs)
        for k, _ in both:
            per_kind[k] += 1
        for k, _ in ours | theirs:
            per_kind_union[k] += 1
        base = os.path.basename(f)
        for k, n in sorted(theirs - ours):
            diffs.append(f"{base}\tmissed\t{k}\t{n!r}")
        for k, n in sorted(ours - theirs):
            diffs.append(f"{base}\textra\t{k}\t{n!r}")
    rate = inter / union if union else 1.0
    lines = [f"agreement: {inter}/{union} = {rate:.4f} over {len(files)} captures"]
    for k in sorted(per_kind_union):
        lines.append(f"  {k}: {per_kind[k]}/{per_kind_union[k]}")
    lines.append(f"differences ({len(diffs)}):")
    lines += ["  " + d for d in diffs]
    text = "\n".join(lines)
    print(text)
    if report:
        with open(report, "w") as out:
            out.write(text + "\n")
    for e in errors:
        print("FAIL", e)
    if rate < THRESHOLD:
        print(f"FAIL: agreement {rate:.4f} below {THRESHOLD}")
        sys.exit(1)
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
