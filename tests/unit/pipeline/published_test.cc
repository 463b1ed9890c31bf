#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/pipeline/published.h>

using vw::pipeline::Published;

namespace {
/// Every field equal in a value that was published whole.
struct Counters {
  std::uint64_t a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0, i = 0;
  std::uint32_t tail = 0; // a size that is not a multiple of 8
};
bool whole(const Counters& v) {
  return v.a == v.b && v.b == v.c && v.c == v.d && v.d == v.e && v.e == v.f && v.f == v.g &&
         v.g == v.h && v.h == v.i && static_cast<std::uint32_t>(v.i) == v.tail;
}
} // namespace

TEST_CASE("published: readers never see a torn value and never stop the writer", "[published]") {
  Published<Counters> pub;
  std::atomic<bool> done{false};
  std::atomic<int> started{0};
  std::atomic<std::uint64_t> torn{0}, reads{0}, backwards{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r)
    readers.emplace_back([&] {
      ++started;
      std::uint64_t last = 0;
      while (!done.load()) {
        const Counters v = pub.read();
        if (!whole(v))
          ++torn;
        if (v.a < last)
          ++backwards;
        last = v.a;
        ++reads;
      }
    });
  while (started.load() < 2)
    std::this_thread::yield();
  // At least kWrites publications, and go on until the readers have read a good many values
  // while the writer was busy (on a loaded machine they may get the CPU late).
  constexpr std::uint64_t kWrites = 200'000;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::uint64_t n = 0;
  while (n < kWrites || (reads.load() < 10'000 && std::chrono::steady_clock::now() < give_up)) {
    ++n;
    Counters v;
    v.a = v.b = v.c = v.d = v.e = v.f = v.g = v.h = v.i = n;
    v.tail = static_cast<std::uint32_t>(n);
    pub.publish(v);
  }
  done = true;
  for (auto& t : readers)
    t.join();
  CHECK(torn == 0);
  CHECK(backwards == 0);
  CHECK(reads >= 10'000);
  CHECK(pub.read().a == n);
  CHECK(pub.version() == n + 1); // + the initial value
}
