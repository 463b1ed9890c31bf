#pragma once
/// @file ledger.h
/// The ledger: which internal host uses which vendor (hosts, role client), where each product
/// runs (instances, role server), who visits vendors' web sites (web presence) and which
/// TLS-interception CAs sit in the path (inspection). Keyed by strings (vendor/product ids), so
/// that ledgers from other workers, sensors or signature versions merge cleanly. Every section
/// is bounded by a cap; entries beyond it are evicted (least recently seen first) and counted.
/// See docs/attribution.md and the summary format in CONTRACT section 5 / docs/events.md.

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <vw/classify/facts.h>
#include <vw/packet/ip_address.h>
#include <vw/packet/packet.h>

namespace vw::classify {

/// Evidence as kept in the ledger (self-contained text).
struct LedgerEvidence {
  std::string field, value, indicator, source;
  bool operator<(const LedgerEvidence& o) const {
    return std::tie(field, value, indicator) < std::tie(o.field, o.value, o.indicator);
  }
  bool operator==(const LedgerEvidence& o) const {
    return field == o.field && value == o.value && indicator == o.indicator;
  }
};

/// Counters of one host x vendor x product.
struct ProductCounters {
  std::uint64_t flows = 0;
  std::uint64_t dns_lookups = 0;
  std::uint64_t bytes_to_vendor = 0;
  std::uint64_t bytes_from_vendor = 0;
  TimeUs first_seen = 0, last_seen = 0;
  void merge(const ProductCounters& o);
};

/// The strongest verdict seen for a host x vendor and its evidence.
struct BestVerdict {
  std::string product;
  Confidence confidence = Confidence::None;
  std::vector<LedgerEvidence> evidence; ///< sorted, distinct, at most kMaxEvidence
  /// True if `o` is stronger: higher confidence; at equal confidence, the smaller product id,
  /// then the smaller evidence list (a total order, so merges do not depend on order).
  bool weakerThan(const BestVerdict& o) const;
};

/// One host x vendor as a client (the host uses the vendor's products or cloud).
struct LedgerEntry {
  std::string vendor_id;
  HostRole role = HostRole::Client;
  std::set<std::string, std::less<>> products;
  std::uint64_t flows = 0;             ///< attributed flows (DNS lookups not included)
  std::uint64_t dns_lookups = 0;       ///< DNS queries for vendor names made by the host
  std::uint64_t bytes_to_vendor = 0;   ///< IP-layer bytes the host sent on attributed flows
  std::uint64_t bytes_from_vendor = 0; ///< IP-layer bytes the host received on them
  TimeUs first_seen = 0, last_seen = 0;
  Confidence confidence = Confidence::None; ///< highest seen
  std::set<LedgerEvidence> evidence;        ///< distinct evidence, bounded (kMaxEvidence)
  std::map<std::string, ProductCounters, std::less<>> by_product;
  BestVerdict best;
  static constexpr std::size_t kMaxEvidence = 8;

  void merge(const LedgerEntry& o);
};

/// One product instance: an internal address that runs a vendor's product (server side).
struct InstanceEntry {
  std::string vendor_id, product_id;
  std::uint64_t flows = 0;
  TimeUs first_seen = 0, last_seen = 0;
  Confidence confidence = Confidence::None;
  std::set<LedgerEvidence> evidence; ///< bounded (LedgerEntry::kMaxEvidence)
  /// Distinct internal clients seen using it: the smallest kMaxClients addresses are kept, so
  /// client_count() is exact up to that bound and a lower bound beyond it.
  std::set<IpAddr> clients;
  bool clients_saturated = false;
  /// A count known from elsewhere (a decoded summary lists at most kListedClients).
  std::uint64_t client_count_floor = 0;
  static constexpr std::size_t kMaxClients = 4096;
  static constexpr std::size_t kListedClients = 64; ///< listed in the summary

  std::uint64_t clientCount() const {
    return clients.size() > client_count_floor ? clients.size() : client_count_floor;
  }
  void addClient(const IpAddr& c);
  void merge(const InstanceEntry& o);
};

/// Web presence of one host x vendor: visits of the vendor's web sites or of sites behind its
/// CDN (no `vendor` event by default).
struct WebEntry {
  std::string vendor_id;
  std::uint64_t flows = 0, dns_lookups = 0;
  std::uint64_t bytes_to_vendor = 0, bytes_from_vendor = 0;
  TimeUs first_seen = 0, last_seen = 0;
  std::set<LedgerEvidence> evidence; ///< bounded (LedgerEntry::kMaxEvidence)
  void merge(const WebEntry& o);
};

/// One TLS-interception CA (vendor x product x issuer DN): an appliance of that vendor
/// inspects TLS in the path. Never per-host evidence.
struct InspectionEntry {
  std::uint64_t flows = 0;
  TimeUs first_seen = 0, last_seen = 0;
  std::set<IpAddr> hosts; ///< distinct hosts (the smallest kMaxHosts kept)
  bool hosts_saturated = false;
  std::uint64_t host_count_floor = 0; ///< a count known from elsewhere (a decoded summary)
  static constexpr std::size_t kMaxHosts = 4096;
  std::uint64_t hostCount() const {
    return hosts.size() > host_count_floor ? hosts.size() : host_count_floor;
  }
  void merge(const InspectionEntry& o);
};

/// Coverage counters: how much of the traffic could be attributed.
struct Coverage {
  std::uint64_t flows = 0, flows_attributed = 0;
  std::uint64_t bytes = 0, bytes_attributed = 0;
  std::uint64_t tls_flows = 0, tls_flows_without_sni = 0;
  std::uint64_t dns_cache_attributions = 0;
  std::uint64_t dns_unsolicited = 0;     ///< DNS responses that answered no query of the host
  std::uint64_t dns_pending_evicted = 0; ///< open DNS queries pushed out by newer ones (bound)
  std::uint64_t web_verdicts = 0; ///< web-presence verdicts that made no event (no --alert-web)
  void merge(const Coverage& o);
};

/// Caps of the ledger sections (entries).
struct LedgerCaps {
  std::size_t hosts = 32768;     ///< host x vendor entries
  std::size_t instances = 8192;  ///< address x vendor x product
  std::size_t web = 16384;       ///< host x vendor
  std::size_t inspection = 1024; ///< vendor x product x CA
  std::size_t journal = 65536;   ///< pending journal rows (drained by the store)
};

/// Entries evicted at the caps (and alert de-duplication keys evicted at theirs, counted here
/// so that the summary shows every bound that was hit).
struct LedgerEvictions {
  std::uint64_t hosts = 0, instances = 0, web = 0, inspection = 0, dedup = 0;
  std::uint64_t journal_dropped = 0;
  void merge(const LedgerEvictions& o);
};

/// Kind of a journal row.
enum class JournalKind : std::uint8_t { Client = 0, Server = 1, Web = 2, Inspection = 3 };
/// "client", "server", "web", "inspection".
const char* journalKindName(JournalKind k);

/// One per-hour delta of the ledger (for the SQLite store): rows are additive.
struct JournalRow {
  TimeUs hour = 0; ///< start of the hour of the event's packet time (UTC, microseconds)
  JournalKind kind = JournalKind::Client;
  IpAddr address; ///< host (client, web), instance (server), host seen (inspection)
  std::string vendor_id, product_id;
  std::string ca; ///< inspection rows: the CA's issuer DN
  std::uint64_t flows = 0, dns_lookups = 0;
  std::uint64_t bytes_to_vendor = 0, bytes_from_vendor = 0;
  TimeUs first_seen = 0, last_seen = 0;
  Confidence confidence = Confidence::None; ///< best within the row
  bool operator==(const JournalRow&) const = default;
};

/// One addition to the ledger (an attributed flow at its end, or one DNS lookup).
struct LedgerAdd {
  IpAddr host;
  std::string_view vendor_id, product_id;
  Confidence confidence = Confidence::None;
  std::uint64_t flows = 0, dns_lookups = 0;
  std::uint64_t bytes_to = 0, bytes_from = 0;
  TimeUs first = 0, last = 0;
  std::span<const LedgerEvidence> evidence;
};

class Ledger {
public:
  using Key = std::pair<IpAddr, std::string>;                       ///< host, vendor id
  using InstanceKey = std::tuple<IpAddr, std::string, std::string>; ///< address, vendor, product
  using InspectionKey = std::tuple<std::string, std::string, std::string>; ///< vendor, product, CA

  explicit Ledger(LedgerCaps caps = {}) : caps_(caps) {}

  /// A host's usage as a client: a flow at its end (add.flows = 1) or a DNS lookup
  /// (add.dns_lookups = 1).
  void addClient(const LedgerAdd& add);
  /// A product instance at `add.host`; `client` (family 0 = none) is an internal peer using it.
  void addInstance(const LedgerAdd& add, const IpAddr& client);
  /// Web presence of `add.host` (product_id names the web product, for the journal).
  void addWeb(const LedgerAdd& add);
  /// An interception CA seen on a flow of `host`. Returns true the first time this vendor x
  /// product x CA is seen (the caller writes one `inspection` event).
  bool addInspection(std::string_view vendor_id, std::string_view product_id, std::string_view ca,
                     const IpAddr& host, TimeUs first, TimeUs last);

  /// Compatibility wrappers for addClient.
  void addFlow(const IpAddr& host, const std::string& vendor_id, const std::string& product_id,
               Confidence c, std::uint64_t bytes_to, std::uint64_t bytes_from, TimeUs first,
               TimeUs last, const std::vector<LedgerEvidence>& ev);
  void addDnsLookup(const IpAddr& host, const std::string& vendor_id, const std::string& product_id,
                    Confidence c, TimeUs ts, const LedgerEvidence& ev);

  /// Adds another ledger (another worker's, or a decoded summary). Caps apply. When `o`
  /// records a journal, this ledger records one too and adds `o`'s rows to it.
  void merge(const Ledger& o);
  /// The same result, but the entries this ledger lacks are moved over from `o` (map nodes
  /// spliced, nothing copied): the end-of-run hand-over of a worker's ledger, which otherwise
  /// holds the entries twice or three times at the memory peak. `o` is left with the rest.
  void merge(Ledger&& o);

  /// Journal of per-hour deltas (off by default). Rows are recorded for every addition from
  /// the moment it is enabled.
  void enableJournal(bool on) { journal_on_ = on; }
  bool journalEnabled() const { return journal_on_; }
  /// Returns the rows recorded since the last drain (sorted by key) and clears them.
  std::vector<JournalRow> drainJournal();
  std::size_t journalSize() const { return journal_.size(); }

  Coverage& coverage() { return coverage_; }
  const Coverage& coverage() const { return coverage_; }
  LedgerEvictions& evictions() { return evictions_; }
  const LedgerEvictions& evictions() const { return evictions_; }
  const LedgerCaps& caps() const { return caps_; }
  void setCaps(const LedgerCaps& c) { caps_ = c; }

  const std::map<Key, LedgerEntry>& entries() const { return entries_; }
  const std::map<InstanceKey, InstanceEntry>& instances() const { return instances_; }
  const std::map<Key, WebEntry>& web() const { return web_; }
  const std::map<InspectionKey, InspectionEntry>& inspection() const { return inspection_; }

  /// Direct access for decoders (summary JSON): no caps, no journal.
  std::map<Key, LedgerEntry>& mutableEntries() { return entries_; }
  std::map<InstanceKey, InstanceEntry>& mutableInstances() { return instances_; }
  std::map<Key, WebEntry>& mutableWeb() { return web_; }
  std::map<InspectionKey, InspectionEntry>& mutableInspection() { return inspection_; }

private:
  using JournalKey = std::tuple<TimeUs, JournalKind, IpAddr, std::string, std::string, std::string>;
  void journal(JournalKind kind, const IpAddr& addr, std::string_view vendor,
               std::string_view product, std::string_view ca, const LedgerAdd& add);
  void enforceCaps();
  void mergeTail(const Ledger& o); ///< coverage, evictions, caps and journal of merge()

  LedgerCaps caps_;
  std::map<Key, LedgerEntry> entries_;
  std::map<InstanceKey, InstanceEntry> instances_;
  std::map<Key, WebEntry> web_;
  std::map<InspectionKey, InspectionEntry> inspection_;
  Coverage coverage_;
  LedgerEvictions evictions_;
  bool journal_on_ = false;
  std::map<JournalKey, JournalRow> journal_;
};

} // namespace vw::classify
