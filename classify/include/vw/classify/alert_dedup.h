#pragma once
/// @file alert_dedup.h
/// De-duplication of `vendor` events per (host, vendor id, host role) within a window, that
/// never hides a stronger verdict: a higher confidence, a product not yet alerted for the key,
/// or product usage after only web presence was alerted (--alert-web), produces a new event. Keyed
/// by vendor *id* (a string), so a signature reload that reorders vendors changes nothing. Bounded
/// (oldest keys evicted and counted), seeded hash.

#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include <vw/classify/facts.h>
#include <vw/classify/keyed_hash.h>
#include <vw/packet/ip_address.h>
#include <vw/packet/packet.h>

namespace vw::classify {

class AlertDedup {
public:
  /// `window` 0 = no de-duplication (every verdict alerts); `max_keys` bounds the map.
  AlertDedup(TimeUs window, std::size_t max_keys, const HashKey& key = processHashKey());

  /// True if a verdict (host, vendor, role, product, confidence) at `ts` is to be alerted;
  /// records it if so. False = a duplicate of an earlier event within the window.
  bool allow(const IpAddr& host, std::string_view vendor_id, HostRole role,
             std::string_view product_id, Confidence c, TimeUs ts, Usage usage = Usage::Product);

  std::size_t size() const { return map_.size(); }
  std::uint64_t evictions() const { return evictions_; }

private:
  static constexpr std::size_t kIdMax = 32; ///< vendor ids are at most 32 characters
  static constexpr std::size_t kProducts = 8;
  struct Key {
    IpAddr host;
    std::array<char, kIdMax> vendor{};
    std::uint8_t vendor_len = 0;
    HostRole role = HostRole::Client;
    bool operator==(const Key& o) const {
      return host == o.host && role == o.role && vendor_len == o.vendor_len &&
             std::string_view(vendor.data(), vendor_len) ==
                 std::string_view(o.vendor.data(), o.vendor_len);
    }
  };
  struct KeyHash {
    HashKey key;
    std::size_t operator()(const Key& k) const;
  };
  struct State {
    TimeUs since = 0; ///< when the window of this key started (its first event)
    TimeUs last = 0;  ///< last event (eviction order)
    Confidence confidence = Confidence::None;
    std::array<std::uint64_t, kProducts> products{}; ///< hashes of alerted product ids
    std::uint8_t nproducts = 0;
    bool product_usage = false; ///< a product-usage verdict was alerted (not only web presence)
  };
  static std::uint64_t productHash(std::string_view id);
  void evict();

  TimeUs window_;
  std::size_t max_;
  std::unordered_map<Key, State, KeyHash> map_;
  std::uint64_t evictions_ = 0;
};

} // namespace vw::classify
