// libFuzzer target for vw::decodePacket. Input: 4-byte little-endian link type, then the frame.
// Besides "no crash", it checks that every span the decoder hands out lies inside the frame.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include <vw/packet/byte_reader.h>
#include <vw/packet/decode.h>

namespace {

bool within(std::span<const std::uint8_t> inner, std::span<const std::uint8_t> outer) {
  if (inner.empty())
    return true;
  return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
}

void require(bool ok) {
  if (!ok)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vw::ByteReader in(std::span<const std::uint8_t>(data, size));
  std::uint32_t link_type = 0;
  if (!in.u32Le(link_type))
    return 0;
  vw::PacketView pkt;
  pkt.link_type = link_type;
  pkt.data = in.rest();
  pkt.wire_len = static_cast<std::uint32_t>(pkt.data.size());

  vw::DecodedPacket d;
  const vw::DecodeStatus s = vw::decodePacket(pkt, d);
  require(s < vw::DecodeStatus::Count_);
  require(vw::decodeStatusName(s) != "unknown");
  if (vw::decodeUsable(s)) {
    require(d.ip_version == 4 || d.ip_version == 6);
    require(within(d.l3, pkt.data));
    require(within(d.payload, d.l3));
    require(d.l3.size() <= d.ip_len);
    require(d.vlan_count <= 2);
    if (s == vw::DecodeStatus::OkFragment)
      require(d.fragment && !d.first_fragment && d.sport == 0 && d.dport == 0 && d.payload.empty());
    if (d.tunnel != vw::TunnelKind::None)
      require(d.tunnel_src.family == 4 || d.tunnel_src.family == 6);
  }
  return 0;
}
