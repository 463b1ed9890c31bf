// Server-first banners and SSH identification lines. Banner forms from public sources:
// - nmap-service-probes (https://github.com/nmap/nmap/blob/master/nmap-service-probes):
//   `match ssh m|^SSH-([\d.]+)-FortiSSH_([\d.]+)\r?\n| p/FortiSSH/` and the vmware-auth
//   matches `^220 VMware Authentication Daemon Version ...` (lines listed in
//   ../shared/research/signature-audit.md section 3.2);
// - the full ESXi authd greeting as quoted in public scans, e.g. "220 VMware Authentication
//   Daemon Version 1.10: SSL Required, ServerDaemonProtocol:SOAP, MKSDisplayProtocol:VNC ,
//   VMXARGS supported, NFCSSL supported";
// - RFC 4253 section 4.2 (identification string, lines before it, 255-byte limit),
//   https://www.rfc-editor.org/rfc/rfc4253#section-4.2
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include <vw/classify/proto/banner.h>

#include "alloc_counter.h"

using namespace vw::classify;

namespace {

std::span<const std::uint8_t> bytesOf(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

BannerStatus classify(std::string_view s, BannerInfo& out) {
  return classifyBanner(bytesOf(s), out);
}

constexpr std::string_view kEsxAuthd =
    "220 VMware Authentication Daemon Version 1.10: SSL Required, ServerDaemonProtocol:SOAP, "
    "MKSDisplayProtocol:VNC , VMXARGS supported, NFCSSL supported\r\n";

} // namespace

TEST_CASE("ESXi authd greeting: the printable prefix is capped at 128 bytes", "[banner]") {
  BannerInfo b;
  REQUIRE(kEsxAuthd.size() > kBannerMaxPrefix);
  REQUIRE(classify(kEsxAuthd, b) == BannerStatus::Ok);
  CHECK(b.prefix.size() == kBannerMaxPrefix);
  CHECK(b.printable == kEsxAuthd.substr(0, kBannerMaxPrefix));
  CHECK(b.first_line == kEsxAuthd.substr(0, kBannerMaxPrefix));
  CHECK_FALSE(b.line_complete); // its CR LF lies beyond the 128 bytes
  CHECK(b.first_line.substr(0, 40) == "220 VMware Authentication Daemon Version");
  CHECK_FALSE(b.ssh);

  REQUIRE(classify("220 VMware Authentication Daemon Version 1.0, ServerDaemonProtocol:SOAP, "
                   "MKSDisplayProtocol:VNC , ,\r\n",
                   b) == BannerStatus::Ok);
  CHECK(b.line_complete);
  CHECK(b.first_line.back() == ',');
}

TEST_CASE("FortiSSH and other SSH identification lines", "[banner]") {
  BannerInfo b;
  REQUIRE(classify("SSH-2.0-FortiSSH_6.4\r\n", b) == BannerStatus::Ok);
  CHECK(b.ssh);
  CHECK(b.ssh_line == "SSH-2.0-FortiSSH_6.4");
  CHECK(b.ssh_proto == "2.0");
  CHECK(b.ssh_software == "FortiSSH_6.4");
  CHECK(b.ssh_comments.empty());
  CHECK(b.ssh_preamble == 0);
  CHECK(b.first_line == "SSH-2.0-FortiSSH_6.4");

  REQUIRE(classify("SSH-1.99-OpenSSH_3.9p1\n", b) == BannerStatus::Ok);
  CHECK(b.ssh_proto == "1.99");
  CHECK(b.ssh_software == "OpenSSH_3.9p1");

  REQUIRE(classify("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", b) == BannerStatus::Ok);
  CHECK(b.ssh_software == "OpenSSH_9.2p1");
  CHECK(b.ssh_comments == "Debian-2+deb12u3");

  REQUIRE(classify("SSH-2.0-Cisco-1.25\r\n", b) == BannerStatus::Ok);
  CHECK(b.ssh_software == "Cisco-1.25");

  // The client's line followed by its binary KEXINIT in the same segment.
  const std::string with_kex =
      std::string("SSH-2.0-PuTTY_Release_0.78\r\n") + std::string("\x00\x00\x05\xdc\x0a\x14", 6);
  REQUIRE(classify(with_kex, b) == BannerStatus::Ok);
  CHECK(b.ssh_software == "PuTTY_Release_0.78");
  CHECK(b.printable == "SSH-2.0-PuTTY_Release_0.78\r\n");
}

TEST_CASE("Lines before the SSH identification line (RFC 4253 4.2)", "[banner]") {
  BannerInfo b;
  REQUIRE(classify("Welcome to the lab\r\nAuthorised use only\r\nSSH-2.0-dropbear_2022.83\r\n",
                   b) == BannerStatus::Ok);
  CHECK(b.ssh);
  CHECK(b.ssh_preamble == 2);
  CHECK(b.ssh_software == "dropbear_2022.83");
  CHECK(b.first_line == "Welcome to the lab");
}

TEST_CASE("SSH lines still arriving are NeedMore; broken ones are Malformed", "[banner]") {
  BannerInfo b;
  CHECK(classify("", b) == BannerStatus::NeedMore);
  CHECK(classify("S", b) == BannerStatus::NeedMore);
  CHECK(classify("SSH", b) == BannerStatus::NeedMore);
  CHECK(classify("SSH-2.0-Forti", b) == BannerStatus::NeedMore);
  CHECK(classify("SSH-2.0-" + std::string(300, 'a'), b) == BannerStatus::Malformed);
  CHECK(classify("SSH-2.0-" + std::string(240, 'a'), b) == BannerStatus::NeedMore);
  CHECK(classify("SSH-2-OpenSSH\r\n", b) == BannerStatus::Malformed);
  CHECK(classify("SSH-x.0-OpenSSH\r\n", b) == BannerStatus::Malformed);
  CHECK(classify("SSH-2.0-\r\n", b) == BannerStatus::Malformed);
  CHECK(classify("SSH-2.0\r\n", b) == BannerStatus::Malformed);
  CHECK(classify(std::string_view("SSH-2.0-a\x01z\r\n", 13), b) == BannerStatus::Malformed);
  // "S" then more text is simply a banner.
  REQUIRE(classify("Sendmail ready\r\n", b) == BannerStatus::Ok);
  CHECK_FALSE(b.ssh);
}

TEST_CASE("Binary first bytes are NotBanner but keep the raw prefix", "[banner]") {
  BannerInfo b;
  const std::string tls("\x16\x03\x01\x02\x00\x01", 6);
  REQUIRE(classify(tls, b) == BannerStatus::NotBanner);
  CHECK(b.prefix.size() == 6);
  CHECK(b.printable.empty());
  // Palo Alto TS agent style: printable start, then binary.
  const std::string pta("PTA\0\0\0\x03", 7);
  REQUIRE(classify(pta, b) == BannerStatus::Ok);
  CHECK(b.printable == "PTA");
  CHECK(b.prefix.size() == 7);
}

TEST_CASE("Random banners keep every view inside the input", "[banner]") {
  std::mt19937 rng(22);
  BannerInfo b;
  for (int i = 0; i < 20000; ++i) {
    std::string s = (i % 2 == 0) ? "SSH-2.0-" : "220 ";
    const std::size_t n = rng() % 300;
    for (std::size_t k = 0; k < n; ++k)
      s += "aZ9 -.\r\n\x01\x80"[rng() % 11];
    classify(s, b);
    const char* lo = s.data();
    const char* hi = s.data() + s.size();
    for (std::string_view v :
         {b.printable, b.first_line, b.ssh_line, b.ssh_proto, b.ssh_software, b.ssh_comments})
      REQUIRE((v.empty() || (v.data() >= lo && v.data() + v.size() <= hi)));
    REQUIRE(b.prefix.size() <= kBannerMaxPrefix);
  }
}

TEST_CASE("Classifying a banner does not allocate", "[banner][alloc]") {
  BannerInfo b;
  test::ScopedAllocCount allocs;
  classify(kEsxAuthd, b);
  classify("SSH-2.0-FortiSSH_6.4\r\n", b);
  CHECK(allocs.count() == 0);
}
