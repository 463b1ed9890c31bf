// The server's TLS flight: for TLS <= 1.2 the leaf certificate, walked by our own X.509 code
// (proto/tls_server.h), gives the subject and issuer DNs the `cert` indicators match (server
// side: the responder runs the product, or an interception CA signed it). nDPI's certificate,
// when it comes first, is used instead (InspectorHost::certificate is called once per flow).
// See inspector.h.

#include <array>

#include <vw/classify/proto/tls_server.h>

#include "inspect.h"
#include "inspector.h"

namespace vw::classify {
namespace {

/// Server payload segments looked at for the start of a flight (a banner may precede it).
constexpr std::uint8_t kMaxServerPayloadsBeforeTls = 4;

bool startsTlsHandshake(std::span<const std::uint8_t> p) {
  return p.size() >= 3 && p[0] == 0x16 && p[1] == 0x03 && p[2] <= 0x04;
}

class TlsServerInspector final : public Inspector {
public:
  void onPayload(FlowEntry& f, OnPremState& st, const DecodedPacket& p, Dir d,
                 InspectorHost& host) override {
    if (p.l4_proto != ipproto::kTcp || d != kToClient || st.cert_done ||
        st.tls == OnPremState::Tls::Done || st.http_collecting)
      return;
    if (st.tls == OnPremState::Tls::Idle) {
      if (!startsTlsHandshake(p.payload)) {
        if (st.payloads[kToClient] > kMaxServerPayloadsBeforeTls)
          st.tls = OnPremState::Tls::Done;
        return;
      }
      if (!st.buf)
        st.buf = std::make_unique<StreamBuf>();
      st.buf->reset();
      st.tls = OnPremState::Tls::Collecting;
    }
    if (!st.buf->append(p.tcp_seq, p.payload, kTlsMaxServerFlight)) {
      finish(st); // a gap: the flight cannot be read in order
      return;
    }
    const TlsServerStatus s = parseTlsServerFlight(st.buf->data, info_);
    if (s == TlsServerStatus::NeedMore && !st.buf->overflow)
      return;
    if (s == TlsServerStatus::Ok && info_.has_certificate) {
      std::array<std::string_view, kTlsMaxSans> sans{};
      for (std::size_t i = 0; i < info_.leaf.san_stored; ++i)
        sans[i] = info_.leaf.sans[i].view();
      host.certificate(f, info_.leaf.subject.view(), info_.leaf.issuer.view(),
                       std::span<const std::string_view>(sans.data(), info_.leaf.san_stored), p.ts);
    }
    finish(st);
  }

  bool wantsMore(const FlowEntry& f, const OnPremState& st) const override {
    if (st.cert_done)
      return false;
    if (st.tls == OnPremState::Tls::Collecting)
      return true;
    // nDPI ends at the ClientHello of TLS over TCP: the server's flight that follows is read
    // here only, so a flow whose client sent one stays inspected until that flight starts (or
    // the server sends kMaxServerPayloadsBeforeTls payloads that are not TLS).
    return st.tls == OnPremState::Tls::Idle && !st.http_collecting && f.inspect != nullptr &&
           f.inspect->tls == TlsState::Done;
  }

private:
  static void finish(OnPremState& st) {
    st.tls = OnPremState::Tls::Done;
    if (st.buf) {
      st.buf->reset();
      st.buf->data.shrink_to_fit();
    }
  }
  TlsServerInfo info_; ///< scratch (one per classifier)
};

} // namespace

std::unique_ptr<Inspector> makeTlsServerInspector() {
  return std::make_unique<TlsServerInspector>();
}

} // namespace vw::classify
