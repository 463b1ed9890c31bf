#!/usr/bin/env python3
"""Certificate names: parseTlsServerFlight (through vw_tls_server_dump) against tshark.

For every TCP stream in which tshark dissects a TLS Certificate message, the server's byte
stream is reassembled from the capture (from the record that holds the ServerHello, in sequence
order, up to the parser's 16 KiB bound) and given to the parser. Its leaf subject, leaf issuer
and the issuer of the second certificate are compared with the names tshark's x509 dissector
shows for the same message (x509if/x509sat fields, written in the parser's DN form by the
function `dn_parts` below: short names for C ST L O OU CN emailAddress serialNumber, dotted OIDs
otherwise, `\\,` and `\\\\` escapes, BMP/Teletex characters outside printable ASCII as `?`).

usage: cert_agreement.py DUMP_TOOL [--min-rate PCT] [--report FILE] DIR_OR_PCAP...

Prints one line per disagreement and a summary; exits 1 if the agreement rate (certificates
whose three names all agree / certificates tshark dissected) is below --min-rate, 2 if a tool
is missing or nothing was compared.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

FLIGHT_BOUND = 16384

SHORT = {
    "2.5.4.3": "CN",
    "2.5.4.5": "serialNumber",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "1.2.840.113549.1.9.1": "emailAddress",
}

# tshark value fields (x509sat.*) by how the parser converts them.
RAW_UTF8 = {"x509sat.uTF8String"}
ASCII_ONLY = {
    "x509sat.printableString", "x509sat.CountryName", "x509sat.IA5String",
    "x509sat.teletexString", "x509sat.TeletexString", "x509sat.VisibleString",
    "x509sat.NumericString", "x509sat.PrintableString", "x509sat.SyntaxIA5String",
    "x509sat.SyntaxPrintableString", "x509sat.SyntaxNumericString",
    "x509sat.SyntaxTeletexString", "x509sat.SyntaxVisibleString", "x509sat.GraphicString",
    "x509sat.SyntaxGraphicString", "x509sat.videotexString", "x509sat.SyntaxVideotexString",
    "x509sat.GeneralString", "x509sat.SyntaxGeneralString", "pkcs1.emailAddress",
    "pkcs-9.emailAddress", "x509sat.universalString", "x509sat.bmpString",
    "x509sat.BMPString", "x509sat.SyntaxBMPString", "x509sat.UniversalString",
}


def escape(s):
    return s.replace("\\", "\\\\").replace(",", "\\,")


def convert(key, value):
    """A tshark value in the parser's conversion."""
    if key in RAW_UTF8:
        return "".join("?" if (ord(c) < 0x20 or ord(c) == 0x7f) else c for c in value)
    return "".join(c if 0x20 <= ord(c) < 0x7f else "?" for c in value)


def leaves(node):
    """(key, value) of the string leaves under a tshark JSON node, depth first."""
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, str):
                yield k, v
            else:
                yield from leaves(v)
    elif isinstance(node, list):
        for v in node:
            yield from leaves(v)


def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def dicts(x):
    """The dict members of a tshark JSON node that may be a dict, a list or a text label."""
    return [v for v in as_list(x) if isinstance(v, dict)]


class Unsupported(Exception):
    pass


def dn_parts(name_tree):
    """[(attribute name, value)] of a tshark x509af.issuer_tree / subject_tree in the parser's
    conversion. The value is None where tshark shows no value (an attribute type it has no
    dissector for, e.g. unstructuredName): such an attribute is compared by name only."""
    seq = None
    for k, v in name_tree.items():
        if k.endswith("rdnSequence_tree"):
            seq = v
    if seq is None:
        return []  # an empty Name
    parts = []
    for rdn in dicts(seq.get("x509if.RDNSequence_item_tree")):
        for atv in dicts(rdn.get("x509if.RelativeDistinguishedName_item_element")):
            oid = atv.get("x509if.oid") or atv.get("x509if.id")
            if oid is None:
                raise Unsupported("attribute without oid")
            name = SHORT.get(oid, oid)
            values = [(k, v) for k, v in leaves(atv)
                      if k.startswith("x509sat.") and not k.endswith("DirectoryString")]
            if not values and any(k == "ber.error.oid_not_implemented" for k, _ in leaves(atv)):
                parts.append((name, None))
                continue
            if len(values) != 1:
                raise Unsupported("attribute %s values %r" % (oid, list(leaves(atv))))
            key, value = values[0]
            if key not in RAW_UTF8 and key not in ASCII_ONLY:
                raise Unsupported("value field %s" % key)
            parts.append((name, convert(key, value)))
    return parts


def split_dn(text):
    """[(attribute name, value)] of a DN in the parser's form (unescaping \\, and \\\\)."""
    if text is None:
        return None
    parts, cur, i = [], "", 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            cur += text[i + 1]
            i += 2
            continue
        if text.startswith(", ", i):
            parts.append(cur)
            cur = ""
            i += 2
            continue
        cur += c
        i += 1
    if text:
        parts.append(cur)
    return [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in parts]


def same_dn(want, got_text):
    """True if the parser's DN text matches tshark's parts (None values match any value)."""
    got = split_dn(got_text)
    if got is None or len(got) != len(want):
        return False
    return all(g[0] == w[0] and (w[1] is None or g[1] == w[1]) for w, g in zip(want, got))


def show(parts):
    return ", ".join("%s=%s" % (n, "<no value in tshark>" if v is None else v)
                     for n, v in parts)


def tshark(args):
    r = subprocess.run(["tshark", "-n", "-o", "tcp.desegment_tcp_streams:TRUE"] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return r.stdout.decode("utf-8", "surrogateescape")


def cert_frames(pcap):
    """{(stream, server port): [(subject, issuer, next_issuer or None) from tshark]} for the
    first Certificate message of each stream direction."""
    out = {}
    text = tshark(["-r", pcap, "-Y", "tls.handshake.type == 11 && tcp", "-T", "json",
                   "--no-duplicate-keys", "-J", "tcp tls"])
    if not text.strip():
        return out
    for pkt in json.loads(text):
        layers = pkt["_source"]["layers"]
        tcp = as_list(layers.get("tcp"))[0]
        key = (tcp["tcp.stream"], tcp["tcp.srcport"])
        if key in out:
            continue
        for tls in dicts(layers.get("tls")):
            for rec in dicts(tls.get("tls.record")):
                for hs in dicts(rec.get("tls.handshake")):
                    if hs.get("tls.handshake.type") != "11" or key in out:
                        continue
                    holder = hs.get("tls.handshake.certificates")
                    if not isinstance(holder, dict):
                        holder = hs
                    certs = dicts(holder.get("tls.handshake.certificate_tree"))
                    names = []
                    for c in certs:
                        sc = c.get("x509af.signedCertificate_element")
                        if sc is None:
                            names.append(None)
                            continue
                        try:
                            names.append((dn_parts(sc.get("x509af.subject_tree", {})),
                                          dn_parts(sc.get("x509af.issuer_tree", {}))))
                        except Unsupported as e:
                            names.append((str(e), str(e)))
                    if names:
                        out[key] = names
    return out


def segments(pcap):
    """One pass over the capture: ({(stream, src port): [(seq, payload)]} of every TCP segment
    with payload, in capture order; whether tshark saw a Certificate handshake message)."""
    text = tshark(["-r", pcap, "-Y", "tcp.len > 0", "-T", "fields", "-E", "separator=\t",
                   "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.seq_raw",
                   "-e", "tcp.payload", "-e", "tls.handshake.type"])
    segs = {}
    has_cert = False
    for line in text.splitlines():
        f = line.split("\t")
        if len(f) < 4 or not f[3]:
            continue
        if len(f) > 4 and "11" in f[4].split(","):
            has_cert = True
        # One value per field: tshark 4.0 repeats tcp.payload when a second dissector re-adds
        # it (SOCKS in shadowsocks.pcap), and a tunnelled packet has two TCP layers; the first
        # value is the outer segment's, as for the stream, port and sequence number.
        stream, port, seq, payload = (v.split(",")[0] for v in f[:4])
        segs.setdefault((stream, port), []).append((int(seq), bytes.fromhex(payload.replace(":", ""))))
    return segs, has_cert


def server_streams(segs, keys):
    """Reassembled server byte streams (from the ServerHello record on) for (stream, port), and
    the directions among `keys` that sent a ClientHello (their certificates are clients')."""
    segs = {k: v for k, v in segs.items() if k in keys}
    out = {}
    clients = set()
    for key, lst in segs.items():
        if any(len(d) >= 6 and d[0] == 0x16 and d[1] == 0x03 and d[5] == 0x01 for _, d in lst):
            clients.add(key)  # this direction sent a ClientHello: its Certificate is a client's
            continue
        base = None
        for seq, data in lst:  # the segment that starts the ServerHello record (or a
            # warning alert before it)
            if len(data) >= 6 and data[1] == 0x03 and (
                    (data[0] == 0x16 and data[5] == 0x02) or (data[0] == 0x15 and data[5] == 1)):
                base = seq
                break
        if base is None:
            continue
        buf = bytearray()
        have = {}
        for seq, data in lst:
            off = (seq - base) & 0xffffffff
            if off >= FLIGHT_BOUND:
                continue  # before the ServerHello (wrapped) or beyond the parser's bound
            for i in range(min(len(data), FLIGHT_BOUND - off)):
                have.setdefault(off + i, data[i])
        i = 0
        while i in have and i < FLIGHT_BOUND:
            buf.append(have[i])
            i += 1
        out[key] = bytes(buf)
    return out, clients


def run_parser(tool, items):
    """{id: fields} from the dump tool for [(id, bytes)]."""
    stdin = "".join("%s %s\n" % (i, b.hex()) for i, b in items)
    r = subprocess.run([tool], input=stdin.encode(), stdout=subprocess.PIPE, check=True)
    res = {}
    for line in r.stdout.decode().splitlines():
        f = line.split("\t")
        res[f[0]] = f

    def text(h):
        return None if h == "-" else bytes.fromhex(h).decode("utf-8", "replace")
    out = {}
    for i, f in res.items():
        if len(f) < 11:
            out[i] = {"status": f[1] if len(f) > 1 else "?"}
            continue
        out[i] = {"status": f[1], "version": f[2], "subject": text(f[6]), "issuer": text(f[7]),
                  "next_issuer": text(f[8]), "flags": f[10]}
    return out


def pcaps_of(paths):
    for p in paths:
        if os.path.isdir(p):
            for n in sorted(os.listdir(p)):
                if n.endswith((".pcap", ".pcapng", ".cap")):
                    yield os.path.join(p, n)
        else:
            yield p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--min-rate", type=float, default=99.0)
    ap.add_argument("--report")
    a = ap.parse_args()
    for t in ("tshark",):
        if shutil.which(t) is None:
            print("cert_agreement: %s not found" % t, file=sys.stderr)
            return 2
    if not os.access(a.tool, os.X_OK):
        print("cert_agreement: %s not executable" % a.tool, file=sys.stderr)
        return 2

    total = agree = 0
    field_agree = {"subject": 0, "issuer": 0, "next_issuer": 0}
    field_total = {"subject": 0, "issuer": 0, "next_issuer": 0}
    lines = []
    pcaps_with_certs = 0
    client_certs = no_hello = wildcards = 0
    for pcap in pcaps_of(a.paths):
        segs, has_cert = segments(pcap)
        if not has_cert:
            continue
        certs = cert_frames(pcap)
        if not certs:
            continue
        pcaps_with_certs += 1
        streams, clients = server_streams(segs, set(certs))
        ids = {"%d" % n: k for n, k in enumerate(sorted(certs))}
        parsed = run_parser(a.tool, [(i, streams[k]) for i, k in ids.items() if k in streams])
        for i, key in ids.items():
            names = certs[key]
            leaf = names[0]
            if leaf is None:
                continue  # tshark did not dissect the leaf either
            where = "%s stream %s port %s" % (os.path.basename(pcap), key[0], key[1])
            if key in clients:
                client_certs += 1
                continue
            if key not in streams:
                no_hello += 1
                lines.append("%s: excluded, no ServerHello record start in the capture" % where)
                continue
            total += 1
            want = {"subject": leaf[0], "issuer": leaf[1],
                    "next_issuer": names[1][1] if len(names) > 1 and names[1] else None}
            got = parsed.get(i, {})
            ok = True
            for f in ("subject", "issuer", "next_issuer"):
                if f == "next_issuer" and want[f] is None:
                    continue
                field_total[f] += 1
                if isinstance(want[f], list) and same_dn(want[f], got.get(f)):
                    field_agree[f] += 1
                    wildcards += sum(1 for _, v in want[f] if v is None)
                else:
                    ok = False
                    shown = show(want[f]) if isinstance(want[f], list) else "unsupported: " + want[f]
                    lines.append("%s: %s status=%s flags=%s\n  tshark: %r\n  parser: %r"
                                 % (where, f, got.get("status"), got.get("flags"), shown,
                                    got.get(f)))
            agree += ok
    if total == 0:
        print("cert_agreement: no certificates found in %s" % " ".join(a.paths), file=sys.stderr)
        return 2
    rate = 100.0 * agree / total
    summary = ["server certificates (first Certificate message per TCP stream direction): %d in "
               "%d captures" % (total, pcaps_with_certs),
               "all three names agree: %d (%.2f %%)" % (agree, rate),
               "excluded: %d client certificates, %d server flights without their ServerHello "
               "in the capture" % (client_certs, no_hello)]
    for f in ("subject", "issuer", "next_issuer"):
        summary.append("  %s: %d / %d" % (f, field_agree[f], field_total[f]))
    summary.append("attributes compared by name only (tshark shows no value): %d" % wildcards)
    out = "\n".join(lines + summary) + "\n"
    sys.stdout.write(out)
    if a.report:
        with open(a.report, "w") as fh:
            fh.write(out)
    return 0 if rate >= a.min_rate else 1


if __name__ == "__main__":
    sys.exit(main())
