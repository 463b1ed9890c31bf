#pragma once
/// @file ledger.h
/// The ledger: which internal host uses which vendor (hosts, role client), where each product
/// runs (instances, role server), who visits vendors' web sites (web presence) and which
/// TLS-interception CAs sit in the path (inspection). Keyed by strings (vendor/product ids), so
/// that ledgers from other workers, sensors or signature versions merge cleanly. Every section
/// is bounded by a cap; entries beyond it are evicted (least recently seen first) and counted.
/// See docs/attribution.md and the summary format in CONTRACT section 5 / docs/events.md.

#include <algorithm>
#include <compare>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <vw/classify/facts.h>
#include <vw/packet/ip_address.h>
#include <vw/packet/packet.h>

namespace vw::classify {

/// An immutable string kept once per process in a pool of interned strings: 8 bytes per copy
/// instead of a std::string (32 bytes plus a heap block when longer than 15). Meant for text
/// from a bounded set (signature fields, indicators, sources, vendor and product ids), never for
/// attacker text. The pool holds the text itself (no index into a signature set), so records stay
/// valid across signature reloads and merge across workers and ledgers. The pool is bounded
/// (kMaxStrings, kMaxBytes, keyed hash): beyond it a PooledString owns a private copy, so that no
/// input can make it grow without limit. Thread-safe (a mutex around interning; copies are free).
class PooledString {
public:
  static constexpr std::size_t kMaxStrings = 65536;
  static constexpr std::size_t kMaxBytes = std::size_t{8} << 20;

  PooledString() noexcept;
  PooledString(std::string_view s); // NOLINT(google-explicit-constructor): a string type
  PooledString(const std::string& s) : PooledString(std::string_view(s)) {} // NOLINT
  PooledString(const char* s) : PooledString(std::string_view(s)) {}        // NOLINT
  PooledString(const PooledString& o);
  PooledString(PooledString&& o) noexcept;
  PooledString& operator=(const PooledString& o);
  PooledString& operator=(PooledString&& o) noexcept;
  ~PooledString();

  const std::string& str() const noexcept {
    // A tagged pointer: bits_ always holds a `const std::string*` converted by bitsOf, with the
    // low bit (free: std::string is aligned) marking a private copy.
    return *reinterpret_cast<const std::string*>( // NOLINT(performance-no-int-to-ptr)
        bits_ & ~std::uintptr_t{1});
  }
  operator const std::string&() const noexcept { return str(); } // NOLINT
  operator std::string_view() const noexcept { return str(); }   // NOLINT
  bool empty() const noexcept { return str().empty(); }
  std::size_t size() const noexcept { return str().size(); }
  const char* c_str() const noexcept { return str().c_str(); }
  /// True if the text lives in the shared pool (false: a private copy, the pool being full).
  bool pooled() const noexcept { return (bits_ & 1) == 0; }
  /// Strings in the process-wide pool (tests, diagnostics).
  static std::size_t poolSize();

  friend bool operator==(const PooledString& a, const PooledString& b) noexcept {
    return a.bits_ == b.bits_ || a.str() == b.str();
  }
  friend std::strong_ordering operator<=>(const PooledString& a, const PooledString& b) noexcept {
    if (a.bits_ == b.bits_)
      return std::strong_ordering::equal;
    return a.str().compare(b.str()) <=> 0;
  }
  /// With any text (std::string, std::string_view, const char*): compares without interning.
  template <typename S>
  requires(!std::is_same_v<S, PooledString> &&
           std::is_convertible_v<const S&, std::string_view>) friend bool
  operator==(const PooledString& a, const S& b) noexcept {
    return std::string_view(a.str()) == std::string_view(b);
  }
  template <typename S>
  requires(!std::is_same_v<S, PooledString> &&
           std::is_convertible_v<const S&, std::string_view>) friend std::strong_ordering
  operator<=>(const PooledString& a, const S& b) noexcept {
    return std::string_view(a.str()).compare(std::string_view(b)) <=> 0;
  }

private:
  std::uintptr_t bits_; ///< a const std::string*; low bit set = privately owned
};

/// A set kept as a sorted std::vector: for the few elements of a ledger entry (products,
/// evidence) it costs one heap block instead of one node per element. Iteration order equals
/// std::set's with the same comparator; iterators are const (the order is the invariant).
template <typename T, typename Compare = std::less<>> class FlatSet {
public:
  using value_type = T;
  using const_iterator = typename std::vector<T>::const_iterator;
  using iterator = const_iterator;

  FlatSet() = default;
  FlatSet(std::initializer_list<T> il) {
    for (const auto& x : il)
      insert(x);
  }

  const_iterator begin() const noexcept { return v_.begin(); }
  const_iterator end() const noexcept { return v_.end(); }
  std::size_t size() const noexcept { return v_.size(); }
  bool empty() const noexcept { return v_.empty(); }
  const T& front() const { return v_.front(); }
  const T& back() const { return v_.back(); }
  std::size_t capacity() const noexcept { return v_.capacity(); }

  template <typename K> const_iterator lowerBound(const K& k) const {
    return std::lower_bound(v_.begin(), v_.end(), k, Compare{});
  }
  template <typename K> const_iterator find(const K& k) const {
    auto it = lowerBound(k);
    return it != v_.end() && !Compare{}(k, *it) ? it : v_.end();
  }
  template <typename K> bool contains(const K& k) const { return find(k) != v_.end(); }
  template <typename K> std::size_t count(const K& k) const { return contains(k) ? 1 : 0; }

  std::pair<const_iterator, bool> insert(T x) {
    auto it = lowerBound(x);
    if (it != v_.end() && !Compare{}(x, *it))
      return {it, false};
    return {v_.insert(it, std::move(x)), true};
  }
  template <typename It> void insert(It first, It last) {
    for (; first != last; ++first)
      insert(T(*first));
  }
  template <typename... A> std::pair<const_iterator, bool> emplace(A&&... a) {
    return insert(T(std::forward<A>(a)...));
  }
  const_iterator erase(const_iterator it) { return v_.erase(it); }
  void clear() noexcept { v_.clear(); }

  bool operator==(const FlatSet& o) const = default;

private:
  std::vector<T> v_;
};

/// A map kept as a vector of (key, value) sorted by key: see FlatSet. Iteration order equals
/// std::map's with the same comparator.
template <typename K, typename V, typename Compare = std::less<>> class FlatMap {
public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  iterator begin() noexcept { return v_.begin(); }
  iterator end() noexcept { return v_.end(); }
  const_iterator begin() const noexcept { return v_.begin(); }
  const_iterator end() const noexcept { return v_.end(); }
  std::size_t size() const noexcept { return v_.size(); }
  bool empty() const noexcept { return v_.empty(); }

  template <typename Q> iterator find(const Q& k) {
    auto it = lowerBound(v_, k);
    return it != v_.end() && !Compare{}(k, it->first) ? it : v_.end();
  }
  template <typename Q> const_iterator find(const Q& k) const {
    auto it = lowerBound(v_, k);
    return it != v_.end() && !Compare{}(k, it->first) ? it : v_.end();
  }
  template <typename Q> bool contains(const Q& k) const { return find(k) != v_.end(); }
  /// Inserts (k, V{}) unless k is present; constructs the key only when inserting.
  template <typename Q> std::pair<iterator, bool> tryEmplace(const Q& k) {
    auto it = lowerBound(v_, k);
    if (it != v_.end() && !Compare{}(k, it->first))
      return {it, false};
    return {v_.emplace(it, K(k), V{}), true};
  }
  template <typename Q> V& operator[](const Q& k) { return tryEmplace(k).first->second; }
  /// The value of a key that must be present (std::abort otherwise: no exceptions here).
  template <typename Q> const V& at(const Q& k) const {
    auto it = find(k);
    if (it == v_.end())
      std::abort();
    return it->second;
  }
  template <typename Q> std::size_t count(const Q& k) const { return contains(k) ? 1 : 0; }
  void clear() noexcept { v_.clear(); }

  bool operator==(const FlatMap& o) const = default;

private:
  template <typename Vec, typename Q> static auto lowerBound(Vec& v, const Q& k) {
    return std::lower_bound(v.begin(), v.end(), k,
                            [](const value_type& p, const Q& q) { return Compare{}(p.first, q); });
  }
  std::vector<value_type> v_;
};

/// Evidence as kept in the ledger (self-contained text). `field`, `indicator` and `source` come
/// from the signature set (pooled); `value` is the observed text (the attacker's, kept inline).
struct LedgerEvidence {
  PooledString field;
  std::string value;
  PooledString indicator, source;
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
  PooledString product;
  Confidence confidence = Confidence::None;
  std::vector<LedgerEvidence> evidence; ///< sorted, distinct, at most kMaxEvidence
  /// True if `o` is stronger: higher confidence; at equal confidence, the smaller product id,
  /// then the smaller evidence list (a total order, so merges do not depend on order).
  bool weakerThan(const BestVerdict& o) const;
};

/// One host x vendor as a client (the host uses the vendor's products or cloud).
struct LedgerEntry {
  PooledString vendor_id;
  HostRole role = HostRole::Client;
  FlatSet<PooledString> products;
  std::uint64_t flows = 0;             ///< attributed flows (DNS lookups not included)
  std::uint64_t dns_lookups = 0;       ///< DNS queries for vendor names made by the host
  std::uint64_t bytes_to_vendor = 0;   ///< IP-layer bytes the host sent on attributed flows
  std::uint64_t bytes_from_vendor = 0; ///< IP-layer bytes the host received on them
  TimeUs first_seen = 0, last_seen = 0;
  Confidence confidence = Confidence::None; ///< highest seen
  FlatSet<LedgerEvidence> evidence;         ///< distinct evidence, bounded (kMaxEvidence)
  FlatMap<PooledString, ProductCounters> by_product;
  BestVerdict best;
  static constexpr std::size_t kMaxEvidence = 8;

  void merge(const LedgerEntry& o);
};

/// One product instance: an internal address that runs a vendor's product (server side).
struct InstanceEntry {
  PooledString vendor_id, product_id;
  std::uint64_t flows = 0;
  TimeUs first_seen = 0, last_seen = 0;
  Confidence confidence = Confidence::None;
  FlatSet<LedgerEvidence> evidence; ///< bounded (LedgerEntry::kMaxEvidence)
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
  PooledString vendor_id;
  std::uint64_t flows = 0, dns_lookups = 0;
  std::uint64_t bytes_to_vendor = 0, bytes_from_vendor = 0;
  TimeUs first_seen = 0, last_seen = 0;
  FlatSet<LedgerEvidence> evidence; ///< bounded (LedgerEntry::kMaxEvidence)
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
  using Key = std::pair<IpAddr, PooledString>;                      ///< host, vendor id
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
