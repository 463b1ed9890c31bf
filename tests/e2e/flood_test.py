#!/usr/bin/env python3
"""Two floods, each with 1 and 2 workers, default caps:

1. A SYN flood of 1M new flows (random source ports, spread source addresses) against one
   internal server: the flow table stays at --max-flows, every other flow is evicted and
   counted, and peak RSS stays under the bound.
2. An address flood (issue 13.4): 300k SYNs from 300k distinct internal addresses, each to a
   CrowdStrike address (an `ip` indicator), so every flow is an attributed flow of a new host:
   one vendor event per host (truth: every source address is new), the ledger keeps at most
   its host cap and counts every other host as evicted, and peak RSS stays under a bound that
   does not grow with the number of hosts (ADDR_RSS_BOUND_MB: above the issue's 100 MB, see
   there).
   300k is more than the flow table (262,144): the flows still open at the end of input are
   ended at once, which once buffered all their events in memory (676 MiB for 1M hosts).

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
HOSTS = 300_000       # address flood: distinct internal sources
HOST_CAP = 32_768     # the ledger's default host x vendor cap
VENDOR_DST = bytes([52, 25, 223, 26])  # in a CrowdStrike `cidr` indicator of the shipped set
# The address flood's bound is NOT the issue's 100 MB. heaptrack (docs/performance.md, "Address
# flood") puts the run's own state at the caps at ~125 MB of heap: the flow table's 262,144
# slots (49 MB), the ledger's host entries (~1.5 KB each at the 32,768 cap: ~50 MB), the dedup
# map (~10 MB), nDPI and rings; a second worker adds its own table half, nDPI and ledger.
# Measured at 300k hosts: 177 MiB (1 worker), 227 MiB (2). Before, the summary was built as one
# JSON tree (~190 MB at the host cap): 483 / 527 MiB; then the workers' ledgers were copied
# twice at the hand-over: 240 / 323 MiB. This bound fails both.
ADDR_RSS_BOUND_MB = 280


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


def write_address_flood(path, hosts):
    """One SYN from each of `hosts` distinct addresses 10.0.0.1, 10.0.0.2, ... to VENDOR_DST,
    10 us apart (100k packets per second of packet time)."""
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    rec = struct.Struct("<IIII")
    for i in range(hosts):
        a = i + 1
        src = bytes([10, (a >> 16) & 0xFF, (a >> 8) & 0xFF, a & 0xFF])
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xFFFF, 0, 64, 6, 0,
                                   src, VENDOR_DST))
        ip[10:12] = struct.pack("!H", csum(bytes(ip)))
        tcp = struct.pack("!HHIIBBHHH", 40000, 443, i, 0, 0x50, 0x02, 64240, 0, 0)
        pkt = eth + bytes(ip) + tcp
        out += rec.pack(1_700_000_000 + i // 100_000, (i % 100_000) * 10, len(pkt), len(pkt))
        out += pkt
    with open(path, "wb") as f:
        f.write(out)


def address_flood(vw, work, workers):
    """Runs the address flood; returns the number of failures."""
    pcap = os.path.join(work, f"addrflood-{HOSTS}.pcap")
    if not os.path.exists(pcap):
        write_address_flood(pcap, HOSTS)
    rss_file = os.path.join(work, f"addr-rss-w{workers}.txt")
    summary = os.path.join(work, f"addr-summary-w{workers}.json")
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file, vw, "scan", "-q",
                             "--home-net", "10.0.0.0/8", "--workers", str(workers),
                             "--summary", summary, pcap],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    hosts, vendor_events, other = set(), 0, 0
    for line in proc.stdout:  # streamed: 300k events are not kept, only their hosts
        ev = json.loads(line)
        if ev.get("event_type") == "vendor":
            vendor_events += 1
            hosts.add(ev["host"])
        else:
            other += 1
    err = proc.stderr.read()
    rc = proc.wait(timeout=900)
    if rc != 0:
        print(f"FAIL address flood workers={workers}: exit {rc}: {err.decode()[-400:]}")
        return 1
    with open(rss_file) as f:
        rss_mb = int(f.read().split()[-1]) / 1024
    with open(summary) as f:
        s = json.load(f)
    ev = s["vendorwatch"]["evictions"]
    kept = len(s["hosts"])
    want_hosts = {f"10.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}" for a in range(1, HOSTS + 1)}
    checks = {
        f"one vendor event per host ({vendor_events} events, {len(hosts)} hosts)":
            vendor_events == HOSTS and hosts == want_hosts,
        f"no other events ({other})": other == 0,
        f"ledger keeps <= {HOST_CAP} hosts ({kept})": 0 < kept <= HOST_CAP,
        f"kept + evicted hosts = {HOSTS} ({kept} + {ev['hosts']})": kept + ev["hosts"] == HOSTS,
        f"peak RSS {rss_mb:.1f} MiB < {ADDR_RSS_BOUND_MB} MiB": rss_mb < ADDR_RSS_BOUND_MB,
    }
    bad = [k for k, ok in checks.items() if not ok]
    print(f"address flood workers={workers}: " + "; ".join(checks)
          + f"; dedup evictions {ev['dedup']}")
    for k in bad:
        print(f"FAIL address flood workers={workers}: {k}")
    return 1 if bad else 0


def main():
    vw, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    failures = 0
    for workers in (1, 2):
        failures += address_flood(vw, work, workers)
    pcap = os.path.join(work, "synflood-1m.pcap")
    if not os.path.exists(pcap):
        write_flood(pcap)
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
