#!/usr/bin/env python3
"""Syslog delivery tests of vendorwatch's sinks against a real rsyslogd.

Each scenario starts its own rsyslogd (-n -f CONF -i PIDFILE) on a free loopback port, with its
own config, work directory and output file under a fresh temp directory, drives
vw_sink_driver (synthetic vendor events with unique sequence numbers) through it, and checks
what rsyslog parsed. Works as root and as an unprivileged user; exits 77 (ctest SKIP) when
rsyslogd, or for TLS its openssl/gnutls network stream driver, is missing (exits 1 instead
under VW_NO_SKIP=1, as in CI).

  syslog_integration.py --driver PATH/vw_sink_driver --scenario NAME [--keep]

Scenarios: rfc5424_tcp rfc5424_udp cef_tcp restart closed_ports late_collector tls mtls
Environment: VW_RSYSLOGD=/path/to/rsyslogd overrides the search (empty or bad path: skip).
"""

import argparse
import glob
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

# The e2e tests' shared helper: skip (77) normally, fail under VW_NO_SKIP=1 (CI).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "e2e"))
from vwtest import SKIP, skip_code  # noqa: E402
APP = "vendorwatch"
SD_ID = "vendorwatch@32473"
# The driver's hostile name (see sink_driver.cc) as an SD-PARAM / CEF field shows it once
# rsyslog and a CEF parser have undone their own escaping: the display escape (escape.h) of
# every control byte and invalid byte, the backslash doubled.
HOSTILE_SD = r'ev"il]\\name|x=y\x0d\x0a<13>1 forged \x01\x7f\xff\xc0\xaf' + 'caf\u00e9'
HOSTILE_CEF = HOSTILE_SD

# The rsyslog template used by every scenario: the parsed RFC 5424 fields, one line per message.
TEMPLATE = ('template(name="vwline" type="string" '
            'string="%app-name%\\t%msgid%\\t%structured-data%\\t%msg%\\n")')


class TestFailure(Exception):
    pass


def die_with_parent():
    """preexec_fn: the child gets SIGKILL if this script dies (ctest timeout, Ctrl-C)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def log(msg):
    print(msg, flush=True)


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def find_rsyslogd():
    if "VW_RSYSLOGD" in os.environ:  # override (an empty or bad path tests the skip)
        cand = os.environ["VW_RSYSLOGD"]
        return cand if cand and os.access(cand, os.X_OK) else None
    for cand in (shutil.which("rsyslogd"), "/usr/sbin/rsyslogd", "/sbin/rsyslogd"):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


def rsyslog_module_dirs():
    return ["/usr/lib/x86_64-linux-gnu/rsyslog", "/usr/lib/aarch64-linux-gnu/rsyslog",
            "/usr/lib/rsyslog", "/usr/lib64/rsyslog"]


def tls_driver_available():
    """'ossl' or 'gtls' if rsyslog's TLS network stream driver is installed."""
    for d in rsyslog_module_dirs():
        if os.path.exists(os.path.join(d, "lmnsd_ossl.so")):
            return "ossl"
    for d in rsyslog_module_dirs():
        if os.path.exists(os.path.join(d, "lmnsd_gtls.so")):
            return "gtls"
    return None


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_bound(port, udp=False):
    """True if a socket listens (TCP) / is bound (UDP) on 127.0.0.1:port, from /proc/net."""
    path = "/proc/net/udp" if udp else "/proc/net/tcp"
    want = "0100007F:%04X" % port
    try:
        with open(path) as f:
            next(f)
            for line in f:
                parts = line.split()
                if parts[1] == want and (udp or parts[3] == "0A"):
                    return True
    except OSError:
        pass
    return False


class Rsyslog:
    """One rsyslogd instance with its own config, work dir, pid file and output file."""

    def __init__(self, rsyslogd, tmp, name, port, udp=False, tls=None):
        self.rsyslogd = rsyslogd
        self.dir = os.path.join(tmp, name)
        self.work = os.path.join(self.dir, "work")
        os.makedirs(self.work, exist_ok=True)
        self.conf = os.path.join(self.dir, "rsyslog.conf")
        self.pidfile = os.path.join(self.dir, "rsyslogd.pid")
        self.out = os.path.join(self.dir, "out.log")
        self.logfile = os.path.join(self.dir, "rsyslogd.log")
        self.port = port
        self.udp = udp
        self.proc = None
        with open(self.conf, "w") as f:
            f.write(self.config(tls))

    def config(self, tls):
        lines = []
        g = 'global(workDirectory="%s" maxMessageSize="64k"' % self.work
        if tls:
            g += ('\n       defaultNetstreamDriver="%s"'
                  '\n       defaultNetstreamDriverCAFile="%s"'
                  '\n       defaultNetstreamDriverCertFile="%s"'
                  '\n       defaultNetstreamDriverKeyFile="%s"') % (
                      tls["driver"], tls["ca"], tls["cert"], tls["key"])
        lines.append(g + ")")
        if self.udp:
            lines.append('module(load="imudp")')
            lines.append('input(type="imudp" address="127.0.0.1" port="%d" ruleset="vw")'
                         % self.port)
        elif tls:
            lines.append('module(load="imtcp" streamDriver.name="%s" streamDriver.mode="1"'
                         ' streamDriver.authMode="%s")' % (tls["driver"], tls["authmode"]))
            lines.append('input(type="imtcp" address="127.0.0.1" port="%d" ruleset="vw")'
                         % self.port)
        else:
            lines.append('module(load="imtcp")')
            lines.append('input(type="imtcp" address="127.0.0.1" port="%d" ruleset="vw")'
                         % self.port)
        lines.append(TEMPLATE)
        lines.append('ruleset(name="vw") {\n'
                     '  action(type="omfile" file="%s" template="vwline")\n}' % self.out)
        return "\n".join(lines) + "\n"

    def start(self, timeout=20):
        if os.path.exists(self.pidfile):
            os.unlink(self.pidfile)
        logf = open(self.logfile, "a")
        self.proc = subprocess.Popen(
            [self.rsyslogd, "-n", "-f", self.conf, "-i", self.pidfile],
            stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=die_with_parent)
        logf.close()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise TestFailure("rsyslogd exited with %s; log:\n%s" %
                                  (self.proc.returncode, self.read_log()))
            if port_bound(self.port, self.udp):
                return
            time.sleep(0.05)
        raise TestFailure("rsyslogd did not bind port %d within %ds; log:\n%s" %
                          (self.port, timeout, self.read_log()))

    def kill(self, sig=signal.SIGKILL):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def read_log(self):
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def records(self):
        """[(app, msgid, sd, msg)] parsed from the output file."""
        try:
            with open(self.out, "rb") as f:
                data = f.read().decode("utf-8", errors="strict")
        except FileNotFoundError:
            return []
        out = []
        for line in data.split("\n"):
            if not line:
                continue
            parts = line.split("\t", 3)
            check(len(parts) == 4, "rsyslog output line with %d fields: %r" % (len(parts), line))
            out.append(tuple(parts))
        return out

    def wait_records(self, pred, timeout=30):
        end = time.monotonic() + timeout
        while True:
            recs = self.records()
            if pred(recs) or time.monotonic() > end:
                return recs
            time.sleep(0.1)


# ---- wire format parsers (independent of the C++ code) -------------------------------------

def parse_sd(sd):
    """RFC 5424 STRUCTURED-DATA -> [(sd_id, {name: value})]."""
    if sd == "-":
        return []
    elems, i = [], 0
    while i < len(sd):
        check(sd[i] == "[", "SD does not start with '[': %r" % sd)
        i += 1
        j = i
        while sd[j] not in " ]":
            j += 1
        sd_id, i, params = sd[i:j], j, {}
        while sd[i] == " ":
            eq = sd.index("=", i)
            name = sd[i + 1:eq]
            check(sd[eq + 1] == '"', "PARAM-VALUE not quoted in %r" % sd)
            i, value = eq + 2, []
            while True:
                c = sd[i]
                if c == "\\" and sd[i + 1] in '"\\]':
                    value.append(sd[i + 1])
                    i += 2
                elif c == '"':
                    i += 1
                    break
                else:
                    check(c != "]", "unescaped ']' in PARAM-VALUE of %r" % sd)
                    value.append(c)
                    i += 1
            params[name] = "".join(value)
        check(sd[i] == "]", "SD-ELEMENT not closed in %r" % sd)
        i += 1
        elems.append((sd_id, params))
    return elems


def parse_cef(line):
    """CEF line -> (header fields [7], {key: value})."""
    check(line.startswith("CEF:0|"), "not a CEF line: %r" % line[:80])
    header, cur, i = [], [], 0
    while len(header) < 7:
        c = line[i]
        if c == "\\":
            check(line[i + 1] in "|\\", "bad escape in CEF header: %r" % line[:200])
            cur.append(line[i + 1])
            i += 2
        elif c == "|":
            header.append("".join(cur))
            cur, i = [], i + 1
        else:
            cur.append(c)
            i += 1
    ext = line[i:]
    keys, k = [], 0
    while k < len(ext):
        if ext[k] == "\\":
            k += 2
            continue
        if ext[k] == "=":
            b = k
            while b > 0 and (ext[b - 1].isalnum() or ext[b - 1] == "_"):
                b -= 1
            check(b < k and (b == 0 or ext[b - 1] == " "), "unescaped '=' in CEF value: %r" % ext)
            keys.append((b, k))
        k += 1
    values = {}
    for n, (b, eq) in enumerate(keys):
        end = keys[n + 1][0] - 1 if n + 1 < len(keys) else len(ext)
        raw, val, j = ext[eq + 1:end], [], 0
        while j < len(raw):
            if raw[j] == "\\":
                nxt = raw[j + 1]
                val.append({"n": "\n", "r": "\r"}.get(nxt, nxt))
                j += 2
            else:
                val.append(raw[j])
                j += 1
        values[ext[b:eq]] = "".join(val)
    return header, values


# ---- driver ---------------------------------------------------------------------------------

def driver_cmd(args, url, count, rate=0, extra=()):
    # --hostile: every event with seq % 10 == 3 carries framing-breaking names.
    cmd = [args.driver, "--syslog", url, "--count", str(count), "--rate", str(rate), "--hostile"]
    cmd += [e for e in extra if e != "--hostile"]
    return cmd


def run_driver(cmd, timeout=120):
    log("$ " + " ".join(cmd))
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.stderr.strip():
        log("driver stderr: " + p.stderr.strip())
    check(p.returncode == 0, "driver exited with %d" % p.returncode)
    stats = json.loads(p.stdout.strip().splitlines()[-1])
    log("driver stats: " + json.dumps(stats, sort_keys=True))
    return stats


def finish_driver(proc, timeout=120):
    out, err = proc.communicate(timeout=timeout)
    if err.strip():
        log("driver stderr: " + err.strip())
    check(proc.returncode == 0, "driver exited with %d" % proc.returncode)
    stats = json.loads(out.strip().splitlines()[-1])
    log("driver stats: " + json.dumps(stats, sort_keys=True))
    return stats


def seq_of_5424(rec):
    return json.loads(rec[3])["seq"]


def check_5424_record(rec):
    app, msgid, sd, msg = rec
    check(app == APP, "app-name %r" % app)
    check(msgid == "vendor", "msgid %r" % msgid)
    elems = parse_sd(sd)
    check(len(elems) == 1 and elems[0][0] == SD_ID, "SD %r" % sd)
    p = elems[0][1]
    ev = json.loads(msg)
    seq = ev["seq"]
    check(p["host"] == "10.1.2.3" and p["vendor"] == "crowdstrike" and
          p["product"] == "falcon-sensor" and p["status"] == "banned" and
          p["confidence"] == "high", "SD params %r" % p)
    check(p["flow_id"] == str(seq + 1), "flow_id %r for seq %d" % (p["flow_id"], seq))
    if seq % 10 == 3:  # --hostile
        check(p["dest"] == HOSTILE_SD, "hostile dest %r" % p["dest"])
        check(p["evidence"] == "tls.sni=" + HOSTILE_SD, "hostile evidence %r" % p["evidence"])
        check(ev["dest_name"].startswith('ev"il]\\name|x=y\r\n'), "JSON %r" % ev["dest_name"])
    else:
        check(p["dest"] == "ts01-b.cloudsink.net", "dest %r" % p["dest"])
    return seq


def seq_of_cef(rec):
    _, values = parse_cef(rec[3])
    return int(values["cn1"]) - 1


def check_cef_record(rec):
    app, msgid, sd, msg = rec
    check(app == APP and msgid == "vendor" and sd == "-", "header %r" % (rec[:3],))
    header, ext = parse_cef(msg)
    check(header == ["CEF:0", "vendorwatch", "vendorwatch", header[3], "vendor:crowdstrike",
                     "CrowdStrike Falcon sensor traffic", "9"], "CEF header %r" % header)
    seq = int(ext["cn1"]) - 1
    check(ext["cs1Label"] == "vendor" and ext["cs1"] == "crowdstrike", "cs1 %r" % ext)
    check(ext["cs2"] == "falcon-sensor" and ext["cs3"] == "high" and ext["cs5"] == "banned",
          "cs2/3/5 %r" % ext)
    check(ext["src"] == "10.1.2.3" and ext["dst"] == "203.0.113.7" and ext["dpt"] == "443" and
          ext["proto"] == "TCP", "5-tuple %r" % ext)
    check(ext["rt"] == str(1709294400000 + seq), "rt %r for seq %d" % (ext["rt"], seq))
    want = HOSTILE_CEF if seq % 10 == 3 else "ts01-b.cloudsink.net"
    check(ext["dhost"] == want, "dhost %r" % ext["dhost"])
    check(ext["cs4"] == "tls.sni=" + want, "cs4 %r" % ext["cs4"])
    return seq


def count_seqs(seqs, n, first=0):
    want = set(range(first, first + n))
    got = [s for s in seqs if s in want]
    unique = set(got)
    return len(got), len(want - unique), len(got) - len(unique)


# ---- TLS material ---------------------------------------------------------------------------

def make_pki(d):
    """A test CA, a server cert (localhost, 127.0.0.1), a client cert, and an unrelated CA."""
    openssl = shutil.which("openssl")
    if not openssl:
        return None
    os.makedirs(d, exist_ok=True)

    def run(*a):
        subprocess.run([openssl] + list(a), check=True, capture_output=True, cwd=d)

    for ca in ("ca", "otherca"):
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=vendorwatch test %s" % ca, "-keyout", ca + ".key", "-out", ca + ".pem")
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                "extendedKeyUsage=serverAuth\n")
    with open(os.path.join(d, "client.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    for who in ("server", "client"):
        run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=%s" % (
            "localhost" if who == "server" else "vw-sensor"),
            "-keyout", who + ".key", "-out", who + ".csr")
        run("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", who + ".ext", "-out", who + ".pem")
    for name in os.listdir(d):  # rsyslog may run unprivileged: keep everything readable
        os.chmod(os.path.join(d, name), 0o644)
    return {n: os.path.join(d, n + ".pem") for n in ("ca", "otherca", "server", "client")} | {
        "server_key": os.path.join(d, "server.key"), "client_key": os.path.join(d, "client.key")}


# ---- scenarios ------------------------------------------------------------------------------

def scenario_rfc5424_tcp(args, rsyslogd, tmp):
    n = 500
    rs = Rsyslog(rsyslogd, tmp, "rs", free_port())
    rs.start()
    try:
        stats = run_driver(driver_cmd(args, "tcp://127.0.0.1:%d" % rs.port, n,
                                      extra=["--hostile"]))
        recs = rs.wait_records(lambda r: len(r) >= n)
    finally:
        rs.stop()
    recs = rs.records()
    seqs = [check_5424_record(r) for r in recs]
    total, lost, dups = count_seqs(seqs, n)
    log("rfc5424_tcp: written=%d sent=%d received=%d lost=%d duplicates=%d"
        % (n, stats["sent"], len(recs), lost, dups))
    check(stats["flushed"] and stats["sent"] == n and stats["failed"] == 0, "driver stats")
    check(len(recs) == n and lost == 0 and dups == 0, "every event exactly once")


def scenario_rfc5424_udp(args, rsyslogd, tmp):
    n = 100
    rs = Rsyslog(rsyslogd, tmp, "rs", free_port(socket.SOCK_DGRAM), udp=True)
    rs.start()
    try:
        # Paced: loopback UDP has no flow control, the test must not depend on buffer sizes.
        stats = run_driver(driver_cmd(args, "udp://127.0.0.1:%d" % rs.port, n, rate=200,
                                      extra=["--hostile"]))
        recs = rs.wait_records(lambda r: len(r) >= n)
    finally:
        rs.stop()
    recs = rs.records()
    seqs = [check_5424_record(r) for r in recs]
    total, lost, dups = count_seqs(seqs, n)
    log("rfc5424_udp: written=%d sent=%d received=%d lost=%d" % (n, stats["sent"], len(recs),
                                                                   lost))
    check(stats["sent"] == n and stats["failed"] == 0, "driver stats")
    check(lost == 0 and dups == 0, "every datagram parsed once")


def scenario_cef_tcp(args, rsyslogd, tmp):
    n = 300
    rs = Rsyslog(rsyslogd, tmp, "rs", free_port())
    rs.start()
    try:
        stats = run_driver(driver_cmd(args, "tcp://127.0.0.1:%d" % rs.port, n,
                                      extra=["--hostile", "--syslog-format", "cef"]))
        recs = rs.wait_records(lambda r: len(r) >= n)
    finally:
        rs.stop()
    recs = rs.records()
    seqs = [check_cef_record(r) for r in recs]
    total, lost, dups = count_seqs(seqs, n)
    log("cef_tcp: written=%d sent=%d received=%d lost=%d duplicates=%d"
        % (n, stats["sent"], len(recs), lost, dups))
    check(stats["sent"] == n and stats["failed"] == 0, "driver stats")
    check(len(recs) == n and lost == 0 and dups == 0, "every CEF event exactly once")


def scenario_restart(args, rsyslogd, tmp):
    n, rate = 1600, 200  # 8 s of events
    rs = Rsyslog(rsyslogd, tmp, "rs", free_port())
    rs.start()
    t0 = time.monotonic()
    drv = subprocess.Popen(driver_cmd(args, "tcp://127.0.0.1:%d" % rs.port, n, rate=rate,
                                      extra=["--flush-timeout", "30000"]),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=die_with_parent)
    try:
        before = rs.wait_records(lambda r: len(r) >= 400, timeout=60)
        check(len(before) >= 400, "rsyslog got only %d events before the kill" % len(before))
        rs.kill(signal.SIGKILL)
        log("restart: SIGKILL rsyslogd at t=%.1fs after %d events were written to its file"
            % (time.monotonic() - t0, len(before)))
        time.sleep(1.0)
        rs.start()
        log("restart: rsyslogd restarted on port %d at t=%.1fs" % (rs.port, time.monotonic() - t0))
        stats = finish_driver(drv)
        drv = None
        log("restart: driver done at t=%.1fs" % (time.monotonic() - t0))
        rs.wait_records(lambda r: count_seqs([seq_of_5424(x) for x in r], n)[1] == 0,
                        timeout=15)
    finally:
        if drv is not None:
            drv.kill()
            drv.wait()
        rs.stop()
    recs = rs.records()
    seqs = [check_5424_record(r) for r in recs]
    total, lost, dups = count_seqs(seqs, n)
    log("restart: written=%d sent=%d resent=%d reconnects=%d received=%d duplicates=%d lost=%d"
        % (n, stats["sent"], stats["resent"], stats["reconnects"], total, dups, lost))
    check(lost == 0, "%d events lost" % lost)
    check(stats["sent"] == n and stats["failed"] == 0 and stats["dropped"] == 0,
          "driver stats")
    check(stats["reconnects"] >= 1 and stats["resent"] >= 1,
          "the kill must have caused a reconnect and a re-send")


def scenario_closed_ports(args, rsyslogd, tmp):
    port = free_port(socket.SOCK_DGRAM)
    stats = run_driver(driver_cmd(args, "udp://127.0.0.1:%d" % port, 50, rate=1000))
    check(stats["sent"] + stats["failed"] + stats["dropped"] == 50, "UDP accounting")
    log("closed_ports: udp to a closed port: sent=%d failed=%d (ICMP refused), run not failed"
        % (stats["sent"], stats["failed"]))
    port = free_port()
    stats = run_driver(driver_cmd(args, "tcp://127.0.0.1:%d" % port, 20,
                                  extra=["--flush-timeout", "1000"]))
    check(not stats["flushed"] and stats["sent"] == 0 and stats["failed"] == 20 and
          stats["leftover"] == 20, "TCP to a closed port: all 20 reported as not delivered")
    check("refused" in stats["last_error"].lower(), "last_error %r" % stats["last_error"])
    log("closed_ports: tcp to a closed port: failed=%d leftover=%d, run not failed"
        % (stats["failed"], stats["leftover"]))


def scenario_late_collector(args, rsyslogd, tmp):
    n, rate = 600, 200
    rs = Rsyslog(rsyslogd, tmp, "rs", free_port())
    drv = subprocess.Popen(driver_cmd(args, "tcp://127.0.0.1:%d" % rs.port, n, rate=rate,
                                      extra=["--flush-timeout", "30000"]),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=die_with_parent)
    try:
        time.sleep(1.0)  # the driver is writing into a refused port
        rs.start()
        stats = finish_driver(drv)
        drv = None
        rs.wait_records(lambda r: len(r) >= n)
    finally:
        if drv is not None:
            drv.kill()
            drv.wait()
        rs.stop()
    seqs = [check_5424_record(r) for r in rs.records()]
    total, lost, dups = count_seqs(seqs, n)
    log("late_collector: written=%d sent=%d received=%d lost=%d" % (n, stats["sent"], total, lost))
    check(lost == 0 and stats["sent"] == n and stats["failed"] == 0, "all delivered")


def tls_setup(tmp, authmode):
    drv = tls_driver_available()
    if not drv:
        return None, ("rsyslog TLS driver not installed "
                      "(apt-get install rsyslog-openssl or rsyslog-gnutls)")
    pki = make_pki(os.path.join(tmp, "pki"))
    if not pki:
        return None, "openssl command not found"
    return {"driver": drv, "ca": pki["ca"], "cert": pki["server"], "key": pki["server_key"],
            "authmode": authmode, "pki": pki}, None


def scenario_tls(args, rsyslogd, tmp):
    tls, why = tls_setup(tmp, "anon")
    if not tls:
        return skip_code(why)
    pki = tls["pki"]
    rs = Rsyslog(rsyslogd, tmp, "rs", free_port(), tls=tls)
    rs.start()
    url = "tls://localhost:%d" % rs.port
    try:
        n = 200
        good = run_driver(driver_cmd(args, url, n, extra=["--hostile", "--syslog-ca", pki["ca"]]))
        ip = run_driver(driver_cmd(args, "tls://127.0.0.1:%d" % rs.port, 10,
                                   extra=["--syslog-ca", pki["ca"], "--start-seq", "1000"]))
        wrong_ca = run_driver(driver_cmd(args, url, 20,
                                         extra=["--syslog-ca", pki["otherca"], "--start-seq",
                                                "2000", "--flush-timeout", "2000"]))
        wrong_name = run_driver(driver_cmd(args, url, 20,
                                           extra=["--syslog-ca", pki["ca"], "--start-seq", "3000",
                                                  "--syslog-tls-name", "collector.example",
                                                  "--flush-timeout", "2000"]))
        rs.wait_records(lambda r: len(r) >= n + 10)
        time.sleep(0.5)
    finally:
        rs.stop()
    seqs = [check_5424_record(r) for r in rs.records()]
    _, lost, dups = count_seqs(seqs, n)
    log("tls: written=%d sent=%d lost=%d duplicates=%d" % (n, good["sent"], lost, dups))
    check(good["sent"] == n and lost == 0 and dups == 0, "TLS with the right CA: all delivered")
    check(ip["sent"] == 10 and count_seqs(seqs, 10, 1000)[1] == 0,
          "TLS to an IP literal verified against the IP SAN")
    for name, st, first in (("wrong CA", wrong_ca, 2000), ("wrong name", wrong_name, 3000)):
        got = count_seqs(seqs, 20, first)[0]
        log("tls: %s: sent=%d failed=%d received=%d last_error=%r"
            % (name, st["sent"], st["failed"], got, st["last_error"]))
        check(st["sent"] == 0 and st["failed"] == 20 and got == 0, name + ": nothing delivered")
        check("certificate" in st["last_error"], name + ": error names the certificate")


def scenario_mtls(args, rsyslogd, tmp):
    tls, why = tls_setup(tmp, "x509/certvalid")
    if not tls:
        return skip_code(why)
    pki = tls["pki"]
    rs = Rsyslog(rsyslogd, tmp, "rs", free_port(), tls=tls)
    rs.start()
    url = "tls://localhost:%d" % rs.port
    try:
        n = 100
        good = run_driver(driver_cmd(args, url, n,
                                     extra=["--syslog-ca", pki["ca"], "--syslog-cert",
                                            pki["client"], "--syslog-key", pki["client_key"]]))
        nocert = run_driver(driver_cmd(args, url, 20,
                                       extra=["--syslog-ca", pki["ca"], "--start-seq", "5000",
                                              "--flush-timeout", "3000"]))
        rs.wait_records(lambda r: len(r) >= n)
        time.sleep(0.5)
    finally:
        rs.stop()
    seqs = [check_5424_record(r) for r in rs.records()]
    _, lost, _ = count_seqs(seqs, n)
    got = count_seqs(seqs, 20, 5000)[0]
    log("mtls: with client cert sent=%d lost=%d; without: sent=%d failed=%d received=%d "
        "reconnects=%d" % (good["sent"], lost, nocert["sent"], nocert["failed"], got,
                           nocert["reconnects"]))
    check(good["sent"] == n and lost == 0, "client certificate accepted, all delivered")
    check(nocert["sent"] == 0 and nocert["failed"] == 20 and got == 0,
          "without a client certificate nothing is delivered and nothing is counted as sent")


def alert_key(e):
    """(kind, flow, host, vendor) of a vendor event or an inspection finding (whose host and
    vendor sit inside its "inspection" object)."""
    body = e["inspection"] if e["event_type"] == "inspection" else e
    return (e["event_type"], e["flow_id"], body["host"], body["vendor"]["id"])


def scenario_scan_tcp(args, rsyslogd, tmp):
    """The real binary: every alert of a scan of the bundled captures (vendor events and
    TLS-inspection findings) arrives over TCP and rsyslog parses it as RFC 5424 (APP-NAME,
    MSGID, structured data), the same alerts as the --eve file of the same run."""
    if not args.vendorwatch or not args.pcaps:
        return skip_code("--vendorwatch/--pcaps not given")
    pcaps = sorted(glob.glob(os.path.join(args.pcaps, "*.pcap")))
    eve = os.path.join(tmp, "eve.json")
    rs = Rsyslog(rsyslogd, tmp, "rs", free_port())
    rs.start()
    try:
        p = subprocess.run([args.vendorwatch, "scan", "-q", "--dedup-window", "0", "--eve", eve,
                            "--syslog", "tcp://127.0.0.1:%d" % rs.port] + pcaps,
                           capture_output=True, text=True, timeout=300)
        check(p.returncode == 0, "vendorwatch exited %d: %s" % (p.returncode, p.stderr[-500:]))
        with open(eve) as f:
            events = [json.loads(line) for line in f if line.strip()]
        alerts = [e for e in events if e["event_type"] in ("vendor", "inspection")]
        check(any(e["event_type"] == "vendor" for e in alerts),
              "the captures produce vendor alerts")
        check(any(e["event_type"] == "inspection" for e in alerts),
              "the captures produce inspection findings")
        recs = rs.wait_records(lambda r: len(r) >= len(alerts))
    finally:
        rs.stop()
    recs = rs.records()
    want = sorted(alert_key(e) for e in alerts)
    got = []
    for app, msgid, sd, msg in recs:
        ev = json.loads(msg)
        check(app == APP and msgid == ev["event_type"] and msgid in ("vendor", "inspection"),
              "header %r %r for a %r event" % (app, msgid, ev["event_type"]))
        if msgid == "vendor":
            elems = parse_sd(sd)
            check(len(elems) == 1 and elems[0][0] == SD_ID, "SD %r" % sd)
            params = elems[0][1]
            check(params["host"] == ev["host"] and params["vendor"] == ev["vendor"]["id"] and
                  params["confidence"] == ev["confidence"],
                  "SD agrees with the JSON: %r" % params)
        got.append(alert_key(ev))
    log("scan_tcp: %d alerts in the eve file (%d inspection), %d received by rsyslog"
        % (len(want), sum(1 for w in want if w[0] == "inspection"), len(got)))
    check(sorted(got) == want, "rsyslog received exactly the scan's alerts")


SCENARIOS = {
    "scan_tcp": scenario_scan_tcp,
    "rfc5424_tcp": scenario_rfc5424_tcp,
    "rfc5424_udp": scenario_rfc5424_udp,
    "cef_tcp": scenario_cef_tcp,
    "restart": scenario_restart,
    "closed_ports": scenario_closed_ports,
    "late_collector": scenario_late_collector,
    "tls": scenario_tls,
    "mtls": scenario_mtls,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--driver", required=True)
    ap.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    ap.add_argument("--keep", action="store_true", help="keep the temp directory")
    ap.add_argument("--vendorwatch", help="the vendorwatch binary (scan scenarios)")
    ap.add_argument("--pcaps", help="the pcaps/ directory (scan scenarios)")
    args = ap.parse_args()
    # SIGTERM (ctest timeout) -> SystemExit, so the finally blocks stop rsyslogd.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    rsyslogd = find_rsyslogd()
    if not rsyslogd and args.scenario != "closed_ports":
        return skip_code("rsyslogd not found (Debian: apt-get install rsyslog)")
    tmp = tempfile.mkdtemp(prefix="vw-syslog-%s-" % args.scenario)
    os.chmod(tmp, 0o755)
    t0 = time.monotonic()
    try:
        rc = SCENARIOS[args.scenario](args, rsyslogd, tmp) or 0
        log("%s: %s in %.1fs" % (args.scenario, {SKIP: "SKIPPED", 0: "PASSED"}.get(rc, "FAILED"),
                                  time.monotonic() - t0))
        return rc
    except TestFailure as e:
        log("FAILED %s: %s" % (args.scenario, e))
        for sub in sorted(os.listdir(tmp)):
            lf = os.path.join(tmp, sub, "rsyslogd.log")
            if os.path.exists(lf):
                with open(lf, errors="replace") as f:
                    log("--- %s:\n%s" % (lf, f.read()[-3000:]))
        args.keep = True
        return 1
    finally:
        if args.keep:
            log("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
