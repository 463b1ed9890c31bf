#!/usr/bin/env python3
"""Install layout and signature-directory order (issue 13.7).

`cmake --install BUILD --prefix P` must put the binary, the man page, the signatures, the docs
and the systemd unit where the unit and the docs say, the unit must pass what it claims (-Z),
and the binary must pick its signature directory in the documented order: --signatures, then
$VENDORWATCH_SIGNATURES, then the installed data directory; the source tree only for a
developer build run from its own build directory (`--version` says which was used).

usage: install_test.py VENDORWATCH BUILD_DIR PCAPS_DIR WORK_DIR
"""
import os
import re
import shutil
import subprocess
import sys

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg, flush=True)


def run(cmd, env=None, timeout=120):
    e = dict(os.environ)
    e.pop("VENDORWATCH_SIGNATURES", None)
    if env:
        e.update(env)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e,
                       timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def version(exe, env=None):
    rc, out, err = run([exe, "--version"], env)
    check(rc == 0, f"{exe} --version: exit {rc}: {err[-300:]}")
    m = re.search(r"signature directory from: (.*)", out)
    d = (re.search(r"signature set [^ ]+ \([^,]+, (.*)\)", out) or
         re.search(r"signature set: not loadable from (.*)", out))
    return (m.group(1).strip() if m else None), (d.group(1).strip() if d else None), out


def main():
    vw, build, pcaps, work = sys.argv[1:5]
    vw = os.path.abspath(vw)
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    prefix = os.path.join(work, "prefix")

    # 1. The developer build in its build directory reads the source tree.
    origin, d, out = version(vw)
    check(origin == "source tree (developer build)", f"build tree: origin {origin!r}: {out}")
    check(d is not None and os.path.samefile(d, os.path.join(src, "signatures", "vendors")),
          f"build tree: directory {d!r}")
    # 2. $VENDORWATCH_SIGNATURES comes before it.
    alt = os.path.join(work, "alt-sigs")
    shutil.copytree(os.path.join(src, "signatures", "vendors"), alt)
    origin, d, out = version(vw, {"VENDORWATCH_SIGNATURES": alt})
    check(origin == "VENDORWATCH_SIGNATURES" and d == alt, f"env: {origin!r} {d!r}: {out}")

    # 3. cmake --install into a fresh prefix.
    rc, out, err = run(["cmake", "--install", build, "--prefix", prefix], timeout=300)
    check(rc == 0, f"cmake --install: exit {rc}: {err[-500:]}")
    exe = os.path.join(prefix, "bin", "vendorwatch")
    sigdir = os.path.join(prefix, "share", "vendorwatch", "signatures")
    unit = os.path.join(prefix, "lib", "systemd", "system", "vendorwatch.service")
    for path in (exe, os.path.join(prefix, "share", "man", "man1", "vendorwatch.1"), unit,
                 os.path.join(sigdir, "_set.toml"), os.path.join(sigdir, "crowdstrike.toml"),
                 os.path.join(prefix, "share", "doc", "vendorwatch", "live.md"),
                 os.path.join(prefix, "share", "doc", "vendorwatch", "README.md")):
        check(os.path.isfile(path), f"not installed: {os.path.relpath(path, prefix)}")
    shipped = sorted(f for f in os.listdir(os.path.join(src, "signatures", "vendors"))
                     if f.endswith(".toml"))
    installed = sorted(os.listdir(sigdir)) if os.path.isdir(sigdir) else []
    check(installed == shipped, f"installed signatures {installed} != shipped {shipped}")

    # 4. The unit says what it does: ExecStart= is the installed binary and passes -Z, and its
    # Documentation= file exists.
    if os.path.isfile(unit):
        text = open(unit).read()
        m = re.search(r"^ExecStart=(\S+)(.*)$", text, re.M)
        check(m is not None and m.group(1) == exe, f"unit ExecStart binary: {m and m.group(1)}")
        check(m is not None and re.search(r"(^|\s)-Z vendorwatch(\s|$)", m.group(2)) is not None,
              f"unit claims -Z but ExecStart is {m and m.group(0)}")
        for doc in re.findall(r"^Documentation=file://(\S+)$", text, re.M):
            check(os.path.isfile(doc), f"unit Documentation= {doc} not installed")
        if "-Z vendorwatch" in text.split("[Unit]")[0]:
            check(m is not None and "-Z vendorwatch" in m.group(2),
                  "unit comment mentions -Z, ExecStart does not pass it")

    # 5. The installed binary uses the installed signatures, never the source tree, and works
    # without --signatures.
    if os.path.isfile(exe):
        origin, d, out = version(exe)
        check(origin == "installed" and d is not None and os.path.samefile(d, sigdir),
              f"installed binary: {origin!r} {d!r}: {out}")
        rc, out, err = run([exe, "scan", "-q", os.path.join(pcaps, "demo.pcap")])
        check(rc == 0 and '"event_type":"vendor"' in out.replace(" ", ""),
              f"installed binary scan demo.pcap: exit {rc}: {err[-300:]}")
        # --signatures comes first of all.
        origin, d, out = version(exe, {"VENDORWATCH_SIGNATURES": alt})
        check(origin == "VENDORWATCH_SIGNATURES", f"installed binary with env: {origin!r}")
        rc, out, err = run([exe, "scan", "-q", "--signatures", os.path.join(work, "nope"),
                            os.path.join(pcaps, "demo.pcap")], {"VENDORWATCH_SIGNATURES": alt})
        check(rc == 2 and "nope" in err, f"--signatures does not win over env: exit {rc}")

    # 6. The developer binary copied out of its build directory does not read the source tree
    # either (the regression: it used to prefer the source tree wherever it ran).
    lone = os.path.join(work, "lone", "vendorwatch")
    os.makedirs(os.path.dirname(lone))
    shutil.copy2(vw, lone)
    origin, d, out = version(lone)
    check(origin == "installed" and d is not None and
          not os.path.abspath(d).startswith(os.path.join(src, "signatures")),
          f"copied developer binary: {origin!r} {d!r}")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("install: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
