"""Real clients (dig, curl, Python ssl) driven from a scenario, each producing exactly one flow
whose 5-tuple is known in advance (fixed source address and port), recorded in a flow registry."""

import os
import random
import socket
import ssl
import subprocess
import time

import services
import world


class Flow:
    def __init__(self, proto, cip, cport, sip, sport, host, vendor, kind, expect, counts=True):
        self.proto, self.cip, self.cport, self.sip, self.sport = proto, cip, cport, sip, sport
        self.host = host          # the internal host this flow belongs to
        self.vendor = vendor      # vendor id, "decoy" or None
        self.kind = kind          # dns | tls | http | connect | tls-inbound
        self.expect = expect
        self.counts = counts      # counts toward bytes_to_vendor of (host, vendor)
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

    def dns(self, host, names, vendor=None, expect=None, qtype="A", port=None, gap=(0.02, 0.12)):
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
                           expect or ("dns: %s" % (vendor or "no vendor")), counts=False))
        f.names["dns.query"].update(n if isinstance(n, str) else n[0] for n in names)
        return f

    # -- curl ---------------------------------------------------------------------------------

    def curl(self, host, requests, vendor, expect, tls_max=None, ua=None, proxy=False, family="v4",
             src=None, flow_host=None, kind=None, counts=True):
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
            a = world.BY_NAME[world.CNAMES.get(name, name)] if not rq.get("ip") else None
            ip = rq.get("ip") or a[family]
            op = ["-sS", "-k", "-o", "/dev/null", "-w", "%{num_connects}\\n", "--interface", src,
                  "--local-port", str(p), "--connect-timeout", "5", "-m", "30"]
            if proxy:
                op += ["-x", "http://%s:%d" % (world.PROXY, world.PROXY_PORT)]
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
        f = self._add(Flow("TCP", src, p, sip, sport, flow_host or host, vendor, k, expect, counts))
        for rq in requests:
            nm = rq["url"].split("://", 1)[1].split("/", 1)[0].split(":")[0]
            if scheme == "https":
                f.names["tls.sni"].add(nm)
                if proxy:
                    f.names["http.connect"].add(nm)
            else:
                f.names["http.host"].add(nm)
        self.pause()
        return f

    # -- Python ssl client (can omit SNI) -----------------------------------------------------

    def pytls(self, host, ip, port, vendor, expect, sni=None, tls_max="1.2", host_header=None, path="/",
              upload=0, method="POST", ua="Mozilla/5.0 (Windows NT 10.0; Win64; x64)"):
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
        f = self._add(Flow("TCP", host, p, ip, port, host, vendor, "tls", expect))
        if sni:
            f.names["tls.sni"].add(sni)
        self.pause()
        return f
