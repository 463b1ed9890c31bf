// Product instances (issue 16): server-side evidence about an internal endpoint makes it an
// instance of the product (host_role server); its internal peer is recorded as a client of it
// (evidence `instance`); a vendor's edge connecting into an internal server makes that server
// an instance behind the vendor (`ip.inbound`); a certificate issued by a vendor's
// interception CA is one inspection finding, never per-host evidence. The per-protocol
// inspectors (inspector.h) report here. Rules: docs/attribution.md.

#include <algorithm>
#include <array>

#include <vw/classify/classifier.h>
#include <vw/classify/proto/http.h>

#include "inspect.h"
#include "inspector.h"

namespace vw::classify {
namespace sig = vw::signatures;

namespace {

/// Inbound flows from a vendor's edge after which the server behind it is a medium-confidence
/// instance (one or two flows may be a scan or a stray request: low).
constexpr std::uint64_t kInboundFlowsForMedium = 3;

/// Origin of a server-side item sent by `sender`: an instance item when that endpoint is an
/// internal host address, unless the flow is tunnelled through an explicit proxy (after a
/// CONNECT the responder's bytes are the tunnel target's, not the proxy's).
ItemOrigin originOf(const FlowEntry& f, const HomeNet& home, const IpAddr& addr,
                    std::uint8_t sender) {
  const bool tunnelled = (f.inspect && f.inspect->connect_seen) ||
                         (f.facts && f.facts->http && !f.facts->http->connect.empty());
  return ItemOrigin{sender,
                    home.contains(addr) && isHostAddress(addr) && !(tunnelled && sender == 1)};
}

std::string_view sanZone(std::string_view s) {
  // A wildcard SAN "*.example.com" names the zone example.com for matching purposes.
  if (s.size() > 2 && s[0] == '*' && s[1] == '.')
    return s.substr(2);
  return s;
}

} // namespace

OnPremState::OnPremState() = default;
OnPremState::~OnPremState() = default;

/// The Classifier as the inspectors see it.
class ClassifierInspectorHost final : public InspectorHost {
public:
  explicit ClassifierInspectorHost(Classifier& c) : c_(c) {}
  const sig::Matcher& matcherOf(const FlowEntry& f) const override {
    return f.facts && f.facts->sigs ? *f.facts->sigs : *c_.matcher_;
  }
  void serverSide(FlowEntry& f, std::uint8_t sender, Field field, std::string_view value,
                  const sig::Match& m, TimeUs ts) override {
    c_.serverSideEvidence(f, sender, field, value, m, ts);
  }
  void certificate(FlowEntry& f, std::string_view subject, std::string_view issuer,
                   std::span<const std::string_view> sans, TimeUs ts) override {
    c_.onpremCertificate(f, subject, issuer, sans, ts);
  }

private:
  Classifier& c_;
};

void Classifier::onpremInit() {
  inspectors_.push_back(makeBannerInspector());
  inspectors_.push_back(makeTlsServerInspector());
  inspectors_.push_back(makeHttpResponseInspector());
  inspectors_.push_back(makeSyslogInspector());
  inspectors_.push_back(makeDpiInspector());
  inspector_host_ = std::make_unique<ClassifierInspectorHost>(*this);
}

void Classifier::onpremPayload(FlowEntry& f, const DecodedPacket& p, Dir d) {
  OnPremState& st = f.inspect->onprem;
  if (st.payloads[d] < 255)
    ++st.payloads[d];
  for (auto& i : inspectors_) {
    i->onPayload(f, st, p, d, *inspector_host_);
    if (!f.inspect)
      return;
  }
}

bool Classifier::onpremWantsMore(const FlowEntry& f) const {
  if (!f.inspect)
    return false;
  for (const auto& i : inspectors_)
    if (i->wantsMore(f, f.inspect->onprem))
      return true;
  return false;
}

void Classifier::onpremDpiEnd(FlowEntry& f, bool dissected) {
  FlowInspect& in = *f.inspect;
  DpiCertificate cert;
  if (engine_.certificate(*in.dpi, cert) && !in.onprem.cert_done) {
    std::array<std::string_view, 32> sans{};
    std::size_t n = 0;
    for (const auto& s : cert.san)
      if (n < sans.size())
        sans[n++] = s;
    onpremCertificate(f, cert.subject, cert.issuer,
                      std::span<const std::string_view>(sans.data(), n), f.last_ts);
  }
  if (!dissected)
    return;
  // The names of the master and application protocols the dissectors found, as ndpiReader
  // prints them one by one ("TLS", "Google"; "VMware"; "CPHA").
  std::array<std::string, 2> names;
  std::array<std::string_view, 2> views;
  std::size_t n = 0;
  for (const std::uint16_t id : {f.dpi_master, f.dpi_app}) {
    if (id == 0 || (n == 1 && id == f.dpi_master))
      continue;
    names[n] = engine_.protocolName(DpiVerdict{0, id, 0});
    views[n] = names[n];
    ++n;
  }
  for (auto& i : inspectors_)
    i->onDpiNames(f, std::span<const std::string_view>(views.data(), n), f.last_ts,
                  *inspector_host_);
}

void Classifier::onpremCertificate(FlowEntry& f, std::string_view subject, std::string_view issuer,
                                   std::span<const std::string_view> sans, TimeUs ts) {
  if (f.inspect) {
    if (f.inspect->onprem.cert_done)
      return;
    f.inspect->onprem.cert_done = true;
  }
  FlowFacts& fx = facts(f);
  if (!fx.tls)
    fx.tls = std::make_unique<TlsFacts>();
  if (fx.tls->subject.empty() && fx.tls->issuer.empty()) {
    fx.tls->subject = std::string(subject);
    fx.tls->issuer = std::string(issuer);
    fx.tls->san.assign(sans.begin(), sans.end());
  }
  const sig::Matcher& m = *fx.sigs;
  const sig::SignatureSet& set = m.set();
  const Attributor attr(m);
  const ItemOrigin origin = originOf(f, cfg_.home_net, responderOf(f), 1);
  std::array<sig::Match, 8> hits{};

  // The issuer: an interception CA is an inspection finding and nothing else.
  std::size_t n = issuer.empty() ? 0 : m.matchCert(sig::CertPart::kIssuer, issuer, hits);
  const sig::Match* ca = nullptr;
  for (std::size_t i = 0; i < n; ++i)
    if (set.productOf(*hits[i].indicator).role == sig::Role::kInterceptionCa) {
      ca = &hits[i];
      break;
    }
  if (ca != nullptr) {
    const sig::Vendor& v = set.vendors()[ca->indicator->vendor];
    const sig::Product& pr = set.productOf(*ca->indicator);
    const IpAddr host = hostOf(f);
    if (ledger_.addInspection(v.id, pr.id, issuer, host, ts, ts)) {
      InspectionRecord r;
      r.flow = record(f, ts);
      r.host = host;
      r.set = &set;
      r.vendor = &v;
      r.product = &pr;
      r.ca = issuer;
      r.indicator = ca->indicator;
      sink_.inspectionFound(r);
    }
  } else {
    for (std::size_t i = 0; i < n; ++i)
      attr.addMatch(Field::TlsIssuer, issuer, hits[i], fx.evidence, origin);
  }
  n = subject.empty() ? 0 : m.matchCert(sig::CertPart::kSubject, subject, hits);
  for (std::size_t i = 0; i < n; ++i)
    if (set.productOf(*hits[i].indicator).role != sig::Role::kInterceptionCa)
      attr.addMatch(Field::TlsSubject, subject, hits[i], fx.evidence, origin);
  for (const auto s : sans)
    attr.addName(Field::TlsSan, sanZone(s), fx.evidence, origin);
  attribute(f, ts, false);
}

void Classifier::onpremRequest(FlowEntry& f, const HttpRequestInfo& info) {
  // Client-side: the request path and request headers name what the client uses.
  FlowFacts& fx = facts(f);
  const sig::Matcher& m = *fx.sigs;
  const Attributor attr(m);
  if (!info.path.empty())
    attr.addMatch(Field::HttpPath, info.path.view(), m.matchHttpPath(info.path.view()),
                  fx.evidence);
  for (const HttpHeader& h : info.headers.view()) {
    const sig::Match hit = m.matchHttpHeader(sig::HttpDirection::kRequest, h.name, h.value);
    if (!hit)
      continue;
    std::string text(h.name);
    text += ": ";
    text.append(h.value.substr(0, std::min<std::size_t>(h.value.size(), 200)));
    attr.addMatch(Field::HttpRequestHeader, text, hit, fx.evidence);
  }
}

void Classifier::serverSideEvidence(FlowEntry& f, std::uint8_t sender, Field field,
                                    std::string_view value, const sig::Match& m, TimeUs ts) {
  FlowFacts& fx = facts(f);
  if (!m || m.indicator == nullptr)
    return;
  const IpAddr addr = sender == 0 ? initiatorOf(f) : responderOf(f);
  const ItemOrigin origin = originOf(f, cfg_.home_net, addr, sender);
  if (!isHostAddress(addr))
    return; // e.g. nDPI's CPHA from 0.0.0.0: names no host
  Attributor(*fx.sigs).addMatch(field, value, m, fx.evidence, origin);
  attribute(f, ts, false);
}

void peerIpEvidence(const Attributor& attr, const HomeNet& home, const IpAddr& initiator,
                    const IpAddr& host, const IpAddr& peer, std::vector<EvidenceItem>& ev) {
  if (peer == initiator && host != initiator && home.contains(host) && !home.contains(peer) &&
      isHostAddress(host)) {
    // Inbound: the vendor's reverse proxy / WAF edge fetches from an internal server, which
    // therefore sits behind that vendor (a product instance), rather than using it.
    const sig::Match hit = attr.matcher().matchIp(peer.span());
    if (hit && attr.matcher().set().productOf(*hit.indicator).role == sig::Role::kCdnEdge) {
      attr.addMatch(Field::IpInbound, peer.toString(), hit, ev, ItemOrigin{1, true});
      return;
    }
  }
  attr.addIp(Field::Ip, peer, ev);
}

IpAddr Classifier::clientHostOf(const FlowEntry& f) const {
  if (f.facts) {
    const bool i0 = static_cast<bool>(f.facts->instance[0]);
    const bool i1 = static_cast<bool>(f.facts->instance[1]);
    const IpAddr init = initiatorOf(f);
    const IpAddr resp = responderOf(f);
    if (i0 && !i1 && cfg_.home_net.contains(resp) && isHostAddress(resp))
      return resp;
    if (i1 && !i0 && cfg_.home_net.contains(init) && isHostAddress(init))
      return init;
  }
  return hostOf(f);
}

void Classifier::attributeInstances(FlowEntry& f, TimeUs ts, bool final) {
  FlowFacts& fx = *f.facts;
  const Attributor attr(*fx.sigs);
  for (std::uint8_t s = 0; s < 2; ++s) {
    const VerdictScope scope =
        s == 0 ? VerdictScope::InstanceInitiator : VerdictScope::InstanceResponder;
    Verdict v = attr.decide(fx.evidence, scope);
    if (!v)
      continue;
    v.usage = Usage::Product; // an instance runs the product, whatever the product's role
    const IpAddr addr = s == 0 ? initiatorOf(f) : responderOf(f);
    const EvidenceItem* best = nullptr;
    bool inbound_only = true;
    for (const auto& e : fx.evidence) {
      if (!inScope(e, scope) || e.indicator->vendor != v.vendor_index)
        continue;
      if (e.field != Field::IpInbound)
        inbound_only = false;
      if (best == nullptr || attr.itemConfidence(e) > attr.itemConfidence(*best))
        best = &e;
    }
    if (inbound_only) {
      // Several flows from the vendor's edge make it medium (this one included).
      std::uint64_t prior = 0;
      const auto it =
          ledger_.instances().find(Ledger::InstanceKey{addr, v.vendor->id, v.product->id});
      if (it != ledger_.instances().end())
        prior = it->second.flows;
      v.confidence = prior + 1 >= kInboundFlowsForMedium ? Confidence::Medium : Confidence::Low;
    }
    fx.instance[s] = v;
    // Its internal peer is a client of the instance.
    const IpAddr peer = s == 0 ? responderOf(f) : initiatorOf(f);
    if (best != nullptr && cfg_.home_net.contains(peer) && isHostAddress(peer))
      attr.addMatch(Field::Instance, addr.toString(), sig::Match{best->indicator}, fx.evidence);
    const bool may_alert = v.named || final;
    const auto c = static_cast<std::uint8_t>(v.confidence);
    if (may_alert && c > fx.instance_alerted[s]) {
      fx.instance_alerted[s] = c;
      emitAlert(f, *fx.sigs, v, ts, addr, HostRole::Server, fx.evidence);
    }
  }
}

void Classifier::ledgerInstances(const FlowEntry& f) {
  if (!f.facts)
    return;
  const FlowFacts& fx = *f.facts;
  for (std::uint8_t s = 0; s < 2; ++s) {
    const Verdict& v = fx.instance[s];
    if (!v)
      continue;
    const VerdictScope scope =
        s == 0 ? VerdictScope::InstanceInitiator : VerdictScope::InstanceResponder;
    std::vector<LedgerEvidence> le;
    for (const auto& e : fx.evidence)
      if (inScope(e, scope) && e.indicator->vendor == v.vendor_index)
        le.push_back(LedgerEvidence{std::string(fieldName(e.field)), e.value, e.indicator->raw,
                                    e.indicator->sourceUrl});
    std::sort(le.begin(), le.end());
    const IpAddr addr = s == 0 ? initiatorOf(f) : responderOf(f);
    const IpAddr peer = s == 0 ? responderOf(f) : initiatorOf(f);
    IpAddr client;
    if (cfg_.home_net.contains(peer) && isHostAddress(peer))
      client = peer;
    LedgerAdd add;
    add.host = addr;
    add.vendor_id = v.vendor->id;
    add.product_id = v.product->id;
    add.confidence = v.confidence;
    add.flows = 1;
    add.bytes_to = f.bytes[s == 0 ? kToClient : kToServer];   // what its peer sent it
    add.bytes_from = f.bytes[s == 0 ? kToServer : kToClient]; // what it sent
    add.first = f.first_ts;
    add.last = f.last_ts;
    add.evidence = le;
    ledger_.addInstance(add, client);
  }
}

} // namespace vw::classify
