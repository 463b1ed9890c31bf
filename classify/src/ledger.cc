#include <algorithm>
#include <iterator>

#include <vw/classify/ledger.h>

namespace vw::classify {
namespace {
// Keeps the kMaxEvidence smallest items: the result does not depend on the order in which
// evidence arrives, so ledgers merged from several workers equal a single worker's.
void addEvidence(std::set<LedgerEvidence>& set, const LedgerEvidence& e) {
  set.insert(e);
  if (set.size() > LedgerEntry::kMaxEvidence)
    set.erase(std::prev(set.end()));
}
void widen(LedgerEntry& e, TimeUs first, TimeUs last) {
  if (e.first_seen == 0 || first < e.first_seen)
    e.first_seen = first;
  if (last > e.last_seen)
    e.last_seen = last;
}
} // namespace

void LedgerEntry::merge(const LedgerEntry& o) {
  products.insert(o.products.begin(), o.products.end());
  flows += o.flows;
  dns_lookups += o.dns_lookups;
  bytes_to_vendor += o.bytes_to_vendor;
  bytes_from_vendor += o.bytes_from_vendor;
  if (o.first_seen != 0)
    widen(*this, o.first_seen, o.last_seen);
  confidence = std::max(confidence, o.confidence);
  for (const auto& e : o.evidence)
    addEvidence(evidence, e);
}

void Coverage::merge(const Coverage& o) {
  flows += o.flows;
  flows_attributed += o.flows_attributed;
  bytes += o.bytes;
  bytes_attributed += o.bytes_attributed;
  tls_flows += o.tls_flows;
  tls_flows_without_sni += o.tls_flows_without_sni;
  dns_cache_attributions += o.dns_cache_attributions;
}

LedgerEntry& Ledger::entry(const IpAddr& host, const std::string& vendor_id) {
  auto& e = entries_[Key{host, vendor_id}];
  e.vendor_id = vendor_id;
  return e;
}

void Ledger::addFlow(const IpAddr& host, const std::string& vendor_id,
                     const std::string& product_id, Confidence c, std::uint64_t bytes_to,
                     std::uint64_t bytes_from, TimeUs first, TimeUs last,
                     const std::vector<LedgerEvidence>& ev) {
  auto& e = entry(host, vendor_id);
  e.products.insert(product_id);
  ++e.flows;
  e.bytes_to_vendor += bytes_to;
  e.bytes_from_vendor += bytes_from;
  widen(e, first, last);
  e.confidence = std::max(e.confidence, c);
  for (const auto& x : ev)
    addEvidence(e.evidence, x);
}

void Ledger::addDnsLookup(const IpAddr& host, const std::string& vendor_id,
                          const std::string& product_id, Confidence c, TimeUs ts,
                          const LedgerEvidence& ev) {
  auto& e = entry(host, vendor_id);
  e.products.insert(product_id);
  ++e.dns_lookups;
  widen(e, ts, ts);
  e.confidence = std::max(e.confidence, c);
  addEvidence(e.evidence, ev);
}

void Ledger::merge(const Ledger& o) {
  for (const auto& [k, v] : o.entries_)
    entry(k.first, k.second).merge(v);
  coverage_.merge(o.coverage_);
}

} // namespace vw::classify
