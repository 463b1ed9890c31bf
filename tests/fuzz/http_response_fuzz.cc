// libFuzzer target: HTTP/1.x response heads, and the request parser's path and header list.
#include <cstddef>
#include <cstdint>
#include <span>

#include <vw/classify/proto/http.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vw::classify;
  const std::span<const std::uint8_t> in(data, size);
  const char* lo = reinterpret_cast<const char*>(data);
  const char* hi = lo + size;
  auto inside = [&](std::string_view v) {
    return v.empty() || (v.data() >= lo && v.data() + v.size() <= hi);
  };
  HttpResponseInfo r;
  const HttpParseStatus st = parseHttpResponseHead(in, r);
  if (st == HttpParseStatus::Ok && !r.complete && !r.head_cut)
    __builtin_trap();
  if (!inside(r.reason) || r.headers.stored > kHttpMaxHeaders || r.head_length > size)
    __builtin_trap();
  for (const HttpHeader& h : r.headers.view())
    if (!inside(h.name) || !inside(h.value) || h.name.empty())
      __builtin_trap();
  HttpRequestInfo q;
  if (parseHttpRequestHead(in, q) == HttpParseStatus::Ok) {
    if (q.path.size() > q.target.size() && !q.absolute_form)
      __builtin_trap();
    for (const HttpHeader& h : q.headers.view())
      if (!inside(h.name) || !inside(h.value))
        __builtin_trap();
  }
  return 0;
}
