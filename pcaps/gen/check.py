"""Checks shared by generate.py (at generation time) and verify.py (on the committed files):
tshark reads the file cleanly, checksums are valid, extracted names equal the truth, byte counts
in the truth equal what the capture holds."""

import json
import os
import subprocess

import pcapio

NAME_FIELDS = ["tls.sni", "quic.sni", "dns.query", "http.host", "http.connect"]


def _norm(n):
    n = n.strip().lower().rstrip(".")
    if n.startswith("["):  # [v6]:port
        return n[1:n.index("]")]
    if n.count(":") == 1:
        n = n.split(":")[0]
    return n


def _stderr(r):
    """tshark's stderr minus the harmless notice it prints when run as root."""
    return "\n".join(l for l in r.stderr.splitlines() if l.strip() and "could be dangerous" not in l)


def _decode_as(tls_ports, http_ports):
    out = []
    for p in sorted(set(tls_ports)):
        out += ["-d", "tcp.port==%d,tls" % p]
    for p in sorted(set(http_ports)):
        out += ["-d", "tcp.port==%d,http" % p]
    return out


def tshark_names(pcap, tls_ports=(), http_ports=()):
    """Names per field as tshark sees them (the referee)."""
    cmd = ["tshark", "-r", pcap, "-n", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=|"]
    cmd += _decode_as(tls_ports, http_ports)
    cmd += ["-e", "tls.handshake.extensions_server_name", "-e", "dns.qry.name", "-e", "http.host",
            "-e", "http.request.method", "-e", "http.request.uri", "-e", "frame.protocols"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or _stderr(r):
        raise RuntimeError("tshark failed on %s: %s" % (pcap, _stderr(r)))
    out = {k: set() for k in NAME_FIELDS}
    for line in r.stdout.splitlines():
        cols = (line.split("\t") + [""] * 6)[:6]
        sni, qn, host, method, uri, protos = cols
        for v in filter(None, sni.split("|")):
            out["quic.sni" if ":quic" in protos else "tls.sni"].add(_norm(v))
        for v in filter(None, qn.split("|")):
            out["dns.query"].add(_norm(v))
        methods = method.split("|") if method else []
        if "CONNECT" in methods:
            for v in filter(None, uri.split("|")):
                out["http.connect"].add(_norm(v))
        else:
            for v in filter(None, host.split("|")):
                out["http.host"].add(_norm(v))
    return {k: sorted(v) for k, v in out.items()}


def tshark_problems(pcap, tls_ports=(), http_ports=()):
    """Frames with bad checksums, malformed packets or expert errors (should be none)."""
    cmd = ["tshark", "-r", pcap, "-n", "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
           "-o", "udp.check_checksum:TRUE"]
    cmd += _decode_as(tls_ports, http_ports)
    cmd += ["-Y", "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || "
                  "_ws.malformed || _ws.expert.severity == \"Error\""]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or _stderr(r):
        raise RuntimeError("tshark failed on %s: %s" % (pcap, _stderr(r)))
    return [l for l in r.stdout.splitlines() if l.strip()]


def tls_ports_of(truth):
    return sorted({f["dest_port"] for f in truth["flows"] if f.get("kind") in ("tls", "tls-inbound")} - {443})


def http_ports_of(truth):
    return sorted({f["dest_port"] for f in truth["flows"] if f.get("kind") in ("http", "http-inbound")} - {80})


def bytes_to_vendor(flows, host, vendor, role="client"):
    """Bytes (IP layer) that host sent on the flows where it plays role for vendor: "client" (it
    uses the product: its cloud, or an internal instance), "server" (it is the instance) or "web"
    (it reads the vendor's web presence). DNS flows never count."""
    total = 0
    for f in flows:
        if f["vendor"] != vendor or not f["counts_toward_vendor_bytes"]:
            continue
        if role == "server":
            mine = f["usage"] == "product" and f["instance"] == host
        else:
            mine = f["usage"] == ("web" if role == "web" else "product") and f["client"] == host
        if mine:
            total += f["bytes_toserver"] if f["src_ip"] == host else f["bytes_toclient"]
    return total


def verify_capture(pcap, truth):
    """Returns a list of problems (empty = good)."""
    problems = []
    ports, hports = tls_ports_of(truth), http_ports_of(truth)
    names = tshark_names(pcap, ports, hports)
    for k in NAME_FIELDS:
        if sorted(truth["names"].get(k, [])) != names[k]:
            problems.append("%s: names[%s] differ: truth %s, tshark %s" % (os.path.basename(pcap), k,
                                                                          truth["names"].get(k), names[k]))
    bad = tshark_problems(pcap, ports, hports)
    if bad:
        problems.append("%s: %d frames with bad checksum/malformed/error, e.g. %s" % (pcap, len(bad), bad[0]))
    measured = pcapio.flows_of(pcap)
    tf = {(f["proto"], f["src_ip"], f["src_port"], f["dest_ip"], f["dest_port"]): f for f in truth["flows"]}
    if set(tf) != set(measured):
        problems.append("%s: flows differ: only in truth %s, only in capture %s"
                        % (pcap, sorted(set(tf) - set(measured)), sorted(set(measured) - set(tf))))
    for k, f in tf.items():
        m = measured.get(k)
        if m and (m["bytes_toserver"] != f["bytes_toserver"] or m["bytes_toclient"] != f["bytes_toclient"]):
            problems.append("%s: flow %s bytes differ" % (pcap, k))
    for a in truth["alerts"]:
        b = bytes_to_vendor(truth["flows"], a["host"], a["vendor"], a.get("host_role", "client"))
        if b != a["bytes_to_vendor"]:
            problems.append("%s: alert %s/%s/%s bytes_to_vendor %d, capture says %d"
                            % (pcap, a["host"], a["vendor"], a.get("host_role", "client"), a["bytes_to_vendor"], b))
    for w in truth.get("web", []):
        b = bytes_to_vendor(truth["flows"], w["host"], w["vendor"], "web")
        if b != w["bytes_to_vendor"]:
            problems.append("%s: web %s/%s bytes_to_vendor %d, capture says %d"
                            % (pcap, w["host"], w["vendor"], w["bytes_to_vendor"], b))
    return problems


def load_truth(path):
    with open(path) as f:
        return json.load(f)
