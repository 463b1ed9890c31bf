#include <algorithm>
#include <deque>
#include <iterator>
#include <mutex>
#include <unordered_map>

#include <vw/classify/keyed_hash.h>
#include <vw/classify/ledger.h>

namespace vw::classify {
namespace {

/// The process-wide pool of PooledString: texts in a deque (their addresses never change), an
/// index of views into it under the keyed hash, a mutex. Never shrinks; bounded by the caps.
struct StringPool {
  struct Hash {
    std::size_t operator()(std::string_view s) const noexcept {
      return static_cast<std::size_t>(
          keyedHash(processHashKey(), {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}));
    }
  };
  std::mutex mu;
  std::deque<std::string> texts;
  std::unordered_map<std::string_view, const std::string*, Hash> index; ///< views into texts
  std::size_t bytes = 0;
  const std::string empty;

  static StringPool& get() {
    static StringPool* pool = new StringPool(); // never destroyed: strings outlive statics
    return *pool;
  }
  /// The pooled text equal to `s`, or nullptr when the pool is full.
  const std::string* intern(std::string_view s) {
    std::lock_guard lock(mu);
    if (auto it = index.find(s); it != index.end())
      return it->second;
    if (texts.size() >= PooledString::kMaxStrings || bytes + s.size() > PooledString::kMaxBytes)
      return nullptr;
    texts.emplace_back(s);
    bytes += s.size();
    index.emplace(std::string_view(texts.back()), &texts.back());
    return &texts.back();
  }
};

std::uintptr_t bitsOf(const std::string* p, bool owned) {
  return reinterpret_cast<std::uintptr_t>(p) | (owned ? 1u : 0u);
}

constexpr std::size_t kMaxEvidence = LedgerEntry::kMaxEvidence;
constexpr TimeUs kHourUs = 3'600'000'000;

// Keeps the kMaxEvidence smallest items: the result does not depend on the order in which
// evidence arrives, so ledgers merged from several workers equal a single worker's.
void addEvidence(FlatSet<LedgerEvidence>& set, const LedgerEvidence& e) {
  if (set.size() >= kMaxEvidence) {
    if (!(e < set.back()) || set.contains(e))
      return; // would be dropped again (or is there): no insertion, no allocation
    set.erase(std::prev(set.end())); // first, so that the vector never grows past the bound
  }
  set.insert(e);
}

template <typename T> void widen(T& e, TimeUs first, TimeUs last) {
  if (first == 0 && last == 0)
    return;
  if (e.first_seen == 0 || first < e.first_seen)
    e.first_seen = first;
  if (last > e.last_seen)
    e.last_seen = last;
}

/// Keeps the smallest `cap` addresses; sets `saturated` when one was dropped.
void addBounded(std::set<IpAddr>& s, const IpAddr& a, std::size_t cap, bool& saturated) {
  if (s.size() >= cap && !(a < *std::prev(s.end()))) {
    if (!s.contains(a))
      saturated = true;
    return;
  }
  s.insert(a);
  if (s.size() > cap) {
    s.erase(std::prev(s.end()));
    saturated = true;
  }
}

BestVerdict bestOf(const LedgerAdd& add) {
  BestVerdict b;
  b.product = std::string(add.product_id);
  b.confidence = add.confidence;
  b.evidence.assign(add.evidence.begin(), add.evidence.end());
  std::sort(b.evidence.begin(), b.evidence.end());
  b.evidence.erase(std::unique(b.evidence.begin(), b.evidence.end()), b.evidence.end());
  if (b.evidence.size() > kMaxEvidence)
    b.evidence.resize(kMaxEvidence);
  return b;
}

/// Evicts the least recently seen entries of `m` (ties: the smaller key) until it holds
/// `cap - cap/16` entries, once it holds more than `cap`. Batches keep the cost amortised O(1)
/// per addition. Returns the number evicted.
template <typename Map> std::uint64_t evictOldest(Map& m, std::size_t cap) {
  if (m.size() <= cap)
    return 0;
  const std::size_t keep = cap - cap / 16;
  const std::size_t drop = m.size() - keep;
  std::vector<typename Map::iterator> all;
  all.reserve(m.size());
  for (auto it = m.begin(); it != m.end(); ++it)
    all.push_back(it);
  auto older = [](const typename Map::iterator& a, const typename Map::iterator& b) {
    if (a->second.last_seen != b->second.last_seen)
      return a->second.last_seen < b->second.last_seen;
    return a->first < b->first;
  };
  std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(drop - 1), all.end(),
                   older);
  // nth_element leaves the `drop` oldest in the first positions (in any order).
  for (std::size_t i = 0; i < drop; ++i)
    m.erase(all[i]);
  return drop;
}

/// Copies into `into` the entries of `from` whose key it lacks and adds the others to their twins.
template <typename Map> void copyThenAdd(Map& into, const Map& from) {
  for (const auto& [k, v] : from) {
    auto [it, fresh] = into.try_emplace(k);
    if (fresh)
      it->second = v;
    else
      it->second.merge(v);
  }
}

/// Moves into `into` the nodes of `from` whose key it lacks (std::map::merge splices them), then
/// adds each entry left in `from` to its twin in `into`.
template <typename Map> void spliceThenAdd(Map& into, Map& from) {
  into.merge(from);
  for (const auto& [k, v] : from)
    into.find(k)->second.merge(v);
}

} // namespace

PooledString::PooledString() noexcept : bits_(bitsOf(&StringPool::get().empty, false)) {}

PooledString::PooledString(std::string_view s) {
  if (s.empty()) {
    bits_ = bitsOf(&StringPool::get().empty, false);
  } else if (const std::string* p = StringPool::get().intern(s)) {
    bits_ = bitsOf(p, false);
  } else {
    bits_ = bitsOf(new std::string(s), true); // pool full: a private copy
  }
}

PooledString::PooledString(const PooledString& o)
    : bits_(o.pooled() ? o.bits_ : bitsOf(new std::string(o.str()), true)) {}

PooledString::PooledString(PooledString&& o) noexcept : bits_(o.bits_) {
  o.bits_ = bitsOf(&StringPool::get().empty, false);
}

PooledString& PooledString::operator=(const PooledString& o) {
  if (this != &o)
    *this = PooledString(o);
  return *this;
}

PooledString& PooledString::operator=(PooledString&& o) noexcept {
  std::swap(bits_, o.bits_);
  return *this;
}

PooledString::~PooledString() {
  if (!pooled())
    delete &str();
}

std::size_t PooledString::poolSize() {
  StringPool& p = StringPool::get();
  std::lock_guard lock(p.mu);
  return p.texts.size();
}

const char* journalKindName(JournalKind k) {
  switch (k) {
  case JournalKind::Client:
    return "client";
  case JournalKind::Server:
    return "server";
  case JournalKind::Web:
    return "web";
  case JournalKind::Inspection:
    return "inspection";
  }
  return "client";
}

void ProductCounters::merge(const ProductCounters& o) {
  flows += o.flows;
  dns_lookups += o.dns_lookups;
  bytes_to_vendor += o.bytes_to_vendor;
  bytes_from_vendor += o.bytes_from_vendor;
  widen(*this, o.first_seen, o.last_seen);
}

bool BestVerdict::weakerThan(const BestVerdict& o) const {
  if (confidence != o.confidence)
    return confidence < o.confidence;
  if (product != o.product)
    return o.product < product; // the smaller id wins a tie
  return o.evidence < evidence;
}

void LedgerEntry::merge(const LedgerEntry& o) {
  products.insert(o.products.begin(), o.products.end());
  flows += o.flows;
  dns_lookups += o.dns_lookups;
  bytes_to_vendor += o.bytes_to_vendor;
  bytes_from_vendor += o.bytes_from_vendor;
  widen(*this, o.first_seen, o.last_seen);
  confidence = std::max(confidence, o.confidence);
  for (const auto& e : o.evidence)
    addEvidence(evidence, e);
  for (const auto& [id, c] : o.by_product)
    by_product[id].merge(c);
  if (best.confidence == Confidence::None || best.weakerThan(o.best))
    if (o.best.confidence != Confidence::None)
      best = o.best;
}

void InstanceEntry::addClient(const IpAddr& c) {
  addBounded(clients, c, kMaxClients, clients_saturated);
}

void InstanceEntry::merge(const InstanceEntry& o) {
  flows += o.flows;
  widen(*this, o.first_seen, o.last_seen);
  confidence = std::max(confidence, o.confidence);
  for (const auto& e : o.evidence)
    addEvidence(evidence, e);
  for (const auto& c : o.clients)
    addClient(c);
  clients_saturated = clients_saturated || o.clients_saturated;
  client_count_floor = std::max(client_count_floor, o.client_count_floor);
}

void WebEntry::merge(const WebEntry& o) {
  flows += o.flows;
  dns_lookups += o.dns_lookups;
  bytes_to_vendor += o.bytes_to_vendor;
  bytes_from_vendor += o.bytes_from_vendor;
  widen(*this, o.first_seen, o.last_seen);
  for (const auto& e : o.evidence)
    addEvidence(evidence, e);
}

void InspectionEntry::merge(const InspectionEntry& o) {
  flows += o.flows;
  widen(*this, o.first_seen, o.last_seen);
  for (const auto& h : o.hosts)
    addBounded(hosts, h, kMaxHosts, hosts_saturated);
  hosts_saturated = hosts_saturated || o.hosts_saturated;
  host_count_floor = std::max(host_count_floor, o.host_count_floor);
}

void Coverage::merge(const Coverage& o) {
  flows += o.flows;
  flows_attributed += o.flows_attributed;
  bytes += o.bytes;
  bytes_attributed += o.bytes_attributed;
  tls_flows += o.tls_flows;
  tls_flows_without_sni += o.tls_flows_without_sni;
  dns_cache_attributions += o.dns_cache_attributions;
  dns_unsolicited += o.dns_unsolicited;
  dns_pending_evicted += o.dns_pending_evicted;
  web_verdicts += o.web_verdicts;
}

void LedgerEvictions::merge(const LedgerEvictions& o) {
  hosts += o.hosts;
  instances += o.instances;
  web += o.web;
  inspection += o.inspection;
  dedup += o.dedup;
  journal_dropped += o.journal_dropped;
}

void Ledger::journal(JournalKind kind, const IpAddr& addr, std::string_view vendor,
                     std::string_view product, std::string_view ca, const LedgerAdd& add) {
  if (!journal_on_)
    return;
  const TimeUs ts = add.last != 0 ? add.last : add.first;
  const TimeUs hour = ts >= 0 ? ts - ts % kHourUs : ts - (kHourUs + ts % kHourUs) % kHourUs;
  JournalKey k{hour, kind, addr, std::string(vendor), std::string(product), std::string(ca)};
  auto it = journal_.find(k);
  if (it == journal_.end()) {
    if (journal_.size() >= caps_.journal) {
      ++evictions_.journal_dropped;
      return;
    }
    JournalRow r;
    r.hour = hour;
    r.kind = kind;
    r.address = addr;
    r.vendor_id = std::get<3>(k);
    r.product_id = std::get<4>(k);
    r.ca = std::get<5>(k);
    it = journal_.emplace(std::move(k), std::move(r)).first;
  }
  JournalRow& r = it->second;
  r.flows += add.flows;
  r.dns_lookups += add.dns_lookups;
  r.bytes_to_vendor += add.bytes_to;
  r.bytes_from_vendor += add.bytes_from;
  widen(r, add.first, add.last);
  r.confidence = std::max(r.confidence, add.confidence);
}

std::vector<JournalRow> Ledger::drainJournal() {
  std::vector<JournalRow> out;
  out.reserve(journal_.size());
  for (auto& [k, r] : journal_)
    out.push_back(std::move(r));
  journal_.clear();
  return out;
}

void Ledger::addClient(const LedgerAdd& add) {
  const Key k{add.host, PooledString(add.vendor_id)};
  auto it = entries_.find(k);
  if (it == entries_.end()) {
    it = entries_.emplace(k, LedgerEntry{}).first;
    it->second.vendor_id = k.second;
  }
  LedgerEntry& e = it->second;
  if (!e.products.contains(add.product_id))
    e.products.emplace(add.product_id);
  e.flows += add.flows;
  e.dns_lookups += add.dns_lookups;
  e.bytes_to_vendor += add.bytes_to;
  e.bytes_from_vendor += add.bytes_from;
  widen(e, add.first, add.last);
  e.confidence = std::max(e.confidence, add.confidence);
  for (const auto& x : add.evidence)
    addEvidence(e.evidence, x);
  ProductCounters& c = e.by_product[add.product_id];
  c.flows += add.flows;
  c.dns_lookups += add.dns_lookups;
  c.bytes_to_vendor += add.bytes_to;
  c.bytes_from_vendor += add.bytes_from;
  widen(c, add.first, add.last);
  if (add.confidence != Confidence::None &&
      (e.best.confidence == Confidence::None || e.best.confidence <= add.confidence)) {
    BestVerdict b = bestOf(add);
    if (e.best.confidence == Confidence::None || e.best.weakerThan(b))
      e.best = std::move(b);
  }
  journal(JournalKind::Client, add.host, add.vendor_id, add.product_id, {}, add);
  if (entries_.size() > caps_.hosts)
    evictions_.hosts += evictOldest(entries_, caps_.hosts);
}

void Ledger::addInstance(const LedgerAdd& add, const IpAddr& client) {
  InstanceKey k{add.host, std::string(add.vendor_id), std::string(add.product_id)};
  auto it = instances_.find(k);
  if (it == instances_.end()) {
    it = instances_.emplace(std::move(k), InstanceEntry{}).first;
    it->second.vendor_id = std::string(add.vendor_id);
    it->second.product_id = std::string(add.product_id);
  }
  InstanceEntry& e = it->second;
  e.flows += add.flows;
  widen(e, add.first, add.last);
  e.confidence = std::max(e.confidence, add.confidence);
  for (const auto& x : add.evidence)
    addEvidence(e.evidence, x);
  if (client.family != 0)
    e.addClient(client);
  journal(JournalKind::Server, add.host, add.vendor_id, add.product_id, {}, add);
  if (instances_.size() > caps_.instances)
    evictions_.instances += evictOldest(instances_, caps_.instances);
}

void Ledger::addWeb(const LedgerAdd& add) {
  const Key k{add.host, PooledString(add.vendor_id)};
  auto it = web_.find(k);
  if (it == web_.end()) {
    it = web_.emplace(k, WebEntry{}).first;
    it->second.vendor_id = k.second;
  }
  WebEntry& e = it->second;
  e.flows += add.flows;
  e.dns_lookups += add.dns_lookups;
  e.bytes_to_vendor += add.bytes_to;
  e.bytes_from_vendor += add.bytes_from;
  widen(e, add.first, add.last);
  for (const auto& x : add.evidence)
    addEvidence(e.evidence, x);
  journal(JournalKind::Web, add.host, add.vendor_id, add.product_id, {}, add);
  if (web_.size() > caps_.web)
    evictions_.web += evictOldest(web_, caps_.web);
}

bool Ledger::addInspection(std::string_view vendor_id, std::string_view product_id,
                           std::string_view ca, const IpAddr& host, TimeUs first, TimeUs last) {
  InspectionKey k{std::string(vendor_id), std::string(product_id), std::string(ca)};
  auto [it, fresh] = inspection_.try_emplace(std::move(k));
  InspectionEntry& e = it->second;
  ++e.flows;
  widen(e, first, last);
  addBounded(e.hosts, host, InspectionEntry::kMaxHosts, e.hosts_saturated);
  LedgerAdd add;
  add.host = host;
  add.flows = 1;
  add.first = first;
  add.last = last;
  journal(JournalKind::Inspection, host, vendor_id, product_id, ca, add);
  if (inspection_.size() > caps_.inspection)
    evictions_.inspection += evictOldest(inspection_, caps_.inspection);
  return fresh;
}

void Ledger::addFlow(const IpAddr& host, const std::string& vendor_id,
                     const std::string& product_id, Confidence c, std::uint64_t bytes_to,
                     std::uint64_t bytes_from, TimeUs first, TimeUs last,
                     const std::vector<LedgerEvidence>& ev) {
  LedgerAdd a;
  a.host = host;
  a.vendor_id = vendor_id;
  a.product_id = product_id;
  a.confidence = c;
  a.flows = 1;
  a.bytes_to = bytes_to;
  a.bytes_from = bytes_from;
  a.first = first;
  a.last = last;
  a.evidence = ev;
  addClient(a);
}

void Ledger::addDnsLookup(const IpAddr& host, const std::string& vendor_id,
                          const std::string& product_id, Confidence c, TimeUs ts,
                          const LedgerEvidence& ev) {
  LedgerAdd a;
  a.host = host;
  a.vendor_id = vendor_id;
  a.product_id = product_id;
  a.confidence = c;
  a.dns_lookups = 1;
  a.first = ts;
  a.last = ts;
  a.evidence = std::span<const LedgerEvidence>(&ev, ev.field.empty() ? 0 : 1);
  addClient(a);
}

void Ledger::merge(const Ledger& o) {
  copyThenAdd(entries_, o.entries_);
  copyThenAdd(instances_, o.instances_);
  copyThenAdd(web_, o.web_);
  copyThenAdd(inspection_, o.inspection_);
  mergeTail(o);
}

void Ledger::merge(Ledger&& o) {
  // std::map::merge splices the nodes whose key is missing here and leaves the others in `o`:
  // those add up exactly as in merge(const Ledger&).
  spliceThenAdd(entries_, o.entries_);
  spliceThenAdd(instances_, o.instances_);
  spliceThenAdd(web_, o.web_);
  spliceThenAdd(inspection_, o.inspection_);
  mergeTail(o);
}

void Ledger::mergeTail(const Ledger& o) {
  coverage_.merge(o.coverage_);
  evictions_.merge(o.evictions_);
  evictions_.hosts += evictOldest(entries_, caps_.hosts);
  evictions_.instances += evictOldest(instances_, caps_.instances);
  evictions_.web += evictOldest(web_, caps_.web);
  evictions_.inspection += evictOldest(inspection_, caps_.inspection);
  // Journal rows are additive: a merged ledger (the pool's snapshot of its workers) keeps
  // them when the workers record them, so that the store gets every worker's rows.
  if (o.journal_on_)
    journal_on_ = true;
  if (journal_on_)
    for (const auto& [k, r] : o.journal_) {
      auto [it, fresh] = journal_.try_emplace(k, r);
      if (!fresh) {
        JournalRow& x = it->second;
        x.flows += r.flows;
        x.dns_lookups += r.dns_lookups;
        x.bytes_to_vendor += r.bytes_to_vendor;
        x.bytes_from_vendor += r.bytes_from_vendor;
        widen(x, r.first_seen, r.last_seen);
        x.confidence = std::max(x.confidence, r.confidence);
      }
    }
}

} // namespace vw::classify
