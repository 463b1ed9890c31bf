#!/usr/bin/env python3
"""Makes the TLS server-flight fixtures of tls_server_test.cc (run by hand, outputs committed).

1. Builds certificates with `openssl req -x509` (appliance-like default subjects, a FortiGate
   chain of root CA > sub CA > device, UTF-8, BMPString/T61String, a wildcard with 40 SANs, a
   multi-valued RDN, a private attribute OID).
2. Serves each with `openssl s_server` on 127.0.0.1, connects with `openssl s_client` (TLS 1.2
   or 1.3), and captures the exchange with tcpdump into data/<name>.pcap.
3. Cuts the server's byte stream out of the capture with tshark (from its first payload, in
   sequence order) and writes tls_server_fixtures.h: the bytes plus the subject and issuer
   names `openssl x509 -noout -subject -issuer -nameopt sep_comma_plus_space,sname,esc_2253,utf8`
   prints for the served certificates, which are the parser's expected output where the
   certificate uses only UTF8String/PrintableString/IA5String and the short names the parser
   knows (the other cases are spelled out in the test).

usage: make_tls_server_fixtures.py   (needs openssl, tcpdump, tshark; root for tcpdump on lo)
"""
import os
import random
import re
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
NAMEOPT = "sep_comma_plus_space,sname,esc_2253,utf8"


def run(args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def req_config(tmp, string_mask, san=None):
    p = os.path.join(tmp, "req-%s.cnf" % random.randrange(1 << 30))
    with open(p, "w") as f:
        f.write("oid_section = new_oids\n[new_oids]\nlabAttr = 1.3.6.1.4.1.55555.1\n"
                "[req]\ndistinguished_name = dn\nstring_mask = %s\nutf8 = yes\n"
                "x509_extensions = ext\n[dn]\n[ext]\nbasicConstraints = critical,CA:%s\n"
                % (string_mask, "FALSE" if san is not None else "TRUE"))
        if san:
            f.write("subjectAltName = %s\n" % ",".join("DNS:" + n for n in san))
    return p


def key(tmp, name, kind):
    p = os.path.join(tmp, name + ".key")
    if kind == "rsa":
        run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
             "-out", p])
    else:
        run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", p])
    return p


def self_signed(tmp, name, subj, kind="ec", string_mask="utf8only", san=None, multivalue=False):
    k = key(tmp, name, kind)
    c = os.path.join(tmp, name + ".pem")
    args = ["openssl", "req", "-x509", "-new", "-key", k, "-out", c, "-days", "3650", "-utf8",
            "-config", req_config(tmp, string_mask, san), "-subj", subj]
    if multivalue:
        args.append("-multivalue-rdn")
    run(args)
    return c, k


def signed(tmp, name, subj, ca_cert, ca_key, kind="ec", ca=False, san=None):
    k = key(tmp, name, kind)
    csr = os.path.join(tmp, name + ".csr")
    c = os.path.join(tmp, name + ".pem")
    ext = os.path.join(tmp, name + ".ext")
    with open(ext, "w") as f:
        f.write("basicConstraints = critical,CA:%s\n" % ("TRUE" if ca else "FALSE"))
        if san:
            f.write("subjectAltName = %s\n" % ",".join("DNS:" + n for n in san))
    run(["openssl", "req", "-new", "-key", k, "-out", csr, "-utf8", "-subj", subj,
         "-config", req_config(tmp, "utf8only")])
    run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
         "-CAcreateserial", "-out", c, "-days", "3650", "-extfile", ext])
    return c, k


# The attribute names the parser writes; it writes every other attribute type as its OID.
KNOWN = {"C", "ST", "L", "O", "OU", "CN", "emailAddress", "serialNumber"}


def openssl_names(cert, nameopt):
    out = run(["openssl", "x509", "-in", cert, "-noout", "-subject", "-issuer", "-nameopt",
               nameopt]).stdout.decode()
    got = {}
    for line in out.splitlines():
        k, _, v = line.partition("=")
        # Multi-valued RDNs: OpenSSL joins their attributes with " + ", the parser with ", ".
        got[k] = re.split(r"(?<!\\), ", v.replace(" + ", ", "))
    return got["subject"], got["issuer"]


def names(cert):
    """Subject and issuer as OpenSSL prints them with NAMEOPT, with the attribute types the
    parser does not name as OpenSSL's numeric form (the same call with `oid` added)."""
    short = openssl_names(cert, NAMEOPT)
    numeric = openssl_names(cert, NAMEOPT + ",oid")
    out = []
    for s, n in zip(short, numeric):
        parts = []
        for a, b in zip(s, n):
            name, _, value = a.partition("=")
            parts.append(a if name in KNOWN else b.partition("=")[0] + "=" + value)
        out.append(", ".join(parts))
    return tuple(out)


def capture(name, cert, key_file, chain, version, alpn=None):
    """Runs one handshake over loopback; returns the server's byte stream."""
    port = random.randrange(42000, 48000)
    pcap = os.path.join(DATA, name + ".pcap")
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-s", "0", "-w", pcap,
                             "tcp port %d" % port],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    srv_args = ["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-naccept", "1",
                "-cert", cert, "-key", key_file, "-" + version, "-no_ticket"]
    if chain:
        srv_args += ["-cert_chain", chain]
    if alpn:
        srv_args += ["-alpn", alpn]
    srv = subprocess.Popen(srv_args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    cli_args = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-" + version,
                "-servername", "device.example"]
    if alpn:
        cli_args += ["-alpn", alpn]
    subprocess.run(cli_args, input=b"Q\n", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=20)
    srv.wait(timeout=20)
    time.sleep(0.5)
    dump.terminate()
    dump.wait()
    out = run(["tshark", "-n", "-r", pcap, "-Y", "tcp.srcport == %d && tcp.len > 0" % port,
               "-T", "fields", "-e", "tcp.seq", "-e", "tcp.payload"]).stdout.decode()
    have = {}
    for line in out.splitlines():
        seq, payload = line.split("\t")
        data = bytes.fromhex(payload)
        for i, b in enumerate(data):
            have.setdefault(int(seq) - 1 + i, b)
    buf = bytearray()
    while len(buf) in have:
        buf.append(have[len(buf)])
    return bytes(buf)


def c_array(name, data):
    lines = []
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join("0x%02x" % b for b in data[i:i + 16]) + ",")
    return "inline constexpr std::uint8_t %s[] = {\n%s\n};\n" % (name, "\n".join(lines))


def c_string(s):
    out = []
    for b in s.encode():
        if b in (0x22, 0x5c):
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7f:
            out.append(chr(b))
        else:
            out.append("\\x%02x\" \"" % b)
    return '"' + "".join(out) + '"'


def main():
    os.makedirs(DATA, exist_ok=True)
    fixtures = []
    with tempfile.TemporaryDirectory() as tmp:
        # VMware ESXi's default certificate (subject as recog's x509_subjects lists it).
        esx, esx_key = self_signed(
            tmp, "esx",
            "/C=US/ST=California/L=Palo Alto/O=VMware, Inc/OU=VMware ESX Server Default "
            "Certificate/emailAddress=ssl-certificates@vmware.com/CN=localhost.localdomain"
            "/unstructuredName=1556792929,564d7761726520496e632e")
        # FortiGate: a root CA, the Fortinet sub CA and the device certificate; the server sends
        # the device and the sub CA certificate.
        root, root_key = self_signed(
            tmp, "forti-root",
            "/C=US/ST=California/L=Sunnyvale/O=Fortinet/OU=Certificate Authority/CN=fortinet-ca2"
            "/emailAddress=support@fortinet.com", kind="rsa")
        sub, sub_key = signed(
            tmp, "forti-sub",
            "/C=US/ST=California/L=Sunnyvale/O=Fortinet/OU=Certificate Authority"
            "/CN=fortinet-subca2001/emailAddress=support@fortinet.com", root, root_key,
            kind="rsa", ca=True)
        fg, fg_key = signed(
            tmp, "fortigate",
            "/C=US/ST=California/L=Sunnyvale/O=Fortinet/OU=FortiGate/CN=FG100E3G17000000"
            "/emailAddress=support@fortinet.com", sub, sub_key, kind="rsa")
        # UTF-8 names (OpenSSL's default string_mask utf8only).
        uni, uni_key = self_signed(tmp, "unicode",
                                   "/C=CH/O=Zürich Größe AG/OU=R\\,D\\\\Lab/CN=测试.example")
        # string_mask=default: Latin-1 text as T61String, the rest as BMPString.
        bmp, bmp_key = self_signed(tmp, "bmp", "/C=DE/O=Müller GmbH/CN=Ω-device",
                                   string_mask="default")
        # A wildcard with 40 DNS SANs (more than the parser stores).
        sans = ["*.example.com"] + ["host%02d.example.com" % i for i in range(39)]
        wild, wild_key = self_signed(tmp, "wildcard", "/O=Example/CN=*.example.com", san=sans)
        # A multi-valued RDN, attribute types the parser writes as OIDs (DC, title) and a
        # private attribute type.
        multi, multi_key = self_signed(
            tmp, "multi", "/DC=com/DC=example/C=US/O=Palo Alto Networks+OU=Engineering/labAttr=lab7"
            "/title=Firewall/CN=PA-VM", multivalue=True)

        cases = [
            ("kEsxTls12", "tls12_vmware_esx", esx, esx_key, None, "tls1_2", None, [esx]),
            ("kFortiGateTls12", "tls12_fortigate_chain", fg, fg_key, sub, "tls1_2", None,
             [fg, sub]),
            ("kUnicodeTls12", "tls12_unicode", uni, uni_key, None, "tls1_2", "h2", [uni]),
            ("kBmpTls12", "tls12_bmp_t61", bmp, bmp_key, None, "tls1_2", None, [bmp]),
            ("kWildcardTls12", "tls12_wildcard_40_sans", wild, wild_key, None, "tls1_2", None,
             [wild]),
            ("kMultiRdnTls12", "tls12_multi_rdn", multi, multi_key, None, "tls1_2", None,
             [multi]),
            ("kFortiGateTls13", "tls13_fortigate", fg, fg_key, sub, "tls1_3", "h2", []),
        ]
        for cname, fname, cert, k, chain, ver, alpn, served in cases:
            flight = capture(fname, cert, k, chain, ver, alpn)
            dn = [names(c) for c in served]
            fixtures.append((cname, fname, flight, dn))

    with open(os.path.join(HERE, "tls_server_fixtures.h"), "w") as f:
        f.write("#pragma once\n/// @file tls_server_fixtures.h\n"
                "/// Server flights captured over loopback (openssl s_server / s_client, tcpdump)"
                " by\n/// make_tls_server_fixtures.py; the captures are in data/. Each array is "
                "the server's TCP\n/// byte stream from its first byte. The names are what "
                "`openssl x509 -noout -subject\n/// -issuer -nameopt %s` printed for the "
                "served\n/// certificates (leaf first). Generated: do not edit.\n\n"
                "#include <cstdint>\n\nnamespace vw::classify::test {\n\n" % NAMEOPT)
        for cname, fname, flight, dn in fixtures:
            f.write("/// data/%s.pcap: the server's stream (%d bytes).\n" % (fname, len(flight)))
            f.write(c_array(cname, flight))
            for i, (s, iss) in enumerate(dn):
                f.write("inline constexpr const char* %sSubject%d = %s;\n" % (cname, i, c_string(s)))
                f.write("inline constexpr const char* %sIssuer%d = %s;\n" % (cname, i, c_string(iss)))
            f.write("\n")
        f.write("} // namespace vw::classify::test\n")
    # The repository's .clang-format style (as every committed C++ file).
    run(["clang-format", "-i", os.path.join(HERE, "tls_server_fixtures.h")])


if __name__ == "__main__":
    main()
