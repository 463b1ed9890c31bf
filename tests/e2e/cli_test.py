#!/usr/bin/env python3
"""CLI behaviour of the real binary: exit codes, bad input, stdin, directories, signatures
commands, and regressions found on real captures.

usage: cli_test.py VENDORWATCH SHARED_DIR PCAPS_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys

from vwtest import optional, run_vw

VW, SHARED, PCAPS, WORK = sys.argv[1:5]
DEMO = os.path.join(PCAPS, "demo.pcap")
results = []


def case(name):
    def deco(fn):
        try:
            fn()
            results.append((name, None))
        except AssertionError as e:
            results.append((name, str(e) or "assertion failed"))
        return fn
    return deco


def raw(args, stdin=None):
    p = subprocess.run([VW] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, input=stdin,
                       timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


os.makedirs(WORK, exist_ok=True)


@case("no command is a usage error (exit 2)")
def _():
    rc, out, err = raw([])
    assert rc == 2, rc
    assert out == "", "usage errors must not print to stdout"


@case("unknown option is a usage error (exit 2)")
def _():
    rc, _, err = raw(["scan", "--no-such-option", DEMO])
    assert rc == 2, rc


@case("--version names the program")
def _():
    rc, out, _ = raw(["--version"])
    assert rc == 0 and "vendorwatch" in out, (rc, out)


@case("a missing input gives exit 1, names the file, and the other inputs are still scanned")
def _():
    missing = os.path.join(WORK, "does-not-exist.pcap")
    rc, events, err = run_vw(VW, ["scan", "-q", "--log-flows", missing, DEMO])
    assert rc == 1, rc
    assert "does-not-exist.pcap" in err, err
    assert any(e["event_type"] == "flow" for e in events), "demo.pcap was not scanned"


@case("a file that is not a capture gives exit 1 with libpcap's reason")
def _():
    junk = os.path.join(WORK, "junk.pcap")
    with open(junk, "wb") as f:
        f.write(b"this is not a pcap file at all\n" * 10)
    rc, events, err = run_vw(VW, ["scan", "-q", junk])
    assert rc == 1, rc
    assert "junk.pcap" in err, err
    assert events == []


@case("a truncated capture yields the packets before the cut, a warning, and exit 0")
def _():
    data = open(DEMO, "rb").read()
    cut = os.path.join(WORK, "demo-cut.pcap")
    with open(cut, "wb") as f:
        f.write(data[: len(data) // 2 + 7])
    rc, events, err = run_vw(VW, ["scan", "--log-flows", "--no-table", cut])
    assert rc == 0, (rc, err)
    assert "warning" in err and "demo-cut.pcap" in err, err
    assert any(e["event_type"] == "flow" for e in events)


@case("stdin ('-') gives the same events as the file")
def _():
    data = open(DEMO, "rb").read()
    rc1, ev_file, _ = run_vw(VW, ["scan", "-q", "--log-flows", DEMO])
    rc2, ev_stdin, _ = run_vw(VW, ["scan", "-q", "--log-flows", "-"], stdin=data)
    assert rc1 == 0 and rc2 == 0, (rc1, rc2)
    assert ev_file == ev_stdin


@case("a directory is scanned recursively in sorted order")
def _():
    d = os.path.join(WORK, "dir")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "b"))
    shutil.copy(DEMO, os.path.join(d, "b", "z.pcap"))
    shutil.copy(os.path.join(PCAPS, "decoys.pcap"), os.path.join(d, "a.pcap"))
    rc, events, err = run_vw(VW, ["scan", "--log-stats", "--no-table", d])
    assert rc == 0, err
    assert "read 2 input(s)" in err, err


@case("stdout carries only JSON lines; the table goes to stderr")
def _():
    rc, out, err = raw(["scan", "--table", DEMO])
    assert rc == 0
    for line in out.splitlines():
        assert line.startswith("{"), line
    assert "HOST" in err and "VENDOR" in err, err


@case("a bad --home-net is a usage error naming the bad element")
def _():
    rc, _, err = raw(["scan", "--home-net", "10.0.0.0/8,bogus/99", DEMO])
    assert rc == 2 and "bogus/99" in err, (rc, err)


@case("a missing signature directory is a configuration error (exit 2)")
def _():
    rc, out, err = raw(["scan", "--signatures", os.path.join(WORK, "nope"), DEMO])
    assert rc == 2 and out == "", (rc, err)


@case("a broken signature file: exit 2, file:line, nothing scanned")
def _():
    d = os.path.join(WORK, "badsigs")
    shutil.rmtree(d, ignore_errors=True)
    src = os.environ.get("VW_SIGNATURES_DIR") or os.path.join(os.path.dirname(PCAPS),
                                                              "signatures", "vendors")
    shutil.copytree(src, d)
    with open(os.path.join(d, "wiz.toml"), "a") as f:
        f.write("\n[vendor_typo]\nfoo = 1\n")
    rc, out, err = raw(["signatures", "check", d])
    assert rc == 2, (rc, err)
    assert "wiz.toml:" in err, err
    rc, out, err = raw(["scan", "--signatures", d, DEMO])
    assert rc == 2 and out == "", (rc, out[:200])


@case("signatures explain: a vendor name matches, a lookalike does not")
def _():
    rc, out, _ = raw(["signatures", "explain", "ts01-b.cloudsink.net"])
    assert rc == 0 and "crowdstrike" in out.lower(), out
    rc, out, _ = raw(["signatures", "explain", "mywiz.io"])
    assert rc == 0 and "no match" in out.lower(), out


@case("signatures list names all 16 vendors")
def _():
    rc, out, _ = raw(["signatures", "list"])
    assert rc == 0
    for v in ["vmware", "paloalto", "fortinet", "crowdstrike", "sentinelone", "mcafee",
              "mandiant", "wiz", "recordedfuture", "claroty", "rapid7", "checkpoint", "cyberark",
              "orca", "cato", "imperva"]:
        assert v in out, v


@case("regression: --eve/--syslog take one value each, the captures after them are inputs")
def _():
    eve = os.path.join(WORK, "eve.json")
    if os.path.exists(eve):
        os.unlink(eve)
    rc, out, err = raw(["scan", "-q", "--eve", eve, DEMO])
    assert rc == 0, (rc, err)
    assert out == "", "with --eve only, stdout stays empty"
    assert any('"event_type":"vendor"' in l for l in open(eve)), "alerts in the eve file"


@case("the summary does not depend on --log-flows (facts are dropped early without it)")
def _():
    import json
    s1 = os.path.join(WORK, "s1.json")
    s2 = os.path.join(WORK, "s2.json")
    for pcap in sorted(os.listdir(PCAPS)):
        if not pcap.endswith(".pcap"):
            continue
        path = os.path.join(PCAPS, pcap)
        raw(["scan", "-q", "--summary", s1, path])
        raw(["scan", "-q", "--log-flows", "--summary", s2, path])
        a, b = json.load(open(s1)), json.load(open(s2))
        a.pop("vendorwatch"), b.pop("vendorwatch")
        assert a == b, pcap


@case("regression: telegram_videocall.pcapng (nDPI union read for a non-TLS flow) exits 0")
def _():
    f = os.path.join(SHARED, "pcaps", "ndpi", "telegram_videocall.pcapng")
    if not os.path.exists(f):
        optional(f"{f} is missing")
        return
    rc, events, err = run_vw(VW, ["scan", "-q", "--log-flows", f])
    assert rc == 0, (rc, err[-300:])


def hostile_pcap(path, sni):
    """One TCP flow 10.9.9.9 -> 203.0.113.80:443 (handshake, then a TLS ClientHello whose SNI
    is `sni`, raw bytes), written as a classic pcap. Made here, not by vendorwatch."""
    import struct

    def csum(b):
        if len(b) % 2:
            b += b"\0"
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while s >> 16:
            s = (s & 0xFFFF) + (s >> 16)
        return ~s & 0xFFFF

    src, dst = bytes([10, 9, 9, 9]), bytes([203, 0, 113, 80])

    def frame(fwd, flags, seq, ack, payload=b""):
        s, d = (src, dst) if fwd else (dst, src)
        sp, dp = (40000, 443) if fwd else (443, 40000)
        tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
        c = csum(s + d + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, s, d)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + tcp

    name = struct.pack("!BH", 0, len(sni)) + sni
    ext = struct.pack("!HHH", 0, len(name) + 2, len(name)) + name
    body = (b"\x03\x03" + bytes(range(32)) + b"\x00" + struct.pack("!H", 2) + b"\x13\x01" +
            b"\x01\x00" + struct.pack("!H", len(ext)) + ext)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    record = b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs
    frames = [frame(True, 0x02, 1000, 0), frame(False, 0x12, 5000, 1001),
              frame(True, 0x10, 1001, 5001), frame(True, 0x18, 1001, 5001, record)]
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, f in enumerate(frames):
            out.write(struct.pack("<IIII", 1700000000, 1000 * i, len(f), len(f)) + f)


@case("hostile names (ESC, BEL, CR/LF, bidi override) never reach the table, CSV or HTML raw")
def _():
    # Issue 13.3: an SNI under a vendor domain that carries a terminal escape sequence.
    sni = b"\x1b]0;pwned\x07\x1b[2J\r\nx\xe2\x80\xae.ts01-b.cloudsink.net"
    pcap = os.path.join(WORK, "hostile-sni.pcap")
    hostile_pcap(pcap, sni)
    summary = os.path.join(WORK, "hostile.json")
    p = subprocess.run([VW, "scan", "--table", "--summary", summary, pcap],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert p.returncode == 0, (p.returncode, p.stderr[-300:])
    table = p.stderr.decode("utf-8", "replace")
    assert "10.9.9.9" in table and "CrowdStrike" in table, table[-600:]
    # The table shows the escapes, not the bytes.
    assert r"\x1b]0;pwned\x07\x1b[2j\x0d\x0ax\u{202E}.ts01-b.cloudsink.net" in table, table[-600:]
    bad = [c for c in table if (ord(c) < 0x20 and c != "\n") or ord(c) == 0x7F or c == "\u202e"]
    assert not bad, f"raw control characters in the table: {bad!r}"
    csv, html = os.path.join(WORK, "hostile.csv"), os.path.join(WORK, "hostile.html")
    rc, _out, err = raw(["report", "--csv", csv, "--html", html, summary])
    assert rc == 0, (rc, err[-300:])
    for f in (csv, html):
        text = open(f, "rb").read().decode("utf-8")
        assert "cloudsink.net" in text, f
        # The HTML's embedded JSON data block is data (controls as \u00XX JSON escapes): the
        # bidi check applies to the rendered markup before it.
        shown = text.split('<script id="vw-data"')[0]
        bad = [c for c in text if ord(c) < 0x20 and c not in "\r\n\t" or c == "\x7f"]
        bad += [c for c in shown if c == "\u202e"]
        assert not bad, f"{f}: raw control characters {bad!r}"


failed = [r for r in results if r[1]]
for name, err in results:
    print(("FAIL " if err else "ok   ") + name + (f": {err}" if err else ""))
print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
