#include <vw/classify/flow_key.h>
#include <vw/classify/shard.h>

namespace vw::classify {

const IpAddr& shardAddress(const DecodedPacket& p, const HomeNet& home) {
  const bool s = home.contains(p.src);
  const bool d = home.contains(p.dst);
  if (s != d)
    return s ? p.src : p.dst;
  const bool ports = (p.l4_proto == ipproto::kTcp || p.l4_proto == ipproto::kUdp) &&
                     (!p.fragment || p.first_fragment);
  if (ports && p.sport != p.dport)
    return p.sport > p.dport ? p.src : p.dst;
  return p.src < p.dst ? p.src : p.dst;
}

std::uint32_t shardOf(const DecodedPacket& p, const HomeNet& home, std::uint32_t workers) {
  if (workers <= 1)
    return 0;
  const IpAddr& a = shardAddress(p, home);
  const std::uint64_t h = mix64(mix64(addrWord(a, 0) ^ 0x9e3779b97f4a7c15ULL) ^ addrWord(a, 1));
  return static_cast<std::uint32_t>(h % workers);
}

} // namespace vw::classify
