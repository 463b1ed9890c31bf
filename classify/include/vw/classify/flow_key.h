#pragma once
/// @file flow_key.h
/// Canonical bidirectional flow identity.

#include <cstdint>
#include <cstring>

#include <vw/packet/decode.h>

namespace vw::classify {

/// A 5-tuple (+ VLAN) in canonical order: endpoint `lo` sorts before `hi`, so both directions
/// of a connection produce the same key.
struct FlowKey {
  IpAddr lo_ip{};
  IpAddr hi_ip{};
  std::uint16_t lo_port = 0;
  std::uint16_t hi_port = 0;
  std::uint16_t vlan = 0; ///< outer VLAN id, or 0 when VLANs are ignored / absent
  std::uint8_t proto = 0;
  bool operator==(const FlowKey&) const = default;
};

/// The address bytes as two 64-bit words (`half` 0 or 1), for hashing and compares.
inline std::uint64_t addrWord(const IpAddr& a, int half) {
  std::uint64_t v;
  std::memcpy(&v, a.bytes.data() + 8 * static_cast<std::size_t>(half), sizeof v);
  return v;
}

/// splitmix64 finaliser: the mixing step of every hash over addresses in classify.
inline std::uint64_t mix64(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

namespace detail {
/// a < b in the order of IpAddr's operator<=> (bytes as unsigned big-endian, then family),
/// with two 64-bit compares instead of a memcmp call.
inline bool addrLess(const IpAddr& a, const IpAddr& b) {
  const std::uint64_t a0 = __builtin_bswap64(addrWord(a, 0));
  const std::uint64_t b0 = __builtin_bswap64(addrWord(b, 0));
  if (a0 != b0)
    return a0 < b0;
  const std::uint64_t a1 = __builtin_bswap64(addrWord(a, 1));
  const std::uint64_t b1 = __builtin_bswap64(addrWord(b, 1));
  if (a1 != b1)
    return a1 < b1;
  return a.family < b.family;
}
inline bool addrEqual(const IpAddr& a, const IpAddr& b) {
  return addrWord(a, 0) == addrWord(b, 0) && addrWord(a, 1) == addrWord(b, 1) &&
         a.family == b.family;
}
} // namespace detail

/// Field-wise equality without memcmp calls (same result as operator==).
inline bool sameFlowKey(const FlowKey& a, const FlowKey& b) {
  return a.lo_port == b.lo_port && a.hi_port == b.hi_port && a.proto == b.proto &&
         a.vlan == b.vlan && detail::addrEqual(a.lo_ip, b.lo_ip) &&
         detail::addrEqual(a.hi_ip, b.hi_ip);
}

/// Builds the canonical key of a decoded packet. `src_is_lo` tells whether the packet's
/// source is the `lo` endpoint (needed to map the packet to a direction).
inline FlowKey makeFlowKey(const DecodedPacket& p, bool use_vlan, bool& src_is_lo) {
  FlowKey k;
  k.proto = p.l4_proto;
  k.vlan = (use_vlan && p.vlan_count > 0) ? p.vlan[0] : 0;
  const bool ordered =
      detail::addrLess(p.src, p.dst) || (detail::addrEqual(p.src, p.dst) && p.sport <= p.dport);
  src_is_lo = ordered;
  if (ordered) {
    k.lo_ip = p.src;
    k.hi_ip = p.dst;
    k.lo_port = p.sport;
    k.hi_port = p.dport;
  } else {
    k.lo_ip = p.dst;
    k.hi_ip = p.src;
    k.lo_port = p.dport;
    k.hi_port = p.sport;
  }
  return k;
}

/// The word of a key that is not an address: ports, VLAN, protocol and families.
inline std::uint64_t flowKeyTail(const FlowKey& k) {
  return static_cast<std::uint64_t>(k.lo_port) | static_cast<std::uint64_t>(k.hi_port) << 16 |
         static_cast<std::uint64_t>(k.vlan) << 32 | static_cast<std::uint64_t>(k.proto) << 48 |
         static_cast<std::uint64_t>(k.lo_ip.family ^ k.hi_ip.family << 4) << 56;
}

/// 64-bit unkeyed hash of a key: word-wise multiply-xorshift rounds over the addresses and one
/// word of ports, VLAN, protocol and families. Deterministic across runs and machines: flow ids
/// are derived from it. Public and unkeyed, so an attacker can find keys that collide in it:
/// never index a table with it (FlowTable::hashOf is keyed).
inline std::uint64_t flowIdHash(const FlowKey& k) {
  const std::uint64_t tail = flowKeyTail(k);
  std::uint64_t h = mix64(addrWord(k.lo_ip, 0) ^ 0x9e3779b97f4a7c15ULL);
  h = mix64(h ^ addrWord(k.lo_ip, 1));
  h = mix64(h ^ addrWord(k.hi_ip, 0));
  h = mix64(h ^ addrWord(k.hi_ip, 1));
  return mix64(h ^ tail);
}

} // namespace vw::classify
