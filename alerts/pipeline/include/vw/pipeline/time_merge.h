#pragma once
/// @file time_merge.h
/// Merges the packets of several capture handles (one worker's sockets on different
/// interfaces: two span ports, or the two directions of a TAP) into one stream in time order,
/// so that a flow whose directions arrive on different interfaces is seen in the order its
/// packets were captured (a DNS answer after its query, a SYN-ACK after its SYN).
///
/// Each handle delivers its own packets in order, but in blocks: a packet of interface B may
/// reach us up to one block timeout after a later packet of interface A. So packets are
/// copied into one FIFO per source and handed on, oldest first, once nothing older can still
/// arrive: up to the newest packet of each source that is still delivering, and up to "now
/// minus the hold time" for a source whose kernel ring has been read empty (see release()).
///
/// Buffers are allocated once; push() and release() never allocate. When a source's FIFO is
/// full the oldest packets are handed on early (counted in forced()): order may then suffer,
/// nothing is lost. One thread.

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include <vw/packet/packet.h>

namespace vw::pipeline {

class TimeMerge {
public:
  /// `sources` FIFOs of `bytes_per_source` bytes each (at least 64 KiB, rounded up to 32).
  TimeMerge(std::size_t sources, std::size_t bytes_per_source) : fifos_(sources) {
    const std::size_t cap = align(bytes_per_source < (64u << 10) ? (64u << 10) : bytes_per_source);
    for (auto& f : fifos_) {
      f.buf.reset(new std::uint8_t[cap]);
      f.cap = cap;
    }
  }

  /// Copies a packet of `source` in (bytes beyond a quarter of the FIFO are cut, the wire
  /// length is kept). If the FIFO is full, the oldest packets of all sources go to `fn` first.
  template <class Fn> void push(std::size_t source, const PacketView& pv, Fn&& fn) {
    Fifo& f = fifos_[source];
    std::size_t caplen = pv.data.size();
    if (caplen > f.cap / 4 - kHeader)
      caplen = f.cap / 4 - kHeader;
    const std::size_t need = align(kHeader + caplen);
    while (!f.fits(need)) {
      ++forced_;
      if (!popOldest(fn))
        break; // cannot happen: this FIFO holds something, or the record fits
    }
    f.put(pv, caplen, need);
    ++held_;
  }

  /// Hands every packet stamped at or before `bound` to `fn`, oldest first.
  template <class Fn> void release(TimeUs bound, Fn&& fn) {
    while (held_ != 0) {
      const std::size_t s = oldestSource();
      if (fifos_[s].headTs() > bound)
        return;
      popFrom(s, fn);
    }
  }

  /// Hands everything on (shutdown).
  template <class Fn> void releaseAll(Fn&& fn) {
    while (popOldest(fn)) {
    }
  }

  bool empty() const { return held_ == 0; }
  /// Time of the oldest packet held (call only when !empty()).
  TimeUs oldest() const { return fifos_[oldestSource()].headTs(); }
  std::uint64_t forced() const { return forced_; }
  std::size_t sources() const { return fifos_.size(); }

private:
  struct Header {
    TimeUs ts;
    std::uint32_t size; ///< whole record, multiple of 32; 0 = wrap marker
    std::uint32_t link_type;
    std::uint32_t wire_len;
    std::uint32_t caplen;
  };
  static constexpr std::size_t kHeader = 32;
  static_assert(sizeof(Header) <= kHeader);
  /// Records and the FIFO size are multiples of the header size, so the space left before
  /// the end of a FIFO is either 0 or room for a (wrap) header.
  static constexpr std::size_t align(std::size_t n) { return (n + 31) & ~std::size_t{31}; }

  struct Fifo {
    std::unique_ptr<std::uint8_t[]> buf;
    std::size_t cap = 0;
    std::uint64_t head = 0, tail = 0; ///< bytes written / released, monotonic
    std::uint32_t count = 0;

    Header header() const {
      Header h;
      std::memcpy(&h, buf.get() + tail % cap, sizeof h);
      return h;
    }
    TimeUs headTs() const { return header().ts; }
    bool fits(std::size_t need) const {
      const std::size_t off = static_cast<std::size_t>(head % cap);
      const std::size_t to_end = cap - off;
      const std::size_t want = need <= to_end ? need : to_end + need;
      return cap - (head - tail) >= want;
    }
    void put(const PacketView& pv, std::size_t caplen, std::size_t need) {
      std::size_t off = static_cast<std::size_t>(head % cap);
      if (cap - off < need) { // a record never straddles the end: mark the rest unused
        Header wrap{};
        std::memcpy(buf.get() + off, &wrap, sizeof wrap);
        head += cap - off;
        if (count == 0)
          tail = head;
        off = 0;
      }
      Header h{pv.ts, static_cast<std::uint32_t>(need), pv.link_type, pv.wire_len,
               static_cast<std::uint32_t>(caplen)};
      std::memcpy(buf.get() + off, &h, sizeof h);
      if (caplen != 0)
        std::memcpy(buf.get() + off + kHeader, pv.data.data(), caplen);
      head += need;
      ++count;
    }
    void skipWrap() {
      if (count != 0 && header().size == 0)
        tail += cap - tail % cap;
    }
  };

  std::size_t oldestSource() const {
    std::size_t best = 0;
    TimeUs best_ts = 0;
    bool any = false;
    for (std::size_t i = 0; i < fifos_.size(); ++i) {
      if (fifos_[i].count == 0)
        continue;
      const TimeUs t = fifos_[i].headTs();
      if (!any || t < best_ts) {
        best = i;
        best_ts = t;
        any = true;
      }
    }
    return best;
  }

  template <class Fn> void popFrom(std::size_t s, Fn& fn) {
    Fifo& f = fifos_[s];
    const Header h = f.header();
    PacketView pv;
    pv.ts = h.ts;
    pv.link_type = h.link_type;
    pv.wire_len = h.wire_len;
    pv.data = std::span<const std::uint8_t>(f.buf.get() + f.tail % f.cap + kHeader, h.caplen);
    fn(s, pv);
    f.tail += h.size;
    --f.count;
    --held_;
    f.skipWrap();
  }

  template <class Fn> bool popOldest(Fn& fn) {
    if (held_ == 0)
      return false;
    popFrom(oldestSource(), fn);
    return true;
  }

  std::vector<Fifo> fifos_;
  std::uint64_t held_ = 0;
  std::uint64_t forced_ = 0;
};

} // namespace vw::pipeline
