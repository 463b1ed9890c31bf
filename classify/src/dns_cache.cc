#include <algorithm>

#include <vw/classify/dns_cache.h>

namespace vw::classify {

std::size_t DnsCache::KeyHash::operator()(const Key& k) const {
  std::uint64_t h = 1469598103934665603ULL;
  for (auto b : k.client.bytes)
    h = (h ^ b) * 1099511628211ULL;
  for (auto b : k.addr.bytes)
    h = (h ^ b) * 1099511628211ULL;
  return static_cast<std::size_t>(h ^ (h >> 29));
}

void DnsCache::learn(const IpAddr& client, const IpAddr& addr,
                     const std::vector<std::string>& names, TimeUs now, std::uint32_t ttl) {
  if (max_ == 0 || names.empty())
    return;
  const Key key{client, addr};
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
  }
}

const std::vector<std::string>* DnsCache::lookup(const IpAddr& client, const IpAddr& addr,
                                                 TimeUs now) const {
  auto it = map_.find(Key{client, addr});
  if (it == map_.end() || it->second.expires < now)
    return nullptr;
  return &it->second.names;
}

} // namespace vw::classify
