#include <cstdint>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include <vw/classify/proto/http.h>

#include "alloc_counter.h"

using namespace vw::classify;

namespace {

std::span<const std::uint8_t> bytesOf(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

HttpParseStatus parse(std::string_view s, HttpRequestInfo& out) {
  return parseHttpRequestHead(bytesOf(s), out);
}

/// A curl request as captured (nDPI test capture style), with a Host port and trailing dot.
constexpr std::string_view kCurlGet = "GET /downloads/file.tar.gz?x=1 HTTP/1.1\r\n"
                                      "Host: WWW.Example.COM.:8080\r\n"
                                      "User-Agent: curl/7.68.0\r\n"
                                      "Accept: */*\r\n"
                                      "\r\n";

} // namespace

TEST_CASE("A complete GET request head is parsed", "[http]") {
  HttpRequestInfo h;
  REQUIRE(parse(kCurlGet, h) == HttpParseStatus::Ok);
  CHECK(h.method.view() == "GET");
  CHECK(h.target.view() == "/downloads/file.tar.gz?x=1");
  CHECK(h.version_minor == 1);
  CHECK(h.host.view() == "www.example.com");
  CHECK(h.host_port == 8080);
  CHECK(h.host_from_header);
  CHECK_FALSE(h.absolute_form);
  CHECK(h.has_user_agent);
  CHECK(h.user_agent.view() == "curl/7.68.0");
  CHECK(h.header_count == 3);
  CHECK(h.complete);
  CHECK(h.connect_host.empty());
}

TEST_CASE("Every prefix of a request is NeedMore before the request line ends, Ok after",
          "[http]") {
  const std::size_t line_end = kCurlGet.find('\n') + 1;
  const std::size_t host_end = kCurlGet.find('\n', line_end) + 1;
  for (std::size_t n = 0; n <= kCurlGet.size(); ++n) {
    INFO("prefix length " << n);
    HttpRequestInfo h;
    const auto st = parse(kCurlGet.substr(0, n), h);
    if (n < line_end) {
      CHECK(st == HttpParseStatus::NeedMore);
      continue;
    }
    REQUIRE(st == HttpParseStatus::Ok);
    CHECK(h.method.view() == "GET");
    CHECK(h.complete == (n == kCurlGet.size()));
    // Only complete header lines count.
    CHECK(h.host.empty() == (n < host_end));
  }
}

TEST_CASE("Header names are case-insensitive and the first Host wins", "[http]") {
  HttpRequestInfo h;
  REQUIRE(parse("POST /api HTTP/1.0\r\nuser-AGENT:  Mozilla/5.0 (X11)  \r\nhOsT: a.example\r\n"
                "Host: b.example\r\n\r\n",
                h) == HttpParseStatus::Ok);
  CHECK(h.method.view() == "POST");
  CHECK(h.version_minor == 0);
  CHECK(h.host.view() == "a.example");
  CHECK(h.host_port == 0);
  CHECK(h.user_agent.view() == "Mozilla/5.0 (X11)");
}

TEST_CASE("Bare LF line endings are accepted", "[http]") {
  HttpRequestInfo h;
  REQUIRE(parse("HEAD / HTTP/1.1\nHost: lf.example\n\n", h) == HttpParseStatus::Ok);
  CHECK(h.host.view() == "lf.example");
  CHECK(h.complete);
}

TEST_CASE("CONNECT gives the target host and port, lowercased", "[http]") {
  HttpRequestInfo h;
  REQUIRE(parse("CONNECT Login.Vendor.Example:443 HTTP/1.1\r\nUser-Agent: x\r\n\r\n", h) ==
          HttpParseStatus::Ok);
  CHECK(h.connect_host.view() == "login.vendor.example");
  CHECK(h.connect_port == 443);
  // No Host header: the CONNECT target is the host.
  CHECK(h.host.view() == "login.vendor.example");
  CHECK(h.host_port == 443);
  CHECK_FALSE(h.host_from_header);

  REQUIRE(parse("CONNECT [2001:DB8::1]:8443 HTTP/1.1\r\nHost: proxy.example\r\n\r\n", h) ==
          HttpParseStatus::Ok);
  CHECK(h.connect_host.view() == "2001:db8::1");
  CHECK(h.connect_port == 8443);
  CHECK(h.host.view() == "proxy.example");
}

TEST_CASE("An absolute-form target gives the host when there is no Host header", "[http]") {
  HttpRequestInfo h;
  REQUIRE(parse("GET http://user:pw@Proxy.Example.ORG.:3128/path?q=1 HTTP/1.1\r\n\r\n", h) ==
          HttpParseStatus::Ok);
  CHECK(h.absolute_form);
  CHECK(h.host.view() == "proxy.example.org");
  CHECK(h.host_port == 3128);
  CHECK_FALSE(h.host_from_header);

  REQUIRE(parse("GET http://uri.example/ HTTP/1.1\r\nHost: header.example\r\n\r\n", h) ==
          HttpParseStatus::Ok);
  CHECK(h.absolute_form);
  CHECK(h.host.view() == "header.example");
  CHECK(h.host_from_header);
}

TEST_CASE("WebDAV methods are recognised", "[http]") {
  HttpRequestInfo h;
  REQUIRE(parse("PROPFIND /dav/ HTTP/1.1\r\nHost: dav.example\r\n\r\n", h) == HttpParseStatus::Ok);
  CHECK(h.method.view() == "PROPFIND");
  REQUIRE(parse("MKCALENDAR /cal/ HTTP/1.1\r\n\r\n", h) == HttpParseStatus::Ok);
  CHECK(h.method.view() == "MKCALENDAR");
}

TEST_CASE("Things that are not HTTP/1.x requests are NotHttp", "[http]") {
  HttpRequestInfo h;
  CHECK(parse("get / HTTP/1.1\r\n\r\n", h) == HttpParseStatus::NotHttp);
  CHECK(parse("GETX / HTTP/1.1\r\n\r\n", h) == HttpParseStatus::NotHttp);
  CHECK(parse("GET / HTTP/2.0\r\n\r\n", h) == HttpParseStatus::NotHttp);
  CHECK(parse("GET / HTTP/1.1 extra\r\n\r\n", h) == HttpParseStatus::NotHttp);
  CHECK(parse("GET  HTTP/1.1\r\n\r\n", h) == HttpParseStatus::NotHttp);
  CHECK(parse("GET /\r\n", h) == HttpParseStatus::NotHttp);
  CHECK(parse("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", h) == HttpParseStatus::NotHttp);
  CHECK(parse(std::string_view("\x16\x03\x01\x02\x00", 5), h) == HttpParseStatus::NotHttp);
  CHECK(parse("HTTP/1.1 200 OK\r\n\r\n", h) == HttpParseStatus::NotHttp);
}

TEST_CASE("A request line longer than the limit without LF is NotHttp", "[http]") {
  HttpRequestInfo h;
  std::string s = "GET /";
  s.append(kHttpMaxRequestLine, 'a');
  CHECK(parse(s, h) == HttpParseStatus::NotHttp);
  s.resize(kHttpMaxRequestLine);
  CHECK(parse(s, h) == HttpParseStatus::NeedMore);
}

TEST_CASE("Long targets and User-Agents are truncated to their capacity", "[http]") {
  HttpRequestInfo h;
  const std::string target = "/" + std::string(2000, 't');
  const std::string ua(600, 'u');
  const std::string req = "GET " + target + " HTTP/1.1\r\nUser-Agent: " + ua + "\r\n\r\n";
  REQUIRE(parse(req, h) == HttpParseStatus::Ok);
  CHECK(h.target.size() == h.target.capacity());
  CHECK(h.target.truncated());
  CHECK(h.user_agent.size() == 512);
  CHECK(h.user_agent.truncated());
  CHECK(h.complete);
}

TEST_CASE("Folded header lines and lines without a colon are ignored", "[http]") {
  HttpRequestInfo h;
  REQUIRE(parse("GET / HTTP/1.1\r\nX-Long: a\r\n  Host: folded.example\r\nnocolon\r\n"
                "Host: real.example\r\n\r\n",
                h) == HttpParseStatus::Ok);
  CHECK(h.host.view() == "real.example");
  CHECK(h.header_count == 4);
}

TEST_CASE("splitHostPort handles ports, brackets and bad input", "[http]") {
  FixedString<255> host;
  std::uint16_t port = 1;
  CHECK(splitHostPort("Example.com", host, port));
  CHECK(host.view() == "example.com");
  CHECK(port == 0);
  CHECK(splitHostPort("example.com:", host, port)); // empty port is allowed (RFC 3986)
  CHECK(port == 0);
  CHECK(splitHostPort("example.com.:65535", host, port));
  CHECK(host.view() == "example.com");
  CHECK(port == 65535);
  CHECK(splitHostPort("[::1]:80", host, port));
  CHECK(host.view() == "::1");
  CHECK(port == 80);
  CHECK(splitHostPort("fe80::1", host, port)); // bare IPv6, no port
  CHECK(host.view() == "fe80::1");
  CHECK(port == 0);
  CHECK_FALSE(splitHostPort("example.com:65536", host, port));
  CHECK_FALSE(splitHostPort("example.com:0", host, port));
  CHECK_FALSE(splitHostPort("example.com:8o", host, port));
  CHECK_FALSE(splitHostPort(":80", host, port));
  CHECK_FALSE(splitHostPort("[::1", host, port));
  CHECK_FALSE(splitHostPort("[::1]x", host, port));
  CHECK_FALSE(splitHostPort("", host, port));
}

TEST_CASE("An invalid Host value is kept as it is, lowercased", "[http]") {
  HttpRequestInfo h;
  REQUIRE(parse("GET / HTTP/1.1\r\nHost: Odd.Example:abc\r\n\r\n", h) == HttpParseStatus::Ok);
  CHECK(h.host.view() == "odd.example:abc");
  CHECK(h.host_port == 0);
}

TEST_CASE("looksLikeHttpResponse checks the HTTP/1. prefix", "[http]") {
  CHECK(looksLikeHttpResponse(bytesOf("HTTP/1.1 200 OK\r\n")));
  CHECK(looksLikeHttpResponse(bytesOf("HTTP/1.0 404")));
  CHECK_FALSE(looksLikeHttpResponse(bytesOf("HTTP/1")));
  CHECK_FALSE(looksLikeHttpResponse(bytesOf("HTTP/2 200")));
  CHECK_FALSE(looksLikeHttpResponse(bytesOf("GET / HTTP/1.1")));
  CHECK_FALSE(looksLikeHttpResponse({}));
}

TEST_CASE("Parsing an HTTP request head does not allocate", "[http][alloc]") {
  HttpRequestInfo h;
  test::ScopedAllocCount allocs;
  parse(kCurlGet, h);
  CHECK(allocs.count() == 0);
}

TEST_CASE("An SSDP M-SEARCH request (HTTP over UDP) gives its Host", "[http]") {
  HttpRequestInfo h;
  REQUIRE(parse("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
                "MX: 1\r\nST: ssdp:all\r\n\r\n",
                h) == HttpParseStatus::Ok);
  CHECK(h.method.view() == "M-SEARCH");
  CHECK(h.host.view() == "239.255.255.250");
  CHECK(h.host_port == 1900);
  REQUIRE(parse("NOTIFY * HTTP/1.1\r\nHost: [ff02::c]:1900\r\n\r\n", h) == HttpParseStatus::Ok);
  CHECK(h.host.view() == "ff02::c");
}

// --- request path and headers ------------------------------------------------------------------

TEST_CASE("The request path drops the query and fragment; absolute URIs give their path",
          "[http]") {
  HttpRequestInfo h;
  REQUIRE(parse(kCurlGet, h) == HttpParseStatus::Ok);
  CHECK(h.path.view() == "/downloads/file.tar.gz");
  CHECK(h.target.view() == "/downloads/file.tar.gz?x=1"); // unchanged

  REQUIRE(parse("GET /remote/logincheck HTTP/1.1\r\n\r\n", h) == HttpParseStatus::Ok);
  CHECK(h.path.view() == "/remote/logincheck");
  REQUIRE(parse("POST /global-protect/getconfig.esp?a=b#frag HTTP/1.1\r\n\r\n", h) ==
          HttpParseStatus::Ok);
  CHECK(h.path.view() == "/global-protect/getconfig.esp");
  REQUIRE(parse("GET /a#frag HTTP/1.1\r\n\r\n", h) == HttpParseStatus::Ok);
  CHECK(h.path.view() == "/a");
  REQUIRE(parse("GET http://user:pw@Proxy.Example.ORG.:3128/spipe/pkg?q=1 HTTP/1.1\r\n\r\n", h) ==
          HttpParseStatus::Ok);
  CHECK(h.path.view() == "/spipe/pkg");
  REQUIRE(parse("GET http://uri.example HTTP/1.1\r\n\r\n", h) == HttpParseStatus::Ok);
  CHECK(h.path.view() == "/");
  REQUIRE(parse("GET http://uri.example?x HTTP/1.1\r\n\r\n", h) == HttpParseStatus::Ok);
  CHECK(h.path.view() == "/");
  REQUIRE(parse("OPTIONS * HTTP/1.1\r\n\r\n", h) == HttpParseStatus::Ok);
  CHECK(h.path.view() == "*");
  REQUIRE(parse("CONNECT Login.Vendor.Example:443 HTTP/1.1\r\n\r\n", h) == HttpParseStatus::Ok);
  CHECK(h.path.empty());
}

TEST_CASE("Request headers are kept in order as views, up to the capacity", "[http]") {
  HttpRequestInfo h;
  const std::string_view req = "POST /api HTTP/1.0\r\nuser-AGENT:  Mozilla/5.0 (X11)  \r\n"
                               "hOsT: a.example\r\nX-Empty:\r\n  folded\r\nnocolon\r\n"
                               ": no name\r\nHost: b.example\r\n\r\n";
  REQUIRE(parse(req, h) == HttpParseStatus::Ok);
  CHECK(h.header_count == 7);
  REQUIRE(h.headers.stored == 4);
  CHECK(h.headers.items[0].name == "user-AGENT");
  CHECK(h.headers.items[0].value == "Mozilla/5.0 (X11)");
  CHECK(h.headers.find("HOST") == "a.example"); // the first one
  bool found = false;
  CHECK(h.headers.find("x-empty", &found).empty());
  CHECK(found);
  CHECK(h.headers.find("absent", &found).empty());
  CHECK_FALSE(found);
  // Views point into the request bytes.
  CHECK(h.headers.items[3].value.data() >= req.data());
  CHECK(h.headers.items[3].value.data() < req.data() + req.size());
  // Outputs that existed before are unchanged.
  CHECK(h.host.view() == "a.example");
  CHECK(h.user_agent.view() == "Mozilla/5.0 (X11)");

  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 40; ++i)
    many += "X-H" + std::to_string(i) + ": v\r\n";
  many += "\r\n";
  REQUIRE(parse(many, h) == HttpParseStatus::Ok);
  CHECK(h.headers.stored == kHttpMaxHeaders);
  CHECK(h.headers.total == 40);
  CHECK(h.headers.truncated());
}

// --- responses -------------------------------------------------------------------------------

namespace {

HttpParseStatus parseResponse(std::string_view s, HttpResponseInfo& out) {
  return parseHttpResponseHead(bytesOf(s), out);
}

/// Response heads with the product headers issue 16 names (values as recog's http_servers.xml
/// and nmap list them).
constexpr std::string_view kPanOsLogin = "HTTP/1.1 200 OK\r\n"
                                         "Date: Wed, 01 May 2024 10:00:00 GMT\r\n"
                                         "Content-Type: text/html; charset=UTF-8\r\n"
                                         "Server: PanWeb Server/ - \r\n"
                                         "Set-Cookie: PHPSESSID=abc; path=/; secure\r\n"
                                         "Set-Cookie: second=1\r\n"
                                         "X-Frame-Options: SAMEORIGIN\r\n"
                                         "\r\n"
                                         "<html>";

} // namespace

TEST_CASE("A response head gives the status and the headers by name", "[http]") {
  HttpResponseInfo r;
  REQUIRE(parseResponse(kPanOsLogin, r) == HttpParseStatus::Ok);
  CHECK(r.complete);
  CHECK(r.version_minor == 1);
  CHECK(r.status_code == 200);
  CHECK(r.reason == "OK");
  CHECK(r.headers.find("server") == "PanWeb Server/ -");
  CHECK(r.headers.find("SET-COOKIE") == "PHPSESSID=abc; path=/; secure");
  CHECK(r.headers.stored == 6);
  CHECK(r.header_lines == 6);
  CHECK(r.head_length == kPanOsLogin.find("<html>"));

  REQUIRE(parseResponse("HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic "
                        "realm=\"McAfee Agent\"\r\nServer: Agent-ListenServer-HttpSvr/1.0\r\n\r\n",
                        r) == HttpParseStatus::Ok);
  CHECK(r.status_code == 401);
  CHECK(r.headers.find("www-authenticate") == "Basic realm=\"McAfee Agent\"");
  CHECK(r.headers.find("Server") == "Agent-ListenServer-HttpSvr/1.0");

  REQUIRE(parseResponse("HTTP/1.1 302 Found\nLocation: /remote/login?lang=en\nServer: "
                        "xxxxxxxx-xxxxx\n\n",
                        r) == HttpParseStatus::Ok); // bare LF
  CHECK(r.headers.find("location") == "/remote/login?lang=en");

  REQUIRE(parseResponse("HTTP/1.1 204\r\nServer: CPWS\r\n\r\n", r) == HttpParseStatus::Ok);
  CHECK(r.status_code == 204);
  CHECK(r.reason.empty());
  CHECK(r.headers.find("server") == "CPWS");
}

TEST_CASE("Every prefix of a response head is NeedMore until its blank line", "[http]") {
  const std::size_t head_end = kPanOsLogin.find("\r\n\r\n") + 4;
  const std::size_t server_end = kPanOsLogin.find("Set-Cookie");
  for (std::size_t n = 0; n <= kPanOsLogin.size(); ++n) {
    INFO("prefix length " << n);
    HttpResponseInfo r;
    const auto st = parseResponse(kPanOsLogin.substr(0, n), r);
    if (n < head_end) {
      CHECK(st == HttpParseStatus::NeedMore);
      CHECK(r.headers.find("server").empty() == (n < server_end));
    } else {
      CHECK(st == HttpParseStatus::Ok);
      CHECK(r.complete);
    }
  }
}

TEST_CASE("Folded and broken response header lines are counted and ignored", "[http]") {
  HttpResponseInfo r;
  REQUIRE(parseResponse("HTTP/1.1 200 OK\r\nX-Long: first\r\n  continued\r\n\tmore\r\n"
                        "garbage line\r\n: empty name\r\nServer: real\r\n\r\n",
                        r) == HttpParseStatus::Ok);
  CHECK(r.folded_lines == 2);
  CHECK(r.bad_lines == 2);
  CHECK(r.headers.find("x-long") == "first");
  CHECK(r.headers.find("server") == "real");
  CHECK(r.headers.stored == 2);
}

TEST_CASE("Response heads: not HTTP, malformed status lines, the size bound", "[http]") {
  HttpResponseInfo r;
  CHECK(parseResponse("", r) == HttpParseStatus::NeedMore);
  CHECK(parseResponse("HTTP/1", r) == HttpParseStatus::NeedMore);
  CHECK(parseResponse("HTTP/1.1 200 OK", r) == HttpParseStatus::NeedMore);
  CHECK(parseResponse("HTTP/2 200\r\n\r\n", r) == HttpParseStatus::NotHttp);
  CHECK(parseResponse("GET / HTTP/1.1\r\n\r\n", r) == HttpParseStatus::NotHttp);
  CHECK(parseResponse("SSH-2.0-x\r\n", r) == HttpParseStatus::NotHttp);
  CHECK(parseResponse("HTTP/1.1 20 OK\r\n\r\n", r) == HttpParseStatus::Malformed);
  CHECK(parseResponse("HTTP/1.1 2000 OK\r\n\r\n", r) == HttpParseStatus::Malformed);
  CHECK(parseResponse("HTTP/1.1 abc OK\r\n\r\n", r) == HttpParseStatus::Malformed);
  CHECK(parseResponse("HTTP/1.x 200 OK\r\n\r\n", r) == HttpParseStatus::Malformed);
  CHECK(parseResponse("HTTP/1.1  200 OK\r\n\r\n", r) == HttpParseStatus::Malformed);
  CHECK(parseResponse("HTTP/1.1 099 OK\r\n\r\n", r) == HttpParseStatus::Malformed);
  std::string long_line = "HTTP/1.1 200 " + std::string(kHttpMaxRequestLine, 'x');
  CHECK(parseResponse(long_line, r) == HttpParseStatus::Malformed);

  // A head longer than the bound: Ok with head_cut, the complete lines used.
  std::string big = "HTTP/1.1 200 OK\r\nServer: first\r\n";
  while (big.size() < kHttpMaxResponseHead + 100)
    big += "X-Filler: " + std::string(100, 'f') + "\r\n";
  REQUIRE(parseResponse(big, r) == HttpParseStatus::Ok);
  CHECK(r.head_cut);
  CHECK_FALSE(r.complete);
  CHECK(r.headers.find("server") == "first");
  CHECK(r.headers.truncated());
  CHECK(parseResponse(std::string_view(big).substr(0, kHttpMaxResponseHead - 1), r) ==
        HttpParseStatus::NeedMore);
}

TEST_CASE("Parsing an HTTP response head does not allocate", "[http][alloc]") {
  HttpResponseInfo r;
  test::ScopedAllocCount allocs;
  parseResponse(kPanOsLogin, r);
  CHECK(allocs.count() == 0);
}
