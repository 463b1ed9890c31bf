#include <cstring>

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
  std::uint64_t w0, w1;
  std::memcpy(&w0, a.bytes.data(), 8);
  std::memcpy(&w1, a.bytes.data() + 8, 8);
  std::uint64_t h = (w0 ^ 0x9e3779b97f4a7c15ULL) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 31) ^ w1) * 0x94d049bb133111ebULL;
  h ^= h >> 29;
  return static_cast<std::uint32_t>(h % workers);
}

} // namespace vw::classify
