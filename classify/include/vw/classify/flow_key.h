#pragma once
/// @file flow_key.h
/// Canonical bidirectional flow identity.

#include <cstdint>

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

/// Builds the canonical key of a decoded packet. `src_is_lo` tells whether the packet's
/// source is the `lo` endpoint (needed to map the packet to a direction).
inline FlowKey makeFlowKey(const DecodedPacket& p, bool use_vlan, bool& src_is_lo) {
  FlowKey k;
  k.proto = p.l4_proto;
  k.vlan = (use_vlan && p.vlan_count > 0) ? p.vlan[0] : 0;
  const bool ordered = (p.src < p.dst) || (p.src == p.dst && p.sport <= p.dport);
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

/// 64-bit hash of a key; symmetric by construction (the key is canonical). Also used to
/// spread flows over workers.
inline std::uint64_t hashFlowKey(const FlowKey& k) {
  // FNV-1a over the fields, then a final avalanche (splitmix64).
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 1099511628211ULL;
  };
  for (auto b : k.lo_ip.bytes)
    mix(b);
  for (auto b : k.hi_ip.bytes)
    mix(b);
  mix(k.lo_ip.family);
  mix(static_cast<std::uint8_t>(k.lo_port >> 8));
  mix(static_cast<std::uint8_t>(k.lo_port));
  mix(static_cast<std::uint8_t>(k.hi_port >> 8));
  mix(static_cast<std::uint8_t>(k.hi_port));
  mix(static_cast<std::uint8_t>(k.vlan >> 8));
  mix(static_cast<std::uint8_t>(k.vlan));
  mix(k.proto);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

} // namespace vw::classify
