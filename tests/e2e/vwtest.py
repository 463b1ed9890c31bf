"""Shared helpers for the end-to-end tests: run the real vendorwatch binary and read its output."""
import json
import os
import subprocess
import sys


def run_vw(binary, args, timeout=600, stdin=None):
    """Runs vendorwatch; returns (returncode, events list, stderr text)."""
    p = subprocess.run([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, input=stdin)
    events = []
    for line in p.stdout.decode("utf-8", "replace").split("\n"):
        line = line.strip()
        if not line:
            continue
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError as e:
            if p.returncode < 0:
                break  # crashed mid-line: the caller reports the signal
            raise AssertionError(f"stdout line is not JSON: {line[:200]!r}: {e}")
    return p.returncode, events, p.stderr.decode("utf-8", "replace")


def corpus(shared):
    d = os.path.join(shared, "pcaps", "ndpi")
    if not os.path.isdir(d):
        return None
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f.endswith((".pcap", ".pcapng", ".cap")))


SKIP = 77  # ctest's SKIP_RETURN_CODE for these tests


def no_skip():
    """True in CI (.ci/run exports VW_NO_SKIP=1; CI=true or VW_CI=1 count too): CI installs
    every tool and provides ../shared, so a missing one means a broken install step, and the
    test must fail rather than skip."""
    env = os.environ
    return (env.get("VW_NO_SKIP", "") not in ("", "0") or env.get("VW_CI", "") not in ("", "0")
            or env.get("CI", "").lower() == "true")


def skip_code(msg):
    """Reports a missing tool/input and returns the exit code to use: 77 (ctest: skipped)
    normally, 1 (failed) under VW_NO_SKIP=1."""
    if no_skip():
        print(f"FAILED: {msg} (VW_NO_SKIP=1: a missing tool or input fails the test)", flush=True)
        return 1
    print(f"SKIPPED: {msg}", flush=True)
    return SKIP


def skip(msg):
    """Exits with skip_code(msg)."""
    sys.exit(skip_code(msg))


def optional(msg):
    """A check inside a passing test cannot run (tool or input missing): a note normally,
    the test's failure under VW_NO_SKIP=1 (raises AssertionError)."""
    if no_skip():
        raise AssertionError(f"{msg} (VW_NO_SKIP=1: a missing tool or input fails the test)")
    print(f"note: skipped: {msg}", flush=True)
