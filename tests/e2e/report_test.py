#!/usr/bin/env python3
"""e2e: `vendorwatch report` (merge, CSV, JSON, HTML rendered in headless Chromium).

usage: report_test.py VENDORWATCH PCAPS_DIR WORK_DIR

Scans the demo capture, merges summaries, checks the CSV/JSON, and renders the HTML of the
demo and of a generated 5,000-host summary with hostile strings in headless Chromium: the page
must load without console errors, contain the charts (svg) and show the page count. The
screenshots are left in WORK_DIR (demo-report.png, big-report.png).
Exit 0 passed, 1 failed, 77 the non-browser checks passed but chromium is not installed.
"""
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

from vwtest import no_skip, skip_code

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    return cond


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)


HOSTILE = '<script>alert("x")</script>&\'"</svg><img src=x onerror=alert(1)>'


def big_summary(n_hosts):
    """A deterministic 5,000-host summary with hostile vendor names and evidence."""
    rnd = random.Random(8)
    vendors = [("crowdstrike", "CrowdStrike"), ("wiz", "Wiz"), ("vmware", "VMware (Broadcom)"),
               ("evil", HOSTILE), ("rapid7", "Rapid7")]
    hosts = []
    for i in range(n_hosts):
        ip = f"10.{i // 65536}.{(i // 256) % 256}.{i % 256}"
        vs = []
        for vid, name in rnd.sample(vendors, rnd.randint(1, 3)):
            sec = rnd.randint(0, 86000)
            vs.append({
                "id": vid, "name": name, "status": "banned", "products": ["p-" + vid],
                "flows": rnd.randint(1, 50), "dns_lookups": rnd.randint(0, 5),
                "bytes_to_vendor": rnd.randint(100, 10**7),
                "bytes_from_vendor": rnd.randint(100, 10**7),
                "first_seen": f"2025-03-11T{sec // 3600:02}:{sec // 60 % 60:02}:{sec % 60:02}.000000Z",
                "last_seen": f"2025-03-11T23:{rnd.randint(0, 59):02}:00.000000Z",
                "confidence": "high",
                "evidence": [{"field": "tls.sni", "value": HOSTILE if vid == "evil" else vid + ".example",
                              "indicator": vid + ".example", "source": "javascript:alert(2)"}],
            })
        hosts.append({"ip": ip, "vendors": vs})
    return {"vendorwatch": {"version": "test", "signatures": "test", "inputs": ["gen"],
                            "packets": 1},
            "hosts": hosts, "vendors": [],
            "coverage": {"flows": 100000, "flows_attributed": 9000, "bytes": 10**10,
                         "bytes_attributed": 10**9, "tls_flows": 50000,
                         "tls_flows_without_sni": 500, "dns_cache_attributions": 10}}


def chromium_dom(url):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory() as prof:
        p = run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--enable-logging=stderr", "--v=0", f"--user-data-dir={prof}",
                 "--virtual-time-budget=5000", "--dump-dom", url])
    return p.stdout


def chromium(html, png):
    """Screenshot + DOM of a local file; returns (dom, console_error_lines)."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run",
              "--enable-logging=stderr", "--v=0", "--window-size=1400,1000"]
    url = "file://" + os.path.abspath(html)
    with tempfile.TemporaryDirectory() as prof:
        shot = run([exe, *common, f"--user-data-dir={prof}", f"--screenshot={png}", url])
    with tempfile.TemporaryDirectory() as prof:
        dom = run([exe, *common, f"--user-data-dir={prof}", "--virtual-time-budget=5000",
                   "--dump-dom", url])
    errors = [l for l in (shot.stderr + dom.stderr).splitlines()
              if "CONSOLE" in l or "Uncaught" in l or "Refused to" in l]
    check(os.path.exists(png) and os.path.getsize(png) > 10000, f"screenshot {png} written")
    return dom.stdout, errors


def check_progress(vw, shared):
    """On a terminal (script(1) gives a pty) scan draws a progress line on stderr and clears
    it; with --quiet it does not. Needs util-linux `script` and the shared nDPI captures."""
    caps = os.path.join(shared, "pcaps", "ndpi") if shared else ""
    if not shutil.which("script") or not caps or not os.path.isdir(caps):
        msg = "progress-line check needs script(1) and the shared captures"
        if no_skip():
            check(False, msg + " (VW_NO_SKIP=1)")
        else:
            print("note: skipped: " + msg)
        return
    import shlex
    import time
    args = " ".join(shlex.quote(a) for a in [vw, "scan", "--no-table"] + [caps] * 4)
    t0 = time.monotonic()
    p = subprocess.run(["script", "-qec", args + " >/dev/null", "/dev/null"], capture_output=True,
                       timeout=600)
    took = time.monotonic() - t0
    out = p.stdout.decode("utf-8", "replace")  # bytes: keep the \r of the progress line
    draws = re.findall(r"\rscanning +(\d+\.\d)%  .* / .*  \S+ pkt/s  flows \d+  alerts \d+  ETA \d+:\d\d:\d\d\x1b\[K", out)
    if took > 1.0:
        check(draws, f"progress line drawn on a terminal ({took:.1f}s scan): {out[:300]!r}")
        check("\r\x1b[K" in out, "progress line cleared at the end")
        check(all(float(a) <= float(b) for a, b in zip(draws, draws[1:])), "progress only grows")
    print(f"progress: {len(draws)} draw(s) in a {took:.1f}s scan")
    p = subprocess.run(["script", "-qec", args.replace(" scan ", " scan -q ", 1) + " >/dev/null",
                        "/dev/null"], capture_output=True, timeout=600)
    check(b"scanning" not in p.stdout, "no progress line with --quiet")
    # A diagnostic never lands on the end of a progress line.
    check(not re.search(r"\x1b\[K[^\r]", out.replace("\r\x1b[K", "\r")),
          "diagnostics start on a clean line")


def main():
    vw, pcaps, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    demo = os.path.join(pcaps, "demo.pcap")
    s1 = os.path.join(work, "demo-summary.json")
    p = run([vw, "scan", "-q", "--summary", s1, demo])
    check(p.returncode == 0, f"scan: {p.returncode} {p.stderr}")
    single = json.load(open(s1))
    # The scan progress line is only for terminals: nothing of it when stderr is a pipe.
    p = run([vw, "scan", "--no-table", demo])
    check("scanning" not in p.stderr and "\r" not in p.stderr, "no progress line on a pipe")

    # A single summary passes through unchanged (hosts, per-host vendors, totals, coverage).
    html, csvf, js = (os.path.join(work, f) for f in ("demo-report.html", "demo.csv", "demo.json"))
    p = run([vw, "report", "--html", html, "--csv", csvf, "--json", js, s1])
    check(p.returncode == 0, f"report: {p.returncode} {p.stderr}")
    merged = json.load(open(js))
    check(merged["hosts"] == single["hosts"], "one summary: hosts unchanged")
    check(merged["vendors"] == single["vendors"], "one summary: vendor totals unchanged")
    check(merged["coverage"] == single["coverage"], "one summary: coverage unchanged")

    rows = list(csv.DictReader(io.StringIO(open(csvf, newline="").read(), newline="")))
    # One `usage` row per host x vendor, then one row per instance, web and inspection entry
    # of the summary (the demo has an on-prem part: its instances are rows of their own).
    want = sum(len(h["vendors"]) for h in single["hosts"])
    usage = [r for r in rows if r["section"] == "usage"]
    check(len(usage) == want and want > 0, f"csv: {len(usage)} usage rows, expected {want}")
    want_all = want + sum(len(single.get(k, [])) for k in ("instances", "web", "inspection"))
    check(len(rows) == want_all, f"csv: {len(rows)} rows, expected {want_all}")
    check(open(csvf, "rb").read().count(b"\r\n") == want_all + 1, "csv: CRLF line ends")
    r0 = rows[0]
    h0 = single["hosts"][0]
    check(r0["host"] == h0["ip"] and int(r0["bytes_to_vendor"]) == h0["vendors"][0]["bytes_to_vendor"],
          "csv: first row matches the summary")

    # Two summaries (the same scan twice, e.g. two sensors on one span): counters add up.
    p = run([vw, "report", "--json", "-", s1, s1])
    two = json.loads(p.stdout)
    check(all(a["bytes_to_vendor"] == 2 * b["bytes_to_vendor"]
              for a, b in zip(two["vendors"], single["vendors"])), "two summaries: bytes doubled")
    check(two["coverage"]["flows"] == 2 * single["coverage"]["flows"], "coverage summed")
    check(len(two["hosts"]) == len(single["hosts"]), "hosts united, not duplicated")

    # Errors name the file; exit codes follow cli/common.h.
    bad = os.path.join(work, "bad.json")
    open(bad, "w").write('{"hosts": [{"ip": 5}]}')
    p = run([vw, "report", bad])
    check(p.returncode == 2 and "bad.json" in p.stderr, f"bad summary: exit 2 naming it: {p.stderr}")
    p = run([vw, "report", os.path.join(work, "missing.json")])
    check(p.returncode == 1 and "missing.json" in p.stderr, "unreadable summary: exit 1")

    # 5,000 hosts with hostile strings.
    big = os.path.join(work, "big-summary.json")
    json.dump(big_summary(5000), open(big, "w"))
    big_html = os.path.join(work, "big-report.html")
    p = run([vw, "report", "--html", big_html, "--csv", os.path.join(work, "big.csv"), big])
    check(p.returncode == 0, f"big report: {p.returncode} {p.stderr}")
    text = open(big_html, encoding="utf-8").read()
    check("<script>alert" not in text and "<img src=x" not in text, "hostile strings escaped")
    check(not re.search(r"(src|href)=[\"']?(https?:|//)", text), "no external resources")
    check(len(re.findall(r"<script", text)) == 2, "only the data block and the report script")

    check_progress(vw, sys.argv[4] if len(sys.argv) > 4 else "")

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        if failures:
            return 1
        return skip_code("chromium not installed (Debian package chromium); non-browser checks "
                         "passed")
    dom, errors = chromium(html, os.path.join(work, "demo-report.png"))
    check(not errors, f"demo report: console errors: {errors}")
    check(dom.count("<svg") >= 4, f"demo report: charts present ({dom.count('<svg')} svg)")
    check("Page 1 of 1 (8 of 8 hosts)" in dom or "Page 1 of 1" in dom, "demo report: page info")
    for h in single["hosts"]:
        check(h["ip"] in dom, f"demo report shows host {h['ip']}")
    for v in single["vendors"]:
        check(v["name"].replace("&", "&amp;") in dom, f"demo report shows vendor {v['name']}")

    dom, errors = chromium(big_html, os.path.join(work, "big-report.png"))
    check(not errors, f"big report: console errors: {errors}")
    check("Page 1 of 100 (5000 of 5000 hosts)" in dom, "big report: paged, 50 hosts per page")
    check(dom.count("<svg") >= 4, "big report: charts present")
    check("<script>alert" not in dom.split('id="vw-data"')[0], "big report: hostile name inert")
    # Filter and paging (deep-link hash sets the filter box and the page).
    url = "file://" + os.path.abspath(big_html)
    dom = chromium_dom(url + "#page=7")
    check("Page 7 of 100 (5000 of 5000 hosts)" in dom and "10.0.1.44" in dom
          and "10.0.0.3<" not in dom, "big report: page 7 shows hosts 301-350")
    dom = chromium_dom(url + "#q=10.0.19.1")
    n = sum(1 for h in json.load(open(big))["hosts"] if "10.0.19.1" in h["ip"])
    check(f"Page 1 of 1 ({n} of 5000 hosts)" in dom and n > 1, "big report: filter by address")
    dom = chromium_dom(url + "#q=wiz")
    m = re.search(r"Page 1 of (\d+) \((\d+) of 5000 hosts\)", dom)
    wiz_hosts = sum(1 for h in json.load(open(big))["hosts"] if any(v["id"] == "wiz" for v in h["vendors"]))
    check(m and int(m.group(2)) == wiz_hosts, f"big report: filter by vendor ({m and m.group(2)} vs {wiz_hosts})")
    dom = chromium_dom("file://" + os.path.abspath(html) + "#q=10.20.0.12")
    check("Page 1 of 1 (1 of 8 hosts)" in dom, "demo report: filter to one host")
    print("screenshots:", os.path.join(work, "demo-report.png"), os.path.join(work, "big-report.png"))
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("report: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
