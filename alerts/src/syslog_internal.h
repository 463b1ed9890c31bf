#pragma once
// Private to the syslog sinks: the per-transport constructors behind makeSyslogSink().

#include <vw/alerts/sinks.h>

namespace vw::alerts::detail {

/// opt with hostname/procid filled in (gethostname(), getpid()) when empty.
SyslogOptions withHostDefaults(const SyslogOptions& opt);

EventSinkPtr makeUdpSyslogSink(const SyslogOptions& opt, std::string& err);
EventSinkPtr makeStreamSyslogSink(const SyslogOptions& opt, std::string& err);

} // namespace vw::alerts::detail
