// Protocols the DPI engine named by dissecting the flow (never by its port or address): a
// `dpi` indicator maps such a protocol (nDPI's `VMware`, `CPHA`) to a product; its `instance`
// says which endpoint runs it. Field `dpi`, server side. See inspector.h.

#include "inspect.h"
#include "inspector.h"

namespace vw::classify {
namespace {

class DpiInspector final : public Inspector {
public:
  void onPayload(FlowEntry&, OnPremState&, const DecodedPacket&, Dir, InspectorHost&) override {}

  void onDpiNames(FlowEntry& f, std::span<const std::string_view> names, TimeUs ts,
                  InspectorHost& host) override {
    const signatures::Matcher& m = host.matcherOf(f);
    for (const std::string_view name : names) {
      const signatures::Match hit = m.matchDpi(name);
      if (!hit)
        continue;
      const auto inst = hit.indicator->instance;
      if (inst == signatures::DpiInstance::kInitiator || inst == signatures::DpiInstance::kBoth)
        host.serverSide(f, 0, Field::Dpi, name, hit, ts);
      if (inst == signatures::DpiInstance::kResponder || inst == signatures::DpiInstance::kBoth)
        host.serverSide(f, 1, Field::Dpi, name, hit, ts);
    }
  }
};

} // namespace

std::unique_ptr<Inspector> makeDpiInspector() {
  return std::make_unique<DpiInspector>();
}

bool isHostAddress(const IpAddr& a) {
  if (a.isV4()) {
    const std::uint8_t b0 = a.bytes[0];
    if (b0 == 0 || (b0 >= 224 && b0 <= 239))
      return false; // 0.0.0.0/8 ("this network"), multicast
    if (a.bytes[0] == 255 && a.bytes[1] == 255 && a.bytes[2] == 255 && a.bytes[3] == 255)
      return false;
    return true;
  }
  if (a.isV6()) {
    if (a.bytes[0] == 0xff)
      return false; // multicast
    for (const std::uint8_t b : a.bytes)
      if (b != 0)
        return true;
    return false; // ::
  }
  return false;
}

} // namespace vw::classify
