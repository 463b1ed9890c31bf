#include <chrono>
#include <cstring>
#include <thread>

#include <vw/packet/packet_ring.h>

namespace vw {

/// Record header in the buffer. Every record starts at a multiple of 64 bytes, so the space
/// left before the end of the buffer is either 0 or room for at least one header.
struct PacketRing::Header {
  std::uint32_t size; ///< whole record, header included, multiple of kAlign
  RingKind kind;
  std::int64_t ts;
  std::uint32_t link_type;
  std::uint32_t wire_len;
  std::uint32_t caplen;
  std::uint32_t pad_;
};

namespace {
constexpr std::size_t kAlign = 64;
constexpr std::size_t alignUp(std::size_t n) {
  return (n + kAlign - 1) & ~(kAlign - 1);
}
constexpr int kSpins = 256;
} // namespace

PacketRing::PacketRing(std::size_t capacity)
    : cap_(alignUp(capacity < 4 * kAlign ? 4 * kAlign : capacity)), buf_(new std::uint8_t[cap_]) {
  static_assert(sizeof(Header) <= kAlign);
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
          std::this_thread::yield();
        } else {
          ++producer_waits_;
          std::unique_lock<std::mutex> lk(mu_);
          producer_sleeping_.store(true, std::memory_order_seq_cst);
          if (cap_ - (p_head_ - tail_.load(std::memory_order_seq_cst)) < want)
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

void PacketRing::pushPacket(const PacketView& p) {
  std::size_t caplen = p.data.size();
  const std::size_t max_bytes = cap_ / 4 - kAlign;
  if (caplen > max_bytes) {
    caplen = max_bytes;
    ++truncated_;
  }
  const std::size_t need = alignUp(kAlign + caplen);
  const std::size_t off = reserve(need);
  Header h{};
  h.size = static_cast<std::uint32_t>(need);
  h.kind = RingKind::Packet;
  h.ts = p.ts;
  h.link_type = p.link_type;
  h.wire_len = p.wire_len;
  h.caplen = static_cast<std::uint32_t>(caplen);
  std::memcpy(buf_.get() + off, &h, sizeof h);
  if (caplen != 0)
    std::memcpy(buf_.get() + off + kAlign, p.data.data(), caplen);
  publish(need);
}

void PacketRing::pushControl(RingKind kind, std::int64_t value) {
  const std::size_t off = reserve(kAlign);
  Header h{};
  h.size = static_cast<std::uint32_t>(kAlign);
  h.kind = kind;
  h.ts = value;
  std::memcpy(buf_.get() + off, &h, sizeof h);
  publish(kAlign);
}

RingRecord PacketRing::pop() {
  for (;;) {
    if (c_pending_ != 0) {
      c_tail_ += c_pending_;
      c_pending_ = 0;
      tail_.store(c_tail_, std::memory_order_seq_cst);
      if (producer_sleeping_.load(std::memory_order_seq_cst)) {
        std::lock_guard<std::mutex> lk(mu_);
        cv_.notify_all();
      }
    }
    if (c_head_cache_ == c_tail_) {
      c_head_cache_ = head_.load(std::memory_order_acquire);
      int spins = 0;
      while (c_head_cache_ == c_tail_) {
        if (++spins < kSpins) {
          std::this_thread::yield();
        } else {
          std::unique_lock<std::mutex> lk(mu_);
          consumer_sleeping_.store(true, std::memory_order_seq_cst);
          if (head_.load(std::memory_order_seq_cst) == c_tail_)
            cv_.wait_for(lk, std::chrono::milliseconds(20));
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
    r.packet.data = std::span<const std::uint8_t>(at + kAlign, h.caplen);
    return r;
  }
}

} // namespace vw
