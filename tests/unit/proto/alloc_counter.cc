/// @file alloc_counter.cc
/// Replaces the global operator new/delete of the test binary (plain and nothrow forms; the
/// align_val_t forms keep their default, matching pair) and installs OpenSSL memory hooks.

#include "alloc_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

#include <openssl/crypto.h>

namespace {
std::atomic<bool> g_counting{false};
std::atomic<std::size_t> g_count{0};

void* countedMalloc(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed))
    g_count.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}

void* cryptoMalloc(std::size_t n, const char*, int) {
  return countedMalloc(n);
}
void* cryptoRealloc(void* p, std::size_t n, const char*, int) {
  if (g_counting.load(std::memory_order_relaxed))
    g_count.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(p, n);
}
void cryptoFree(void* p, const char*, int) {
  std::free(p);
}

// Installed during static initialisation, before anything in the test binary uses OpenSSL.
const bool g_hooks = CRYPTO_set_mem_functions(cryptoMalloc, cryptoRealloc, cryptoFree) == 1;
} // namespace

void* operator new(std::size_t n) {
  if (void* p = countedMalloc(n))
    return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return countedMalloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return countedMalloc(n);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace vw::classify::test {

bool opensslHooksInstalled() {
  return g_hooks;
}

ScopedAllocCount::ScopedAllocCount() {
  g_count.store(0);
  g_counting.store(true);
}
ScopedAllocCount::~ScopedAllocCount() {
  g_counting.store(false);
}
std::size_t ScopedAllocCount::count() const {
  return g_count.load();
}

} // namespace vw::classify::test
