// libFuzzer target: TLS server flight parsing (ServerHello, JA4S, Certificate message) and the
// X.509 DER name walk.
#include <cstddef>
#include <cstdint>
#include <span>

#include <vw/classify/proto/tls_server.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vw::classify;
  const std::span<const std::uint8_t> in(data, size);
  static TlsServerInfo info; // large: keep it off the fuzzer's stack
  const TlsServerStatus st = parseTlsServerFlight(in, info);
  if (info.bytes_used > size || info.leaf.san_stored > kTlsMaxSans ||
      info.leaf.san_stored > info.leaf.san_count)
    __builtin_trap();
  if (st == TlsServerStatus::Ok && !info.has_server_hello)
    __builtin_trap();
  if (info.has_server_hello && info.ja4s.size() != 25)
    __builtin_trap();
  if (info.has_certificate && info.cert_count == 0)
    __builtin_trap();
  // A prefix of an accepted stream is never "not TLS".
  if (st == TlsServerStatus::Ok && size > 0) {
    static TlsServerInfo prefix;
    if (parseTlsServerFlight(in.first(size - 1), prefix) == TlsServerStatus::NotTls)
      __builtin_trap();
  }
  static X509Names names;
  (void)parseX509Names(in, names);
  if (names.san_stored > kTlsMaxSans)
    __builtin_trap();
  return 0;
}
