#pragma once
/// @file packet_source.h
/// Where packets come from offline: pcap/pcapng files, stdin, directories (live interfaces:
/// live_source.h). Only capture/src (and its tools) include <pcap.h>.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <vw/packet/packet.h>

namespace vw::capture {

/// Result of PacketSource::next().
enum class SourceStatus : std::uint8_t {
  Packet,    ///< `out` holds a packet
  Timeout,   ///< live only: nothing arrived within the read timeout
  Eof,       ///< clean end of input
  Truncated, ///< input ended in the middle of a record: packets before the cut were delivered
  Error      ///< read error or corrupt record (packets before it were delivered); see error()
};

/// A stream of packets. Not thread-safe; one consumer.
class PacketSource {
public:
  virtual ~PacketSource() = default;
  /// Reads the next packet. The returned view is valid until the next call to next() or the
  /// destruction of the source. Once Eof, Truncated or Error is returned, every later call
  /// returns the same status.
  virtual SourceStatus next(PacketView& out) = 0;
  /// Human-readable description of the last error or truncation (file name + libpcap text).
  virtual const std::string& error() const = 0;
  /// Name of the input (path, "-" for stdin, interface name).
  virtual const std::string& name() const = 0;
  /// LINKTYPE_* of the source. (libpcap reports DLT_RAW, 12 or 14, for LINKTYPE_RAW files;
  /// the pcap sources map it back to 101.)
  virtual std::uint32_t linkType() const = 0;
  /// Bytes of the input consumed so far and in total (0 when unknown, e.g. stdin), for progress.
  virtual std::uint64_t bytesRead() const { return 0; }
  virtual std::uint64_t bytesTotal() const { return 0; }
};

using PacketSourcePtr = std::unique_ptr<PacketSource>;

/// Opens a pcap or pcapng file ("-" is stdin). On failure returns nullptr and sets `error`
/// to "PATH: libpcap message".
PacketSourcePtr openPcapFile(const std::string& path, std::string& error);

/// Expands command-line inputs: files stay as given, directories are walked recursively and
/// their regular files that start with a pcap or pcapng magic number returned in sorted (byte-wise)
/// order (other files such as READMEs are skipped), "-" stays "-". Paths that do not
/// exist are reported in `errors` ("PATH: No such file or directory") and skipped.
std::vector<std::string> expandInputs(const std::vector<std::string>& inputs,
                                      std::vector<std::string>& errors);

/// Text name of a LINKTYPE_* ("EN10MB", "LINUX_SLL", ...) via libpcap, or "LINKTYPE_<n>".
std::string linkTypeName(std::uint32_t link_type);

} // namespace vw::capture
