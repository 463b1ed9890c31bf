#include <algorithm>
#include <chrono>
#include <cstring>

#include <vw/packet/packet_ring.h>

namespace vw {

/// Record header in the buffer. Records start at multiples of kAlign, so the space left before
/// the end of the buffer is either 0 or room for at least one header.
struct PacketRing::Header {
  std::uint32_t size; ///< whole record, header included, multiple of kAlign
  RingKind kind;
  std::int64_t ts;
  std::uint32_t link_type;
  std::uint32_t wire_len;
  std::uint32_t caplen;
  std::uint32_t has_decoded; ///< a DecodedPacket follows the header, then the bytes
};

namespace {
constexpr std::size_t kAlign = 32;
constexpr std::size_t alignUp(std::size_t n) {
  return (n + kAlign - 1) & ~(kAlign - 1);
}
constexpr std::size_t kDecodedBytes = alignUp(sizeof(DecodedPacket));

/// Busy-wait rounds before a waiting thread sleeps. Measured on bench-mix with 2 cores: 0, 20
/// and 200 rounds were within the run-to-run noise for 1 and 2 workers.
constexpr int kSpins = 200;

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/// Rebases a span from the producer's packet buffer to the copy in the ring.
std::span<const std::uint8_t> rebase(std::span<const std::uint8_t> s, const std::uint8_t* from,
                                     const std::uint8_t* to) {
  if (s.empty())
    return {};
  return {to + (s.data() - from), s.size()};
}
} // namespace

PacketRing::PacketRing(std::size_t capacity)
    : cap_(alignUp(std::max<std::size_t>(capacity, std::size_t{64} * 1024))),
      buf_(new std::uint8_t[cap_]) {
  static_assert(sizeof(Header) == kAlign);
  static_assert(std::is_trivially_copyable_v<DecodedPacket>);
  static_assert(alignof(DecodedPacket) <= kAlign);
}

std::size_t PacketRing::reserve(std::size_t need) {
  for (;;) {
    const std::size_t off = static_cast<std::size_t>(p_head_ % cap_);
    const std::size_t to_end = cap_ - off;
    // A record never straddles the end: if it does not fit, a wrap marker fills the rest.
    const std::size_t want = need <= to_end ? need : to_end + need;
    if (cap_ - (p_head_ - p_tail_cache_) < want) {
      p_tail_cache_ = tail_.load(std::memory_order_acquire);
      int spins = 0;
      while (cap_ - (p_head_ - p_tail_cache_) < want) {
        if (++spins < kSpins) {
          cpuRelax();
        } else {
          // Sleep until a good part of the ring is free again (not just this record), so that
          // producer and consumer do not wake each other for every packet.
          ++producer_waits_;
          const std::uint64_t need_tail = p_head_ + want - cap_;
          producer_wake_at_.store(std::min(need_tail + cap_ / 8, p_head_),
                                  std::memory_order_relaxed);
          std::unique_lock<std::mutex> lk(mu_);
          producer_sleeping_.store(true, std::memory_order_seq_cst);
          if (tail_.load(std::memory_order_seq_cst) < need_tail)
            cv_.wait_for(lk, std::chrono::milliseconds(20));
          producer_sleeping_.store(false, std::memory_order_relaxed);
          spins = 0;
        }
        p_tail_cache_ = tail_.load(std::memory_order_acquire);
      }
    }
    if (need <= to_end)
      return off;
    Header wrap{};
    wrap.size = static_cast<std::uint32_t>(to_end);
    wrap.kind = RingKind::Wrap_;
    std::memcpy(buf_.get() + off, &wrap, sizeof wrap);
    publish(to_end);
  }
}

void PacketRing::publish(std::size_t bytes) {
  p_head_ += bytes;
  head_.store(p_head_, std::memory_order_seq_cst);
  if (consumer_sleeping_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lk(mu_);
    cv_.notify_all();
  }
}

void PacketRing::pushPacket(const PacketView& p, const DecodedPacket* dp) {
  std::size_t caplen = p.data.size();
  const std::size_t max_bytes = cap_ / 4 - kAlign - kDecodedBytes;
  if (caplen > max_bytes) {
    caplen = max_bytes;
    dp = nullptr; // its spans may reach past the cut: the consumer decodes the cut copy
    ++truncated_;
  }
  const std::size_t extra = dp != nullptr ? kDecodedBytes : 0;
  const std::size_t need = alignUp(kAlign + extra + caplen);
  const std::size_t off = reserve(need);
  std::uint8_t* rec = buf_.get() + off;
  std::uint8_t* bytes = rec + kAlign + extra;
  Header h{};
  h.size = static_cast<std::uint32_t>(need);
  h.kind = RingKind::Packet;
  h.ts = p.ts;
  h.link_type = p.link_type;
  h.wire_len = p.wire_len;
  h.caplen = static_cast<std::uint32_t>(caplen);
  h.has_decoded = dp != nullptr ? 1 : 0;
  std::memcpy(rec, &h, sizeof h);
  if (dp != nullptr) {
    DecodedPacket copy = *dp;
    copy.payload = rebase(dp->payload, p.data.data(), bytes);
    copy.l3 = rebase(dp->l3, p.data.data(), bytes);
    std::memcpy(rec + kAlign, &copy, sizeof copy);
  }
  if (caplen != 0)
    std::memcpy(bytes, p.data.data(), caplen);
  publish(need);
}

void PacketRing::pushControl(RingKind kind, std::int64_t value, std::uint32_t aux) {
  const std::size_t off = reserve(kAlign);
  Header h{};
  h.size = static_cast<std::uint32_t>(kAlign);
  h.kind = kind;
  h.ts = value;
  h.wire_len = aux;
  std::memcpy(buf_.get() + off, &h, sizeof h);
  publish(kAlign);
}

RingRecord PacketRing::pop() {
  for (;;) {
    c_tail_ += c_pending_;
    c_unreleased_ += c_pending_;
    c_pending_ = 0;
    if (c_head_cache_ == c_tail_)
      c_head_cache_ = head_.load(std::memory_order_acquire);
    // Space goes back to the producer in chunks, or whenever the ring looks empty.
    if (c_unreleased_ != 0 && (c_unreleased_ >= cap_ / 32 || c_head_cache_ == c_tail_)) {
      c_unreleased_ = 0;
      tail_.store(c_tail_, std::memory_order_seq_cst);
      if (producer_sleeping_.load(std::memory_order_seq_cst) &&
          c_tail_ >= producer_wake_at_.load(std::memory_order_relaxed)) {
        std::lock_guard<std::mutex> lk(mu_);
        cv_.notify_all();
      }
    }
    if (c_head_cache_ == c_tail_) {
      int spins = 0;
      while (c_head_cache_ == c_tail_) {
        if (++spins < kSpins) {
          cpuRelax();
        } else {
          std::unique_lock<std::mutex> lk(mu_);
          consumer_sleeping_.store(true, std::memory_order_seq_cst);
          if (head_.load(std::memory_order_seq_cst) == c_tail_) {
            if (producer_sleeping_.load(std::memory_order_seq_cst))
              cv_.notify_all(); // everything is released: the producer must not wait on us
            cv_.wait_for(lk, std::chrono::milliseconds(20));
          }
          consumer_sleeping_.store(false, std::memory_order_relaxed);
          spins = 0;
        }
        c_head_cache_ = head_.load(std::memory_order_acquire);
      }
    }
    const std::uint8_t* at = buf_.get() + c_tail_ % cap_;
    Header h;
    std::memcpy(&h, at, sizeof h);
    c_pending_ = h.size;
    if (h.kind == RingKind::Wrap_)
      continue;
    RingRecord r;
    r.kind = h.kind;
    r.packet.ts = h.ts;
    r.packet.link_type = h.link_type;
    r.packet.wire_len = h.wire_len;
    const std::size_t extra = h.has_decoded != 0 ? kDecodedBytes : 0;
    r.packet.data = std::span<const std::uint8_t>(at + kAlign + extra, h.caplen);
    if (h.has_decoded != 0)
      r.decoded = reinterpret_cast<const DecodedPacket*>(at + kAlign);
    return r;
  }
}

} // namespace vw
