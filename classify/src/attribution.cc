#include <algorithm>
#include <array>
#include <bit>

#include <vw/classify/attribution.h>

namespace vw::classify {
namespace sig = vw::signatures;

namespace {

/// Fields that name the peer (or carry its certificate): strong on their own.
bool isNamedField(std::string_view f) {
  return f == "tls.sni" || f == "quic.sni" || f == "http.host" || f == "dns.query" ||
         f == "dns.cname" || f == "tls.subject" || f == "tls.issuer" || f == "tls.san";
}

/// Bit per evidence field, to count distinct fields.
std::uint32_t fieldBit(std::string_view f) {
  static constexpr std::array<std::string_view, 15> kFields = {
      "tls.sni", "quic.sni",  "http.host",  "http.user_agent", "tls.subject", "tls.issuer",
      "tls.san", "dns.query", "dns.answer", "dns.cname",       "dns.cache",   "ip",
      "ja3",     "ja4",       "port"};
  for (std::size_t i = 0; i < kFields.size(); ++i)
    if (kFields[i] == f)
      return 1u << i;
  return 0;
}

Confidence fromSig(sig::Confidence c) {
  switch (c) {
  case sig::Confidence::kHigh:
    return Confidence::High;
  case sig::Confidence::kMedium:
    return Confidence::Medium;
  case sig::Confidence::kLow:
    return Confidence::Low;
  }
  return Confidence::Low;
}

} // namespace

bool Attributor::push(std::string_view field, std::string_view value, const sig::Match& m,
                      std::vector<EvidenceItem>& ev) const {
  if (!m)
    return false;
  for (const auto& e : ev)
    if (e.field == field && e.value == value)
      return true;
  if (ev.size() >= kMaxEvidencePerFlow)
    return true;
  EvidenceItem item;
  item.field = std::string(field);
  item.value = std::string(value);
  item.indicator = static_cast<std::uint32_t>(m.indicator - m_.set().indicators().data());
  ev.push_back(std::move(item));
  return true;
}

bool Attributor::addName(std::string_view field, std::string_view name,
                         std::vector<EvidenceItem>& ev) const {
  if (name.empty())
    return false;
  return push(field, name, m_.matchDomain(name), ev);
}

bool Attributor::addIp(std::string_view field, const IpAddr& addr,
                       std::vector<EvidenceItem>& ev) const {
  const auto m = m_.matchIp(addr.span());
  if (!m)
    return false;
  return push(field, addr.toString(), m, ev);
}

bool Attributor::addCertDn(std::string_view field, std::string_view dn,
                           std::vector<EvidenceItem>& ev) const {
  if (dn.empty())
    return false;
  return push(field, dn, m_.matchCertDn(dn), ev);
}

bool Attributor::addJa3(std::string_view ja3, std::vector<EvidenceItem>& ev) const {
  return !ja3.empty() && push("ja3", ja3, m_.matchJa3(ja3), ev);
}

bool Attributor::addJa4(std::string_view ja4, std::vector<EvidenceItem>& ev) const {
  return !ja4.empty() && push("ja4", ja4, m_.matchJa4(ja4), ev);
}

bool Attributor::addUserAgent(std::string_view ua, std::vector<EvidenceItem>& ev) const {
  return !ua.empty() && push("http.user_agent", ua, m_.matchUserAgent(ua), ev);
}

bool Attributor::addPort(std::uint8_t l4proto, std::uint16_t port,
                         std::vector<EvidenceItem>& ev) const {
  sig::Transport t;
  if (l4proto == 6)
    t = sig::Transport::kTcp;
  else if (l4proto == 17)
    t = sig::Transport::kUdp;
  else
    return false;
  const auto m = m_.matchPort(t, port);
  if (!m)
    return false;
  const std::string value = std::string(l4proto == 6 ? "tcp/" : "udp/") + std::to_string(port);
  return push("port", value, m, ev);
}

Confidence Attributor::itemConfidence(const EvidenceItem& e) const {
  const auto& ind = m_.set().indicators()[e.indicator];
  const auto& prod = m_.set().products()[ind.product];
  Confidence c = fromSig(ind.confidence);
  // A site behind a CDN / reverse proxy, or a person reading the vendor's web site, says
  // little about running the vendor's software.
  if (prod.role == sig::Role::kCdnEdge || prod.role == sig::Role::kCorporateWeb)
    c = std::min(c, Confidence::Low);
  // Addresses, fingerprints and cached DNS answers are indirect: at most medium alone.
  if (!isNamedField(e.field))
    c = std::min(c, Confidence::Medium);
  if (e.field == "port")
    c = Confidence::None; // weak: only counted together with other evidence
  return c;
}

Verdict Attributor::decide(std::span<const EvidenceItem> ev) const {
  const auto& set = m_.set();
  const std::size_t nv = set.vendors().size();
  struct Acc {
    Confidence best = Confidence::None;
    std::uint32_t strong_fields = 0; ///< bits of distinct fields with at least medium confidence
    int items = 0;
    bool named = false;
    std::int32_t product = -1;
    Confidence product_conf = Confidence::None;
  };
  std::vector<Acc> acc(nv);
  for (const auto& e : ev) {
    const auto& ind = set.indicators()[e.indicator];
    Acc& a = acc[ind.vendor];
    const Confidence c = itemConfidence(e);
    ++a.items;
    if (c == Confidence::None)
      continue;
    if (c >= Confidence::Medium)
      a.strong_fields |= fieldBit(e.field);
    if (isNamedField(e.field))
      a.named = true;
    if (c > a.best)
      a.best = c;
    if (a.product < 0 || c > a.product_conf) {
      a.product = static_cast<std::int32_t>(ind.product);
      a.product_conf = c;
    }
  }
  Verdict v;
  int best_items = 0;
  for (std::size_t i = 0; i < nv; ++i) {
    Acc& a = acc[i];
    if (a.best == Confidence::None)
      continue;
    Confidence c = a.best;
    // Two independent strong observations agreeing (e.g. SNI and certificate, or a name and
    // the vendor's own address block) make it high.
    if (std::popcount(a.strong_fields) >= 2)
      c = Confidence::High;
    if (c > v.confidence || (c == v.confidence && a.items > best_items)) {
      v.vendor = static_cast<std::int32_t>(i);
      v.product = a.product;
      v.confidence = c;
      v.named = a.named;
      best_items = a.items;
    }
  }
  return v;
}

} // namespace vw::classify
