#pragma once
/// @file ledger.h
/// The host ledger: which internal host talks to which vendor, how often, since when, and how
/// many bytes it uploaded. Keyed by strings (vendor/product ids) so that ledgers from other
/// workers, sensors or signature versions merge cleanly.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <vw/classify/records.h>
#include <vw/packet/ip_address.h>

namespace vw::classify {

/// Evidence as kept in the ledger (self-contained text).
struct LedgerEvidence {
  std::string field, value, indicator, source;
  bool operator<(const LedgerEvidence& o) const {
    return std::tie(field, value, indicator) < std::tie(o.field, o.value, o.indicator);
  }
};

struct LedgerEntry {
  std::string vendor_id;
  std::set<std::string> products;
  std::uint64_t flows = 0;             ///< attributed flows (DNS lookups not included)
  std::uint64_t dns_lookups = 0;       ///< DNS queries for vendor names made by the host
  std::uint64_t bytes_to_vendor = 0;   ///< IP-layer bytes the host sent on attributed flows
  std::uint64_t bytes_from_vendor = 0; ///< IP-layer bytes the host received on them
  TimeUs first_seen = 0, last_seen = 0;
  Confidence confidence = Confidence::None; ///< highest seen
  std::set<LedgerEvidence> evidence;        ///< distinct evidence, bounded (kMaxEvidence)
  static constexpr std::size_t kMaxEvidence = 8;

  void merge(const LedgerEntry& o);
};

/// Coverage counters: how much of the traffic could be attributed.
struct Coverage {
  std::uint64_t flows = 0, flows_attributed = 0;
  std::uint64_t bytes = 0, bytes_attributed = 0;
  std::uint64_t tls_flows = 0, tls_flows_without_sni = 0;
  std::uint64_t dns_cache_attributions = 0;
  void merge(const Coverage& o);
};

class Ledger {
public:
  using Key = std::pair<IpAddr, std::string>; ///< host, vendor id

  /// Adds an attributed (non-DNS-lookup) flow at its end.
  void addFlow(const IpAddr& host, const std::string& vendor_id, const std::string& product_id,
               Confidence c, std::uint64_t bytes_to, std::uint64_t bytes_from, TimeUs first,
               TimeUs last, const std::vector<LedgerEvidence>& ev);
  /// Adds one DNS lookup of a vendor name by `host`.
  void addDnsLookup(const IpAddr& host, const std::string& vendor_id, const std::string& product_id,
                    Confidence c, TimeUs ts, const LedgerEvidence& ev);
  void merge(const Ledger& o);

  Coverage& coverage() { return coverage_; }
  const Coverage& coverage() const { return coverage_; }
  const std::map<Key, LedgerEntry>& entries() const { return entries_; }

private:
  LedgerEntry& entry(const IpAddr& host, const std::string& vendor_id);
  std::map<Key, LedgerEntry> entries_;
  Coverage coverage_;
};

} // namespace vw::classify
