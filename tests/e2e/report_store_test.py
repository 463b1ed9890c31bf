#!/usr/bin/env python3
"""e2e: the ledger store and the migration view (issue 14), through the real binary.

usage: report_store_test.py VENDORWATCH PCAPS_DIR WORK_DIR

1. Two captures of different days are built from pcaps/ with Wireshark's mergecap/editcap:
   day 1 = demo.pcap + vendor-crowdstrike.pcap (2025-03-11), day 2 = demo.pcap +
   vendor-wiz.pcap shifted by 10 days. The expected statuses come from the generator's truth
   files (never from vendorwatch): host x vendor of both days `still`, of day 1 only `stopped`
   (on 2025-03-11), of day 2 only `new`.
2. `scan --ledger store.db` of both days (and of day 1 again: skipped, nothing counted twice;
   a renamed copy: skipped too), then `report --ledger store.db --deadline 2025-03-15`: the
   statuses, the deadline list, CSV and JSON columns agree. `report day1.json day2.json` on the
   two plain summaries gives the same statuses.
3. The HTML migration chart is rendered in headless Chromium; the screenshot's path is printed
   (migration-chart.png in WORK_DIR).
4. A corrupt or foreign file (text, another application's SQLite database, a damaged ledger) is
   refused by `scan --ledger`, `report --ledger` and `ledger export` with exit 2 and a clear
   message, and left byte for byte unchanged.
Exit 0 passed, 1 failed (a missing tool -- mergecap, editcap, chromium -- is a failure).
"""
import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

failures = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg, flush=True)
    if not cond:
        failures.append(msg)
    return cond


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def truth_pairs(pcaps, names):
    pairs = set()
    for n in names:
        with open(os.path.join(pcaps, n + ".truth.json")) as f:
            t = json.load(f)
        for a in t.get("alerts", []):
            role = a.get("host_role", "client")
            pairs.add((a["host"], a["vendor"], role))
    return pairs


def statuses(report):
    return {(h["host"], h["vendor_id"], h["role"]): h for h in report["migration"]["hosts"]}


def totals(doc):
    out = {}
    for h in doc["hosts"]:
        for v in h["vendors"]:
            out[(h["ip"], v["id"])] = (v["flows"], v["dns_lookups"], v["bytes_to_vendor"],
                                       v["bytes_from_vendor"], v["first_seen"], v["last_seen"])
    return out


def chromium_shot(html, png, anchor=""):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not check(exe is not None, "chromium installed (Debian package chromium)"):
        return "", []
    common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run",
              "--enable-logging=stderr", "--v=0", "--window-size=1300,900",
              "--hide-scrollbars"]
    url = "file://" + os.path.abspath(html) + anchor
    with tempfile.TemporaryDirectory() as prof:
        shot = run([exe, *common, f"--user-data-dir={prof}", f"--screenshot={png}", url])
    with tempfile.TemporaryDirectory() as prof:
        dom = run([exe, *common, f"--user-data-dir={prof}", "--virtual-time-budget=5000",
                   "--dump-dom", url])
    errors = [l for l in (shot.stderr + dom.stderr).splitlines()
              if "CONSOLE" in l or "Uncaught" in l or "Refused to" in l]
    check(os.path.exists(png) and os.path.getsize(png) > 10000, f"screenshot {png} written")
    return dom.stdout, errors


def check_refused(vw, work, path, what):
    """Every entry point refuses `path` with exit 2 and leaves it untouched."""
    before = sha(path)
    for args in (["scan", "-q", "--ledger", path, os.path.join(work, "day1.pcap")],
                 ["report", "--ledger", path, "--json", os.devnull],
                 ["report", path, "--json", os.devnull],
                 ["ledger", "export", "--json", os.devnull, path],
                 ["ledger", "compact", "--retain", "30", path]):
        if args[0] == "report" and args[1] == path and not what.startswith("sqlite"):
            continue  # a positional non-SQLite file is read as a JSON summary (also exit 2)
        p = run([vw] + args)
        check(p.returncode == 2, f"{what}: `{' '.join(args[:2])}` exits 2 (got {p.returncode})")
        check(os.path.basename(path) in p.stderr and
              ("not a vendorwatch ledger" in p.stderr or "corrupt" in p.stderr),
              f"{what}: clear message: {p.stderr.strip()[:200]}")
    check(sha(path) == before, f"{what}: file unchanged")
    check(not os.path.exists(path + "-wal") or os.path.getsize(path + "-wal") == 0,
          f"{what}: no WAL written beside it")


def main():
    vw, pcaps, work = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    for tool in ("mergecap", "editcap"):
        if not check(shutil.which(tool) is not None, f"{tool} installed (wireshark-common)"):
            return 1
    day1, day2 = os.path.join(work, "day1.pcap"), os.path.join(work, "day2.pcap")
    tmp = os.path.join(work, "day2-unshifted.pcap")
    r1 = run(["mergecap", "-F", "pcap", "-w", day1, os.path.join(pcaps, "demo.pcap"),
              os.path.join(pcaps, "vendor-crowdstrike.pcap")])
    r2 = run(["mergecap", "-F", "pcap", "-w", tmp, os.path.join(pcaps, "demo.pcap"),
              os.path.join(pcaps, "vendor-wiz.pcap")])
    r3 = run(["editcap", "-F", "pcap", "-t", str(10 * 86400), tmp, day2])
    if not check(r1.returncode == 0 and r2.returncode == 0 and r3.returncode == 0,
                 f"captures built: {r1.stderr}{r2.stderr}{r3.stderr}"):
        return 1
    want1 = truth_pairs(pcaps, ["demo", "vendor-crowdstrike"])
    want2 = truth_pairs(pcaps, ["demo", "vendor-wiz"])
    expect = {}
    for k in want1 | want2:
        expect[k] = "still" if k in want1 and k in want2 else "stopped" if k in want1 else "new"
    check(len(set(expect.values())) == 3, f"truth has all three statuses: {sorted(expect.items())}")

    store = os.path.join(work, "store.db")
    s1, s2 = os.path.join(work, "day1.json"), os.path.join(work, "day2.json")
    for pcap, summ in ((day1, s1), (day2, s2)):
        p = run([vw, "scan", "-q", "--ledger", store, "--summary", summ, pcap])
        check(p.returncode == 0, f"scan --ledger {os.path.basename(pcap)}: {p.returncode} {p.stderr}")
    p = run([vw, "ledger", "export", "--json", "-", store])
    check(p.returncode == 0, f"ledger export: {p.stderr}")
    exported = json.loads(p.stdout)
    # The store holds what the two summaries hold.
    m = run([vw, "report", "--json", "-", s1, s2])
    merged = json.loads(m.stdout)
    check(totals(exported) == totals(merged),
          "store export == merge of the two summaries (flows, DNS, bytes, first/last seen)")

    # The same capture again, and a renamed copy: skipped, nothing counted twice.
    copy = os.path.join(work, "day1-copy.pcap")
    shutil.copyfile(day1, copy)
    for again in (day1, copy):
        p = run([vw, "scan", "-q", "--ledger", store, again])
        check(p.returncode == 0 and "already in" in p.stderr,
              f"scan of {os.path.basename(again)} again: skipped ({p.stderr.strip()[:160]})")
    p = run([vw, "ledger", "export", "--json", "-", store])
    check(totals(json.loads(p.stdout)) == totals(exported), "nothing counted twice")
    # Standard input is keyed by its packet range and count.
    with open(day2, "rb") as f:
        p = subprocess.run([vw, "scan", "-q", "--ledger", store, "-"], stdin=f,
                           capture_output=True, timeout=600)
    err = p.stderr.decode()
    check(p.returncode == 0 and "not appended" in err, f"day 2 on stdin again: not appended ({err.strip()[:160]})")
    p = run([vw, "ledger", "export", "--json", "-", store])
    check(totals(json.loads(p.stdout)) == totals(exported), "stdin: nothing counted twice")

    # The migration view.
    html, csvf, js = (os.path.join(work, f) for f in ("migration.html", "migration.csv",
                                                      "migration.json"))
    p = run([vw, "report", "--ledger", store, "--deadline", "2025-03-15", "--html", html,
             "--csv", csvf, "--json", js])
    check(p.returncode == 0, f"report --ledger: {p.returncode} {p.stderr}")
    rep = json.load(open(js))
    got = statuses(rep)
    check(rep["migration"]["as_of"] == "2025-03-21", f"as of the newest packet: {rep['migration']['as_of']}")
    for k, want in sorted(expect.items()):
        g = got.get(k)
        check(g is not None and g["contact"] == want,
              f"{k}: {want} (got {g and g['contact']})")
        if g and want == "stopped":
            check(g["stopped_on"] == "2025-03-11", f"{k}: stopped on 2025-03-11 ({g['stopped_on']})")
    extra = set(got) - set(expect)
    check(not extra, f"no host x vendor beyond the truth: {sorted(extra)}")
    after = {(h["host"], h["vendor_id"], h["role"]) for h in rep["migration"]["after_deadline"]}
    check(after == want2, f"after the deadline: exactly day 2's host x vendor ({len(after)})")
    # CSV carries the same status columns as the JSON.
    rows = list(csv.DictReader(io.StringIO(open(csvf, newline="").read(), newline="")))
    for r in rows:
        if r["section"] not in ("usage", "instance"):
            continue
        k = (r["host"], r["vendor_id"], r["role"])
        j = got.get(k)
        check(j is not None and (r["contact"], r["stopped_on"], r["seen_after_deadline"]) ==
              (j["contact"], j["stopped_on"], j["seen_after_deadline"]), f"csv row {k} == json")
    # Two plain summaries (older, newer) give the same statuses.
    p = run([vw, "report", "--deadline", "2025-03-15", "--json", "-", s1, s2])
    plain = statuses(json.loads(p.stdout))
    check({k: v["contact"] for k, v in plain.items()} == {k: v["contact"] for k, v in got.items()},
          "report on the two summaries gives the same statuses as the store")
    # Daily series: two captured days; crowdstrike falls, wiz rises.
    series = {(s["vendor_id"], s["role"]): dict(map(tuple, s["points"]))
              for s in rep["migration"]["series"]}
    cs = series.get(("crowdstrike", "client"), {})
    check(list(cs) == ["2025-03-11", "2025-03-21"] and cs["2025-03-11"] > cs["2025-03-21"],
          f"crowdstrike series falls: {cs}")
    wz = series.get(("wiz", "client"), {})
    check(wz.get("2025-03-11", 0) == 0 and wz.get("2025-03-21", 0) > 0, f"wiz series rises: {wz}")

    # Headless Chromium: the chart renders, no console error; the screenshot stays in WORK_DIR.
    png = os.path.join(work, "migration-chart.png")
    dom, errors = chromium_shot(html, png, "#migration")
    check(not errors, f"no console errors: {errors}")
    check('id="vw-migration-chart"' in dom and dom.count("<polyline") >= 3,
          "the migration chart is in the page with its lines")
    check("deadline 2025-03-15" in dom, "the deadline is drawn")
    print("screenshot:", png)

    # Refused files.
    text = os.path.join(work, "notes.db")
    with open(text, "w") as f:
        f.write("these are not the droids you are looking for\n")
    check_refused(vw, work, text, "text file")
    foreign = os.path.join(work, "foreign.db")
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE inventory(id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO inventory(name) VALUES ('keep me')")
    con.commit()
    con.close()
    check_refused(vw, work, foreign, "sqlite: another application's database")
    damaged = os.path.join(work, "damaged.db")
    shutil.copyfile(store, damaged)
    with open(damaged, "r+b") as f:
        size = os.path.getsize(damaged)
        f.seek(4096)
        f.write(b"\xa5" * min(4096 * 3, size - 4096))
    check_refused(vw, work, damaged, "sqlite: damaged ledger")
    p = run([vw, "report", "--ledger", os.path.join(work, "missing.db"), s1, "--json", os.devnull])
    check(p.returncode == 1 and "missing.db" in p.stderr,
          f"missing store: exit 1, the other inputs merged ({p.returncode})")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("report_store: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
