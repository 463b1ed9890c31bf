#pragma once
/// @file live_source.h
/// A live libpcap capture handle for `vendorwatch live`: non-blocking, with a file descriptor
/// to poll, read in blocks (TPACKET_V3) and optionally a member of a kernel fanout group
/// (fanout.h). Like the rest of capture/, the only place that sees <pcap.h>.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <vw/capture/fanout.h>
#include <vw/packet/packet.h>

namespace vw::capture {

/// Default kernel ring per interface: one second of a 1 Gbit/s link (125 MB) rounded up.
inline constexpr std::uint64_t kDefaultRingBytes = 128ull << 20;
/// libpcap takes the ring size of one handle as an `int`.
inline constexpr std::uint64_t kMaxRingBytesPerHandle = 2047ull << 20;

/// How to open one interface.
struct LiveOptions {
  std::string interface;                        ///< e.g. "eth0"
  std::string bpf;                              ///< BPF filter expression; empty = everything
  int snaplen = 262144;                         ///< bytes captured per packet at most
  std::uint64_t ring_bytes = kDefaultRingBytes; ///< kernel ring of this handle (<= kMax...)
  bool promisc = true;                          ///< promiscuous mode (a span port needs it)
  /// Per-packet delivery (TPACKET_V2) instead of blocks. Off: the kernel fills blocks
  /// (TPACKET_V3) and hands over a block when it is full or `block_timeout_ms` after its first
  /// packet, so a quiet link still delivers within that time.
  bool immediate = false;
  int block_timeout_ms = 50;
};

/// libpcap's counters for one handle, widened to 64 bits (the kernel counters are 32-bit and
/// wrap; the wrap is tracked between calls to stats()).
struct LiveStats {
  std::uint64_t received = 0;   ///< packets that passed the filter
  std::uint64_t dropped = 0;    ///< dropped for lack of ring space (ps_drop)
  std::uint64_t if_dropped = 0; ///< dropped by the interface/driver (ps_ifdrop)
};

/// Called for each packet by LiveSource::dispatch(). The view is valid only during the call.
/// A plain function pointer + context (no std::function) so the packet path never allocates.
using LivePacketFn = void (*)(void* ctx, const PacketView& pkt);

/// One open, activated, non-blocking capture handle. Not thread-safe; one consumer thread
/// (which may differ from the thread that opened it).
class LiveSource {
public:
  /// Creates and activates the handle (pcap_create, snaplen, ring, promisc, immediate mode or
  /// block timeout, activate, BPF, non-blocking). On failure returns nullptr and sets `error`
  /// to "IFACE: libpcap message" (for a bad filter: "IFACE: filter 'EXPR': message").
  static std::unique_ptr<LiveSource> open(const LiveOptions& opt, std::string& error);
  ~LiveSource();
  LiveSource(const LiveSource&) = delete;
  LiveSource& operator=(const LiveSource&) = delete;

  /// The descriptor to poll for readability. Owned by the handle: do not close it.
  int fd() const noexcept;

  /// Creates a fanout group with this handle as its first member, steered by `program`
  /// (PACKET_FANOUT_CBPF); the kernel picks a free group id, returned in `group`.
  bool createFanoutGroup(std::span<const BpfInsn> program, std::uint16_t& group);
  /// Joins the group `group` created on another handle of the same interface.
  bool joinFanoutGroup(std::uint16_t group);

  /// Packets stamped before `ts` are skipped (not delivered, not counted) until the first
  /// later one: a handle that captured everything before it joined its fanout group drops
  /// those duplicates. 0 = off.
  void skipBefore(TimeUs ts) noexcept { skip_before_ = ts; }

  /// Reads what is ready without blocking, calling `fn(ctx, pkt)` for each packet: with
  /// `max` <= 0 every block the kernel has handed over (a whole block at least), else at
  /// most `max` packets. Returns the number of packets delivered (0 when nothing was ready)
  /// or -1 on error (see error()).
  int dispatch(int max, LivePacketFn fn, void* ctx);
  /// Makes a running dispatch() return after the current packet (call from its callback).
  void breakLoop() noexcept;

  /// Current libpcap counters since open() or the last resetStats(); false + error() when
  /// unavailable.
  bool stats(LiveStats& out);
  /// Counts from now on (used once the fanout group is complete).
  bool resetStats();

  /// "TPACKET_V3", "TPACKET_V2" or "?" (the ring version the kernel uses for this handle).
  std::string ringVersion() const;
  /// The ring size actually requested (bytes).
  std::uint64_t ringBytes() const noexcept { return ring_bytes_; }

  const std::string& error() const noexcept { return error_; }
  const std::string& name() const noexcept { return name_; }
  /// LINKTYPE_* of the interface (DLT_RAW is mapped to 101 as for files).
  std::uint32_t linkType() const noexcept { return link_type_; }

private:
  struct Impl;
  explicit LiveSource(std::unique_ptr<Impl> impl, std::string name, std::uint32_t link_type,
                      std::uint64_t ring_bytes);
  bool setFanout(std::uint32_t arg, const char* what);
  std::unique_ptr<Impl> impl_;
  std::string name_;
  std::string error_;
  std::uint32_t link_type_ = 0;
  std::uint64_t ring_bytes_ = 0;
  TimeUs skip_before_ = 0;
  LivePacketFn fn_ = nullptr;
  void* ctx_ = nullptr;
  friend struct LiveSourceAccess;
};

using LiveSourcePtr = std::unique_ptr<LiveSource>;

} // namespace vw::capture
