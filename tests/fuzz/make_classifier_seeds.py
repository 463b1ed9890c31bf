#!/usr/bin/env python3
"""Seed corpus of the classifier fuzz target (tests/fuzz/classifier_fuzz.cc) from the generated
captures in pcaps/: one seed per capture, in the target's input format (flags, link type, then
op / delta ms / length / frame records). Only the first PER_FLOW packets of each flow are kept
(handshakes, ClientHello, certificate, DNS, HTTP heads), so the seeds stay small but still carry
the sequences that make a verdict: a DNS lookup, then the TLS flow to the answer.

usage: make_classifier_seeds.py PCAPS_DIR OUT_DIR
"""
import os
import struct
import sys

PER_FLOW = 8
MAX_SEED = 48 * 1024


def packets(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        end, nano = "<", magic == 0xA1B23C4D
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        end, nano = ">", magic == 0x4D3CB2A1
    else:
        raise SystemExit(f"{path}: not a classic pcap file")
    link = struct.unpack(end + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        usec = frac // 1000 if nano else frac
        yield link, sec * 1_000_000 + usec, data[off:off + incl]
        off += incl


def flow_key(frame):
    """(proto, sorted endpoints) of an Ethernet/IPv4|IPv6 TCP/UDP frame, or None."""
    et = struct.unpack(">H", frame[12:14])[0] if len(frame) >= 14 else 0
    p = 14
    while et == 0x8100 and len(frame) >= p + 4:
        et = struct.unpack(">H", frame[p + 2:p + 4])[0]
        p += 4
    if et == 0x0800 and len(frame) >= p + 20:
        ihl = (frame[p] & 0x0F) * 4
        proto, src, dst = frame[p + 9], frame[p + 12:p + 16], frame[p + 16:p + 20]
        l4 = p + ihl
    elif et == 0x86DD and len(frame) >= p + 40:
        proto, src, dst = frame[p + 6], frame[p + 8:p + 24], frame[p + 24:p + 40]
        l4 = p + 40
    else:
        return None
    if proto in (6, 17) and len(frame) >= l4 + 4:
        sp, dp = struct.unpack(">HH", frame[l4:l4 + 4])
        return (proto,) + tuple(sorted([(src, sp), (dst, dp)]))
    return (proto, src, dst)


def main():
    pcaps, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(pcaps)):
        if not name.endswith(".pcap"):
            continue
        seen = {}
        body = bytearray()
        last = None
        link_type = None
        for link, ts, frame in packets(os.path.join(pcaps, name)):
            if link != 1:
                break  # Ethernet only (index 0 of the target's link types)
            link_type = link
            k = flow_key(frame)
            seen[k] = seen.get(k, 0) + 1
            if k is not None and seen[k] > PER_FLOW:
                continue
            delta_ms = 0 if last is None else max(0, min(0xFFFF, (ts - last) // 1000))
            last = ts if last is None else last + delta_ms * 1000
            rec = struct.pack(">BHH", 0, delta_ms, len(frame)) + frame
            if len(body) + len(rec) > MAX_SEED:
                break
            body += rec
        if link_type is None:
            continue
        # flags: log_dns | log_http | keep_facts, so the record paths run too.
        seed = bytes([0x07, 0]) + bytes(body)
        with open(os.path.join(out, name[:-len(".pcap")]), "wb") as f:
            f.write(seed)
        print(f"{name}: {len(seed)} bytes")


if __name__ == "__main__":
    main()
