#pragma once
/// @file alloc_counter.h
/// Counts heap allocations (global operator new and OpenSSL's CRYPTO_malloc) while a
/// ScopedAllocCount is alive, so tests can check that the parsers do not allocate.

#include <cstddef>

namespace vw::classify::test {

/// True if OpenSSL's allocator hooks could be installed (before OpenSSL allocated anything).
bool opensslHooksInstalled();

class ScopedAllocCount {
public:
  ScopedAllocCount();
  ~ScopedAllocCount();
  ScopedAllocCount(const ScopedAllocCount&) = delete;
  ScopedAllocCount& operator=(const ScopedAllocCount&) = delete;
  /// Allocations counted since construction.
  std::size_t count() const;
};

} // namespace vw::classify::test
