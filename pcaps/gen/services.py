"""The servers the clients talk to: dnsmasq, HTTPS/HTTP servers (Python ssl/OpenSSL), a CONNECT proxy."""

import hashlib
import os
import select
import socket
import socketserver
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler

import world

_added = set()


def ensure_addr(ip):
    """Puts an address on the namespace's loopback (idempotent)."""
    if ip in _added:
        return
    if ":" in ip:
        cmd = ["ip", "-6", "addr", "add", ip + "/128", "dev", "lo", "nodad"]
    else:
        cmd = ["ip", "addr", "add", ip + "/32", "dev", "lo"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 and "File exists" not in r.stderr:
        raise RuntimeError("cannot add %s: %s" % (ip, r.stderr.strip()))
    _added.add(ip)


def setup_loopback():
    # MTU 1500 and no segmentation offload, so that TCP segments on the wire look like Ethernet ones.
    subprocess.run(["ip", "link", "set", "lo", "up", "mtu", "1500"], check=True)
    subprocess.run(["ip", "link", "set", "lo", "gso_max_segs", "1", "gso_max_size", "1500"], check=True)
    for ip in sorted(world.all_addresses()):
        ensure_addr(ip)


# ------------------------------------------------------------------------------------------
# DNS
# ------------------------------------------------------------------------------------------


class Dnsmasq:
    def __init__(self, workdir):
        self.conf = os.path.join(workdir, "dnsmasq.conf")
        self.log = os.path.join(workdir, "dnsmasq.log")
        lines = ["no-resolv", "no-hosts", "bind-interfaces", "local-ttl=300", "no-negcache"]
        listen = sorted({a for s in world.SITES for a in s.resolvers.values()})
        lines.append("listen-address=" + ",".join(listen))
        for n in world.NAMES:
            if not n["dns"]:
                continue
            addrs = [a for a in (n["v4"], n["v6"]) if a]
            ttl = "" if n["ttl"] is None else ",%d" % n["ttl"]
            lines.append("host-record=%s,%s%s" % (n["name"], ",".join(addrs), ttl))
        for name, a in world.INTERNAL_NAMES.items():
            lines.append("host-record=%s,%s" % (name, a))
        for alias, target in world.CNAMES.items():
            lines.append("cname=%s,%s" % (alias, target))
        for suffix, a in world.DNS_WILDCARDS.items():
            lines.append("address=/%s/%s" % (suffix, a))
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["dnsmasq", "-k", "-C", self.conf, "--pid-file=", "--user=root",
                                      "--log-facility=" + self.log],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.5)
        if self.proc.poll() is not None:
            raise RuntimeError("dnsmasq failed: " + self.proc.stderr.read().decode())

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()


# ------------------------------------------------------------------------------------------
# HTTP(S)
# ------------------------------------------------------------------------------------------


def body_for(path, size_hint=None):
    """Deterministic response content for a path (update files, JSON replies)."""
    p = path.split("?")[0]
    if p.endswith(".ini"):
        lines = ["[Contents]", "CurrentVersion=5213", "AVV-ZIP=avvdat-11213.zip", "AVVZipSize=144523",
                 "[AVV-ZIP]", "FileName=avvdat-11213.zip", "MD5=5a83c7d61e2a4f0d9c34e9b1f03b6d27"]
        return ("\r\n".join(lines) + "\r\n").encode()
    size = size_hint
    if size is None:
        if p.endswith((".z", ".zip", ".gem", ".bin", ".msi")) or "/update2/" in p or "/blobs/" in p:
            size = 9000 + int(hashlib.sha256(p.encode()).hexdigest()[:3], 16)
        else:
            size = 0
    if size:
        out = bytearray()
        seed = hashlib.sha256(p.encode()).digest()
        while len(out) < size:
            seed = hashlib.sha256(seed).digest()
            out += seed
        return bytes(out[:size])
    return b'{"status":"ok","next_poll_s":300}'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def log_message(self, *args):
        pass

    def _reply(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        body = body_for(self.path)
        self.send_response(200)
        ctype = "application/json" if body.startswith(b"{") else "application/octet-stream"
        if self.path.endswith(".ini"):
            ctype = "text/plain"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = _reply


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, family, ssl_ctx):
        self.address_family = family
        self.ssl_ctx = ssl_ctx
        super().__init__(addr, Handler)

    def get_request(self):
        conn, peer = self.socket.accept()
        if self.ssl_ctx:
            conn = self.ssl_ctx.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        return conn, peer

    def handle_error(self, request, client_address):
        pass


class WebServers:
    """Starts one server per (address, port) declared in world.NAMES."""

    def __init__(self, pki):
        self.servers = []
        self.pki = pki

    def start(self):
        for n in world.NAMES:
            if not n["tls"] and not n["http"]:
                continue
            label = n["name"].replace("*", "wild").replace(":", "_")
            cert = key = None
            if n["tls"]:
                cert, key = self.pki.leaf(label, n["subject"], n["sans"], n["issuer"])
            for fam in ("v4", "v6"):
                a = n[fam]
                if not a:
                    continue
                af = socket.AF_INET6 if fam == "v6" else socket.AF_INET
                for port in n["tls"]:
                    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
                    ctx.load_cert_chain(cert, key)
                    self._run(_Server((a, port), af, ctx))
                for port in n["http"]:
                    self._run(_Server((a, port), af, None))

    def _run(self, srv):
        t = threading.Thread(target=srv.serve_forever, daemon=True)
        t.start()
        self.servers.append(srv)

    def stop(self):
        """The serving threads are daemons: they end with the process. Nothing to do."""


# ------------------------------------------------------------------------------------------
# Explicit proxy (CONNECT only), resolving names from the world table.
# ------------------------------------------------------------------------------------------


class ConnectProxy:
    def __init__(self, listen=world.PROXY, port=world.PROXY_PORT, egress=world.PROXY_EGRESS):
        self.listen, self.port, self.egress = listen, port, egress
        self.sock = None

    def start(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((self.listen, self.port))
        self.sock.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        try:
            head = b""
            while b"\r\n\r\n" not in head:
                d = c.recv(4096)
                if not d:
                    return
                head += d
            line = head.split(b"\r\n", 1)[0].decode()
            method, target, _ = line.split(" ", 2)
            if method != "CONNECT":
                c.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            host, port = target.rsplit(":", 1)
            a = world.BY_NAME[host]["v4"]
            up = socket.create_connection((a, int(port)), source_address=(self.egress, 0))
            c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            rest = head.split(b"\r\n\r\n", 1)[1]
            if rest:
                up.sendall(rest)
            socks = [c, up]
            while True:
                r, _, _ = select.select(socks, [], [], 10)
                if not r:
                    break
                done = False
                for s in r:
                    d = s.recv(65536)
                    if not d:
                        done = True
                        break
                    (up if s is c else c).sendall(d)
                if done:
                    break
            up.close()
        except Exception:
            pass
        finally:
            c.close()

    def stop(self):
        if self.sock:
            self.sock.close()


# ------------------------------------------------------------------------------------------
# On-premises product servers
# ------------------------------------------------------------------------------------------


def _serve_forever(sock, handler):
    def loop():
        while True:
            try:
                c, peer = sock.accept()
            except OSError:
                return
            threading.Thread(target=handler, args=(c, peer), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()


def _listen(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    return s


def _read_http_request(c):
    """Reads one request head and its Content-Length body; returns the head (bytes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        d = c.recv(4096)
        if not d:
            return data
        data += d
    head, rest = data.split(b"\r\n\r\n", 1)
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v.strip())
    while len(rest) < n:
        d = c.recv(65536)
        if not d:
            break
        rest += d
    return head


class ProductServers:
    """The on-prem product servers of world.py: VMware authd (banner, then TLS), SSH servers with a
    product identification string (paramiko), plain-HTTP servers with product response headers,
    UDP syslog receivers and a slow resolver."""

    def __init__(self, pki):
        self.pki = pki
        self.socks = []

    def start(self):
        for addr, port, banner, label, subject, issuer in world.BANNER_TLS:
            cert, key = self.pki.leaf(label, subject, [], issuer)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(cert, key)
            self._tcp(addr, port, lambda c, p, b=banner, x=ctx: self._banner_tls(c, b, x))
        for (addr, port), resp in world.RAW_HTTP.items():
            self._tcp(addr, port, lambda c, p, r=resp: self._raw_http(c, r))
        if world.SSH_SERVERS:
            import paramiko  # only the generator needs it (python3-paramiko)
            self.host_key = paramiko.RSAKey.generate(2048)
            for addr, port, version in world.SSH_SERVERS:
                self._tcp(addr, port, lambda c, p, v=version: self._ssh(c, v))
        for addr, port in world.UDP_SINKS:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind((addr, port))
            self.socks.append(u)
            threading.Thread(target=self._sink, args=(u,), daemon=True).start()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((world.SLOW_RESOLVER, 53))
        self.socks.append(u)
        threading.Thread(target=self._slow_resolver, args=(u,), daemon=True).start()

    def _tcp(self, addr, port, handler):
        s = _listen(addr, port)
        self.socks.append(s)
        _serve_forever(s, handler)

    @staticmethod
    def _banner_tls(c, banner, ctx):
        try:
            c.sendall(banner)
            t = ctx.wrap_socket(c, server_side=True)
            got = b""
            while not got.endswith(b"\n"):
                d = t.recv(65536)
                if not d:
                    break
                got += d
            t.sendall(b"230 Authenticated\r\n" + b"".join(b"NFC %04d ok\r\n" % i for i in range(40)))
            try:
                t.unwrap()
            except (ssl.SSLError, OSError):
                pass
        except (ssl.SSLError, OSError):
            pass
        finally:
            c.close()

    @staticmethod
    def _raw_http(c, resp):
        status, headers, body = resp
        try:
            _read_http_request(c)
            out = status + "\r\n" + "".join("%s: %s\r\n" % (k, v) for k, v in headers) + "\r\n"
            c.sendall(out.encode() + body)
        except OSError:
            pass
        finally:
            c.close()

    def _ssh(self, c, version):
        import paramiko

        class Srv(paramiko.ServerInterface):
            def __init__(self):
                self.done = threading.Event()

            def get_allowed_auths(self, username):
                return "publickey"

            def check_auth_publickey(self, username, key):
                return paramiko.AUTH_SUCCESSFUL

            def check_channel_request(self, kind, chanid):
                return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

            def check_channel_exec_request(self, channel, command):
                self.cmd = command
                self.done.set()
                return True

        t = paramiko.Transport(c)
        t.local_version = version
        t.add_server_key(self.host_key)
        srv = Srv()
        try:
            t.start_server(server=srv)
            ch = t.accept(10)
            if ch is not None and srv.done.wait(10):
                ch.sendall(b"Version: FortiGate-60E v7.2.8,build1639,240313 (GA.M)\n"
                           b"Serial-Number: FGT60E4Q16000003\nHostname: FGT-BRANCH-03\n"
                           b"Operation Mode: NAT\nCurrent virtual domain: root\n")
                ch.send_exit_status(0)
                ch.close()
            time.sleep(0.3)
        except Exception:
            pass
        finally:
            t.close()

    @staticmethod
    def _sink(u):
        while True:
            try:
                u.recvfrom(65536)
            except OSError:
                return

    @staticmethod
    def _slow_resolver(u):
        """Answers every query with SERVFAIL, late (world.SLOW_RESOLVER_DELAY)."""
        def answer(q, peer):
            time.sleep(world.SLOW_RESOLVER_DELAY)
            if len(q) >= 12:
                r = q[:2] + bytes([0x80 | (q[2] & 0x79), 0x82]) + q[4:6] + b"\0\0\0\0\0\0" + q[12:]
                # drop an EDNS OPT record from the echoed question section
                arcount = int.from_bytes(q[10:12], "big")
                if arcount:
                    r = r[:12] + _question_only(q)
                u.sendto(r, peer)
        while True:
            try:
                q, peer = u.recvfrom(65536)
            except OSError:
                return
            threading.Thread(target=answer, args=(q, peer), daemon=True).start()

    def stop(self):
        for s in self.socks:
            try:
                s.close()
            except OSError:
                pass


def _question_only(q):
    """The question section (first question) of a DNS message."""
    i = 12
    while q[i]:
        i += 1 + q[i]
    return q[12:i + 5]
