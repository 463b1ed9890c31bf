#pragma once
// Linux TCP introspection for the syslog stream sink: how many bytes of this connection the
// peer's TCP stack has acknowledged. Kept apart from Asio because <linux/tcp.h> and
// <netinet/tcp.h> (pulled by Asio) cannot be included together.

#include <cstdint>

namespace vw::alerts::detail {

/// Kernel view of one TCP socket's send side.
struct TcpAckState {
  bool have_outq = false;  ///< SIOCOUTQ worked
  bool have_acked = false; ///< TCP_INFO reported tcpi_bytes_acked (Linux >= 4.1)
  std::uint64_t outq = 0;  ///< bytes written but not yet acknowledged by the peer
  std::uint64_t acked = 0; ///< data bytes acknowledged by the peer since the connection started
};

/// SIOCOUTQ and TCP_INFO of `fd`.
TcpAckState probeTcpAck(int fd);

/// Keepalive (10 s idle, 5 s interval, 3 probes), TCP_USER_TIMEOUT (30 s) and TCP_NODELAY, so a
/// vanished collector is noticed within about half a minute. Best effort.
void tuneSyslogSocket(int fd);

} // namespace vw::alerts::detail
