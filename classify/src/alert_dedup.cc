#include <algorithm>
#include <cstring>
#include <vector>

#include <vw/classify/alert_dedup.h>

namespace vw::classify {

AlertDedup::AlertDedup(TimeUs window, std::size_t max_keys, const HashKey& key)
    : window_(window), max_(std::max<std::size_t>(1, max_keys)), map_(16, KeyHash{key}) {}

std::size_t AlertDedup::KeyHash::operator()(const Key& k) const {
  return static_cast<std::size_t>(
      keyedHash(key, k.host,
                std::span<const std::uint8_t>(
                    reinterpret_cast<const std::uint8_t*>(k.vendor.data()), k.vendor_len),
                static_cast<std::uint64_t>(k.role)));
}

std::uint64_t AlertDedup::productHash(std::string_view id) {
  // FNV-1a: only compared for equality within one key's few products, never a table index.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : id) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

bool AlertDedup::allow(const IpAddr& host, std::string_view vendor_id, HostRole role,
                       std::string_view product_id, Confidence c, TimeUs ts, Usage usage) {
  if (window_ <= 0)
    return true;
  Key k;
  k.host = host;
  k.role = role;
  k.vendor_len = static_cast<std::uint8_t>(std::min(vendor_id.size(), kIdMax));
  std::memcpy(k.vendor.data(), vendor_id.data(), k.vendor_len);
  const std::uint64_t ph = productHash(product_id);
  auto it = map_.find(k);
  if (it == map_.end()) {
    if (map_.size() >= max_)
      evict();
    State s;
    s.since = s.last = ts;
    s.confidence = c;
    s.products[0] = ph;
    s.nproducts = 1;
    s.product_usage = usage == Usage::Product;
    map_.emplace(k, s);
    return true;
  }
  State& s = it->second;
  if (ts - s.since >= window_) { // the window is over: start a new one
    s = State{};
    s.since = s.last = ts;
    s.confidence = c;
    s.products[0] = ph;
    s.nproducts = 1;
    s.product_usage = usage == Usage::Product;
    return true;
  }
  const bool known = std::find(s.products.begin(), s.products.begin() + s.nproducts, ph) !=
                     s.products.begin() + s.nproducts;
  // A new role: the host turns out to run the product after only web presence was alerted.
  const bool new_usage = usage == Usage::Product && !s.product_usage;
  if (c <= s.confidence && (known || s.nproducts == kProducts) && !new_usage)
    return false; // nothing stronger than what was alerted already
  s.confidence = std::max(s.confidence, c);
  if (usage == Usage::Product)
    s.product_usage = true;
  if (!known && s.nproducts < kProducts)
    s.products[s.nproducts++] = ph;
  s.last = ts;
  return true;
}

void AlertDedup::evict() {
  // Batch: the oldest sixteenth (by last event) goes, so the cost is amortised O(1).
  std::vector<std::pair<TimeUs, const Key*>> ages;
  ages.reserve(map_.size());
  for (const auto& [k, s] : map_)
    ages.emplace_back(s.last, &k);
  const std::size_t drop = std::max<std::size_t>(1, map_.size() / 16);
  std::nth_element(ages.begin(), ages.begin() + static_cast<std::ptrdiff_t>(drop - 1), ages.end(),
                   [](const auto& a, const auto& b) {
                     // Ties by key, so the same input evicts the same keys in every run.
                     if (a.first != b.first)
                       return a.first < b.first;
                     const Key& x = *a.second;
                     const Key& y = *b.second;
                     if (!(x.host == y.host))
                       return x.host < y.host;
                     const std::string_view xv(x.vendor.data(), x.vendor_len);
                     const std::string_view yv(y.vendor.data(), y.vendor_len);
                     if (xv != yv)
                       return xv < yv;
                     return x.role < y.role;
                   });
  std::vector<Key> victims;
  victims.reserve(drop);
  for (std::size_t i = 0; i < drop; ++i)
    victims.push_back(*ages[i].second);
  for (const auto& k : victims)
    map_.erase(k);
  evictions_ += drop;
}

} // namespace vw::classify
