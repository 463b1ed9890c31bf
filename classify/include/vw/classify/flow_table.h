#pragma once
/// @file flow_table.h
/// A bounded flow table: open-addressing hash index over a slot array, with an LRU list for
/// idle expiry and eviction. All time is packet time. No allocation on lookup; slots are
/// reserved up front (address space only) and touched as they are first used.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include <vw/classify/flow_key.h>
#include <vw/classify/keyed_hash.h>

namespace vw::classify {

/// Why a flow ended.
enum class EndReason : std::uint8_t {
  Fin,           ///< TCP FIN from both sides (after a short linger)
  Rst,           ///< TCP RST (after a short linger)
  IdleTimeout,   ///< no packet for the idle timeout
  ActiveTimeout, ///< alive longer than the active timeout: split into a new flow
  Evicted,       ///< the table was full (--max-flows): the oldest idle flow made room
  EndOfInput,    ///< offline input ended
  Shutdown,      ///< live capture stopped
  Count_
};
/// "fin", "rst", "idle_timeout", "active_timeout", "evicted", "end_of_input", "shutdown".
const char* endReasonName(EndReason r);

/// Direction index: 0 = to server (initiator -> responder), 1 = to client.
enum Dir : std::uint8_t { kToServer = 0, kToClient = 1 };

struct FlowInspect; // per-flow inspection state (classify-private), exists only while inspecting
struct FlowFacts;   // facts extracted from the flow (owned strings), allocated on first fact

/// One flow slot. Kept small: identity, counters, times and two owning pointers. Facts and
/// inspection state live outside and are freed as soon as they are not needed.
struct FlowEntry {
  FlowKey key{}; // 42 bytes: the DPI labels fill the 6 up to the next 8-byte field
  std::uint16_t dpi_master = 0, dpi_app = 0, dpi_category = 0;
  std::uint64_t id = 0; ///< deterministic id (hash of key and start time)
  TimeUs first_ts = 0;
  TimeUs last_ts = 0;
  TimeUs close_ts = 0; ///< when FIN/RST closed it (0 = open)
  std::uint64_t pkts[2] = {0, 0};
  std::uint64_t bytes[2] = {0, 0};              ///< IP-layer bytes per direction
  std::uint32_t lru_prev = 0, lru_next = 0;     ///< intrusive LRU list (by last packet)
  std::uint32_t close_prev = 0, close_next = 0; ///< intrusive list of closing flows
  bool initiator_is_lo = true;                  ///< the `lo` endpoint of the key is the initiator
  bool in_use = false;
  bool closing = false;
  std::uint8_t fin_seen = 0; ///< bit 0: initiator sent FIN, bit 1: responder sent FIN
  bool rst_seen = false;
  bool inspect_done = false;     ///< deep inspection finished (state freed)
  std::uint8_t confidence = 0;   ///< of the flow's host verdict: 0 none, 1 low, 2 medium, 3 high
  bool attributed = false;       ///< the verdict (in facts->verdict) names a vendor
  bool alerted = false;          ///< a vendor event was considered for this flow's verdict
  bool alerted_web = false;      ///< ... for its web-presence verdict (--alert-web)
  std::uint32_t dpi_packets = 0; ///< packets handed to the DPI engine
  std::unique_ptr<FlowInspect> inspect;
  std::unique_ptr<FlowFacts> facts;

  /// Direction of a packet whose source is the key's `lo` endpoint iff `src_is_lo`.
  Dir dirOf(bool src_is_lo) const { return src_is_lo == initiator_is_lo ? kToServer : kToClient; }
};

/// Flow-table settings.
struct FlowTableConfig {
  std::uint32_t max_flows = 262144;
  TimeUs idle_timeout = 120'000'000;     ///< 120 s
  TimeUs active_timeout = 3'600'000'000; ///< 1 h; 0 = never split
  TimeUs close_linger = 2'000'000;       ///< keep a FIN/RST-closed flow 2 s for stragglers
};

/// Counters of the table.
struct FlowTableStats {
  std::uint64_t created = 0;
  std::uint64_t ended[static_cast<int>(EndReason::Count_)] = {};
  std::uint32_t peak = 0; ///< most flows alive at once (summed over workers when merged)

  /// Adds another worker's counters.
  FlowTableStats& operator+=(const FlowTableStats& o) {
    created += o.created;
    for (int i = 0; i < static_cast<int>(EndReason::Count_); ++i)
      ended[i] += o.ended[i];
    peak += o.peak;
    return *this;
  }
};

class FlowTable {
public:
  /// `key` seeds the index hash (the process-wide random key by default).
  explicit FlowTable(const FlowTableConfig& cfg, const HashKey& key = processHashKey());
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  /// The keyed index hash of `key` (SipHash under the table's key): pass it to find/insert.
  std::uint64_t hashOf(const FlowKey& key) const {
    return keyedHash(hkey_, key.lo_ip, key.hi_ip, flowKeyTail(key));
  }

  /// Finds the flow for `key` (hash `h`), or nullptr.
  FlowEntry* find(const FlowKey& key, std::uint64_t h);

  /// Inserts a new flow. The table must not be full (end oldest() first).
  FlowEntry* insert(const FlowKey& key, std::uint64_t h, TimeUs now);

  bool full() const { return size_ >= cfg_.max_flows; }
  std::uint32_t size() const { return size_; }

  /// Moves a flow to the most-recent end of the LRU list.
  void touch(FlowEntry* f);
  /// Marks a flow closing (FIN/RST) at `now`; it ends after the linger.
  void markClosing(FlowEntry* f, TimeUs now);

  /// Least recently seen flow (the eviction candidate), or nullptr if empty.
  FlowEntry* oldest();
  /// Oldest closing flow, or nullptr.
  FlowEntry* oldestClosing();

  /// Removes a flow (after its record was written). Frees its inspection state and facts.
  void remove(FlowEntry* f, EndReason why);

  /// Calls fn(FlowEntry&) for every live flow in order of creation id (stable for output).
  template <typename Fn> void forEachByStart(Fn&& fn);

  const FlowTableConfig& config() const { return cfg_; }
  const FlowTableStats& stats() const { return stats_; }
  /// Bytes of one slot plus its share of the hash index (fixed per-flow cost).
  static std::size_t bytesPerFlow();
  /// Index positions probed by the longest insert so far (1 = found its home position).
  std::uint32_t maxProbe() const { return max_probe_; }
  /// Index positions a lookup of `key` (hash `h`) probes now (to the key or the first hole).
  std::uint32_t probeLength(const FlowKey& key, std::uint64_t h) const;

private:
  static constexpr std::uint32_t kNil = 0xffffffffu;
  std::uint32_t indexOf(const FlowEntry* f) const {
    return static_cast<std::uint32_t>(f - slots_.data());
  }
  void lruUnlink(std::uint32_t i);
  void lruAppend(std::uint32_t i);
  void closeUnlink(std::uint32_t i);
  void hashErase(std::uint32_t slot_index);

  FlowTableConfig cfg_;
  HashKey hkey_;
  std::uint32_t max_probe_ = 0;
  std::vector<FlowEntry> slots_;      ///< capacity = max_flows, grows to the high-water mark
  std::vector<std::uint32_t> free_;   ///< free slot indices
  std::vector<std::uint32_t> index_;  ///< open addressing, slot index or kNil
  std::vector<std::uint64_t> hashes_; ///< full hash per slot (for fast compare / deletion)
  std::uint64_t mask_ = 0;
  std::uint32_t size_ = 0;
  std::uint32_t lru_head_ = kNil, lru_tail_ = kNil;
  std::uint32_t close_head_ = kNil, close_tail_ = kNil;
  FlowTableStats stats_;
};

template <typename Fn> void FlowTable::forEachByStart(Fn&& fn) {
  // Slot indices (4 bytes each, not 8-byte pointers): this list of every live flow is built at
  // the end of input, when memory peaks.
  std::vector<std::uint32_t> live;
  live.reserve(size_);
  for (std::uint32_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].in_use)
      live.push_back(i);
  std::sort(live.begin(), live.end(), [this](std::uint32_t ia, std::uint32_t ib) {
    const FlowEntry& a = slots_[ia];
    const FlowEntry& b = slots_[ib];
    return a.first_ts != b.first_ts ? a.first_ts < b.first_ts : a.id < b.id;
  });
  for (const std::uint32_t i : live)
    fn(slots_[i]);
}

} // namespace vw::classify
