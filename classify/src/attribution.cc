#include <algorithm>
#include <array>
#include <bit>
#include <charconv>

#include <vw/classify/attribution.h>

namespace vw::classify {
namespace sig = vw::signatures;

namespace {

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

bool isWebRole(sig::Role r) {
  return r == sig::Role::kCdnEdge || r == sig::Role::kCorporateWeb;
}

} // namespace

bool inScope(const EvidenceItem& e, VerdictScope scope) {
  switch (scope) {
  case VerdictScope::Client:
    return !e.instance;
  case VerdictScope::InstanceInitiator:
    return e.instance && e.sender == 0;
  case VerdictScope::InstanceResponder:
    return e.instance && e.sender == 1;
  }
  return false;
}

bool Attributor::addMatch(Field field, std::string_view value, const sig::Match& m,
                          std::vector<EvidenceItem>& ev, ItemOrigin o) const {
  if (!m)
    return false;
  const bool server = isServerSide(field);
  for (const auto& e : ev)
    if (e.field == field && e.value == value && (!server || e.sender == o.sender))
      return true;
  if (ev.size() >= kMaxEvidencePerFlow)
    return true;
  EvidenceItem item;
  item.field = field;
  item.value = std::string(value);
  item.indicator = m.indicator;
  if (server) {
    item.sender = o.sender;
    item.instance = o.instance;
  }
  ev.push_back(std::move(item));
  return true;
}

bool Attributor::addName(Field field, std::string_view name, std::vector<EvidenceItem>& ev,
                         ItemOrigin o) const {
  if (name.empty())
    return false;
  return addMatch(field, name, m_.matchDomain(name), ev, o);
}

bool Attributor::addIp(Field field, const IpAddr& addr, std::vector<EvidenceItem>& ev,
                       ItemOrigin o) const {
  const auto m = m_.matchIp(addr.span());
  if (!m)
    return false;
  return addMatch(field, addr.toString(), m, ev, o);
}

bool Attributor::addCertDn(Field field, std::string_view dn, std::vector<EvidenceItem>& ev,
                           ItemOrigin o) const {
  if (dn.empty())
    return false;
  return addMatch(field, dn, m_.matchCertDn(dn), ev, o);
}

bool Attributor::addJa3(std::string_view ja3, std::vector<EvidenceItem>& ev) const {
  return !ja3.empty() && addMatch(Field::Ja3, ja3, m_.matchJa3(ja3), ev);
}

bool Attributor::addJa4(std::string_view ja4, std::vector<EvidenceItem>& ev) const {
  return !ja4.empty() && addMatch(Field::Ja4, ja4, m_.matchJa4(ja4), ev);
}

bool Attributor::addUserAgent(std::string_view ua, std::vector<EvidenceItem>& ev) const {
  return !ua.empty() && addMatch(Field::HttpUserAgent, ua, m_.matchUserAgent(ua), ev);
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
  char buf[16] = {'t', 'c', 'p', '/'};
  if (l4proto == 17) {
    buf[0] = 'u';
    buf[1] = 'd';
  }
  const auto r = std::to_chars(buf + 4, buf + sizeof buf, port);
  return addMatch(Field::Port, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)), m, ev);
}

bool Attributor::isWeb(const EvidenceItem& e) const {
  return isWebRole(m_.set().productOf(*e.indicator).role);
}

Confidence Attributor::itemConfidence(const EvidenceItem& e) const {
  const auto& ind = *e.indicator;
  Confidence c = fromSig(ind.confidence);
  // A site behind a CDN / reverse proxy, or a person reading the vendor's web site, says
  // little about running the vendor's software.
  if (isWeb(e))
    c = std::min(c, Confidence::Low);
  // Addresses, fingerprints and cached DNS answers are indirect: at most medium alone.
  if (!isNamedField(e.field))
    c = std::min(c, Confidence::Medium);
  if (e.field == Field::Port)
    c = Confidence::None; // only ever listed next to other evidence: it never decides
  return c;
}

namespace {
/// Per-vendor accumulator of decide(): one for product items, one for web items.
struct Acc {
  std::uint32_t vendor = 0;
  Confidence best = Confidence::None;
  std::uint32_t strong_fields = 0; ///< bits of distinct fields with at least medium confidence
  int items = 0;                   ///< items that count (ports do not)
  bool named = false;
  const sig::Product* product = nullptr;
  Confidence product_conf = Confidence::None;

  void add(const EvidenceItem& e, Confidence c, const sig::Product& p) {
    if (c == Confidence::None)
      return; // ports: listed, never counted, never a tie-break
    ++items;
    if (c >= Confidence::Medium)
      strong_fields |= 1u << static_cast<unsigned>(e.field);
    if (isNamedField(e.field))
      named = true;
    if (c > best)
      best = c;
    if (product == nullptr || c > product_conf) {
      product = &p;
      product_conf = c;
    }
  }
  Confidence confidence() const {
    // Two independent strong observations agreeing (e.g. SNI and certificate, or a name and
    // the vendor's own address block) make it high.
    return std::popcount(strong_fields) >= 2 ? Confidence::High : best;
  }
};
static_assert(static_cast<unsigned>(Field::Count_) <= 32, "field bits fit in 32 bits");
} // namespace

Verdict Attributor::decide(std::span<const EvidenceItem> ev, VerdictScope scope) const {
  const auto& set = m_.set();
  // At most kMaxEvidencePerFlow items, so at most that many vendors: fixed arrays, no
  // allocation.
  std::array<Acc, kMaxEvidencePerFlow> prod{}, web{};
  std::size_t nv = 0;
  for (const auto& e : ev) {
    if (!inScope(e, scope) || e.indicator == nullptr)
      continue;
    const std::uint32_t vi = e.indicator->vendor;
    std::size_t k = 0;
    while (k < nv && prod[k].vendor != vi)
      ++k;
    if (k == nv) {
      if (nv == prod.size())
        continue;
      prod[k].vendor = web[k].vendor = vi;
      ++nv;
    }
    const auto& p = set.productOf(*e.indicator);
    (isWebRole(p.role) ? web[k] : prod[k]).add(e, itemConfidence(e), p);
  }
  Verdict v;
  int best_items = 0;
  std::string_view best_id;
  for (std::size_t k = 0; k < nv; ++k) {
    // A product item of the vendor always outranks its web items.
    const bool usage_product = prod[k].best != Confidence::None;
    const Acc& a = usage_product ? prod[k] : web[k];
    if (a.best == Confidence::None)
      continue;
    const Confidence c = a.confidence();
    const Usage u = usage_product ? Usage::Product : Usage::Web;
    const std::string_view id = set.vendors()[a.vendor].id;
    // Product usage beats web presence; then confidence; then the number of items (ports
    // excluded); then the vendor id, so that the order of the signature set never matters.
    bool better;
    if (!v)
      better = true;
    else if (u != v.usage)
      better = u == Usage::Product;
    else if (c != v.confidence)
      better = c > v.confidence;
    else if (a.items != best_items)
      better = a.items > best_items;
    else
      better = id < best_id;
    if (better) {
      v.vendor = &set.vendors()[a.vendor];
      v.vendor_index = a.vendor;
      v.product = a.product;
      v.confidence = c;
      v.usage = u;
      v.named = a.named;
      best_items = a.items;
      best_id = id;
    }
  }
  return v;
}

} // namespace vw::classify
