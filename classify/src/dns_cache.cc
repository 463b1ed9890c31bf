#include <algorithm>

#include <vw/classify/dns_cache.h>
#include <vw/classify/flow_key.h>

namespace vw::classify {

std::size_t DnsCache::KeyHash::operator()(const Key& k) const {
  return static_cast<std::size_t>(keyedHash(key, k.client, k.addr, 0));
}

void DnsCache::filterSet(const Key& k) {
  const std::size_t h = map_.hash_function()(k) >> 8;
  filter_[(h >> 6) & (kFilterWords - 1)] |= std::uint64_t{1} << (h & 63);
}

bool DnsCache::filterMaybe(const Key& k) const {
  const std::size_t h = map_.hash_function()(k) >> 8;
  return (filter_[(h >> 6) & (kFilterWords - 1)] >> (h & 63)) & 1;
}

void DnsCache::learn(const IpAddr& client, const IpAddr& addr,
                     const std::vector<std::string>& names, TimeUs now, std::uint32_t ttl) {
  if (max_ == 0 || names.empty())
    return;
  const Key key{client, addr};
  if (filter_.empty())
    filter_.assign(kFilterWords, 0);
  filterSet(key);
  auto& e = map_[key];
  e.names = names;
  e.expires = now + static_cast<TimeUs>(std::max(ttl, min_ttl_)) * 1'000'000;
  e.gen = ++gen_;
  order_.emplace_back(key, e.gen);
  // Enforce the bound: evict by insertion order, skipping queue records made stale by a
  // refresh of the same key.
  while (map_.size() > max_ && !order_.empty()) {
    auto [k, g] = order_.front();
    order_.pop_front();
    auto it = map_.find(k);
    if (it != map_.end() && it->second.gen == g) {
      map_.erase(it);
      ++evictions_;
    }
  }
  // Refreshes leave stale queue records behind; rebuild the queue when they pile up.
  if (order_.size() > 4 * max_ + 16) {
    std::vector<std::pair<Key, std::uint64_t>> live;
    live.reserve(map_.size());
    for (const auto& [k, v] : map_)
      live.emplace_back(k, v.gen);
    std::sort(live.begin(), live.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
    order_.assign(live.begin(), live.end());
    // Evicted keys left their bits behind: rebuild the filter from the live keys too.
    std::fill(filter_.begin(), filter_.end(), 0);
    for (const auto& [k, v] : map_)
      filterSet(k);
  }
}

const std::vector<std::string>* DnsCache::lookup(const IpAddr& client, const IpAddr& addr,
                                                 TimeUs now) const {
  const Key key{client, addr};
  if (filter_.empty() || !filterMaybe(key))
    return nullptr; // most new flows: a bit test instead of a hash-table probe
  auto it = map_.find(key);
  if (it == map_.end() || it->second.expires < now)
    return nullptr;
  return &it->second.names;
}

} // namespace vw::classify
