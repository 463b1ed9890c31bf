#pragma once
/// @file published.h
/// A value one thread publishes and others read without ever making the writer wait: a
/// sequence lock over atomic words. The capture workers publish their counters this way, so
/// that a metrics scrape, a stats event or the progress line reads them with no barrier on
/// the capture threads.
///
/// - One writer. publish() never blocks and never allocates (it copies the value into
///   atomic words between two increments of a sequence number).
/// - Any number of readers. read() retries while a publish is in progress (a few hundred
///   nanoseconds), so it returns a value that was published as a whole.
/// - Every access is atomic (relaxed words, acquire/release sequence), so ThreadSanitizer sees
///   no data race.

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace vw::pipeline {

template <class T> class Published {
  static_assert(std::is_trivially_copyable_v<T>, "Published<T> copies T word by word");
  static constexpr std::size_t kWords = (sizeof(T) + 7) / 8;

public:
  Published() { publish(T{}); }
  Published(const Published&) = delete;
  Published& operator=(const Published&) = delete;

  /// Writer only.
  void publish(const T& v) noexcept {
    std::uint64_t w[kWords] = {};
    std::memcpy(w, &v, sizeof(T));
    const std::uint64_t s = seq_.load(std::memory_order_relaxed);
    seq_.store(s + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    for (std::size_t i = 0; i < kWords; ++i)
      words_[i].store(w[i], std::memory_order_relaxed);
    seq_.store(s + 2, std::memory_order_release);
  }

  /// Any thread.
  T read() const noexcept {
    std::uint64_t w[kWords];
    for (;;) {
      const std::uint64_t s1 = seq_.load(std::memory_order_acquire);
      if ((s1 & 1) != 0)
        continue;
      for (std::size_t i = 0; i < kWords; ++i)
        w[i] = words_[i].load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (seq_.load(std::memory_order_relaxed) == s1)
        break;
    }
    T v;
    std::memcpy(&v, w, sizeof(T));
    return v;
  }

  /// How many times a value was published (for tests).
  std::uint64_t version() const noexcept { return seq_.load(std::memory_order_acquire) / 2; }

private:
  alignas(64) std::atomic<std::uint64_t> seq_{0};
  std::array<std::atomic<std::uint64_t>, kWords> words_{};
};

} // namespace vw::pipeline
