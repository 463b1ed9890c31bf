#!/usr/bin/python3
"""ProxyCommand for ssh: connects from a fixed source address and port, then copies stdin to the
socket and the socket to stdout (what `nc -s ADDR -p PORT` does).

  tcprelay.py SRC_ADDR SRC_PORT DST_ADDR DST_PORT
"""
import os
import select
import socket
import sys


def main():
    src, sport, dst, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, sport))
    s.connect((dst, dport))
    fds = [0, s]
    while fds:
        r, _, _ = select.select(fds, [], [])
        if 0 in r:
            d = os.read(0, 65536)
            if d:
                s.sendall(d)
            else:
                s.shutdown(socket.SHUT_WR)
                fds.remove(0)
        if s in r:
            d = s.recv(65536)
            if d:
                os.write(1, d)
            else:
                fds.remove(s)
                if 0 in fds:
                    fds.remove(0)
    s.close()


if __name__ == "__main__":
    main()
