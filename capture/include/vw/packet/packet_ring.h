#pragma once
/// @file packet_ring.h
/// A bounded single-producer/single-consumer ring of variable-length records (packets and
/// control markers) that carries packets from the reader thread to one worker.
///
/// - One producer thread and one consumer thread; no locks on the fast path (two atomics).
/// - Records are copied into a fixed buffer allocated once: no allocation per packet.
/// - Back-pressure: push() waits while the ring is full; nothing is dropped.
/// - A thread with nothing to do sleeps on a condition variable (slow path only), so an idle
///   worker costs no CPU on a 2-core machine.
///
/// A record popped by the consumer stays valid until the consumer's next pop().

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>

#include <vw/packet/decode.h>
#include <vw/packet/packet.h>

namespace vw {

enum class RingKind : std::uint32_t {
  Packet, ///< a captured packet (ts, link type, wire length, bytes)
  Tick,   ///< packet time advanced: expire flows as of `ts`
  Epoch,  ///< end of an output epoch (value in `ts`)
  End,    ///< no more records
  Wrap_,  ///< internal: the rest of the buffer is unused, continue at offset 0
};

/// What the consumer sees.
struct RingRecord {
  RingKind kind = RingKind::Packet;
  PacketView packet{}; ///< for Packet; packet.ts also carries the Tick time / Epoch number
  /// The producer's decoding of the packet, its spans pointing into `packet.data`; nullptr
  /// if none was pushed (the consumer decodes itself).
  const DecodedPacket* decoded = nullptr;
};

class PacketRing {
public:
  /// `capacity` bytes of buffer (at least 64 KiB, rounded up to 32). Packets larger than a
  /// quarter of it are cut to that size (their wire length is kept) and counted.
  explicit PacketRing(std::size_t capacity = 4u << 20);
  PacketRing(const PacketRing&) = delete;
  PacketRing& operator=(const PacketRing&) = delete;

  // ---- producer side ----
  /// Appends a packet, and its decoding if `dp` is not null (so that the consumer does not
  /// decode it again); waits while the ring is full.
  void pushPacket(const PacketView& p, const DecodedPacket* dp = nullptr);
  /// Appends a control record carrying `value` (in packet.ts) and `aux` (in packet.wire_len).
  void pushControl(RingKind kind, std::int64_t value, std::uint32_t aux = 0);

  // ---- consumer side ----
  /// Waits for the next record and returns it. The previous record is released.
  RingRecord pop();

  std::size_t capacity() const { return cap_; }
  /// Packets whose bytes were cut to fit (producer-side counter).
  std::uint64_t truncated() const { return truncated_; }
  /// Times the producer had to wait for space (producer-side counter).
  std::uint64_t producerWaits() const { return producer_waits_; }

private:
  struct Header;
  std::size_t reserve(std::size_t need); ///< producer: offset of `need` contiguous bytes
  void publish(std::size_t bytes);       ///< producer: makes them visible

  std::size_t cap_;
  std::unique_ptr<std::uint8_t[]> buf_;

  alignas(64) std::atomic<std::uint64_t> head_{0}; ///< bytes written (producer)
  alignas(64) std::atomic<std::uint64_t> tail_{0}; ///< bytes released (consumer)

  // producer-private
  alignas(64) std::uint64_t p_head_ = 0;
  std::uint64_t p_tail_cache_ = 0;
  std::uint64_t truncated_ = 0, producer_waits_ = 0;

  // consumer-private
  alignas(64) std::uint64_t c_tail_ = 0;
  std::uint64_t c_pending_ = 0; ///< bytes of the record handed out last, released at next pop
  std::uint64_t c_head_cache_ = 0;
  std::uint64_t c_unreleased_ = 0; ///< bytes consumed but not yet given back to the producer

  // slow path: sleeping threads
  alignas(64) std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> consumer_sleeping_{false};
  std::atomic<bool> producer_sleeping_{false};
  std::atomic<std::uint64_t> producer_wake_at_{0}; ///< tail position the sleeping producer awaits
};

} // namespace vw
