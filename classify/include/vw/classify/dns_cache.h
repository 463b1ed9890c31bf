#pragma once
/// @file dns_cache.h
/// Per-client cache of address -> names learned from DNS answers, so that flows with no name
/// (no SNI, ECH, connection by IP) can still be attributed. Bounded in entries (FIFO) and
/// honouring TTLs on packet time.

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include <vw/classify/keyed_hash.h>
#include <vw/packet/ip_address.h>
#include <vw/packet/packet.h>

namespace vw::classify {

class DnsCache {
public:
  /// `min_ttl`: seconds an answer is kept at least, whatever its TTL (the connection a short-
  /// TTL answer announced comes after it). `key` seeds the table's hash.
  explicit DnsCache(std::size_t max_entries = 65536, std::uint32_t min_ttl = 0,
                    const HashKey& key = processHashKey())
      : max_(max_entries), min_ttl_(min_ttl), map_(16, KeyHash{key}) {}

  /// Remembers that `client` resolved names (query name and CNAME chain, in order) to `addr`,
  /// valid for `ttl` seconds from `now`.
  void learn(const IpAddr& client, const IpAddr& addr, const std::vector<std::string>& names,
             TimeUs now, std::uint32_t ttl);
  /// The names `client` last resolved to `addr`, if still valid at `now`; nullptr otherwise.
  const std::vector<std::string>* lookup(const IpAddr& client, const IpAddr& addr,
                                         TimeUs now) const;
  std::size_t size() const { return map_.size(); }
  std::uint64_t evictions() const { return evictions_; }

private:
  struct Key {
    IpAddr client, addr;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    HashKey key;
    std::size_t operator()(const Key& k) const;
  };
  struct Entry {
    std::vector<std::string> names;
    TimeUs expires = 0;
    std::uint64_t gen = 0;
  };
  /// A one-hash Bloom filter over the keys learned (1 Mi bits, allocated at the first answer):
  /// lookups for pairs never learned, the common case on every new flow, stop here.
  static constexpr std::size_t kFilterWords = (1u << 20) / 64;
  void filterSet(const Key& k);
  bool filterMaybe(const Key& k) const;

  std::size_t max_;
  std::uint32_t min_ttl_;
  std::vector<std::uint64_t> filter_;
  std::unordered_map<Key, Entry, KeyHash> map_;
  std::deque<std::pair<Key, std::uint64_t>> order_; ///< insertion order for FIFO bound
  std::uint64_t gen_ = 0;
  std::uint64_t evictions_ = 0;
};

} // namespace vw::classify
