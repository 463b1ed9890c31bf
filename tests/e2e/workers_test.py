#!/usr/bin/env python3
"""1, 2 and 3 workers give the same events (as a multiset) and the same summary; the same
worker count gives byte-identical output run after run.

Inputs: the bundled pcaps/, the whole nDPI corpus, and a 100k-packet slice of the standard
benchmark capture (built with ../shared/bench/make-bench-mix.sh when not cached).

usage: workers_test.py VENDORWATCH PCAPS_DIR SHARED_DIR WORK_DIR
"""
import json
import os
import subprocess
import sys

from vwtest import no_skip, skip

LOGS = ["--log-flows", "--log-dns", "--log-http", "--dedup-window", "60"]


def run(vw, inputs, workers, work, tag):
    summary = os.path.join(work, f"{tag}-w{workers}.summary.json")
    p = subprocess.run([vw, "scan", "-q", "--workers", str(workers), "--summary", summary]
                       + LOGS + inputs, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=1800)
    if p.returncode not in (0, 1):
        print(f"FAIL {tag} workers={workers}: exit {p.returncode}: {p.stderr.decode()[-500:]}")
        sys.exit(1)
    with open(summary) as f:
        s = json.load(f)
    s.pop("generated", None)  # wall-clock time of writing, if present
    meta = s.get("meta") or {}
    meta.pop("generated", None)
    return p.stdout, s


def bench_slice(shared, work):
    """A 100k-packet slice of bench-mix (cached in WORK)."""
    out = os.path.join(work, "bench-mix-100k.pcap")
    if os.path.exists(out):
        return out
    script = os.path.join(shared, "bench", "make-bench-mix.sh")
    if not os.path.exists(script):
        return None
    full = os.environ.get("VW_BENCH_MIX") or os.path.join(work, "bench-mix.pcap")
    if not os.path.exists(full):
        subprocess.run(["sh", script, full], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["tcpdump", "-r", full, "-c", "100000", "-w", out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if full == os.path.join(work, "bench-mix.pcap"):
        os.unlink(full)  # 0.7 GB: keep only the slice
    return out


def main():
    vw, pcaps, shared, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    cases = [("pcaps", [pcaps])]
    corpus = os.path.join(shared, "pcaps", "ndpi")
    if os.path.isdir(corpus):
        cases.append(("ndpi-corpus", [corpus]))
    sl = bench_slice(shared, work)
    if sl:
        cases.append(("bench-mix-100k", [sl]))
    # Normally one of the two shared inputs is enough; in CI (VW_NO_SKIP=1) both must be there.
    if len(cases) < 2 or (no_skip() and len(cases) < 3):
        skip(f"{shared}: missing the nDPI corpus or the benchmark script (have "
             f"{', '.join(c[0] for c in cases)})")
    failures = 0
    for tag, inputs in cases:
        base_out, base_sum = run(vw, inputs, 1, work, tag)
        base_lines = sorted(base_out.splitlines())
        kinds = {}
        for line in base_lines:
            k = json.loads(line)["event_type"]
            kinds[k] = kinds.get(k, 0) + 1
        if not base_lines or "flow" not in kinds:
            print(f"FAIL {tag}: no events with 1 worker")
            failures += 1
            continue
        for w in (2, 3):
            out, summ = run(vw, inputs, w, work, tag)
            lines = sorted(out.splitlines())
            if lines != base_lines:
                a, b = set(base_lines), set(lines)
                print(f"FAIL {tag}: workers={w} events differ from workers=1: "
                      f"{len(a - b)} only with 1, {len(b - a)} only with {w}")
                for x in sorted(a - b)[:3]:
                    print("  only w1:", x[:300])
                for x in sorted(b - a)[:3]:
                    print(f"  only w{w}:", x[:300])
                failures += 1
            if summ != base_sum:
                print(f"FAIL {tag}: workers={w} summary differs from workers=1")
                failures += 1
            if w == 2:
                again, _ = run(vw, inputs, w, work, tag + "-again")
                if again != out:
                    print(f"FAIL {tag}: two runs with workers=2 wrote different output")
                    failures += 1
        print(f"{tag}: {len(base_lines)} events ({', '.join(f'{k}={v}' for k, v in sorted(kinds.items()))})"
              f", {len(base_sum.get('hosts', []))} ledger hosts: identical for 1, 2, 3 workers")
    if failures:
        print(f"0 passed, {failures} failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
