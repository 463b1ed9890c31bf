// libFuzzer target: syslog framing and headers, CEF, LEEF and key=value parsing.
#include <cstddef>
#include <cstdint>
#include <span>

#include <vw/classify/proto/syslog.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vw::classify;
  const std::span<const std::uint8_t> in(data, size);
  static SyslogInfo info;
  const SyslogStatus st = parseSyslog(in, info);
  const char* lo = reinterpret_cast<const char*>(data);
  const char* hi = lo + size;
  auto inside = [&](std::string_view v) {
    return v.empty() || (v.data() >= lo && v.data() + v.size() <= hi);
  };
  if (info.field_count > kSyslogMaxFields || info.field_count > info.field_total)
    __builtin_trap();
  for (std::size_t i = 0; i < info.field_count; ++i)
    if (!inside(info.fields[i].key) || !inside(info.fields[i].value))
      __builtin_trap();
  for (std::string_view v : {info.timestamp, info.hostname, info.app_name, info.proc_id,
                             info.msg_id, info.structured_data, info.message, info.extension})
    if (!inside(v))
      __builtin_trap();
  if (st == SyslogStatus::Ok && info.has_pri && info.pri > 191)
    __builtin_trap();
  return 0;
}
