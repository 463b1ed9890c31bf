#!/usr/bin/env python3
"""The live benchmark's capture: the first N records (default 300,000) of bench-mix whose
captured length is at most 9,000 bytes (they must fit a 9,100-byte MTU veth) and whose original
length is sane (at least the captured length and at most 262,144: nDPI's fuzz captures hold
records that claim 4 GB).
usage: live_slice.py BENCH_MIX.pcap OUT.pcap [N]"""
import struct
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    want = int(sys.argv[3]) if len(sys.argv) > 3 else 300_000
    kept = skipped = 0
    with open(src, "rb") as f, open(dst, "wb") as out:
        hdr = f.read(24)
        if hdr[:4] not in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            sys.exit("live_slice: little-endian pcap only")
        out.write(hdr)
        while kept < want:
            rec = f.read(16)
            if len(rec) < 16:
                break
            _, _, incl, orig = struct.unpack("<IIII", rec)
            data = f.read(incl)
            if len(data) < incl:
                break
            if incl <= 9000 and incl <= orig <= 262144:
                out.write(rec)
                out.write(data)
                kept += 1
            else:
                skipped += 1
    print(f"{kept} packets kept, {skipped} skipped")
    return 0 if kept == want else 1


if __name__ == "__main__":
    sys.exit(main())
