// libFuzzer target: server-first banners and SSH identification lines.
#include <cstddef>
#include <cstdint>
#include <span>

#include <vw/classify/proto/banner.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vw::classify;
  const std::span<const std::uint8_t> in(data, size);
  BannerInfo info;
  const BannerStatus st = classifyBanner(in, info);
  const char* lo = reinterpret_cast<const char*>(data);
  const char* hi = lo + size;
  for (std::string_view v : {info.printable, info.first_line, info.ssh_line, info.ssh_proto,
                             info.ssh_software, info.ssh_comments})
    if (!v.empty() && (v.data() < lo || v.data() + v.size() > hi))
      __builtin_trap();
  if (info.prefix.size() > kBannerMaxPrefix || (st == BannerStatus::Ok && info.prefix.empty()))
    __builtin_trap();
  if (info.ssh && (st != BannerStatus::Ok || info.ssh_software.empty()))
    __builtin_trap();
  return 0;
}
