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


def skip(msg):
    # ctest treats exit code 77 as "skipped" (SKIP_RETURN_CODE).
    print(f"SKIPPED: {msg}")
    sys.exit(77)
