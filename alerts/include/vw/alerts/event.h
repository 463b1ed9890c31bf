#pragma once
/// @file event.h
/// The one event model that leaves vendorwatch toward the SOC, and the sink interface.
///
/// classify produces flow/vendor/dns/http/stats records; the composition root turns each into
/// an OutEvent whose canonical form is the EVE-style JSON line. Encoders (RFC 5424 syslog, CEF)
/// build their framing from `json` plus the structured `alert` fields, so every encoding says
/// the same thing.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace vw::alerts {

enum class EventKind : std::uint8_t { Flow, Vendor, Dns, Http, Stats, Inspection };

/// "flow", "vendor", "dns", "http", "stats", "inspection": the EVE event_type and the syslog
/// MSGID.
const char* eventKindName(EventKind k);

/// The structured fields of a vendor alert, used by syslog SD-ELEMENTs and CEF extensions.
struct AlertFields {
  std::string host;            ///< internal host address
  std::string src_ip, dest_ip; ///< initiator / responder
  std::uint16_t src_port = 0, dest_port = 0;
  std::string proto;     ///< "TCP", "UDP", ...
  std::string dest_name; ///< best name of the vendor side (SNI, Host, DNS query), may be empty
  std::string vendor_id, vendor_name, vendor_country,
      vendor_status; ///< status: banned|watch|allowed
  std::string product_id, product_name, role;
  std::string host_role;      ///< client | server (the host uses the product / runs it)
  std::string usage;          ///< product | web
  std::string confidence;     ///< high | medium | low
  std::string evidence_field; ///< first evidence: field, value and indicator
  std::string evidence_value;
  std::string evidence_indicator;
  std::uint64_t flow_id = 0;
};

/// One event. Self-contained (owns its strings) so that sinks may queue it.
struct OutEvent {
  EventKind kind = EventKind::Flow;
  std::int64_t ts_us = 0;           ///< event time (packet time offline), microseconds
  std::string json;                 ///< the EVE JSON object, one line, no trailing newline
  std::optional<AlertFields> alert; ///< present for EventKind::Vendor
};

/// Delivery counters of a sink (all monotonic).
struct SinkStats {
  std::uint64_t sent = 0;       ///< events confirmed written
  std::uint64_t queued = 0;     ///< events currently waiting
  std::uint64_t resent = 0;     ///< events written again after a reconnect
  std::uint64_t dropped = 0;    ///< events discarded because the queue was full
  std::uint64_t reconnects = 0; ///< successful reconnections
  std::uint64_t failed = 0;     ///< events given up on (e.g. left over at shutdown)
  bool connected = false;       ///< network sinks: connected right now
};

/// Something events are written to. write() must not block the packet path for long: network
/// sinks queue and deliver from their own thread.
class EventSink {
public:
  virtual ~EventSink() = default;
  virtual void write(const OutEvent& ev) = 0;
  /// Delivers what is queued, waiting at most `timeout_ms`; returns true if nothing is left.
  virtual bool flush(int timeout_ms) = 0;
  /// Reopens files (logrotate on SIGHUP); no-op for other sinks.
  virtual void reopen() {}
  /// Pushes buffered lines out without waiting or closing anything (live mode calls it every
  /// second): fflush for files and stdout; no-op for network sinks, which deliver on their own
  /// thread (their flush() is the shutdown path).
  virtual void sync() {}
  virtual SinkStats stats() const = 0;
  /// Short name for stats output, e.g. "stdout", "eve:/var/log/vw.json", "syslog:tcp://h:p".
  virtual std::string name() const = 0;
  /// Events the last flush() could not deliver (they were given up on and counted in
  /// `SinkStats::failed`); 0 if the last flush delivered everything or flush was never called.
  /// The caller reports this on stderr at shutdown.
  virtual std::uint64_t leftover() const { return 0; }
  /// Human-readable text of the most recent delivery problem (connect refused, TLS verify
  /// failure, write error...), empty if none. For diagnostics only; never fatal by itself.
  virtual std::string lastError() const { return {}; }
};

using EventSinkPtr = std::unique_ptr<EventSink>;

} // namespace vw::alerts
