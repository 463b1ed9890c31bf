#pragma once
/// @file sinks.h
/// EventSink implementations and their factories: stdout (EVE JSON lines), an EVE file
/// (append, reopen on SIGHUP) and syslog over UDP, TCP (RFC 6587 octet counting) or TLS
/// (RFC 5425). The network code (Boost.Asio, OpenSSL) stays behind these factories, so this
/// header pulls in neither.
///
/// Thread model: write() may be called from one producer thread (the packet thread) while
/// stats()/connected state are read from another; flush()/reopen() from the control thread.
/// The TCP/TLS sink delivers from its own thread and write() only enqueues.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <vw/alerts/encode.h>
#include <vw/alerts/event.h>

namespace vw::alerts {

enum class SyslogTransport : std::uint8_t { Udp, Tcp, Tls };

/// Where a syslog sink delivers to. Default ports: udp 514, tcp 514, tls 6514.
struct SyslogTarget {
  SyslogTransport transport = SyslogTransport::Udp;
  std::string host; ///< name or address literal (IPv6 without brackets)
  std::uint16_t port = 514;
  /// Canonical "udp://host:port" form (IPv6 in brackets).
  std::string url() const;
};

/// Parses `udp://HOST[:PORT]`, `tcp://HOST[:PORT]`, `tls://HOST[:PORT]` (IPv6 as `[addr]`).
/// On failure returns nullopt and, if `err` is given, a one-line reason that quotes the URL.
std::optional<SyslogTarget> parseSyslogUrl(std::string_view url, std::string* err = nullptr);

/// Everything a syslog sink needs. The CLI flags map 1:1 (see docs/soc-delivery.md).
struct SyslogOptions {
  SyslogTarget target;
  SyslogFormat format = SyslogFormat::Rfc5424; ///< --syslog-format 5424|cef
  EncodeOptions encode;           ///< hostname empty -> gethostname(); procid empty -> getpid()
  std::size_t queue_size = 10000; ///< --syslog-queue: events held (queued + unconfirmed)
  /// A written event counts as delivered once the peer's TCP stack acknowledged its bytes and
  /// this long has passed without the connection breaking (covers a collector that dies
  /// before reading its socket buffer). At flush(), a clean close by the collector confirms
  /// everything at once.
  int confirm_grace_ms = 2000;
  int backoff_initial_ms = 100;  ///< reconnect delay after a failure, doubled each time...
  int backoff_max_ms = 10000;    ///< ...up to this; reset after a successful connect
  int connect_timeout_ms = 5000; ///< resolve + connect (+ TLS handshake) per attempt
  // TLS only:
  std::string ca_file;     ///< --syslog-ca: PEM CA bundle; empty -> the system trust store
  bool verify_peer = true; ///< verify the certificate chain and the host name
  std::string tls_name;    ///< name to verify and send as SNI; empty -> target.host
  std::string cert_file;   ///< optional client certificate chain (PEM)
  std::string key_file;    ///< its private key (PEM); defaults to cert_file
};

/// EVE JSON lines on stdout ('\n' after each), stdio-buffered, flushed by flush().
EventSinkPtr makeStdoutSink();

/// EVE JSON lines appended to `path` (created 0644 if missing). reopen() closes and reopens
/// the path (logrotate: rename then SIGHUP). Returns nullptr and sets `err` if the file can't
/// be opened.
EventSinkPtr makeFileSink(const std::string& path, std::string& err);

/// A syslog sink for `opt.target`. UDP: one datagram per event, non-blocking, send errors are
/// counted (failed) and never fatal. TCP/TLS: bounded queue, background delivery with
/// reconnect, at-least-once (see SyslogOptions::confirm_grace_ms). An unreachable collector is
/// not an error here; returns nullptr and sets `err` only for bad options (unreadable CA/cert/
/// key file, unresolvable UDP host, queue_size 0).
EventSinkPtr makeSyslogSink(const SyslogOptions& opt, std::string& err);

} // namespace vw::alerts
