// libFuzzer target: HTTP/1.x request-head parsing and host:port splitting.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <vw/classify/proto/http.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vw::classify;
  const std::span<const std::uint8_t> in(data, size);
  HttpRequestInfo h;
  const HttpParseStatus st = parseHttpRequestHead(in, h);
  if (st == HttpParseStatus::Ok && h.method.empty())
    __builtin_trap();
  (void)looksLikeHttpResponse(in);
  FixedString<255> host;
  std::uint16_t port = 0;
  splitHostPort(std::string_view(reinterpret_cast<const char*>(data), size), host, port);
  return 0;
}
