"""Real clients (dig, curl, Python ssl) driven from a scenario, each producing exactly one flow
whose 5-tuple is known in advance (fixed source address and port), recorded in a flow registry."""

import ipaddress
import os
import random
import socket
import ssl
import struct
import subprocess
import sys
import time

import services
import world


class Flow:
    """One flow and what it means.

    usage: "product" (the vendor's product is used or runs here), "web" (the vendor's web presence:
    marketing, documentation, community sites, or a site behind the vendor's CDN), "inspected"
    (a TLS flow whose certificate was re-signed by the vendor's interception CA) or None.
    client: the internal host that uses the product (or reads the web site); instance: the
    internal address where the product runs (server-side evidence is about it). A cloud flow has
    client = host and no instance; an on-prem flow has instance = the product's address and
    client = its internal peer, if any.
    """

    def __init__(self, proto, cip, cport, sip, sport, host, vendor, kind, expect, counts=True, usage=None,
                 instance=None, client=None):
        self.proto, self.cip, self.cport, self.sip, self.sport = proto, cip, cport, sip, sport
        self.host = host          # the internal host this flow belongs to (bytes are counted for it)
        self.vendor = vendor      # vendor id, "decoy" or None
        self.kind = kind          # dns | dns-forged | tls | http | connect | tls-inbound | http-inbound
        #                           | banner-tls | ssh | syslog
        self.expect = expect
        self.counts = counts      # counts toward bytes_to_vendor of (host, vendor)
        if vendor in (None, "decoy") and usage != "inspected":
            usage, instance, client = None, None, None
        elif usage is None:
            usage = "product"
        if usage in ("product", "web") and instance is None and client is None:
            client = host
        self.usage, self.instance, self.client = usage, instance, client
        self.forged = 0           # forged DNS responses (answering no query of this flow) it carries
        self.names = {"tls.sni": set(), "dns.query": set(), "http.host": set(), "http.connect": set()}

    def key(self):
        return (self.proto, self.cip, self.cport, self.sip, self.sport)


def _telemetry(n_bytes, seed):
    """A few KB of JSON event lines (deterministic)."""
    rnd = random.Random(seed)
    out = []
    size = 0
    i = 0
    kinds = ["ProcessRollup2", "NetworkConnect", "DnsRequest", "FileWritten", "UserLogon", "ModuleLoad"]
    while size < n_bytes:
        line = ('{"seq":%d,"ts":%d,"event":"%s","pid":%d,"sha256":"%064x","cmd":"%s"}\n'
                % (i, 1741680000 + i * 7, rnd.choice(kinds), rnd.randint(400, 30000), rnd.getrandbits(256),
                   rnd.choice([r"C:\\Windows\\System32\\svchost.exe -k netsvcs", "/usr/sbin/sshd -D",
                               r"C:\\Program Files\\Office\\winword.exe", "powershell.exe -nop -w hidden"])))
        out.append(line)
        size += len(line)
        i += 1
    return "".join(out)[:n_bytes].encode()


def _is_ip(s):
    try:
        ipaddress.ip_address(s)
        return True
    except ValueError:
        return False


# -- DNS messages (for the stub client and for forged responses) ------------------------------

QTYPES = {"A": 1, "CNAME": 5, "AAAA": 28}


def _dns_name(n):
    return b"".join(bytes([len(x)]) + x.encode() for x in n.rstrip(".").split(".")) + b"\0"


def dns_query(qid, qname, qtype="A"):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + _dns_name(qname) + struct.pack("!HH", QTYPES[qtype], 1)


def dns_response(qid, qname, answers, qtype="A", ttl=300):
    """A NOERROR response; answers: [(owner, "A"|"CNAME", value)]."""
    out = struct.pack("!HHHHHH", qid, 0x8180, 1, len(answers), 0, 0) + _dns_name(qname)
    out += struct.pack("!HH", QTYPES[qtype], 1)
    for owner, t, value in answers:
        rdata = socket.inet_aton(value) if t == "A" else _dns_name(value)
        out += _dns_name(owner) + struct.pack("!HHIH", QTYPES[t], 1, ttl, len(rdata)) + rdata
    return out


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def raw_udp(src, sport, dst, dport, payload):
    """Sends one IPv4/UDP datagram with any source address (a raw socket: the forger)."""
    ulen = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, ulen)
    c = _csum(pseudo + struct.pack("!HHHH", sport, dport, ulen, 0) + payload) or 0xFFFF
    udp = struct.pack("!HHHH", sport, dport, ulen, c) + payload
    ident = random.randint(1, 0xFFFF)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, ident, 0x4000, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    try:
        s.sendto(ip + udp, (dst, 0))
    finally:
        s.close()


class Ctx:
    """Per-scenario client driver."""

    def __init__(self, scenario_index, workdir):
        self.flows = []
        self.workdir = workdir
        self.rnd = random.Random(1000 + scenario_index)
        self.next_port = 49700 + scenario_index * 600
        self.upload_seq = 0

    # -- helpers ------------------------------------------------------------------------------

    def port(self):
        self.next_port += self.rnd.randint(1, 9)
        return self.next_port

    def pause(self, lo=0.05, hi=0.25):
        time.sleep(self.rnd.uniform(lo, hi))

    def _upload_file(self, n_bytes):
        self.upload_seq += 1
        path = os.path.join(self.workdir, "upload-%d.json" % self.upload_seq)
        with open(path, "wb") as f:
            f.write(_telemetry(n_bytes, self.upload_seq + self.next_port))
        return path

    def _add(self, flow):
        for f in self.flows:
            if f.key() == flow.key():
                raise RuntimeError("flow reused: %s" % (flow.key(),))
        self.flows.append(flow)
        return flow

    # -- DNS ----------------------------------------------------------------------------------

    def dns(self, host, names, vendor=None, expect=None, qtype="A", port=None, gap=(0.02, 0.12), usage=None):
        """dig each name in turn from host#port (one UDP flow) to the host's site resolver."""
        services.ensure_addr(host)
        server = world.resolver_for(host)
        p = port or self.port()
        for item in names:
            name, qt = (item if isinstance(item, tuple) else (item, qtype))
            cmd = ["dig", "@" + server, "-b", "%s#%d" % (host, p), "+tries=1", "+time=3", name, qt]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0 or "status: NOERROR" not in r.stdout:
                raise RuntimeError("dig failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
            time.sleep(self.rnd.uniform(*gap))
        f = self._add(Flow("UDP", host, p, server, 53, host, vendor, "dns",
                           expect or ("dns: %s" % (vendor or "no vendor")), counts=False, usage=usage))
        f.names["dns.query"].update(n if isinstance(n, str) else n[0] for n in names)
        return f

    # -- curl ---------------------------------------------------------------------------------

    def curl(self, host, requests, vendor, expect, tls_max=None, ua=None, proxy=False, family="v4",
             src=None, flow_host=None, kind=None, counts=True, usage=None, instance=None, client=None):
        """One curl process, one TCP connection, one or more requests (keep-alive).

        requests: list of dicts {url, method, upload (bytes), headers}.
        """
        src = src or host
        services.ensure_addr(src)
        p = self.port()
        ops = []
        first = None
        for rq in requests:
            url = rq["url"]
            scheme, rest = url.split("://", 1)
            hostport = rest.split("/", 1)[0]
            name, _, port_s = hostport.partition(":")
            port = int(port_s) if port_s else (443 if scheme == "https" else 80)
            literal = _is_ip(name)
            a = world.BY_NAME[world.CNAMES.get(name, name)] if not (rq.get("ip") or literal) else None
            ip = rq.get("ip") or (name if literal else a[family])
            op = ["-sS", "-k", "-o", "/dev/null", "-w", "%{num_connects}\\n", "--interface", src,
                  "--local-port", str(p), "--connect-timeout", "5", "-m", "30"]
            if proxy:
                op += ["-x", "http://%s:%d" % (world.PROXY, world.PROXY_PORT)]
            elif literal:
                op += ["--noproxy", "*"]
            else:
                op += ["--noproxy", "*", "--resolve", "%s:%d:%s" % (name, port, ("[%s]" % ip) if ":" in ip else ip)]
            if tls_max == "1.2":
                op += ["--tls-max", "1.2"]
            elif tls_max == "1.3":
                op += ["--tlsv1.3"]
            if ua:
                op += ["-A", ua]
            for h in rq.get("headers", []):
                op += ["-H", h]
            if rq.get("upload"):
                op += ["--data-binary", "@" + self._upload_file(rq["upload"]), "-H", "Content-Type: application/json"]
            if rq.get("body"):
                data, ctype = rq["body"]
                self.upload_seq += 1
                path = os.path.join(self.workdir, "body-%d.bin" % self.upload_seq)
                with open(path, "wb") as fb:
                    fb.write(data)
                op += ["--data-binary", "@" + path, "-H", "Content-Type: " + ctype]
            if rq.get("method"):
                op += ["-X", rq["method"]]
            op.append(url)
            ops.append(op)
            if first is None:
                first = (name, ip, port, scheme)
        cmd = ["curl"]
        for i, op in enumerate(ops):
            if i:
                cmd.append("--next")
            cmd += op
        r = subprocess.run(cmd, capture_output=True, text=True, env={"PATH": os.environ["PATH"]})
        connects = [int(x) for x in r.stdout.split()] if r.stdout.strip() else []
        if r.returncode != 0 or sum(connects) != 1:
            raise RuntimeError("curl failed (%d, connects %s): %s\n%s" % (r.returncode, connects, " ".join(cmd), r.stderr))
        name, ip, port, scheme = first
        if proxy:
            sip, sport = world.PROXY, world.PROXY_PORT
        else:
            sip, sport = ip, port
        k = kind or ("connect" if proxy else ("tls" if scheme == "https" else "http"))
        f = self._add(Flow("TCP", src, p, sip, sport, flow_host or host, vendor, k, expect, counts, usage, instance,
                           client))
        for rq in requests:
            nm = rq["url"].split("://", 1)[1].split("/", 1)[0].split(":")[0]
            if scheme == "https":
                if _is_ip(nm):
                    continue  # no SNI for an address (RFC 6066), as browsers and curl do
                f.names["tls.sni"].add(nm)
                if proxy:
                    f.names["http.connect"].add(nm)
            else:
                f.names["http.host"].add(nm)
        self.pause()
        return f

    # -- Python ssl client (can omit SNI) -----------------------------------------------------

    def pytls(self, host, ip, port, vendor, expect, sni=None, tls_max="1.2", host_header=None, path="/",
              upload=0, method="POST", ua="Mozilla/5.0 (Windows NT 10.0; Win64; x64)", usage=None, instance=None,
              client=None):
        services.ensure_addr(host)
        p = self.port()
        fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, p))
        s.settimeout(10)
        s.connect((ip, port))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2 if tls_max == "1.2" else ssl.TLSVersion.TLSv1_3
        ss = ctx.wrap_socket(s, server_hostname=sni)
        body = _telemetry(upload, p) if upload else b""
        req = ("%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nContent-Type: application/json\r\n"
               "Content-Length: %d\r\nConnection: close\r\n\r\n"
               % (method, path, host_header or ip, ua, len(body))).encode() + body
        ss.sendall(req)
        resp = b""
        while True:
            try:
                d = ss.recv(65536)
            except (ssl.SSLError, OSError):
                break
            if not d:
                break
            resp += d
        if not resp.startswith(b"HTTP/1.1 200"):
            raise RuntimeError("pytls: bad response from %s:%d: %r" % (ip, port, resp[:60]))
        try:
            ss.unwrap()
        except (ssl.SSLError, OSError):
            pass
        ss.close()
        f = self._add(Flow("TCP", host, p, ip, port, host, vendor, "tls", expect, usage=usage, instance=instance,
                           client=client))
        if sni:
            f.names["tls.sni"].add(sni)
        self.pause()
        return f


    # -- on-prem product clients --------------------------------------------------------------

    def banner_tls(self, host, ip, port, vendor, expect, request, instance, client):
        """Server-first banner, then TLS 1.2 without SNI (vCenter to ESXi authd on TCP 902)."""
        services.ensure_addr(host)
        p = self.port()
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, p))
        s.settimeout(10)
        s.connect((ip, port))
        banner = b""
        while not banner.endswith(b"\n"):
            d = s.recv(1)
            if not d:
                raise RuntimeError("banner_tls: %s:%d closed before its banner" % (ip, port))
            banner += d
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        t = ctx.wrap_socket(s, server_hostname=None)
        t.sendall(request)
        resp = b""
        while True:
            try:
                d = t.recv(65536)
            except (ssl.SSLError, OSError):
                break
            if not d:
                break
            resp += d
        if not resp.startswith(b"230 "):
            raise RuntimeError("banner_tls: bad answer from %s:%d: %r" % (ip, port, resp[:40]))
        t.close()
        f = self._add(Flow("TCP", host, p, ip, port, client or instance, vendor, "banner-tls", expect,
                           instance=instance, client=client))
        self.pause()
        return f

    def ssh(self, host, ip, port, vendor, expect, command, instance, client, user="admin"):
        """OpenSSH client (public-key login, one command). Its TCP connection is made by
        tcprelay.py (ProxyCommand) from a fixed source port."""
        services.ensure_addr(host)
        p = self.port()
        key = os.path.join(self.workdir, "ssh-admin-key")
        if not os.path.exists(key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        relay = "%s %s %s %d %s %d" % (sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                     "tcprelay.py"), host, p, ip, port)
        cmd = ["ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
               "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ProxyCommand=" + relay,
               "-i", key, "-p", str(port), "%s@%s" % (user, ip), command]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if r.returncode != 0 or "Serial-Number" not in r.stdout:
            raise RuntimeError("ssh failed (%d): %s\n%s%s" % (r.returncode, " ".join(cmd), r.stdout, r.stderr))
        f = self._add(Flow("TCP", host, p, ip, port, client or instance, vendor, "ssh", expect,
                           instance=instance, client=client))
        self.pause()
        return f

    def syslog(self, sender, dst, port, messages, vendor, expect, client, gap=(0.05, 0.2)):
        """Clear-text syslog over UDP, one datagram per message, from a fixed source port."""
        services.ensure_addr(sender)
        p = self.port()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((sender, p))
        for m in messages:
            s.sendto(m.encode() if isinstance(m, str) else m, (dst, port))
            time.sleep(self.rnd.uniform(*gap))
        s.close()
        f = self._add(Flow("UDP", sender, p, dst, port, sender, vendor, "syslog", expect,
                           instance=sender, client=client))
        self.pause()
        return f

    # -- DNS traps ----------------------------------------------------------------------------

    def stub_query(self, host, server, qname, vendor, expect, forged=(), wait=1.5):
        """A stub resolver's query (one UDP flow from host#port to server:53). forged: responses
        that a forger sends to host#port from server:53 right after the query, while it is still
        unanswered (the slow resolver answers after world.SLOW_RESOLVER_DELAY), each given as
        (function of the query id -> DNS message, question name in it). Reads every response for
        `wait` seconds."""
        services.ensure_addr(host)
        p = self.port()
        qid = self.rnd.randint(1, 0xFFFF)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((host, p))
        s.sendto(dns_query(qid, qname), (server, 53))
        for make, _ in forged:
            raw_udp(server, 53, host, p, make(qid))
        s.settimeout(0.2)
        got, end = [], time.time() + wait
        while time.time() < end:
            try:
                got.append(s.recv(4096))
            except socket.timeout:
                pass
        s.close()
        if len(got) != len(forged) + 1:
            raise RuntimeError("stub_query %s: %d responses, expected %d" % (qname, len(got), len(forged) + 1))
        f = self._add(Flow("UDP", host, p, server, 53, host, vendor, "dns", expect, counts=False))
        f.names["dns.query"].add(qname)
        f.names["dns.query"].update(n for _, n in forged)
        f.forged = len(forged)
        self.pause()
        return f

    def forged_dns(self, host, src, qname, answers, vendor, expect, host_port=None):
        """A forged DNS response from src:53 to host#port where host sent nothing (unsolicited).
        The host's stub has that port open, so the datagram is received, not refused."""
        services.ensure_addr(host)
        p = host_port or self.port()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((host, p))
        raw_udp(src, 53, host, p, dns_response(self.rnd.randint(1, 0xFFFF), qname, answers))
        s.settimeout(2)
        s.recv(4096)
        s.close()
        f = self._add(Flow("UDP", src, 53, host, p, host, vendor, "dns-forged", expect, counts=False))
        f.names["dns.query"].add(qname)
        f.forged = 1
        self.pause()
        return f
