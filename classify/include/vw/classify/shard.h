#pragma once
/// @file shard.h
/// Which worker a packet goes to in a multi-worker pipeline.
///
/// The choice must be symmetric (both directions of a flow reach the same worker) and should
/// keep everything one internal host does on one worker: its DNS answers feed the per-client
/// DNS cache that attributes its later SNI-less flows, and alert de-duplication is per host.
/// So the key is one endpoint address, not the 5-tuple:
/// - the endpoint inside the home net, if exactly one is;
/// - otherwise the endpoint with the higher port (the client's ephemeral port);
/// - otherwise (equal ports, no ports) the lower address.
/// The cost: a host's share of the traffic cannot be split across workers (one busy NAT
/// address loads one worker).

#include <cstdint>

#include <vw/classify/home_net.h>
#include <vw/packet/decode.h>

namespace vw::classify {

/// The address whose worker handles `p`.
const IpAddr& shardAddress(const DecodedPacket& p, const HomeNet& home);

/// Worker index in [0, workers) for `p`. workers >= 1.
std::uint32_t shardOf(const DecodedPacket& p, const HomeNet& home, std::uint32_t workers);

} // namespace vw::classify
