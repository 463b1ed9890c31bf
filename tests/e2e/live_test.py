#!/usr/bin/env python3
"""Integration test of `vendorwatch live` (issues 6, 13, 15). Needs root: it creates its own
network namespace pair (vwlive-a, vwlive-b) joined by two veth pairs with test-only addresses
(198.18.0.0/30 and 198.18.0.4/30, RFC 2544 benchmarking space), replays pcaps/ captures with
tcpreplay on liveA (and liveA2) inside vwlive-a while `vendorwatch live -i liveB [-i liveB2]`
captures inside vwlive-b, and compares with `vendorwatch scan` of the same file: with 1 and 2
fanout workers, and with the two directions of every flow on two interfaces. Traffic never
leaves that namespace pair; the host's interfaces are not touched. The namespaces are deleted
on exit, whatever happens.

usage: live_test.py VENDORWATCH PCAPS_DIR SIGNATURES_DIR WORK_DIR [--rate|--measure-pps]
--rate (e2e_live_rate, a gate test): tcpdump and `vendorwatch live` capture the same replay side
by side at a rate tcpdump sustains (0 kernel drops for tcpdump): vendorwatch must process every
packet sent with 0 kernel drops, for 1 and 2 fanout workers; then a 1 MiB ring with vendorwatch
stopped (SIGSTOP) during the replay forces kernel drops, which must be counted and reported
(processed + kernel drops = what tcpdump saw).
Exit 0 pass, 1 fail, 77 skipped (not root, or ip/tcpreplay missing) unless CI=true, VW_CI or VW_NO_SKIP is
set: then a missing privilege or tool is a failure (exit 1), never a skip.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

from vwtest import skip_code

NS_A, NS_B = "vwlive-a", "vwlive-b"
IF_A, IF_B = "liveA", "liveB"
IF_A2, IF_B2 = "liveA2", "liveB2"  # the second pair: the other direction of a TAP
failures = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg, flush=True)
    if not cond:
        failures.append(msg)


def sh(*args, ns=None, check_rc=True, **kw):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check_rc and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: rc {r.returncode}: {r.stderr.strip()}")
    return r


def teardown():
    for ns in (NS_A, NS_B):
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def setup():
    teardown()
    sh("ip", "netns", "add", NS_A)
    sh("ip", "netns", "add", NS_B)
    for ns in (NS_A, NS_B):
        # No IPv6 on the test links: no router solicitations / MLD reports to muddy the counts.
        sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", ns=ns)
        sh("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1", ns=ns)
    for (a, b, net) in ((IF_A, IF_B, 0), (IF_A2, IF_B2, 4)):
        sh("ip", "link", "add", a, "netns", NS_A, "type", "veth", "peer", "name", b, "netns", NS_B)
        sh("ip", "addr", "add", f"198.18.0.{net + 1}/30", "dev", a, ns=NS_A)
        sh("ip", "addr", "add", f"198.18.0.{net + 2}/30", "dev", b, ns=NS_B)
        sh("ip", "link", "set", a, "mtu", "9100", "up", ns=NS_A)
        sh("ip", "link", "set", b, "mtu", "9100", "up", ns=NS_B)
    sh("ip", "link", "set", "lo", "up", ns=NS_B)


class Live:
    """vendorwatch live inside NS_B."""

    def __init__(self, vw, work, tag, extra, interfaces=(IF_B,)):
        self.err_path = os.path.join(work, f"{tag}.stderr")
        self.eve = os.path.join(work, f"{tag}.eve.json")
        self.summary = os.path.join(work, f"{tag}.summary.json")
        for p in (self.eve, self.summary):
            if os.path.exists(p):
                os.remove(p)
        self.err = open(self.err_path, "w")
        cmd = ["ip", "netns", "exec", NS_B, vw, "live", "--log-flows", "--no-table",
               "--eve", self.eve, "--summary", self.summary] + extra
        for i in interfaces:
            cmd += ["-i", i]
        self.cmd = cmd
        # `ip netns exec` execs the command: the Popen pid is vendorwatch's pid.
        self.p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.time() + 20
        while time.time() < deadline:
            if "capturing on" in self.stderr():
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"vendorwatch live did not start: {self.stderr()}")

    def stderr(self):
        with open(self.err_path) as f:
            return f.read()

    def signal(self, sig):
        self.p.send_signal(sig)

    def stop(self):
        self.p.send_signal(signal.SIGINT)
        rc = self.p.wait(timeout=30)
        self.err.close()
        return rc

    def events(self, kind=None):
        out = []
        if not os.path.exists(self.eve):
            return out
        with open(self.eve) as f:
            for line in f:
                e = json.loads(line)
                if kind is None or e.get("event_type") == kind:
                    out.append(e)
        return out


def replay(path, pps=None, loop=None, topspeed=False, cache=None):
    args = ["tcpreplay", "-q", "-i", IF_A]
    if cache:  # tcpprep's split: clients' packets on IF_A, servers' on IF_A2
        args += ["-I", IF_A2, "--cachefile", cache]
    if pps:
        args += ["--pps", str(pps)]
    if topspeed:
        args += ["--topspeed"]
    if loop:
        args += ["--loop", str(loop)]
    return sh(*args, path, ns=NS_A)


def verdicts(events):
    return {(e["host"], e["vendor"]["id"]) for e in events}


def ledger(summary):
    """host x vendor -> the fields that must agree between scan and live (no timestamps)."""
    out = {}
    for h in summary["hosts"]:
        for v in h["vendors"]:
            out[(h["ip"], v["id"])] = {k: v.get(k) for k in (
                "flows", "dns_lookups", "bytes_to_vendor", "bytes_from_vendor", "confidence",
                "products")}
    return out


def coverage(summary):
    c = summary["coverage"]
    return {k: c.get(k) for k in ("flows", "flows_attributed", "bytes", "bytes_attributed")}


def scan(vw, sigs, pcap, work, tag):
    summ = os.path.join(work, f"{tag}.scan.summary.json")
    r = subprocess.run([vw, "scan", "-q", "--signatures", sigs, "--summary", summ, pcap],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"scan failed: {r.stderr}")
    evs = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    with open(summ) as f:
        return [e for e in evs if e["event_type"] == "vendor"], json.load(f)


def live_packets(stderr):
    m = re.search(r"live: (\d+) packets.*received (\d+), dropped (\d+), if-dropped (\d+)", stderr)
    return tuple(int(x) for x in m.groups()) if m else None


def test_parity(vw, pcaps, sigs, work, workers=1, two_interfaces=False):
    """live of demo.pcap (original timing) = scan of the file: verdicts, ledger, coverage."""
    demo = os.path.join(pcaps, "demo.pcap")
    scan_alerts, scan_sum = scan(vw, sigs, demo, work, "demo")
    tag = f"parity-w{workers}" + ("-2if" if two_interfaces else "")
    interfaces = (IF_B, IF_B2) if two_interfaces else (IF_B,)
    lv = Live(vw, work, tag, ["--signatures", sigs, "--stats-interval", "1",
                              "--workers", str(workers)], interfaces=interfaces)
    what = f"[{workers} worker(s), {len(interfaces)} interface(s)]"
    if two_interfaces:
        cache = os.path.join(work, "demo.cache")
        sh("tcpprep", "--auto=client", "--pcap", demo, "--cachefile", cache)
        replay(demo, cache=cache)
    else:
        replay(demo)  # original timing (7.4 s)
    time.sleep(1.5)
    rc = lv.stop()
    err = lv.stderr()
    check(rc == 0, f"{what} SIGINT: live exits 0 (got {rc})")
    with open(lv.summary) as f:
        live_sum = json.load(f)
    pk = live_packets(err)
    want = scan_sum["vendorwatch"]["packets"]
    check(pk is not None and pk[0] == want and pk[2] == 0,
          f"{what} live read all {want} packets of demo.pcap with 0 drops: {pk}")
    lv_alerts = lv.events("vendor")
    check(verdicts(lv_alerts) == verdicts(scan_alerts),
          f"{what} vendor verdicts (host x vendor) equal scan's: live {sorted(verdicts(lv_alerts))} "
          f"scan {sorted(verdicts(scan_alerts))}")
    check(ledger(live_sum) == ledger(scan_sum),
          f"{what} summary ledger (flows, bytes, confidence per host x vendor) equals scan's"
          + ("" if ledger(live_sum) == ledger(scan_sum) else
             f": live {ledger(live_sum)} scan {ledger(scan_sum)}"))
    check(coverage(live_sum) == coverage(scan_sum),
          f"{what} summary coverage (flows, bytes) equals scan's: live {coverage(live_sum)} "
          f"scan {coverage(scan_sum)}")
    flows = lv.events("flow")
    check(len(flows) == scan_sum["coverage"]["flows"],
          f"{what} every flow record written at shutdown ({len(flows)} flow events)")
    stats = lv.events("stats")
    check(len(stats) >= 2 and "capture" in stats[-1]["stats"],
          f"{what} periodic stats events with kernel counters ({len(stats)} events)")
    if stats:
        last = stats[-1]["stats"]
        per_worker = last.get("workers", [])
        check(len(per_worker) == workers and (workers == 1 or all(n > 0 for n in per_worker)),
              f"{what} every fanout worker got its share of the hosts: {per_worker}")
        per_if = last.get("interfaces", {})
        check(set(per_if) == set(interfaces) and all(n > 0 for n in per_if.values()),
              f"{what} every interface delivered packets: {per_if}")
    m = re.search(r"capturing on .*TPACKET_V3", err)
    check(m is not None, f"{what} block delivery (TPACKET_V3) in use: {err.splitlines()[0]}")


def test_reload(vw, pcaps, sigs, work, workers=1):
    sigcopy = os.path.join(work, "sigs")
    shutil.rmtree(sigcopy, ignore_errors=True)
    shutil.copytree(sigs, sigcopy)
    decoys = os.path.join(pcaps, "decoys.pcap")
    lv = Live(vw, work, f"reload-w{workers}", ["--signatures", sigcopy, "--workers",
                                               str(workers)])
    # 1. Broken file: the old set stays, errors name file:line.
    wiz = os.path.join(sigcopy, "wiz.toml")
    with open(wiz) as f:
        good = f.read()
    with open(wiz, "a") as f:
        f.write("\n[[indicator]]\nproduct = \"wiz-platform\"\nkind = \"domain\"\nthis is not toml\n")
    lv.signal(signal.SIGHUP)
    time.sleep(1.5)
    err = lv.stderr()
    check(re.search(r"wiz\.toml:\d+", err) is not None, "broken reload: error names wiz.toml:LINE")
    check("keeping signature set" in err, "broken reload: old signature set kept")
    check(lv.p.poll() is None, "broken reload: still running")
    replay(decoys, pps=500)
    time.sleep(1.0)
    n_before = len(lv.events("vendor"))
    check(n_before == 0, f"decoys raise no alert with the old set ({n_before})")
    # 2. Good file with a new indicator: quiz.io (a decoy name) now belongs to Wiz.
    with open(wiz, "w") as f:
        f.write(good + '\n[[indicator]]\nproduct = "wiz-platform"\nkind = "domain"\nmatch = "exact"\n'
                'value = "quiz.io"\nconfidence = "high"\nsource = "https://example.org/vendorwatch-live-test"\n'
                'source_date = 2026-11-22\n')
    rotated = lv.eve + ".1"
    if os.path.exists(lv.eve):
        os.rename(lv.eve, rotated)  # logrotate
    lv.signal(signal.SIGHUP)
    time.sleep(1.5)
    err = lv.stderr()
    check(re.search(r"SIGHUP: signature set version .* loaded", err) is not None,
          "good reload: new set loaded")
    check(os.path.exists(lv.eve), "SIGHUP reopened the --eve file after it was rotated away")
    replay(decoys, pps=500)
    time.sleep(1.5)
    rc = lv.stop()
    check(rc == 0, f"reload run exits 0 ({rc})")
    new = [e for e in lv.events("vendor") if e["vendor"]["id"] == "wiz"]
    vals = {ev.get("value") for e in new for ev in e.get("evidence", [])}
    check(len(new) > 0 and "quiz.io" in vals,
          f"the new indicator takes effect: {len(new)} wiz alert(s), evidence {sorted(vals)}")


def test_drop(vw, pcaps, sigs, work):
    dropdir = os.path.join(work, "drop")
    os.makedirs(dropdir, exist_ok=True)
    os.chmod(dropdir, 0o1777)
    lv = Live(vw, dropdir, "drop", ["--signatures", sigs, "-Z", "nobody"])
    with open(f"/proc/{lv.p.pid}/status") as f:
        status = f.read()
    uid_line = re.search(r"^Uid:\s+(.*)$", status, re.M).group(1).split()
    gid_line = re.search(r"^Gid:\s+(.*)$", status, re.M).group(1).split()
    capeff = re.search(r"^CapEff:\s+(\S+)", status, re.M).group(1)
    nobody = sh("id", "-u", "nobody").stdout.strip()
    check(uid_line == [nobody] * 4, f"-Z nobody: Uid line {uid_line} is all {nobody}")
    check("0" not in gid_line, f"-Z nobody: no root group ({gid_line})")
    check(int(capeff, 16) == 0, f"-Z nobody: no effective capabilities (CapEff {capeff})")
    replay(os.path.join(pcaps, "demo.pcap"), pps=1000)
    time.sleep(1.0)
    rc = lv.stop()
    check(rc == 0, f"-Z nobody: still captures and exits 0 ({rc})")
    check(len(lv.events("vendor")) > 0, "-Z nobody: alerts raised after the drop")
    check(os.path.exists(lv.summary), "-Z nobody: summary written after the drop")
    listening = sh("ss", "-ltnup", ns=NS_B, check_rc=False).stdout
    check("vendorwatch" not in listening, "no listening socket without --metrics")


SLOW_CLIENTS = r"""
import socket, sys, time, json
# Holds the metrics endpoint the way a slow or hostile client would, for HOLD seconds: every
# second it opens CAP + 2 connections; the first CAP send half a request line and wait. Reports
# for each connection how long the server took to close it.
port, cap, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
closed = []
t_end = time.time() + hold
while time.time() < t_end:
    socks = []
    for i in range(cap + 2):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if i < cap:
            s.sendall(b"GET /metr")
        socks.append((s, time.time()))
    for s, t0 in reversed(socks):  # the ones beyond the cap first
        s.settimeout(10)
        try:
            data = s.recv(4096)
        except OSError:
            data = b"?"
        closed.append((round(time.time() - t0, 2), len(data)))
        s.close()
print(json.dumps(closed))
"""


def test_metrics(vw, pcaps, sigs, work):
    """Prometheus endpoint: loopback only, Beast, deadline and connection cap; clients that
    hold it never slow capture down (issue 13.6)."""
    lv = Live(vw, work, "metrics", ["--signatures", sigs, "--metrics", "127.0.0.1:9917",
                                    "--metrics-timeout", "1000", "--metrics-connections", "2",
                                    "--workers", "2"])
    listening = sh("ss", "-ltnp", ns=NS_B, check_rc=False).stdout
    lines = [l for l in listening.splitlines() if "vendorwatch" in l]
    check(len(lines) == 1 and "127.0.0.1:9917" in lines[0],
          f"--metrics binds only 127.0.0.1:9917: {lines}")
    replay(os.path.join(pcaps, "demo.pcap"), pps=1000)
    time.sleep(1.0)
    scrape = [sys.executable, "-c", "import urllib.request;print(urllib.request.urlopen("
              "'http://127.0.0.1:9917/metrics',timeout=5).read().decode())"]
    demo_packets = scan(vw, sigs, os.path.join(pcaps, "demo.pcap"), work, "demo")[1][
        "vendorwatch"]["packets"]
    r = sh(*scrape, ns=NS_B, check_rc=False)
    check(f"vendorwatch_packets_total {demo_packets}" in r.stdout and
          "vendorwatch_capture_dropped_total 0" in r.stdout and
          'vendorwatch_worker_packets_total{worker="1"}' in r.stdout,
          "metrics: Prometheus text with packets, drop counters and per-worker packets")
    # Slow clients hold the endpoint (at the connection cap, and beyond it) while traffic flows.
    merged = os.path.join(work, "all.pcap")
    files = sorted(os.path.join(pcaps, f) for f in os.listdir(pcaps) if f.endswith(".pcap"))
    sh("mergecap", "-a", "-w", merged, *files)
    before = live_stats(sh(*scrape, ns=NS_B, check_rc=False).stdout)
    holder = subprocess.Popen(["ip", "netns", "exec", NS_B, sys.executable, "-c", SLOW_CLIENTS,
                               "9917", "2", "6"], stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    rr = replay(merged, pps=20000, loop=20)
    sent = re.search(r"Actual: (\d+) packets", rr.stdout + rr.stderr)
    out, _ = holder.communicate(timeout=60)
    closed = json.loads(out)
    time.sleep(1.5)
    after = live_stats(sh(*scrape, ns=NS_B, check_rc=False).stdout)
    held = [t for t, n in closed if n == 0 and t >= 0.5]
    refused = [t for t, n in closed if n == 0 and t < 0.5]
    check(len(held) >= 2 and all(t < 3.0 for t in held),
          f"metrics: a client that does not finish its request is closed after the 1 s deadline "
          f"({sorted(held)[:4]}...)")
    check(len(refused) >= 2, f"metrics: connections beyond the cap of 2 are closed at once "
                             f"({len(refused)} of {len(closed)})")
    got = after.get("vendorwatch_packets_total", -1) - before.get("vendorwatch_packets_total", 0)
    check(sent is not None and got == int(sent.group(1)) and
          after.get("vendorwatch_capture_dropped_total") == 0,
          f"metrics: 0 drops added while clients held the endpoint (sent "
          f"{sent.group(1) if sent else '?'}, read {got}, dropped "
          f"{after.get('vendorwatch_capture_dropped_total')})")
    check(lv.stop() == 0, "metrics run exits 0")


def live_stats(text):
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and "{" not in line:
            k, v = line.split()
            out[k] = int(float(v))
    return out


def test_config(vw, pcaps, sigs, work):
    bad = os.path.join(work, "bad.toml")
    with open(bad, "w") as f:
        f.write('interface = ["vethB"]\nbogus-key = 1\n')
    r = subprocess.run([vw, "live", "--config", bad], capture_output=True, text=True)
    check(r.returncode == 2 and f"{bad}:2: unknown key 'bogus-key'" in r.stderr,
          f"--config: unknown key is exit 2 with file:line ({r.returncode}: {r.stderr.strip()})")
    good = os.path.join(work, "good.toml")
    with open(good, "w") as f:
        f.write(f'signatures = "{sigs}"\nstats-interval = 1\nsummary-interval = 1\n'
                'snaplen = 9000\nlog-flows = false\npromisc = false\n')
    lv = Live(vw, work, "config", ["--config", good])
    replay(os.path.join(pcaps, "demo.pcap"), pps=1000)
    time.sleep(2.5)
    check(os.path.exists(lv.summary), "--summary-interval (from --config): summary written "
          "while running")
    check(len(lv.events("stats")) >= 1, "stats-interval from --config takes effect")
    check(lv.stop() == 0, "config run exits 0")
    check(len(lv.events("flow")) > 0, "--log-flows on the command line overrides the file's false")


def test_usage_errors(vw, work):
    """Configuration errors: exit 2 before any capture handle is opened (no root needed)."""
    def run(args, files=None):
        for name, text in (files or {}).items():
            with open(os.path.join(work, name), "w") as f:
                f.write(text)
        return subprocess.run([vw, "live"] + args, capture_output=True, text=True)
    cfg = lambda n: os.path.join(work, n)
    r = run(["--config", cfg("u1.toml")], {"u1.toml": 'interface = ["x0"]\n\nbogus-key = 1\n'})
    check(r.returncode == 2 and f"{cfg('u1.toml')}:3: unknown key 'bogus-key'" in r.stderr,
          f"unknown config key: exit 2 with file:line ({r.returncode}, {r.stderr.strip()!r})")
    r = run(["--config", cfg("u2.toml")], {"u2.toml": 'interface = ["x0"]\nsnaplen = 10\n'})
    check(r.returncode == 2 and f"{cfg('u2.toml')}:2: 'snaplen'" in r.stderr,
          f"out-of-range config value: exit 2 with file:line ({r.returncode}, {r.stderr.strip()!r})")
    r = run(["--config", cfg("u3.toml")], {"u3.toml": 'interface = ["x0"\nsnaplen = 100\n'})
    check(r.returncode == 2 and re.search(re.escape(cfg("u3.toml")) + r":\d+: ", r.stderr),
          f"TOML syntax error: exit 2 with file:line ({r.returncode}, {r.stderr.strip()!r})")
    r = run(["--config", cfg("u4.toml")], {"u4.toml": 'interface = "x0"\nsnaplen = [1, 2]\n'})
    check(r.returncode == 2 and f"{cfg('u4.toml')}:2:" in r.stderr,
          f"array for a single-value key: exit 2 ({r.returncode}, {r.stderr.strip()!r})")
    r = run([])
    check(r.returncode == 2 and "-i/--interface is required" in r.stderr,
          f"no interface: exit 2 ({r.returncode})")
    r = run(["-i", "x0", "--metrics", "127.0.0.1:99999"])
    check(r.returncode == 2 and "bad port" in r.stderr, f"bad --metrics port: exit 2 ({r.returncode})")
    r = run(["-i", "x0", "--metrics", "localhost:9917"])
    check(r.returncode == 2 and "not an IP address" in r.stderr,
          f"--metrics needs an address: exit 2 ({r.returncode})")
    # Flags override the file: the file's bad interface is not used when -i is given... but the
    # file must still be valid as a whole.
    r = run(["--config", cfg("u5.toml"), "--snaplen", "100"], {"u5.toml": 'snaplen = 10\n'})
    check(r.returncode == 2 and "interface is required" in r.stderr,
          f"a flag overrides the file's (invalid) value ({r.returncode}, {r.stderr.strip()!r})")


def measure_pps(vw, pcaps, sigs, work):
    """Highest tcpreplay --pps at which libpcap reports 0 drops, over a merge of pcaps/*.pcap."""
    merged = os.path.join(work, "all.pcap")
    files = sorted(os.path.join(pcaps, f) for f in os.listdir(pcaps) if f.endswith(".pcap"))
    sh("mergecap", "-a", "-w", merged, *files)
    loops = int(os.environ.get("VW_PPS_LOOPS", "40"))
    results = []
    rates = [int(x) for x in os.environ.get("VW_PPS_RATES", "10000,20000,25000,30000,35000,40000,50000,60000,80000,100000").split(",")]
    for pps in rates:
        lv = Live(vw, work, "pps", ["--signatures", sigs] + os.environ.get("VW_PPS_ARGS", "").split())
        t0 = time.time()
        r = replay(merged, pps=pps, loop=loops)
        t1 = time.time()
        time.sleep(1.0)
        lv.stop()
        pk = live_packets(lv.stderr())
        sent = re.search(r"Actual: (\d+) packets", r.stdout + r.stderr)
        rate = re.search(r"Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps", r.stdout + r.stderr)
        results.append((pps, sent.group(1) if sent else "?", rate.group(1) if rate else "?", pk))
        print(f"pps {pps}: tcpreplay sent {results[-1][1]} at {results[-1][2]} pps in "
              f"{t1 - t0:.1f}s; live (packets, received, dropped, if_dropped) = {pk}", flush=True)
        if pk is None or pk[2] != 0 or pk[3] != 0:
            break
    ok = [r for r in results if r[3] and r[3][2] == 0 and r[3][3] == 0]
    if ok:
        print(f"highest rate with 0 drops: --pps {ok[-1][0]} (loop {loops} of {merged})")
    return results


def tcpdump_counts(text):
    got = re.search(r"^(\d+) packets? captured", text, re.M)
    drop = re.search(r"^(\d+) packets? dropped by kernel", text, re.M)
    return (int(got.group(1)) if got else None, int(drop.group(1)) if drop else None)


def side_by_side(vw, sigs, work, tag, extra, pause_live=False, **replay_args):
    """tcpdump (default ring) and vendorwatch live capture the same replay on IF_B. Returns
    (sent, (tcpdump captured, tcpdump kernel drops), live_packets(), last stats.capture, rc).
    pause_live: vendorwatch is stopped (SIGSTOP) during the replay, so its ring overflows."""
    merged = os.path.join(work, "all.pcap")
    td_path = os.path.join(work, f"{tag}.tcpdump.stderr")
    td_err = open(td_path, "w")
    td = subprocess.Popen(["ip", "netns", "exec", NS_B, "tcpdump", "-n", "-i", IF_B, "-w",
                           "/dev/null"], stdout=subprocess.DEVNULL, stderr=td_err)
    lv = Live(vw, work, tag, ["--signatures", sigs, "--stats-interval", "1"] + extra)
    deadline = time.time() + 20
    while time.time() < deadline and "listening on" not in open(td_path).read():
        time.sleep(0.05)
    if pause_live:
        lv.signal(signal.SIGSTOP)
    r = replay(merged, **replay_args)
    if pause_live:
        lv.signal(signal.SIGCONT)
    sent = re.search(r"Actual: (\d+) packets", r.stdout + r.stderr)
    sent = int(sent.group(1)) if sent else None
    time.sleep(2.0)
    td.send_signal(signal.SIGINT)
    td.wait(timeout=30)
    td_err.close()
    rc = lv.stop()
    td_counts = tcpdump_counts(open(td_path).read())
    pk = live_packets(lv.stderr())
    stats = lv.events("stats")
    cap = stats[-1]["stats"].get("capture", {}) if stats else {}
    print(f"     [{tag}] sent {sent}; tcpdump (captured, kernel drops) = {td_counts}; "
          f"vendorwatch (packets, kernel received, dropped, if-dropped) = {pk}; "
          f"stats.capture {cap}", flush=True)
    return sent, td_counts, pk, cap, rc


def test_rate(vw, pcaps, sigs, work, workers, pps, loops):
    """At a rate tcpdump sustains, vendorwatch processes every packet and says so with its
    kernel counters."""
    merged = os.path.join(work, "all.pcap")
    files = sorted(os.path.join(pcaps, f) for f in os.listdir(pcaps) if f.endswith(".pcap"))
    sh("mergecap", "-a", "-w", merged, *files)
    what = f"[rate {pps} pps x {loops} loops, {workers} worker(s)]"
    sent, (td_got, td_drop), pk, cap, rc = side_by_side(
        vw, sigs, work, f"rate-w{workers}", ["--workers", str(workers)], pps=pps, loop=loops)
    check(sent is not None and sent > 0 and td_got == sent and td_drop == 0,
          f"{what} the rate is one tcpdump sustains here: tcpdump captured {td_got} of {sent} "
          f"with {td_drop} kernel drops")
    check(rc == 0 and pk is not None and pk[0] == sent and pk[2] == 0 and pk[3] == 0,
          f"{what} vendorwatch processed every packet tcpdump saw, 0 kernel drops: {pk}")
    check(cap.get("dropped") == 0 and cap.get("if_dropped") == 0 and
          cap.get("received", 0) >= (sent or 1),
          f"{what} the stats event reports the kernel counters: {cap}")


def test_forced_drops(vw, pcaps, sigs, work, workers):
    """A 1 MiB ring and vendorwatch stopped (SIGSTOP) while 100k packets (~30 MB) arrive: the
    kernel must drop, and every drop is counted and reported: processed + kernel drops = what
    tcpdump (default ring, 0 drops) saw in the same replay."""
    what = f"[1 MiB ring, stopped during the replay, {workers} worker(s)]"
    sent, (td_got, td_drop), pk, cap, rc = side_by_side(
        vw, sigs, work, f"rate-drops-w{workers}", ["--buffer-size", "1", "--workers",
                                                   str(workers)],
        pause_live=True, pps=20000, loop=40)
    check(td_drop == 0 and td_got is not None and td_got > 0,
          f"{what} tcpdump saw the whole replay: {td_got} of {sent} with {td_drop} drops")
    check(rc == 0 and pk is not None and pk[2] > 0,
          f"{what} kernel drops happen and are reported: {pk}")
    check(pk is not None and td_got is not None and pk[0] + pk[2] == td_got,
          f"{what} processed + kernel-dropped = packets tcpdump saw ({pk} vs {td_got}): no loss "
          f"goes uncounted")
    check(pk is not None and cap.get("dropped") == pk[2],
          f"{what} the last stats event carries the same drop count: {cap}")


def main():
    if len(sys.argv) < 5:
        print(__doc__)
        return 2
    vw, pcaps, sigs, work = sys.argv[1:5]
    if "--unprivileged" in sys.argv:
        os.makedirs(work, exist_ok=True)
        test_usage_errors(vw, work)
        print(f"{len(failures)} check(s) failed" if failures else "all usage checks passed")
        return 1 if failures else 0
    if os.geteuid() != 0:
        return skip_code("live_test needs root (network namespaces, veth, capture); run as root")
    for tool in ("ip", "tcpreplay", "tcpprep", "mergecap", "ss", "tcpdump"):
        if shutil.which(tool) is None:
            return skip_code(f"'{tool}' not installed (apt-get install -y tcpreplay tcpdump "
                             "iproute2 wireshark-common)")
    os.makedirs(work, exist_ok=True)
    try:
        setup()
    except Exception as e:  # no netns support in this container
        teardown()
        return skip_code(f"cannot create network namespaces: {e}")
    try:
        if "--measure-pps" in sys.argv:
            measure_pps(vw, pcaps, sigs, work)
            return 0
        if "--rate" in sys.argv:
            pps = int(os.environ.get("VW_RATE_PPS", "20000"))
            for workers in (1, 2):
                test_rate(vw, pcaps, sigs, work, workers, pps, 40)
            for workers in (1, 2):
                test_forced_drops(vw, pcaps, sigs, work, workers)
            print(f"{len(failures)} check(s) failed" if failures else "all rate checks passed")
            return 1 if failures else 0
        test_parity(vw, pcaps, sigs, work)
        test_reload(vw, pcaps, sigs, work)
        # The same with two capture workers in a kernel fanout group.
        test_parity(vw, pcaps, sigs, work, workers=2)
        test_reload(vw, pcaps, sigs, work, workers=2)
        # Two interfaces (the two directions of every flow apart), one and two workers.
        test_parity(vw, pcaps, sigs, work, workers=1, two_interfaces=True)
        test_parity(vw, pcaps, sigs, work, workers=2, two_interfaces=True)
        test_drop(vw, pcaps, sigs, work)
        test_metrics(vw, pcaps, sigs, work)
        test_config(vw, pcaps, sigs, work)
    finally:
        teardown()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all live checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
