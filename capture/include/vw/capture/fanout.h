#pragma once
/// @file fanout.h
/// Host steering for Linux PACKET_FANOUT: a classic-BPF program (PACKET_FANOUT_CBPF) that the
/// kernel runs on every packet to pick the member socket (= capture worker) that receives it.
///
/// The program keeps everything one host does on one worker, by the same rule as the offline
/// shard (classify/shard.h):
/// - the endpoint inside the home net, if exactly one is;
/// - otherwise the endpoint with the higher TCP/UDP port (the client), when the packet has
///   ports (not a non-first fragment) and they differ;
/// - otherwise the lower address.
/// It returns a hash of that address; the kernel takes it modulo the number of sockets in the
/// group. The choice is symmetric, so both directions of a flow reach the same worker, and it
/// depends only on the packet, so with several interfaces (one group each, members joined in
/// the same order) a host lands on the same worker on every interface.
///
/// It reads the packet relative to the network header (SKF_NET_OFF) and the ethertype from the
/// socket buffer (SKF_AD_PROTOCOL): the kernel has already moved an outer VLAN tag into the
/// buffer's metadata, a second (QinQ) tag is skipped. IPv4 and IPv6 (extension headers: hop by
/// hop, routing, destination options, fragment, AH; at most five) are read; any other packet
/// (ARP, ...) goes to worker 0. Tunnels (VXLAN, GTP-U, IP in IP) are steered by their outer
/// addresses: a tunnel stays whole on one worker.
///
/// Pure functions; the socket options themselves are in live_source.h.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <vw/packet/ip_address.h>

namespace vw::capture {

/// One classic BPF instruction, laid out as the kernel's `struct sock_filter`.
struct BpfInsn {
  std::uint16_t code = 0;
  std::uint8_t jt = 0;
  std::uint8_t jf = 0;
  std::uint32_t k = 0;
};

/// An internal network (address + prefix length), as in --home-net.
struct NetPrefix {
  IpAddr net{};
  std::uint8_t len = 0;
};

/// The kernel's limit on a classic BPF program (BPF_MAXINSNS).
inline constexpr std::size_t kMaxBpfInsns = 4096;

/// Builds the steering program for the given home networks. False + message when the program
/// would exceed kMaxBpfInsns (several hundred prefixes).
bool buildHostFanoutProgram(std::span<const NetPrefix> home, std::vector<BpfInsn>& out,
                            std::string& err);

/// The value the program returns for a packet whose chosen address is `host` (before the
/// kernel's modulo). For tests and for documentation of the hash.
std::uint32_t hostFanoutHash(const IpAddr& host);

} // namespace vw::capture
