// Checks the allocation contract of QuicInitialAssembler: after a thread's first packet and a
// flow's first Initial (key derivation + the per-flow State), decrypting and reassembling
// further packets allocates nothing, neither through operator new nor inside OpenSSL.
// A plain main (not Catch2): OpenSSL's allocator hook must be installed before its first use.
#include <cstdio>
#include <cstdlib>
#include <new>

#include <openssl/crypto.h>

#include <vw/classify/proto/quic.h>

#include "quic_fixtures.h"
#include "quic_test_util.h"

namespace {
bool g_counting = false;
std::size_t g_cxx_allocs = 0;
std::size_t g_ossl_allocs = 0;

void* osslMalloc(std::size_t n, const char*, int) {
  if (g_counting)
    ++g_ossl_allocs;
  return std::malloc(n);
}
void* osslRealloc(void* p, std::size_t n, const char*, int) {
  if (g_counting)
    ++g_ossl_allocs;
  return std::realloc(p, n);
}
void osslFree(void* p, const char*, int) {
  std::free(p);
}

int g_failures = 0;
void check(bool ok, const char* what) {
  std::fprintf(stderr, "%s: %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok)
    ++g_failures;
}
} // namespace

void* operator new(std::size_t n) {
  if (g_counting)
    ++g_cxx_allocs;
  if (void* p = std::malloc(n == 0 ? 1 : n))
    return p;
  std::abort();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (g_counting)
    ++g_cxx_allocs;
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
  return operator new(n, t);
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

int main() {
  using namespace vw::classify;
  using namespace vw::classify::test;
  if (CRYPTO_set_mem_functions(osslMalloc, osslRealloc, osslFree) != 1) {
    std::fprintf(stderr, "FAIL: OpenSSL allocated before main; cannot hook its allocator\n");
    return 1;
  }
  const Bytes rfc = fromHex(kRfc9001ClientInitial);
  const Bytes c1 = fromHex(kChromeInitial1);
  const Bytes s2 = fromHex(kChromeServer2);
  const Bytes c3 = fromHex(kChromeInitial3);
  // A corrupted copy of the first packet: same DCID as the flow's keys, so no new derivation.
  // (A failing packet with a *new* DCID costs one key derivation, at most
  // kMaxKeyDerivations per flow; that is per-flow work and allocates inside OpenSSL.)
  Bytes corrupted = c1;
  corrupted[700] ^= 0x01;

  {
    QuicInitialAssembler warm; // the thread's first packet creates the per-thread contexts
    check(warm.feed(rfc) == QuicStatus::Done, "warm-up flow completes");
  }
  QuicInitialAssembler a;
  check(a.feed(c1) == QuicStatus::NeedMore, "first Initial of the flow (derives keys)");

  g_counting = true;
  const QuicStatus st_server = a.feed(s2);
  const QuicStatus st_bad = a.feed(corrupted);
  const QuicStatus st_done = a.feed(c3);
  const QuicStatus st_after = a.feed(c3);
  g_counting = false;

  check(st_server == QuicStatus::NeedMore, "server datagram skipped");
  check(st_bad == QuicStatus::NeedMore, "corrupted packet skipped");
  check(st_done == QuicStatus::Done, "second Initial completes the ClientHello");
  check(st_after == QuicStatus::Done, "datagram after Done ignored");
  std::fprintf(stderr, "allocations while counting: operator new %zu, OpenSSL %zu\n", g_cxx_allocs,
               g_ossl_allocs);
  check(g_cxx_allocs == 0, "no operator new per packet");
  check(g_ossl_allocs == 0, "no OpenSSL allocation per packet");
  return g_failures == 0 ? 0 : 1;
}
