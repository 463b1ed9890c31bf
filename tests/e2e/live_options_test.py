#!/usr/bin/env python3
"""Every numeric option is range-checked: a value out of range, not a number, NaN or infinite is
exit 2 with a message naming the option and the accepted range, before any input is read or any
capture handle opened (issue 13.5). Needs no privileges: live never gets as far as opening an
interface ("x0" does not exist), and values at the edges of each range are accepted.

usage: live_options_test.py VENDORWATCH PCAPS_DIR WORK_DIR
"""
import os
import subprocess
import sys

failures = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg, flush=True)
    if not cond:
        failures.append(msg)


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    vw, pcaps, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    demo = os.path.join(pcaps, "demo.pcap")

    def run(args):
        return subprocess.run([vw] + args, capture_output=True, text=True, timeout=60)

    # (option, bad values, message fragment, a good edge value); shared by scan and live.
    pipeline = [
        ("--max-flows", ["0", "100000001", "-5", "1.5", "x"], "1 to 100000000", "1"),
        ("--idle-timeout", ["0", "-1", "31536001", "1e300", "nan", "inf", "-inf", "x"],
         "0.001 to 31536000", "31536000"),
        ("--active-timeout", ["-1", "31536001", "1e19", "nan"], "0 (off) or 0.001 to 31536000", "0"),
        ("--dpi-idle-timeout", ["-0.5", "4e7", "inf"], "0 (off) or 0.001 to 31536000", "0"),
        ("--dedup-window", ["-1", "31536001", "nan", "1e300"], "0 (off) or 0.001 to 31536000",
         "31536000"),
        ("--dpi-packets", ["0", "1001", "-1"], "1 to 1000", "1000"),
        ("--dpi-udp-unknown-packets", ["0", "1001"], "1 to 1000", "1"),
        ("--syslog-queue", ["0", "10000001"], "1 to 10000000", "10000000"),
        ("--flush-timeout", ["-1", "600001", "99999999999"], "0 to 600000", "600000"),
        ("--workers", ["0", "65", "4294967297"], "1 to 64", "64"),
    ]
    live_only = [
        ("--snaplen", ["63", "262145", "0"], "64 to 262144", "64"),
        ("--buffer-size", ["0", "4097", "4294967297", "-1"], "1 to 4096", "1"),
        ("--block-timeout", ["0", "1001"], "1 to 1000", "1000"),
        ("--summary-interval", ["-1", "0.5", "31536001", "nan"], "0 (off) or 1 to 31536000", "0"),
        ("--stats-interval", ["0.001", "inf", "1e300"], "0 (off) or 1 to 31536000", "31536000"),
        ("--metrics-timeout", ["99", "60001"], "100 to 60000", "100"),
        ("--metrics-connections", ["0", "1025"], "1 to 1024", "1024"),
    ]
    for opt, bads, rng, good in pipeline:
        for bad in bads:
            for cmd in (["scan", "-q", opt, bad, demo], ["live", "-i", "x0", opt, bad]):
                r = run(cmd)
                check(r.returncode == 2 and opt in r.stderr and
                      (rng in r.stderr or "not a number" in r.stderr or "not an integer" in
                       r.stderr),
                      f"{cmd[0]} {opt} {bad}: exit 2 naming the option and its range "
                      f"({r.returncode}: {r.stderr.strip()[:120]!r})")
        r = run(["scan", "-q", opt, good, demo])
        check(r.returncode == 0, f"scan {opt} {good} (edge of the range) is accepted "
                                 f"({r.returncode}: {r.stderr.strip()[:120]!r})")
    for opt, bads, rng, good in live_only:
        for bad in bads:
            r = run(["live", "-i", "x0", opt, bad])
            check(r.returncode == 2 and opt in r.stderr and
                  (rng in r.stderr or "not a number" in r.stderr or "not an integer" in r.stderr),
                  f"live {opt} {bad}: exit 2 naming the option and its range "
                  f"({r.returncode}: {r.stderr.strip()[:120]!r})")
        # The edge value passes validation: live then fails to open x0 (exit 1, not 2).
        r = run(["live", "-i", "x0", opt, good])
        check(r.returncode == 1 and "cannot capture on x0" in r.stderr,
              f"live {opt} {good} (edge of the range) passes validation "
              f"({r.returncode}: {r.stderr.strip()[:120]!r})")

    # --buffer-size is per interface, split between the workers' handles; libpcap takes at most
    # 2047 MiB per handle. Computed in 64 bits: 2048 and 4096 MiB are refused with the reason
    # (no int overflow into a small or negative size), and accepted once split.
    for size, workers, ok in (("2047", "1", True), ("2048", "1", False), ("4096", "1", False),
                              ("4096", "2", False), ("4096", "3", True)):
        r = run(["live", "-i", "x0", "--buffer-size", size, "--workers", workers])
        if ok:
            check(r.returncode == 1 and "cannot capture on x0" in r.stderr,
                  f"--buffer-size {size} over {workers} worker(s) is accepted ({r.returncode}: "
                  f"{r.stderr.strip()[:120]!r})")
        else:
            check(r.returncode == 2 and "at most 2047 MiB per handle" in r.stderr,
                  f"--buffer-size {size} over {workers} worker(s): exit 2, per-handle limit named "
                  f"({r.returncode}: {r.stderr.strip()[:160]!r})")

    # The same checks apply to --config values, with FILE:LINE.
    cfg = os.path.join(work, "range.toml")
    with open(cfg, "w") as f:
        f.write('interface = ["x0"]\nbuffer-size = 5000\nidle-timeout = 1e300\n')
    r = run(["live", "--config", cfg])
    check(r.returncode == 2 and f"{cfg}:2: 'buffer-size'" in r.stderr and
          f"{cfg}:3: 'idle-timeout'" in r.stderr,
          f"--config: out-of-range values are exit 2 with FILE:LINE ({r.stderr.strip()[:200]!r})")

    # Several interfaces: at most 16, no duplicates.
    many = []
    for i in range(17):
        many += ["-i", f"x{i}"]
    r = run(["live"] + many)
    check(r.returncode == 2 and "at most 16 interfaces" in r.stderr,
          f"17 interfaces: exit 2 ({r.returncode}: {r.stderr.strip()[:120]!r})")
    r = run(["live", "-i", "x0", "-i", "x0"])
    check(r.returncode == 2 and "given twice" in r.stderr,
          f"an interface given twice: exit 2 ({r.returncode}: {r.stderr.strip()[:120]!r})")

    # An unwritable --summary is a configuration error found before any input is read.
    r = run(["scan", "-q", "--summary", os.path.join(work, "no-such-dir", "s.json"), demo])
    check(r.returncode == 2 and "--summary" in r.stderr and r.stdout == "",
          f"scan: unwritable --summary is exit 2 before scanning ({r.returncode}: "
          f"{r.stderr.strip()[:160]!r})")

    print(f"{len(failures)} check(s) failed" if failures else "all option checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
