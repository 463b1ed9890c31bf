#pragma once
/// @file dpi_engine.h
/// The seam between vendorwatch's flow handling and a deep-packet-inspection library. classify
/// defines it; classify/ndpi implements it with nDPI; tests use a fake.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vw/packet/packet.h>

namespace vw::classify {

/// What the engine currently says about a flow.
struct DpiVerdict {
  std::uint16_t master_proto = 0; ///< e.g. TLS for "TLS.Google"; 0 = unknown
  std::uint16_t app_proto = 0;    ///< most specific protocol id; 0 = unknown
  std::uint16_t category = 0;     ///< engine category id
};

/// Certificate facts the engine extracted from the server's handshake (TLS <= 1.2).
struct DpiCertificate {
  std::string
      subject; ///< distinguished name, e.g. "C=US, O=CrowdStrike, Inc., CN=ts01-b.cloudsink.net"
  std::string issuer;
  std::vector<std::string> san; ///< DNS names from subjectAltName, lowercased
};

/// Per-flow inspection state owned by the engine. Destroying it frees the engine's memory.
class DpiFlow {
public:
  virtual ~DpiFlow() = default;
};
using DpiFlowPtr = std::unique_ptr<DpiFlow>;

/// Outcome of feeding one packet.
enum class DpiStatus : std::uint8_t {
  Continue, ///< the engine wants more packets
  Done      ///< classification is final and no extra dissection is possible: free the state
};

/// One DPI engine instance. One per worker thread; not thread-safe.
class DpiEngine {
public:
  virtual ~DpiEngine() = default;
  /// Allocates per-flow state. Called once per inspected flow (not per packet).
  virtual DpiFlowPtr newFlow() = 0;
  /// Feeds one packet. `l3` starts at the IP header; `ts` is packet time.
  virtual DpiStatus process(DpiFlow& flow, std::span<const std::uint8_t> l3, TimeUs ts,
                            DpiVerdict& verdict) = 0;
  /// Called when inspection stops (budget exhausted or flow end) to get the best final answer
  /// (may guess from ports).
  virtual DpiVerdict giveUp(DpiFlow& flow) = 0;
  /// Server certificate facts, if the engine saw them. Returns false if none.
  virtual bool certificate(DpiFlow& flow, DpiCertificate& out) = 0;
  /// True if the flow's current label came from the engine's dissection of this flow's
  /// packets (not from its port, its addresses or a cache of other flows). Call before giveUp.
  virtual bool labelFromDissector(DpiFlow&) const { return false; }
  /// Protocol name for an id pair, e.g. "TLS.Google", "DNS", "Unknown".
  virtual std::string protocolName(const DpiVerdict& v) const = 0;
  /// Category name, e.g. "Web", "Network".
  virtual std::string categoryName(const DpiVerdict& v) const = 0;
  /// True if `v` says the flow is DNS / TLS / QUIC / HTTP (master or app).
  virtual bool isDns(const DpiVerdict& v) const = 0;
  virtual bool isTls(const DpiVerdict& v) const = 0;
  virtual bool isQuic(const DpiVerdict& v) const = 0;
  virtual bool isHttp(const DpiVerdict& v) const = 0;
  /// True if the engine may still extract something vendorwatch reads from it from later
  /// packets of a flow with verdict `v` (a TLS/DTLS server certificate, the application name
  /// of a QUIC ClientHello spread over several packets). For any other named protocol, the
  /// engine's state is dropped as soon as it has a verdict.
  virtual bool wantsMorePackets(const DpiVerdict& v) const = 0;
  /// Bytes of engine state per inspected flow (for memory reports).
  virtual std::size_t flowStateBytes() const = 0;
};

using DpiEnginePtr = std::unique_ptr<DpiEngine>;

} // namespace vw::classify
