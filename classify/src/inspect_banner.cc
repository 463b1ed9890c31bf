// Server-first banners and SSH identification lines (field `banner`, server side: the
// endpoint that sent the bytes runs the product). See inspector.h.

#include <vw/classify/proto/banner.h>

#include "inspect.h"
#include "inspector.h"

namespace vw::classify {
namespace {

/// The banner as evidence text: the identification line or first printable line, else the
/// printable prefix (at most kBannerMaxPrefix bytes, all views into the packet).
std::string_view bannerText(const BannerInfo& b) {
  if (b.ssh && !b.ssh_line.empty())
    return b.ssh_line;
  if (!b.first_line.empty())
    return b.first_line;
  return b.printable;
}

class BannerInspector final : public Inspector {
public:
  void onPayload(FlowEntry& f, OnPremState& st, const DecodedPacket& p, Dir d,
                 InspectorHost& host) override {
    if (p.l4_proto != ipproto::kTcp)
      return;
    // st.payloads already counts this segment (the host counts before calling inspectors).
    const bool first_of_side = st.payloads[d] == 1;
    const bool first_of_flow = first_of_side && st.payloads[d ^ 1] == 0;
    const std::uint16_t server_port = f.initiator_is_lo ? f.key.hi_port : f.key.lo_port;
    // A banner: the responder spoke first. SSH: each side's first bytes.
    const bool server_first = first_of_flow && d == kToClient && !st.banner_done;
    const bool ssh_try = first_of_side && !st.ssh_done[d] && p.payload.size() >= 4 &&
                         p.payload[0] == 'S' && p.payload[1] == 'S' && p.payload[2] == 'H' &&
                         p.payload[3] == '-';
    if (!server_first && !ssh_try)
      return;
    if (server_first)
      st.banner_done = true;
    st.ssh_done[d] = true;
    BannerInfo b;
    const BannerStatus bs = classifyBanner(p.payload, b);
    if (bs == BannerStatus::NeedMore && b.prefix.empty())
      return;
    const signatures::Match m = host.matcherOf(f).matchBanner(b.prefix, server_port);
    if (!m)
      return;
    std::string_view text = bannerText(b);
    if (text.empty())
      text = "(binary)";
    host.serverSide(f, static_cast<std::uint8_t>(d), Field::Banner, text, m, p.ts);
  }
};

} // namespace

std::unique_ptr<Inspector> makeBannerInspector() {
  return std::make_unique<BannerInspector>();
}

} // namespace vw::classify
