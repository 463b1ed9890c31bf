#pragma once
/// @file keyed_hash.h
/// The keyed hash of every table whose keys an attacker chooses (flow table, DNS cache, alert
/// de-duplication): SipHash-2-4 (libsodium's crypto_shorthash) with a per-process random key,
/// so that nobody can compute offline a set of keys that collide in our tables. Output that
/// must be deterministic (flow ids) never depends on it.

#include <array>
#include <cstdint>
#include <span>

#include <vw/packet/ip_address.h>

namespace vw::classify {

/// A 128-bit SipHash key.
struct HashKey {
  std::array<std::uint8_t, 16> bytes{};

  /// A fresh key from the operating system's random source (libsodium randombytes).
  static HashKey random();
  /// A fixed key (tests).
  static HashKey fixed(std::uint64_t a, std::uint64_t b);
};

/// The process-wide random key, drawn once at first use (thread-safe).
const HashKey& processHashKey();

/// SipHash-2-4 of `data` under `key`. No allocation.
std::uint64_t keyedHash(const HashKey& key, std::span<const std::uint8_t> data) noexcept;

/// Keyed hash of two addresses (family included) and one extra word.
std::uint64_t keyedHash(const HashKey& key, const IpAddr& a, const IpAddr& b,
                        std::uint64_t extra) noexcept;

/// Keyed hash of one address and a byte string (e.g. a vendor id) and one extra word.
std::uint64_t keyedHash(const HashKey& key, const IpAddr& a, std::span<const std::uint8_t> s,
                        std::uint64_t extra) noexcept;

} // namespace vw::classify
