#!/usr/bin/env python3
"""e2e: `live --ledger` survives SIGKILL and restarts (issue 14), through the real binary.

Needs root: it creates its own network namespace pair (vwstore-a, vwstore-b) joined by a veth
pair (vstoreA, vstoreB; 198.18.0.4/30, RFC 2544 benchmarking space), replays a pcaps/ capture
with tcpreplay on vstoreA while `vendorwatch live -i vstoreB --ledger store.db` captures inside
vwstore-b. The namespaces are deleted on exit, whatever happens.

1. Run 1 replays vendor-crowdstrike.pcap. While live writes, a second process reads the store
   (`ledger export`, `report --ledger`) every half second; the reads must all succeed, and the
   store must reach the generator truth's host x vendor pairs, flow counts and bytes to the
   vendor (truth flows counted toward the vendor). Then live is killed with SIGKILL.
2. The store opens after the kill (`ledger info`); run 2 on the same store says it resumes,
   the same capture is replayed again: the store reaches twice the truth's counts, keeps run 1's
   first-seen times, and a clean SIGINT stop exits 0.
3. Run 3 with a long commit interval is killed before its first commit: what it saw is lost
   (at most one interval, as docs/ledger.md says) and the store still holds runs 1 and 2.
4. A corrupt store: live refuses it (exit 2), the file is unchanged.

usage: report_store_live_test.py VENDORWATCH PCAPS_DIR WORK_DIR
Exit 0 passed, 1 failed, 77 skipped (not root, or ip/tcpreplay missing, outside CI).
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

NS_A, NS_B = "vwstore-a", "vwstore-b"
IF_A, IF_B = "vstoreA", "vstoreB"
CAPTURE = "vendor-crowdstrike.pcap"
failures = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg, flush=True)
    if not cond:
        failures.append(msg)
    return cond


def in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") or bool(os.environ.get("VW_CI"))


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
        sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", ns=ns)
        sh("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1", ns=ns)
    sh("ip", "link", "add", IF_A, "netns", NS_A, "type", "veth", "peer", "name", IF_B, "netns", NS_B)
    sh("ip", "addr", "add", "198.18.0.5/30", "dev", IF_A, ns=NS_A)
    sh("ip", "addr", "add", "198.18.0.6/30", "dev", IF_B, ns=NS_B)
    sh("ip", "link", "set", IF_A, "up", ns=NS_A)
    sh("ip", "link", "set", IF_B, "up", ns=NS_B)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def truth_counts(pcaps):
    """(host, vendor) -> (flows, bytes to the vendor), from the generator's truth."""
    with open(os.path.join(pcaps, CAPTURE.replace(".pcap", ".truth.json"))) as f:
        t = json.load(f)
    out = {}
    for a in t["alerts"]:
        out[(a["host"], a["vendor"])] = [0, 0]
    for fl in t["flows"]:
        if fl.get("counts_toward_vendor_bytes") and (fl["host"], fl["vendor"]) in out:
            c = out[(fl["host"], fl["vendor"])]
            c[0] += 1
            c[1] += fl["bytes_toserver"]
    return {k: tuple(v) for k, v in out.items()}


class Live:
    def __init__(self, vw, work, tag, extra):
        self.err_path = os.path.join(work, f"{tag}.stderr")
        self.err = open(self.err_path, "w")
        cmd = ["ip", "netns", "exec", NS_B, vw, "live", "-i", IF_B, "--no-table",
               "--eve", os.path.join(work, f"{tag}.eve.json")] + extra
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

    def kill(self):
        self.p.send_signal(signal.SIGKILL)
        rc = self.p.wait(timeout=30)
        self.err.close()
        return rc

    def stop(self):
        self.p.send_signal(signal.SIGINT)
        rc = self.p.wait(timeout=60)
        self.err.close()
        return rc


def replay(path):
    return sh("tcpreplay", "-q", "-i", IF_A, path, ns=NS_A)


def export(vw, store):
    p = subprocess.run([vw, "ledger", "export", "--json", "-", store], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, (json.loads(p.stdout) if p.returncode == 0 else None), p.stderr


def store_counts(doc):
    out = {}
    for h in doc["hosts"]:
        for v in h["vendors"]:
            out[(h["ip"], v["id"])] = (v["flows"], v["bytes_to_vendor"], v["first_seen"],
                                       v["last_seen"])
    return out


def wait_for(vw, store, want, reads, timeout=40, min_reads=6):
    """Reads the store (export and report) while live writes, until the (flows, bytes) per host
    x vendor equal `want` and at least `min_reads` reads were made (every 0.5 s, so that live's
    1-second commits fall between reads even when the first export already shows the truth).
    Returns the last export's counts."""
    deadline = time.time() + timeout
    got = {}
    while time.time() < deadline:
        rc, doc, err = export(vw, store)
        reads.append(("export", rc, err.strip()[:200]))
        if rc == 0:
            got = store_counts(doc)
            if {k: v[:2] for k, v in got.items()} == want and len(reads) >= min_reads:
                return got
        r = subprocess.run([vw, "report", "--ledger", store, "--json", os.devnull],
                           capture_output=True, text=True, timeout=60)
        reads.append(("report", r.returncode, r.stderr.strip()[:200]))
        time.sleep(0.5)
    return got


def main():
    vw, pcaps, work = (os.path.abspath(a) for a in sys.argv[1:4])
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("tcpreplay"):
        print("needs root, ip and tcpreplay")
        return 1 if in_ci() else 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    store = os.path.join(work, "store.db")
    capture = os.path.join(pcaps, CAPTURE)
    truth = truth_counts(pcaps)
    check(len(truth) >= 3 and all(v[0] > 0 for v in truth.values()),
          f"truth: {len(truth)} host x vendor pairs with flows toward the vendor: {truth}")
    common = ["--idle-timeout", "2", "--active-timeout", "2"]
    try:
        setup()
        # 1. Run 1, read concurrently, SIGKILL after the commit.
        lv = Live(vw, work, "run1", common + ["--ledger", store, "--ledger-interval", "1"])
        check("new store" in lv.stderr(), "run 1: a new store")
        replay(capture)
        reads = []
        got1 = wait_for(vw, store, truth, reads)
        check({k: v[:2] for k, v in got1.items()} == truth,
              f"run 1: the store reached the truth while live ran: {got1}")
        bad = [r for r in reads if r[1] != 0]
        check(len(reads) >= 2 and not bad,
              f"{len(reads)} concurrent reads (export, report) while live wrote, none failed: {bad}")
        rc = lv.kill()
        check(rc == -signal.SIGKILL, f"run 1 killed with SIGKILL ({rc})")
        p = subprocess.run([vw, "ledger", "info", store], capture_output=True, text=True)
        check(p.returncode == 0 and "1 run(s)" in p.stdout,
              f"the store opens after the kill: {p.stdout.strip()} {p.stderr.strip()}")

        # 2. Restart on the same store; the same traffic again doubles the totals.
        lv = Live(vw, work, "run2", common + ["--ledger", store, "--ledger-interval", "1"])
        check("resuming" in lv.stderr(), f"run 2 resumes: {lv.stderr().strip()[:300]}")
        replay(capture)
        doubled = {k: (2 * v[0], 2 * v[1]) for k, v in truth.items()}
        got2 = wait_for(vw, store, doubled, [])
        rc = lv.stop()
        check(rc == 0, f"run 2: SIGINT exits 0 ({rc})")
        rc, doc, err = export(vw, store)
        final = store_counts(doc) if doc else {}
        check({k: v[:2] for k, v in final.items()} == doubled,
              f"after kill + restart: twice the truth's flows and bytes, nothing lost or doubled: "
              f"{final}")
        for k, v in sorted(final.items()):
            if k in got1:
                check(v[2] == got1[k][2] and v[3] > got1[k][3],
                      f"{k}: first seen kept from run 1 ({v[2]}), last seen from run 2 ({v[3]})")
        p = subprocess.run([vw, "ledger", "info", store], capture_output=True, text=True)
        check("2 run(s)" in p.stdout, f"two runs recorded: {p.stdout.strip()}")

        # 3. Killed before its first commit: the loss is at most one interval.
        lv = Live(vw, work, "run3", common + ["--ledger", store, "--ledger-interval", "600"])
        replay(capture)
        time.sleep(5)  # flows end (idle timeout 2 s) but the first commit is 10 minutes away
        lv.kill()
        rc, doc, err = export(vw, store)
        after = store_counts(doc) if doc else {}
        check(rc == 0 and {k: v[:2] for k, v in after.items()} == doubled,
              "run 3 killed before its first commit: its traffic is lost, runs 1-2 intact")
        p = subprocess.run([vw, "report", "--ledger", store, "--json", "-"], capture_output=True,
                           text=True)
        rep = json.loads(p.stdout) if p.returncode == 0 else {}
        st = {(h["host"], h["vendor_id"]): h["contact"]
              for h in rep.get("migration", {}).get("hosts", [])}
        # First seen minutes ago: in contact and `new` (the default --since is 7 days back).
        check(set(st) == set(truth) and all(v == "new" for v in st.values()),
              f"report --ledger on the live store: every truth host in contact, new: {st}")

        # 4. A corrupt store is refused by live and left unchanged.
        bad_db = os.path.join(work, "damaged.db")
        shutil.copyfile(store, bad_db)
        with open(bad_db, "r+b") as f:
            f.seek(0)
            f.write(b"\x00" * 100)
        before = sha(bad_db)
        p = subprocess.run(["ip", "netns", "exec", NS_B, vw, "live", "-i", IF_B, "--ledger",
                            bad_db], capture_output=True, text=True, timeout=60)
        check(p.returncode == 2 and "damaged.db" in p.stderr,
              f"live refuses a damaged store with exit 2: {p.returncode} {p.stderr.strip()[:200]}")
        check(sha(bad_db) == before, "the damaged store is unchanged")
    finally:
        teardown()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("report_store_live: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
