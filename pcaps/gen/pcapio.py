"""Reads the raw loopback capture, rewrites link layer/TTL/time/checksums, writes the final pcap,
and measures flows from the final file (byte-exact, no re-encoding of payloads)."""

import ipaddress
import struct

import world

PCAP_MAGIC_US = 0xA1B2C3D4


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack("<I", data[:4])
    if magic != PCAP_MAGIC_US:
        raise RuntimeError("%s: unexpected pcap magic %#x" % (path, magic))
    _, _, _, _, snap, linktype = struct.unpack("<HHiIII", data[4:24])
    if linktype != 1:
        raise RuntimeError("%s: linktype %d, expected Ethernet" % (path, linktype))
    off = 24
    out = []
    while off < len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        off += 16
        out.append((sec + usec / 1e6, sec, usec, data[off:off + incl], orig))
        off += incl
    return out


def write_pcap(path, records):
    """records: list of (sec, usec, frame bytes)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", PCAP_MAGIC_US, 2, 4, 0, 0, 262144, 1))
        for sec, usec, frame in records:
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            f.write(frame)


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def _fix_l4(proto, pseudo, seg):
    seg = bytearray(seg)
    if proto == 6:
        off = 16
    elif proto == 17:
        off = 6
    else:
        return bytes(seg)
    seg[off:off + 2] = b"\0\0"
    c = _csum(pseudo + bytes(seg))
    if proto == 17 and c == 0:
        c = 0xFFFF
    seg[off:off + 2] = struct.pack("!H", c)
    return bytes(seg)


def parse_ip(frame):
    """Returns (vlan, version, src, dst, proto, l4 offset in ip, ip bytes, ethertype offset)."""
    off = 12
    vlan = None
    etype, = struct.unpack("!H", frame[off:off + 2])
    if etype == 0x8100:
        tci, = struct.unpack("!H", frame[off + 2:off + 4])
        vlan = tci & 0x0FFF
        off += 4
        etype, = struct.unpack("!H", frame[off:off + 2])
    ip = frame[off + 2:]
    if etype == 0x0800:
        ihl = (ip[0] & 0x0F) * 4
        total, = struct.unpack("!H", ip[2:4])
        return vlan, 4, str(ipaddress.IPv4Address(ip[12:16])), str(ipaddress.IPv4Address(ip[16:20])), ip[9], ihl, ip[:total], off
    if etype == 0x86DD:
        plen, = struct.unpack("!H", ip[4:6])
        return vlan, 6, str(ipaddress.IPv6Address(ip[8:24])), str(ipaddress.IPv6Address(ip[24:40])), ip[6], 40, ip[:40 + plen], off
    raise RuntimeError("unexpected ethertype %#x" % etype)


def _mac_for(ip, peer):
    if world.is_internal(ip):
        return world.host_mac(ip)
    site = world.site_of(peer)
    if site is None:
        raise RuntimeError("packet between two external addresses %s %s" % (ip, peer))
    return site.gw_mac


def rewrite(raw_records, base_epoch):
    """Loopback frames -> LAN frames as seen on a switch span port."""
    if not raw_records:
        return []
    t0 = raw_records[0][0]
    out = []
    for ts, sec, usec, frame, _orig in raw_records:
        vlan, ver, src, dst, proto, l4off, ipb, _ = parse_ip(frame)
        ipb = bytearray(ipb)
        if not world.is_internal(src):
            hop = world.hops_to(src)
            if ver == 4:
                ipb[8] = 64 - hop if ipb[8] == 64 else ipb[8] - hop
            else:
                ipb[7] = 64 - hop if ipb[7] == 64 else ipb[7] - hop
        if ver == 4:
            ipb[10:12] = b"\0\0"
            ipb[10:12] = struct.pack("!H", _csum(bytes(ipb[:l4off])))
            seg = bytes(ipb[l4off:])
            pseudo = bytes(ipb[12:20]) + struct.pack("!BBH", 0, proto, len(seg))
        else:
            seg = bytes(ipb[40:])
            pseudo = bytes(ipb[8:40]) + struct.pack("!IxxxB", len(seg), proto)
        ipb[l4off:] = _fix_l4(proto, pseudo, seg)
        # link layer
        src_mac = _mac_for(src, dst)
        dst_mac = _mac_for(dst, src)
        tag = None
        for a in (src, dst):
            s = world.site_of(a)
            if s and s.vlan:
                tag = s.vlan
        eth = _mac(dst_mac) + _mac(src_mac)
        if tag:
            eth += struct.pack("!HH", 0x8100, tag)
        eth += struct.pack("!H", 0x0800 if ver == 4 else 0x86DD)
        # time: keep the real inter-packet times, move the start to base_epoch
        rel_us = (sec * 1000000 + usec) - int(round(t0 * 1e6))
        t_us = base_epoch * 1000000 + rel_us
        out.append((t_us // 1000000, t_us % 1000000, eth + bytes(ipb)))
    return out


def flows_of(path):
    """Measures every flow of a final capture. Returns {key: stats}; key = (proto, cip, cport, sip, sport)
    with the initiator (first packet's sender) as client."""
    flows = {}
    for ts, sec, usec, frame, _ in read_pcap(path):
        vlan, ver, src, dst, proto, l4off, ipb, _ = parse_ip(frame)
        pname = {6: "TCP", 17: "UDP"}.get(proto, str(proto))
        sp, dp = struct.unpack("!HH", ipb[l4off:l4off + 4]) if proto in (6, 17) else (0, 0)
        fwd = (pname, src, sp, dst, dp)
        rev = (pname, dst, dp, src, sp)
        if rev in flows:
            st = flows[rev]
            d = "toclient"
        else:
            st = flows.setdefault(fwd, {"pkts_toserver": 0, "pkts_toclient": 0, "bytes_toserver": 0,
                                        "bytes_toclient": 0, "vlan": vlan, "first": ts, "last": ts})
            d = "toserver"
        st["pkts_" + d] += 1
        st["bytes_" + d] += len(ipb)
        st["last"] = ts
    return flows
