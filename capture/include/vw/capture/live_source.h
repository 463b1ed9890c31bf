#pragma once
/// @file live_source.h
/// A live libpcap capture handle for `vendorwatch live`: non-blocking, with a selectable file
/// descriptor so that an event loop (Boost.Asio in the CLI) can wait for readiness and then
/// drain what is ready with dispatch(). Like the rest of capture/, the only place that sees
/// <pcap.h>.

#include <cstdint>
#include <memory>
#include <string>

#include <vw/packet/packet.h>

namespace vw::capture {

/// How to open one interface.
struct LiveOptions {
  std::string interface; ///< e.g. "eth0"
  std::string bpf;       ///< BPF filter expression; empty = everything
  int snaplen = 262144;  ///< bytes captured per packet at most
  int buffer_mb = 32;    ///< kernel ring buffer size in MiB
  bool promisc = true;   ///< promiscuous mode (a span port needs it)
  bool immediate = true; ///< deliver packets as they arrive (no block timeout batching)
};

/// libpcap's counters for one handle, widened to 64 bits (the kernel counters are 32-bit and
/// wrap; the wrap is tracked between calls to stats()).
struct LiveStats {
  std::uint64_t received = 0;   ///< packets that passed the filter
  std::uint64_t dropped = 0;    ///< dropped for lack of buffer space
  std::uint64_t if_dropped = 0; ///< dropped by the interface/driver
};

/// Called for each packet by LiveSource::dispatch(). The view is valid only during the call.
/// A plain function pointer + context (no std::function) so the packet path never allocates.
using LivePacketFn = void (*)(void* ctx, const PacketView& pkt);

/// One open, activated, non-blocking capture handle. Not thread-safe; one consumer.
class LiveSource {
public:
  /// Creates and activates the handle (pcap_create, snaplen, buffer, promisc, immediate mode,
  /// activate, BPF, non-blocking). On failure returns nullptr and sets `error` to
  /// "IFACE: libpcap message" (for a bad filter: "IFACE: filter 'EXPR': message").
  static std::unique_ptr<LiveSource> open(const LiveOptions& opt, std::string& error);
  ~LiveSource();
  LiveSource(const LiveSource&) = delete;
  LiveSource& operator=(const LiveSource&) = delete;

  /// The descriptor to wait on for readability (pcap_get_selectable_fd). Owned by the handle:
  /// do not close it.
  int selectableFd() const noexcept;

  /// Reads what is ready without blocking, at most `max` packets (<= 0: one buffer's worth),
  /// calling `fn(ctx, pkt)` for each. Returns the number of packets processed (0 when nothing
  /// was ready) or -1 on error (see error()).
  int dispatch(int max, LivePacketFn fn, void* ctx);

  /// Current libpcap counters (pcap_stats); false + error() when unavailable.
  bool stats(LiveStats& out);

  const std::string& error() const noexcept { return error_; }
  const std::string& name() const noexcept { return name_; }
  /// LINKTYPE_* of the interface (DLT_RAW is mapped to 101 as for files).
  std::uint32_t linkType() const noexcept { return link_type_; }

private:
  struct Impl;
  explicit LiveSource(std::unique_ptr<Impl> impl, std::string name, std::uint32_t link_type);
  std::unique_ptr<Impl> impl_;
  std::string name_;
  std::string error_;
  std::uint32_t link_type_ = 0;
};

using LiveSourcePtr = std::unique_ptr<LiveSource>;

} // namespace vw::capture
