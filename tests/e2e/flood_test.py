#!/usr/bin/env python3
"""A SYN flood of 1M new flows (random source ports, spread source addresses) against one
internal server: the flow table stays at --max-flows, every other flow is evicted and counted,
and peak RSS stays under the bound that the flow table's size implies.

usage: flood_test.py VENDORWATCH WORK_DIR
"""
import json
import os
import random
import struct
import subprocess
import sys

FLOWS = 1_000_000
MAX_FLOWS = 262_144  # the default --max-flows
RSS_BOUND_MB = 100   # the memory budget for default settings


def csum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def write_flood(path):
    rng = random.Random(7)
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    dst = bytes([10, 0, 0, 10])
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    rec = struct.Struct("<IIII")
    t0 = 1_700_000_000
    for i in range(FLOWS):
        # 2^17 source addresses in 198.18.0.0/15 (external), 8 flows each with random ports:
        # every (address, port) pair is distinct.
        a = i % 131072
        src = bytes([198, 18 + (a >> 16), (a >> 8) & 0xFF, a & 0xFF])
        sport = 1024 + 8 * rng.randrange(8000) + (i // 131072)
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xFFFF, 0, 64, 6, 0,
                                   src, dst))
        ip[10:12] = struct.pack("!H", csum(bytes(ip)))
        tcp = struct.pack("!HHIIBBHHH", sport, 80, rng.getrandbits(32), 0, 0x50, 0x02, 64240,
                          0, 0)
        pkt = eth + bytes(ip) + tcp
        us = i  # 1 packet per microsecond: the whole flood lasts one second
        out += rec.pack(t0 + us // 1_000_000, us % 1_000_000, len(pkt), len(pkt))
        out += pkt
    with open(path, "wb") as f:
        f.write(out)


def main():
    vw, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    pcap = os.path.join(work, "synflood-1m.pcap")
    if not os.path.exists(pcap):
        write_flood(pcap)
    failures = 0
    for workers in (1, 2):
        rss_file = os.path.join(work, f"rss-w{workers}.txt")
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file, vw, "scan", "-q",
                               "--log-stats", "--workers", str(workers), pcap],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
        out, err = proc.stdout, proc.stderr
        if proc.returncode != 0:
            print(f"FAIL workers={workers}: exit {proc.returncode}: {err.decode()[-400:]}")
            failures += 1
            continue
        with open(rss_file) as f:
            rss_mb = int(f.read().split()[-1]) / 1024  # KiB -> MiB
        stats = [json.loads(l) for l in out.splitlines()]
        stats = [s["stats"] for s in stats if s.get("event_type") == "stats"]
        fl = stats[0]["flows"]
        cap = MAX_FLOWS  # split evenly between workers; one server address -> one worker
        if workers > 1:
            cap = (MAX_FLOWS + workers - 1) // workers
        want_evicted = FLOWS - cap
        ok = (fl["created"] == FLOWS and fl["evicted"] == want_evicted
              and fl["end_of_input"] == cap and stats[0]["dpi_flows"] == 0
              and rss_mb < RSS_BOUND_MB)
        print(f"workers={workers}: created {fl['created']}, peak {fl['peak']}, evicted "
              f"{fl['evicted']} (expected {want_evicted}), end_of_input {fl['end_of_input']}, "
              f"dpi flows {stats[0]['dpi_flows']}, peak RSS {rss_mb:.1f} MB (bound "
              f"{RSS_BOUND_MB} MB)")
        if not ok:
            print(f"FAIL workers={workers}")
            failures += 1
    if failures:
        print(f"0 passed, {failures} failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
