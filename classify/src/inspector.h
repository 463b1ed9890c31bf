#pragma once
// Per-protocol inspectors of what an endpoint says about itself: server-first banners and SSH
// identification lines, HTTP response headers (and request paths/headers), the server's TLS
// certificate, syslog/CEF/LEEF/key=value sent by an address, and the protocol nDPI's dissectors
// named. Each is one unit behind the small `Inspector` interface; they only match what they
// see against the flow's signature set and hand the matches to an `InspectorHost` (the
// Classifier), which turns them into evidence, instances, clients and inspection findings
// (classify/src/instances.cc, docs/attribution.md). Classify-private.
//
// Data path: no allocation per packet (the scratch parser outputs live in the inspector, one
// per Classifier); per-flow state is `OnPremState` inside FlowInspect (a reassembly buffer is
// allocated per flow only while a server flight or response head is collected, bounded).

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include <vw/classify/attribution.h>
#include <vw/classify/facts.h>
#include <vw/classify/flow_table.h>
#include <vw/classify/home_net.h>
#include <vw/packet/decode.h>
#include <vw/signatures/matcher.h>

namespace vw::classify {

struct FlowInspect;
struct StreamBuf;

/// Per-flow state of the inspectors (inside FlowInspect; freed with it).
struct OnPremState {
  /// Payload packets seen per direction, the current one included (saturating; counted by the
  /// host before the inspectors run).
  std::uint8_t payloads[2] = {0, 0};
  bool banner_done = false;          ///< the server-first banner was looked at
  bool ssh_done[2] = {false, false}; ///< each side's first bytes were looked at for SSH
  bool syslog_done[2] = {false, false};
  // TLS server flight (own X.509 walk)
  enum class Tls : std::uint8_t { Idle, Collecting, Done } tls = Tls::Idle;
  bool cert_done = false; ///< the server certificate was matched (nDPI's or ours): once
  // HTTP response heads
  bool http_collecting = false;
  std::uint8_t http_responses = 0; ///< response heads parsed
  std::unique_ptr<StreamBuf> buf;  ///< reassembly of a server flight / response head
  OnPremState();
  ~OnPremState();
  OnPremState(const OnPremState&) = delete;
  OnPremState& operator=(const OnPremState&) = delete;
};

/// What the Classifier offers the inspectors.
class InspectorHost {
public:
  virtual ~InspectorHost() = default;
  /// The signature set this flow's evidence is (or will be) matched with.
  virtual const signatures::Matcher& matcherOf(const FlowEntry& f) const = 0;
  /// A server-side match (banner, certificate, response header, syslog, dpi) about the
  /// endpoint `sender` (0 = initiator, 1 = responder) sent. Re-attributes the flow.
  virtual void serverSide(FlowEntry& f, std::uint8_t sender, Field field, std::string_view value,
                          const signatures::Match& m, TimeUs ts) = 0;
  /// The server certificate of the flow (subject, issuer; SANs as a list). Called at most once
  /// per flow, by whichever of nDPI and our own X.509 walk gives it first.
  virtual void certificate(FlowEntry& f, std::string_view subject, std::string_view issuer,
                           std::span<const std::string_view> sans, TimeUs ts) = 0;
};

/// One per-protocol inspector.
class Inspector {
public:
  virtual ~Inspector() = default;
  /// A packet with payload of a flow under inspection (`d`: its direction, i.e. its sender).
  virtual void onPayload(FlowEntry& f, OnPremState& st, const DecodedPacket& p, Dir d,
                         InspectorHost& host) = 0;
  /// The DPI engine named the flow's protocol(s) by dissection (never a port or address guess):
  /// `names` are the protocol names as ndpiReader prints them.
  virtual void onDpiNames(FlowEntry&, std::span<const std::string_view>, TimeUs, InspectorHost&) {}
  /// True while the inspector waits for more bytes of this flow (keeps inspection open).
  virtual bool wantsMore(const FlowEntry&, const OnPremState&) const { return false; }
};

/// Server-first banners (the first bytes of a TCP connection, sent by the responder before
/// the initiator spoke) and SSH identification lines of either side: field `banner`.
std::unique_ptr<Inspector> makeBannerInspector();
/// HTTP response heads (server): field `http.response_header`.
std::unique_ptr<Inspector> makeHttpResponseInspector();
/// The server's TLS flight (TLS <= 1.2 certificate by our own X.509 walk).
std::unique_ptr<Inspector> makeTlsServerInspector();
/// Syslog sent by an address (UDP or TCP, any port): CEF/LEEF headers and key=value fields.
std::unique_ptr<Inspector> makeSyslogInspector();
/// Protocols named by the DPI engine's dissectors: field `dpi`.
std::unique_ptr<Inspector> makeDpiInspector();

/// The peer's address as evidence about `host` (the flow's internal side): `ip`, or
/// `ip.inbound` (an instance item of `host`, the responder) when the peer initiated the flow
/// from a product whose role is `cdn-edge` (a vendor's reverse proxy / WAF edge) into `host`.
void peerIpEvidence(const Attributor& attr, const HomeNet& home, const IpAddr& initiator,
                    const IpAddr& host, const IpAddr& peer, std::vector<EvidenceItem>& ev);

/// True for an address that can be a product instance or its client: not unspecified
/// (0.0.0.0, ::), not multicast or limited broadcast. (nDPI's CPHA packets come from 0.0.0.0.)
bool isHostAddress(const IpAddr& a);

} // namespace vw::classify
