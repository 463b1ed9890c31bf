// makeSyslogSink: validates options and picks the transport.

#include <unistd.h>

#include <climits>

#include "syslog_internal.h"

namespace vw::alerts {

namespace detail {

SyslogOptions withHostDefaults(const SyslogOptions& opt) {
  SyslogOptions o = opt;
  if (o.encode.hostname.empty()) {
    char buf[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buf, sizeof(buf) - 1) == 0)
      o.encode.hostname = buf;
  }
  if (o.encode.procid.empty())
    o.encode.procid = std::to_string(::getpid());
  return o;
}

} // namespace detail

EventSinkPtr makeSyslogSink(const SyslogOptions& opt, std::string& err) {
  if (opt.target.host.empty()) {
    err = "syslog: no collector host";
    return nullptr;
  }
  if (opt.queue_size == 0) {
    err = "syslog: --syslog-queue must be at least 1";
    return nullptr;
  }
  const SyslogOptions o = detail::withHostDefaults(opt);
  if (o.target.transport == SyslogTransport::Udp)
    return detail::makeUdpSyslogSink(o, err);
  return detail::makeStreamSyslogSink(o, err);
}

} // namespace vw::alerts
