// libFuzzer target: TLS ClientHello parsing (TCP record layer and QUIC CRYPTO stream) with
// JA3/JA4 computation.
#include <cstddef>
#include <cstdint>
#include <span>

#include <vw/classify/proto/tls_client_hello.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vw::classify;
  const std::span<const std::uint8_t> in(data, size);
  ClientHelloInfo info;
  for (bool quic : {false, true}) {
    const TlsParseStatus st = parseClientHello(in, quic, info);
    if (st == TlsParseStatus::Ok) {
      if (!info.extensions_cut && (info.ja3.size() != 32 || info.ja4.size() != 36))
        __builtin_trap();
      TlsFingerprintText s;
      ja3String(info, s);
      ja4Raw(info, true, s);
      ja4Raw(info, false, s);
      FixedString<36> h;
      ja4Hash(info, true, h);
    }
    // Every prefix of an accepted stream must be a plausible prefix too.
    if (st == TlsParseStatus::Ok && size > 0) {
      ClientHelloInfo prefix;
      if (parseClientHello(in.first(size - 1), quic, prefix) == TlsParseStatus::NotTls)
        __builtin_trap();
    }
  }
  return 0;
}
