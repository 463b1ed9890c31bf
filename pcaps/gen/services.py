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
            lines.append("host-record=%s,%s" % (n["name"], ",".join(addrs)))
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
                cert, key = self.pki.leaf(label, n["subject"], n["sans"], n["self_signed"])
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
