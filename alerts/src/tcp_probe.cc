#include "tcp_probe.h"

#include <cstddef>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

namespace vw::alerts::detail {

TcpAckState probeTcpAck(int fd) {
  TcpAckState st;
  int outq = 0;
  if (::ioctl(fd, SIOCOUTQ, &outq) == 0 && outq >= 0) {
    st.have_outq = true;
    st.outq = static_cast<std::uint64_t>(outq);
  }
  tcp_info info{};
  socklen_t len = sizeof(info);
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 &&
      len >= offsetof(tcp_info, tcpi_bytes_acked) + sizeof(info.tcpi_bytes_acked)) {
    st.have_acked = true;
    st.acked = info.tcpi_bytes_acked;
  }
  return st;
}

void tuneSyslogSocket(int fd) {
  int one = 1;
  int idle = 10, intvl = 5, cnt = 3;
  unsigned user_timeout_ms = 30000;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
  ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof(user_timeout_ms));
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

} // namespace vw::alerts::detail
