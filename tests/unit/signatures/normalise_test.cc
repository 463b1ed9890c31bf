// Normalisation helpers: domains, certificate organisations, CIDRs and the DN reader.
#include <array>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/signatures/normalise.h>

namespace vw::signatures {
namespace {

std::string domainError(std::string_view name, bool wildcard = false) {
  std::string err;
  const auto r = normaliseDomain(name, &err, wildcard);
  return r ? std::string("ok:") + *r : err;
}

std::vector<std::string> attrs(std::string_view dnText) {
  std::vector<std::string> out;
  DnReader r(dnText);
  DnAttribute a;
  while (r.next(a))
    out.push_back(std::string(a.type) + "=" + std::string(a.value));
  return out;
}

} // namespace

TEST_CASE("normaliseDomain lower-cases and drops one trailing dot", "[normalise]") {
  CHECK(normaliseDomain("CloudSink.NET") == "cloudsink.net");
  CHECK(normaliseDomain("cloudsink.net.") == "cloudsink.net");
  CHECK(normaliseDomain("xn--wz-fka.io") == "xn--wz-fka.io");
}

TEST_CASE("normaliseDomain rejects malformed names with a reason", "[normalise]") {
  CHECK(domainError("") == "empty domain name");
  CHECK(domainError(".") == "domain name is only a dot");
  CHECK(domainError(".wiz.io").find("leading dot") != std::string::npos);
  CHECK(domainError("wiz.io..").find("empty label") != std::string::npos);
  CHECK(domainError("a..b").find("empty label") != std::string::npos);
  CHECK(domainError("wiz .io").find("whitespace") != std::string::npos);
  CHECK(domainError("wiz_x.io").find("bad character '_'") != std::string::npos);
  CHECK(domainError("-wiz.io").find("starts or ends with '-'") != std::string::npos);
  CHECK(domainError(std::string(64, 'a') + ".io").find("longer than 63") != std::string::npos);
  std::string longName;
  for (int i = 0; i < 26; ++i)
    longName += "abcdefghi.";
  CHECK(domainError(longName + "com").find("longer than 253") != std::string::npos);
  CHECK(domainError("w\xc3\xafz.io").find("punycode") != std::string::npos);
  CHECK(domainError("ch-*.traps.io").find("pattern") != std::string::npos);
  CHECK(domainError("ch-*.traps.io", true) == "ok:ch-*.traps.io");
}

TEST_CASE("Certificate organisations normalise case, punctuation and spacing", "[normalise]") {
  CHECK(normaliseCertOrg("CrowdStrike, Inc.") == "crowdstrike inc");
  CHECK(normaliseCertOrg("Crowdstrike Inc") == "crowdstrike inc");
  CHECK(normaliseCertOrg("  CROWDSTRIKE,   INC ") == "crowdstrike inc");
  CHECK(normaliseCertOrg("CrowdStrike\\, Inc.") == "crowdstrike inc");
  CHECK(normaliseCertOrg("Fortinet Ltd.") == "fortinet ltd");
  CHECK(normaliseCertOrg("...") == "");
  CHECK(normaliseCertOrg("Caf\xc3\xa9 SA") == "caf\xc3\xa9 sa");
  std::array<char, 4> small{};
  CHECK_FALSE(normaliseCertOrgInto("CrowdStrike", small).has_value());
  CHECK(normaliseCertOrgInto("A.B", small).value() == 3);
}

TEST_CASE("CIDRs parse, canonicalise and reject host bits", "[normalise]") {
  std::string err;
  CHECK(formatCidr(*parseCidr("193.149.136.0/24")) == "193.149.136.0/24");
  CHECK(formatCidr(*parseCidr("85.255.31.1")) == "85.255.31.1/32");
  CHECK(formatCidr(*parseCidr("2A02:E980::/29")) == "2a02:e980::/29");
  CHECK(formatCidr(*parseCidr("::ffff:10.1.2.0/120")) == "10.1.2.0/24");
  CHECK_FALSE(parseCidr("193.149.136.1/24", &err));
  CHECK(err.find("did you mean 193.149.136.0/24") != std::string::npos);
  CHECK(formatCidr(*parseCidr("193.149.136.1/24", nullptr, false)) == "193.149.136.0/24");
  CHECK_FALSE(parseCidr("1.2.3.4/33", &err));
  CHECK(err.find("larger than /32") != std::string::npos);
  CHECK_FALSE(parseCidr("::/129", &err));
  CHECK(err.find("larger than /128") != std::string::npos);
  CHECK_FALSE(parseCidr("1.2.3/24", &err));
  CHECK_FALSE(parseCidr("1.2.3.4/", &err));
  CHECK_FALSE(parseCidr("1.2.3.4/2x", &err));
  CHECK_FALSE(parseCidr("256.1.1.1", &err));
  CHECK_FALSE(parseCidr("", &err));
}

TEST_CASE("The DN reader splits nDPI-style subjects with commas inside values", "[normalise]") {
  CHECK(attrs("C=US, O=CrowdStrike, Inc., CN=ts01-b.cloudsink.net") ==
        std::vector<std::string>{"C=US", "O=CrowdStrike, Inc.", "CN=ts01-b.cloudsink.net"});
  CHECK(attrs("CN=FortiGate, O=Fortinet Ltd., OU=FortiGate, L=Sunnyvale, ST=California, C=US") ==
        std::vector<std::string>{"CN=FortiGate", "O=Fortinet Ltd.", "OU=FortiGate", "L=Sunnyvale",
                                 "ST=California", "C=US"});
  CHECK(attrs("C = US, O = Acme, Inc, CN = x") ==
        std::vector<std::string>{"C=US", "O=Acme, Inc", "CN=x"});
  CHECK(attrs("O=Acme\\, Inc.,CN=x") == std::vector<std::string>{"O=Acme\\, Inc.", "CN=x"});
  CHECK(attrs("O=Foo, bar=baz, 2.5.4.97=VATUS-1") ==
        std::vector<std::string>{"O=Foo, bar=baz", "2.5.4.97=VATUS-1"});
}

TEST_CASE("The DN reader understands OpenSSL's slash form", "[normalise]") {
  CHECK(attrs("/C=US/O=CrowdStrike, Inc./CN=ts01-b.cloudsink.net") ==
        std::vector<std::string>{"C=US", "O=CrowdStrike, Inc.", "CN=ts01-b.cloudsink.net"});
  CHECK(attrs("/O=Foo/Bar Inc/CN=x") == std::vector<std::string>{"O=Foo/Bar Inc", "CN=x"});
}

TEST_CASE("The DN reader stops on input that is not a DN", "[normalise]") {
  CHECK(attrs("").empty());
  CHECK(attrs("no attributes here").empty());
  CHECK(attrs("bad type!=x").empty());
  CHECK(attrs("=x").empty());
  CHECK(isOrgAttribute("o"));
  CHECK(isOrgAttribute("OU"));
  CHECK(isOrgAttribute("organizationName"));
  CHECK_FALSE(isOrgAttribute("CN"));
}

} // namespace vw::signatures
