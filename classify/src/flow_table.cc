#include <bit>

#include <vw/classify/facts.h>
#include <vw/classify/flow_table.h>

#include "inspect.h"

namespace vw::classify {

const char* endReasonName(EndReason r) {
  switch (r) {
  case EndReason::Fin:
    return "fin";
  case EndReason::Rst:
    return "rst";
  case EndReason::IdleTimeout:
    return "idle_timeout";
  case EndReason::ActiveTimeout:
    return "active_timeout";
  case EndReason::Evicted:
    return "evicted";
  case EndReason::EndOfInput:
    return "end_of_input";
  case EndReason::Shutdown:
    return "shutdown";
  case EndReason::Count_:
    break;
  }
  return "unknown";
}

FlowTable::FlowTable(const FlowTableConfig& cfg, const HashKey& key) : cfg_(cfg), hkey_(key) {
  if (cfg_.max_flows == 0)
    cfg_.max_flows = 1;
  slots_.reserve(cfg_.max_flows); // address space only; pages are touched as slots are used
  hashes_.reserve(cfg_.max_flows);
  free_.reserve(cfg_.max_flows);
  const std::uint64_t cap = std::bit_ceil(std::uint64_t{cfg_.max_flows} * 2);
  index_.assign(cap, kNil);
  mask_ = cap - 1;
}

FlowTable::~FlowTable() = default;

std::size_t FlowTable::bytesPerFlow() {
  return sizeof(FlowEntry) + sizeof(std::uint64_t) + 2 * sizeof(std::uint32_t);
}

FlowEntry* FlowTable::find(const FlowKey& key, std::uint64_t h) {
  for (std::uint64_t pos = h & mask_;; pos = (pos + 1) & mask_) {
    const std::uint32_t si = index_[pos];
    if (si == kNil)
      return nullptr;
    if (hashes_[si] == h && sameFlowKey(slots_[si].key, key))
      return &slots_[si];
  }
}

std::uint32_t FlowTable::probeLength(const FlowKey& key, std::uint64_t h) const {
  std::uint32_t n = 1;
  for (std::uint64_t pos = h & mask_;; pos = (pos + 1) & mask_, ++n) {
    const std::uint32_t si = index_[pos];
    if (si == kNil || (hashes_[si] == h && sameFlowKey(slots_[si].key, key)))
      return n;
  }
}

FlowEntry* FlowTable::insert(const FlowKey& key, std::uint64_t h, TimeUs now) {
  std::uint32_t si;
  if (!free_.empty()) {
    si = free_.back();
    free_.pop_back();
  } else {
    si = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
    hashes_.push_back(0);
  }
  FlowEntry& f = slots_[si];
  f.key = key;
  f.first_ts = now;
  f.last_ts = now;
  f.in_use = true;
  hashes_[si] = h;
  std::uint64_t pos = h & mask_;
  std::uint32_t probes = 1;
  while (index_[pos] != kNil) {
    pos = (pos + 1) & mask_;
    ++probes;
  }
  index_[pos] = si;
  if (probes > max_probe_)
    max_probe_ = probes;
  lruAppend(si);
  ++size_;
  ++stats_.created;
  if (size_ > stats_.peak)
    stats_.peak = size_;
  return &f;
}

void FlowTable::hashErase(std::uint32_t si) {
  // Linear probing deletion with backward shift (no tombstones).
  std::uint64_t pos = hashes_[si] & mask_;
  while (index_[pos] != si)
    pos = (pos + 1) & mask_;
  std::uint64_t hole = pos;
  for (std::uint64_t next = (hole + 1) & mask_;; next = (next + 1) & mask_) {
    const std::uint32_t s = index_[next];
    if (s == kNil)
      break;
    const std::uint64_t home = hashes_[s] & mask_;
    // Move `s` into the hole if its home position is not in (hole, next] cyclically.
    const bool between =
        hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (!between) {
      index_[hole] = s;
      hole = next;
    }
  }
  index_[hole] = kNil;
}

void FlowTable::lruUnlink(std::uint32_t i) {
  FlowEntry& f = slots_[i];
  if (f.lru_prev != kNil)
    slots_[f.lru_prev].lru_next = f.lru_next;
  else
    lru_head_ = f.lru_next;
  if (f.lru_next != kNil)
    slots_[f.lru_next].lru_prev = f.lru_prev;
  else
    lru_tail_ = f.lru_prev;
  f.lru_prev = f.lru_next = kNil;
}

void FlowTable::lruAppend(std::uint32_t i) {
  FlowEntry& f = slots_[i];
  f.lru_prev = lru_tail_;
  f.lru_next = kNil;
  if (lru_tail_ != kNil)
    slots_[lru_tail_].lru_next = i;
  else
    lru_head_ = i;
  lru_tail_ = i;
}

void FlowTable::closeUnlink(std::uint32_t i) {
  FlowEntry& f = slots_[i];
  if (f.close_prev != kNil)
    slots_[f.close_prev].close_next = f.close_next;
  else
    close_head_ = f.close_next;
  if (f.close_next != kNil)
    slots_[f.close_next].close_prev = f.close_prev;
  else
    close_tail_ = f.close_prev;
  f.close_prev = f.close_next = kNil;
}

void FlowTable::touch(FlowEntry* f) {
  const std::uint32_t i = indexOf(f);
  if (lru_tail_ == i)
    return;
  lruUnlink(i);
  lruAppend(i);
}

void FlowTable::markClosing(FlowEntry* f, TimeUs now) {
  if (f->closing)
    return;
  f->closing = true;
  f->close_ts = now;
  const std::uint32_t i = indexOf(f);
  f->close_prev = close_tail_;
  f->close_next = kNil;
  if (close_tail_ != kNil)
    slots_[close_tail_].close_next = i;
  else
    close_head_ = i;
  close_tail_ = i;
}

FlowEntry* FlowTable::oldest() {
  return lru_head_ == kNil ? nullptr : &slots_[lru_head_];
}

FlowEntry* FlowTable::oldestClosing() {
  return close_head_ == kNil ? nullptr : &slots_[close_head_];
}

void FlowTable::remove(FlowEntry* f, EndReason why) {
  const std::uint32_t i = indexOf(f);
  hashErase(i);
  lruUnlink(i);
  if (f->closing)
    closeUnlink(i);
  // Reset the slot; keep the vector element (stable addresses) and recycle it.
  FlowEntry& s = slots_[i];
  s.inspect.reset();
  s.facts.reset();
  s = FlowEntry{};
  s.lru_prev = s.lru_next = s.close_prev = s.close_next = kNil;
  free_.push_back(i);
  --size_;
  ++stats_.ended[static_cast<int>(why)];
}

} // namespace vw::classify
