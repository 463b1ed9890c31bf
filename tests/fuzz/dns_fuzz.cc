// libFuzzer target: DNS message parsing and DNS-over-TCP framing.
#include <cstddef>
#include <cstdint>
#include <span>

#include <vw/classify/proto/dns.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vw::classify;
  const std::span<const std::uint8_t> in(data, size);
  DnsMessage m;
  parseDnsMessage(in, m);
  if (m.answer_count > kDnsMaxAnswers || m.qname.size() > 255)
    __builtin_trap();
  for (std::size_t i = 0; i < m.answer_count; ++i)
    (void)dnsTypeName(m.answers[i].type);
  (void)dnsRcodeName(m.rcode);

  // The same bytes as a DNS-over-TCP stream.
  std::span<const std::uint8_t> rest = in, msg;
  while (std::size_t used = dnsTcpFrame(rest, msg)) {
    if (used > rest.size())
      __builtin_trap();
    parseDnsMessage(msg, m);
    rest = rest.subspan(used);
  }
  return 0;
}
