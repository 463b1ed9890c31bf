#!/bin/sh
# Regenerates the bundled test captures pcaps/*.pcap and their truth files pcaps/*.truth.json
# from real clients (dig, curl, Python ssl, OpenSSH) and servers (dnsmasq, Python ssl/OpenSSL, a
# CONNECT proxy, product-like banner/HTTP/SSH/syslog servers) inside a private network namespace.
# Needs root. See pcaps/README.md.
#
#   sudo pcaps/generate.sh                      # all captures
#   sudo pcaps/generate.sh --only demo decoys   # some of them
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "generate.sh: must run as root (sudo $0)" >&2
  exit 1
fi
missing=""
for t in unshare ip tcpdump tshark dnsmasq dig curl ssh ssh-keygen /usr/bin/python3; do
  command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
/usr/bin/python3 -c 'import cryptography' 2>/dev/null || missing="$missing python3-cryptography"
/usr/bin/python3 -c 'import paramiko' 2>/dev/null || missing="$missing python3-paramiko"
if [ -n "$missing" ]; then
  echo "generate.sh: missing:$missing" >&2
  echo "  apt-get install -y tcpdump tshark dnsmasq-base bind9-dnsutils curl openssh-client python3 python3-cryptography python3-paramiko iproute2 util-linux" >&2
  exit 1
fi
exec unshare --net -- /usr/bin/python3 "$here/gen/generate.py" --out "$here" "$@"
