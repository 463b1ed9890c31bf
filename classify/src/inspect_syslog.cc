// Syslog sent by an address, on any port, over UDP (each datagram of the flow's first packets)
// or TCP (the first segments of each side): the CEF/LEEF header's device vendor and product,
// or key=value fields (FortiOS `devid=FG...`). Field `syslog`, server side: the sender runs
// the product. See inspector.h.

#include <array>

#include <vw/classify/proto/syslog.h>

#include "inspect.h"
#include "inspector.h"

namespace vw::classify {
namespace {

/// Messages looked at per direction (a syslog flow repeats the same header).
constexpr std::uint8_t kMaxMessagesPerSide = 4;

/// Cheap test before parsing: `<digit`, an RFC 6587 octet count `digits <`, or a bare
/// `CEF:` / `LEEF:` line.
bool mayBeSyslog(std::span<const std::uint8_t> p) {
  if (p.size() < 6)
    return false;
  const auto digit = [](std::uint8_t c) { return c >= '0' && c <= '9'; };
  if (p[0] == '<')
    return digit(p[1]);
  if (digit(p[0])) {
    std::size_t i = 0;
    while (i < p.size() && i < 8 && digit(p[i]))
      ++i;
    return i + 1 < p.size() && p[i] == ' ' && p[i + 1] == '<';
  }
  return (p[0] == 'C' && p[1] == 'E' && p[2] == 'F' && p[3] == ':') ||
         (p[0] == 'L' && p[1] == 'E' && p[2] == 'E' && p[3] == 'F' && p[4] == ':');
}

class SyslogInspector final : public Inspector {
public:
  void onPayload(FlowEntry& f, OnPremState& st, const DecodedPacket& p, Dir d,
                 InspectorHost& host) override {
    if (st.syslog_done[d])
      return;
    if (p.l4_proto != ipproto::kUdp && p.l4_proto != ipproto::kTcp)
      return;
    const std::uint8_t seen = st.payloads[d]; // this one included
    if (seen > kMaxMessagesPerSide || !mayBeSyslog(p.payload)) {
      if (seen >= kMaxMessagesPerSide)
        st.syslog_done[d] = true;
      return;
    }
    if (parseSyslog(p.payload, info_) != SyslogStatus::Ok)
      return;
    const signatures::Matcher& m = host.matcherOf(f);
    signatures::Match hit;
    switch (info_.payload) {
    case SyslogPayload::Cef:
    case SyslogPayload::Leef: {
      const auto fmt = info_.payload == SyslogPayload::Cef ? signatures::SyslogFormat::kCef
                                                           : signatures::SyslogFormat::kLeef;
      hit = m.matchSyslogProduct(fmt, info_.device_vendor.view(), info_.device_product.view());
      if (hit) {
        text_.assign(info_.payload == SyslogPayload::Cef ? "CEF:" : "LEEF:");
        text_.append(info_.format_version.view());
        text_ += '|';
        text_.append(info_.device_vendor.view());
        text_ += '|';
        text_.append(info_.device_product.view());
      }
      break;
    }
    case SyslogPayload::KeyValue: {
      std::size_t n = 0;
      for (std::size_t i = 0; i < info_.field_count && n < kv_.size(); ++i)
        kv_[n++] = signatures::KeyValue{info_.fields[i].key, info_.fields[i].value};
      hit = m.matchSyslogFields(std::span<const signatures::KeyValue>(kv_.data(), n));
      if (hit) {
        // The matched terms as observed, e.g. `devid=FG100E... logid=0100032001`.
        text_.clear();
        for (const auto& t : hit.indicator->kvTerms) {
          if (!text_.empty())
            text_ += ' ';
          text_ += t.key;
          text_ += '=';
          text_.append(info_.field(t.key).substr(0, 64));
        }
      }
      break;
    }
    case SyslogPayload::Text:
      break;
    }
    if (!hit)
      return;
    st.syslog_done[d] = true; // one message names the sender
    host.serverSide(f, static_cast<std::uint8_t>(d), Field::Syslog, text_, hit, p.ts);
  }

private:
  SyslogInfo info_; ///< scratch (one per classifier)
  std::array<signatures::KeyValue, kSyslogMaxFields> kv_{};
  std::string text_;
};

} // namespace

std::unique_ptr<Inspector> makeSyslogInspector() {
  return std::make_unique<SyslogInspector>();
}

} // namespace vw::classify
