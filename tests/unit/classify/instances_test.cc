// Product instances, their clients, inbound edge flows and inspection findings (issue 16):
// the per-protocol inspectors (classify/src/inspector.h) through the real Classifier.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/classify/classifier.h>
#include <vw/signatures/loader.h>

#include "fakes/fake_dpi_engine.h"
#include "fakes/fixtures.h"
#include "unit/proto/tls_fixtures.h"
#include "unit/proto/tls_server_fixtures.h"

using namespace vw;
using namespace vw::classify;

namespace {

const char* kSet = R"([set]
version = "test"
date = 2026-01-01
)";

const char* kVmware = R"([vendor]
id = "vmware"
name = "VMware"
country = "US"
parent = "Broadcom"
status = "banned"

[[product]]
id = "esxi"
name = "ESXi"
role = "virtualization"

[[indicator]]
product = "esxi"
kind = "banner"
value = '220 VMware Authentication Daemon Version '
confidence = "high"
source = "https://example.com/v"
source_date = 2026-01-01

[[indicator]]
product = "esxi"
kind = "dpi"
instance = "initiator"
value = "P77"
confidence = "medium"
source = "https://example.com/v"
source_date = 2026-01-01
)";

const char* kFortinet = R"([vendor]
id = "fortinet"
name = "Fortinet"
country = "US"
parent = "Fortinet, Inc."
status = "banned"

[[product]]
id = "fortigate-appliance"
name = "FortiGate"
role = "network-security"

[[product]]
id = "fortigate-inspection"
name = "FortiGate SSL inspection"
role = "interception-ca"

[[indicator]]
product = "fortigate-appliance"
kind = "banner"
value = 'SSH-2.0-FortiSSH_'
confidence = "high"
source = "https://example.com/f"
source_date = 2026-01-01

[[indicator]]
product = "fortigate-appliance"
kind = "syslog"
format = "kv"
value = "devid=FG logid="
confidence = "medium"
source = "https://example.com/f"
source_date = 2026-01-01

[[indicator]]
product = "fortigate-appliance"
kind = "cert"
part = "subject"
value = "OU=FortiGate, O=Fortinet"
confidence = "high"
source = "https://example.com/f"
source_date = 2026-01-01

[[indicator]]
product = "fortigate-appliance"
kind = "http_path"
value = "/remote/login"
confidence = "medium"
source = "https://example.com/f"
source_date = 2026-01-01

[[indicator]]
product = "fortigate-inspection"
kind = "cert"
part = "issuer"
value = "CN=FortiGate CA, O=Fortinet"
confidence = "high"
source = "https://example.com/f"
source_date = 2026-01-01
)";

const char* kCyberark = R"([vendor]
id = "cyberark"
name = "CyberArk"
country = "IL"
parent = "CyberArk Software Ltd."
status = "banned"

[[product]]
id = "vault"
name = "Vault"
role = "privileged-access"

[[indicator]]
product = "vault"
kind = "syslog"
format = "cef"
value = "Cyber-Ark|Vault"
confidence = "high"
source = "https://example.com/c"
source_date = 2026-01-01
)";

const char* kPaloalto = R"([vendor]
id = "paloalto"
name = "Palo Alto Networks"
country = "US"
parent = "Palo Alto Networks, Inc."
status = "banned"

[[product]]
id = "pan-os"
name = "PAN-OS"
role = "network-security"

[[indicator]]
product = "pan-os"
kind = "http_header"
header = "Server"
value = "PanWeb Server/"
confidence = "high"
source = "https://example.com/p"
source_date = 2026-01-01
)";

const char* kImperva = R"([vendor]
id = "imperva"
name = "Imperva"
country = "US"
parent = "Thales"
status = "banned"

[[product]]
id = "cdn-edge"
name = "Imperva Cloud WAF"
role = "cdn-edge"

[[indicator]]
product = "cdn-edge"
kind = "cidr"
value = "45.60.0.0/16"
confidence = "high"
source = "https://example.com/i"
source_date = 2026-01-01
)";

std::shared_ptr<const signatures::Matcher> onpremMatcher() {
  signatures::LoadOptions lo;
  lo.requireAllVendors = false;
  auto res = signatures::loadSignatureTexts({{"_set.toml", kSet, ""},
                                             {"vmware.toml", kVmware, ""},
                                             {"fortinet.toml", kFortinet, ""},
                                             {"cyberark.toml", kCyberark, ""},
                                             {"paloalto.toml", kPaloalto, ""},
                                             {"imperva.toml", kImperva, ""}},
                                            lo);
  for (const auto& e : res.errors)
    FAIL(e.toString());
  REQUIRE(res.ok());
  return std::make_shared<const signatures::Matcher>(res.set);
}

struct Alert {
  std::string host, vendor, product, role, confidence, field, value;
};

struct Sink final : RecordSink {
  std::vector<Alert> alerts;
  std::vector<std::pair<std::string, std::string>> inspections; // host, ca
  void flowEnded(const FlowRecord&) override {}
  void vendorAlert(const VendorAlert& a) override {
    alerts.push_back({a.host.toString(), a.vendor->id, a.product->id, hostRoleName(a.role),
                      confidenceName(a.confidence),
                      a.evidence.empty() ? "" : std::string(fieldName(a.evidence.front().field)),
                      a.evidence.empty() ? "" : a.evidence.front().value});
  }
  void dnsTransaction(const FlowRecord&, const DnsTxnFact&) override {}
  void httpRequest(const FlowRecord&, const HttpFacts&) override {}
  void inspectionFound(const InspectionRecord& r) override {
    inspections.emplace_back(r.host.toString(), std::string(r.ca));
  }
  const Alert* find(const std::string& host, const std::string& role) const {
    for (const auto& a : alerts)
      if (a.host == host && a.role == role)
        return &a;
    return nullptr;
  }
};

using vw::test::ip;

std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

DecodedPacket pkt(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                  std::uint8_t proto, TimeUs ts, std::uint8_t flags = 0,
                  std::span<const std::uint8_t> payload = {}, std::uint32_t seq = 1) {
  DecodedPacket p;
  p.src = ip(src);
  p.dst = ip(dst);
  p.sport = sport;
  p.dport = dport;
  p.l4_proto = proto;
  p.ts = ts;
  p.tcp_flags = flags;
  p.tcp_seq = seq;
  p.ip_version = 4;
  p.payload = payload;
  p.ip_len = static_cast<std::uint32_t>(40 + payload.size());
  return p;
}

constexpr std::uint8_t kSyn = tcpflag::kSyn;
constexpr std::uint8_t kSynAck = tcpflag::kSyn | tcpflag::kAck;
constexpr std::uint8_t kAck = tcpflag::kAck;
constexpr std::uint8_t kTcp = ipproto::kTcp;
constexpr std::uint8_t kUdp = ipproto::kUdp;

struct Rig {
  vw::test::FakeDpiEngine eng;
  Sink sink;
  ClassifierConfig cfg;
  std::unique_ptr<Classifier> c;
  Rig() {
    eng.proto = 0;      // the engine names nothing unless a test says so
    eng.done_after = 1; // and is done at once
    cfg.home_net = HomeNet::defaults();
    c = std::make_unique<Classifier>(cfg, eng, onpremMatcher(), sink);
  }
  void handshake(const char* cli, std::uint16_t cport, const char* srv, std::uint16_t sport,
                 TimeUs ts) {
    c->onPacket(pkt(cli, cport, srv, sport, kTcp, ts, kSyn));
    c->onPacket(pkt(srv, sport, cli, cport, kTcp, ts + 1, kSynAck));
    c->onPacket(pkt(cli, cport, srv, sport, kTcp, ts + 2, kAck));
  }
  const InstanceEntry* instance(const char* addr, const char* vendor, const char* product) {
    const auto& m = c->ledger().instances();
    const auto it = m.find(Ledger::InstanceKey{ip(addr), vendor, product});
    return it == m.end() ? nullptr : &it->second;
  }
};

} // namespace

TEST_CASE("instances: a server-first banner makes the responder an instance and the initiator "
          "its client",
          "[classify][instances]") {
  Rig r;
  const std::string banner = "220 VMware Authentication Daemon Version 1.10: SSL Required\r\n";
  r.handshake("10.0.0.10", 40000, "10.0.0.11", 902, 1'000'000);
  r.c->onPacket(pkt("10.0.0.11", 902, "10.0.0.10", 40000, kTcp, 1'000'010, kAck, bytes(banner)));
  const Alert* srv = r.sink.find("10.0.0.11", "server");
  REQUIRE(srv != nullptr);
  CHECK(srv->vendor == "vmware");
  CHECK(srv->product == "esxi");
  CHECK(srv->field == "banner");
  CHECK(srv->value == "220 VMware Authentication Daemon Version 1.10: SSL Required");
  const Alert* cli = r.sink.find("10.0.0.10", "client");
  REQUIRE(cli != nullptr);
  CHECK(cli->field == "instance");
  CHECK(cli->value == "10.0.0.11");
  r.c->endAll(EndReason::EndOfInput);
  const InstanceEntry* i = r.instance("10.0.0.11", "vmware", "esxi");
  REQUIRE(i != nullptr);
  CHECK(i->flows == 1);
  CHECK(i->clients == std::set<IpAddr>{ip("10.0.0.10")});
  // The client is in the hosts section as a client of the vendor, not as the instance.
  CHECK(r.c->ledger().entries().count({ip("10.0.0.10"), "vmware"}) == 1);
  CHECK(r.c->ledger().entries().count({ip("10.0.0.11"), "vmware"}) == 0);
}

TEST_CASE("instances: the same bytes after the client spoke are no banner",
          "[classify][instances]") {
  Rig r;
  const std::string hello = "HELO x\r\n";
  const std::string banner = "220 VMware Authentication Daemon Version 1.10\r\n";
  r.handshake("10.0.0.10", 40001, "10.0.0.11", 902, 1'000'000);
  r.c->onPacket(pkt("10.0.0.10", 40001, "10.0.0.11", 902, kTcp, 1'000'010, kAck, bytes(hello)));
  r.c->onPacket(pkt("10.0.0.11", 902, "10.0.0.10", 40001, kTcp, 1'000'020, kAck, bytes(banner)));
  r.c->endAll(EndReason::EndOfInput);
  CHECK(r.sink.alerts.empty());
  CHECK(r.c->ledger().instances().empty());
}

TEST_CASE("instances: an SSH identification line names its sender, either side",
          "[classify][instances]") {
  Rig r;
  const std::string id = "SSH-2.0-FortiSSH_1.0\r\n";
  // A FortiGate connecting out as an SSH client: the initiator runs the product.
  r.handshake("10.0.0.3", 40002, "10.0.0.9", 22, 1'000'000);
  r.c->onPacket(pkt("10.0.0.3", 40002, "10.0.0.9", 22, kTcp, 1'000'010, kAck, bytes(id)));
  const Alert* srv = r.sink.find("10.0.0.3", "server");
  REQUIRE(srv != nullptr);
  CHECK(srv->vendor == "fortinet");
  CHECK(srv->field == "banner");
  CHECK(r.sink.find("10.0.0.9", "client") != nullptr);
}

TEST_CASE("instances: CEF over UDP syslog makes the sender an instance; the receiving SIEM is "
          "its client with no bytes sent",
          "[classify][instances]") {
  Rig r;
  const std::string cef = "<134>Dec  7 10:00:00 vault CEF:0|Cyber-Ark|Vault|14.0|7|Logon|5|"
                          "suser=admin";
  r.c->onPacket(pkt("10.0.0.30", 51000, "10.0.0.50", 514, kUdp, 1'000'000, 0, bytes(cef)));
  r.c->onPacket(pkt("10.0.0.30", 51000, "10.0.0.50", 514, kUdp, 2'000'000, 0, bytes(cef)));
  const Alert* srv = r.sink.find("10.0.0.30", "server");
  REQUIRE(srv != nullptr);
  CHECK(srv->vendor == "cyberark");
  CHECK(srv->value == "CEF:0|Cyber-Ark|Vault");
  REQUIRE(r.sink.find("10.0.0.50", "client") != nullptr);
  r.c->endAll(EndReason::EndOfInput);
  const auto& hosts = r.c->ledger().entries();
  const auto it = hosts.find({ip("10.0.0.50"), "cyberark"});
  REQUIRE(it != hosts.end());
  CHECK(it->second.bytes_to_vendor == 0);
  CHECK(it->second.bytes_from_vendor > 0);
  REQUIRE(r.instance("10.0.0.30", "cyberark", "vault") != nullptr);
}

TEST_CASE("instances: FortiOS key=value syslog over TCP on any port", "[classify][instances]") {
  Rig r;
  const std::string kv = "<189>date=2026-12-07 time=10:00:00 devname=\"fw\" devid=\"FG60E4Q1\" "
                         "logid=\"0100032001\" type=\"event\"\n";
  r.handshake("10.0.0.1", 40003, "10.0.0.50", 6000, 1'000'000);
  r.c->onPacket(pkt("10.0.0.1", 40003, "10.0.0.50", 6000, kTcp, 1'000'010, kAck, bytes(kv)));
  const Alert* srv = r.sink.find("10.0.0.1", "server");
  REQUIRE(srv != nullptr);
  CHECK(srv->vendor == "fortinet");
  CHECK(srv->field == "syslog");
  CHECK(srv->value == "devid=FG60E4Q1 logid=0100032001");
}

TEST_CASE("instances: a product Server header makes the responder an instance",
          "[classify][instances]") {
  Rig r;
  const std::string req = "GET / HTTP/1.1\r\nHost: 10.0.0.5\r\n\r\n";
  const std::string head1 = "HTTP/1.1 200 OK\r\nServer: PanWeb ";
  const std::string head2 = "Server/ -\r\nContent-Length: 0\r\n\r\n";
  r.handshake("10.0.0.200", 40004, "10.0.0.5", 80, 1'000'000);
  r.c->onPacket(pkt("10.0.0.200", 40004, "10.0.0.5", 80, kTcp, 1'000'010, kAck, bytes(req), 1));
  // The head is split over two segments.
  r.c->onPacket(pkt("10.0.0.5", 80, "10.0.0.200", 40004, kTcp, 1'000'020, kAck, bytes(head1), 1));
  CHECK(r.sink.find("10.0.0.5", "server") == nullptr);
  r.c->onPacket(pkt("10.0.0.5", 80, "10.0.0.200", 40004, kTcp, 1'000'030, kAck, bytes(head2),
                    1 + static_cast<std::uint32_t>(head1.size())));
  const Alert* srv = r.sink.find("10.0.0.5", "server");
  REQUIRE(srv != nullptr);
  CHECK(srv->vendor == "paloalto");
  CHECK(srv->field == "http.response_header");
  CHECK(srv->value == "Server: PanWeb Server/ -");
}

TEST_CASE("instances: a request path is client-side evidence", "[classify][instances]") {
  Rig r;
  const std::string req = "GET /remote/login?lang=en HTTP/1.1\r\nHost: vpn.example.org\r\n\r\n";
  r.handshake("10.0.0.200", 40005, "203.0.113.7", 80, 1'000'000);
  r.c->onPacket(pkt("10.0.0.200", 40005, "203.0.113.7", 80, kTcp, 1'000'010, kAck, bytes(req)));
  const Alert* cli = r.sink.find("10.0.0.200", "client");
  REQUIRE(cli != nullptr);
  CHECK(cli->vendor == "fortinet");
  CHECK(cli->field == "http.path");
  CHECK(cli->value == "/remote/login");
  CHECK(r.c->ledger().instances().empty());
}

TEST_CASE("instances: an interception CA is one inspection finding, never per-host evidence",
          "[classify][instances]") {
  Rig r;
  r.eng.proto = 91; // TLS
  r.eng.cert.subject = "CN=www.example.com";
  r.eng.cert.issuer =
      "C=US, ST=California, L=Sunnyvale, O=Fortinet, OU=Certificate Authority, CN=FortiGate CA";
  const std::string hello = "\x16\x03\x01"; // not parsed further: the engine gives the cert
  const char* clients[] = {"10.0.0.121", "10.0.0.122", "10.0.0.121"};
  std::uint16_t port = 41000;
  TimeUs ts = 1'000'000;
  for (const char* c : clients) {
    r.handshake(c, port, "198.51.100.9", 443, ts);
    r.c->onPacket(pkt("198.51.100.9", 443, c, port, kTcp, ts + 10, kAck, bytes(hello)));
    ++port;
    ts += 1'000'000;
  }
  r.c->endAll(EndReason::EndOfInput);
  CHECK(r.sink.alerts.empty());
  REQUIRE(r.sink.inspections.size() == 1);
  CHECK(r.sink.inspections[0].first == "10.0.0.121");
  const auto& x = r.c->ledger().inspection();
  REQUIRE(x.size() == 1);
  CHECK(x.begin()->second.flows == 3);
  CHECK(x.begin()->second.hostCount() == 2);
  CHECK(r.c->ledger().entries().empty());
}

TEST_CASE("instances: a device certificate of an internal server", "[classify][instances]") {
  Rig r;
  r.eng.proto = 91;
  r.eng.cert.subject = "C=US, ST=California, L=Sunnyvale, O=Fortinet, OU=FortiGate, CN=FGT60E";
  r.eng.cert.issuer = "C=US, O=Fortinet, OU=Certificate Authority, CN=fortinet-subca2001";
  const std::string flight = "\x16\x03\x03";
  r.handshake("10.0.0.200", 41100, "10.0.0.1", 443, 1'000'000);
  r.c->onPacket(pkt("10.0.0.1", 443, "10.0.0.200", 41100, kTcp, 1'000'010, kAck, bytes(flight)));
  r.c->endAll(EndReason::EndOfInput);
  const Alert* srv = r.sink.find("10.0.0.1", "server");
  REQUIRE(srv != nullptr);
  CHECK(srv->field == "tls.subject");
  CHECK(r.sink.find("10.0.0.200", "client") != nullptr);
  CHECK(r.sink.inspections.empty());
}

TEST_CASE("instances: the certificate is read by our own walk when the DPI engine ended at the "
          "ClientHello",
          "[classify][instances]") {
  // nDPI stops at the ClientHello of TLS over TCP once it has named the application: the
  // server's flight that follows must still be read (regression: the inspection ended with the
  // ClientHello, before the server's first byte, and the certificate was lost).
  Rig r;
  r.eng.proto = 91;     // TLS, named at the first payload packet
  r.eng.done_after = 1; // and done there: the engine never sees the certificate
  r.handshake("10.0.0.200", 41100, "10.0.0.1", 443, 1'000'000);
  const std::span<const std::uint8_t> hello(vw::classify::test::kCurlNtop);
  r.c->onPacket(pkt("10.0.0.200", 41100, "10.0.0.1", 443, kTcp, 1'000'010, kAck, hello, 1));
  CHECK(r.eng.live_flows == 0); // the engine's state is gone after the ClientHello
  const std::span<const std::uint8_t> flight(vw::classify::test::kFortiGateTls12);
  r.c->onPacket(pkt("10.0.0.1", 443, "10.0.0.200", 41100, kTcp, 1'000'020, kAck, flight, 1));
  const Alert* srv = r.sink.find("10.0.0.1", "server");
  REQUIRE(srv != nullptr);
  CHECK(srv->field == "tls.subject");
  CHECK(srv->value == vw::classify::test::kFortiGateTls12Subject0);
  r.c->endAll(EndReason::EndOfInput);
}

TEST_CASE("instances: flows from a vendor's edge into an internal server: low, then medium "
          "from the third",
          "[classify][instances]") {
  Rig r;
  const std::string req = "GET / HTTP/1.1\r\nHost: www.example.org\r\n\r\n";
  TimeUs ts = 1'000'000;
  for (int k = 0; k < 3; ++k) {
    const auto port = static_cast<std::uint16_t>(42000 + k);
    r.handshake("45.60.1.1", port, "10.0.0.80", 443, ts);
    r.c->onPacket(pkt("45.60.1.1", port, "10.0.0.80", 443, kTcp, ts + 10, kAck, bytes(req)));
    r.c->endAll(EndReason::EndOfInput);
    ts += 1'000'000;
    const InstanceEntry* i = r.instance("10.0.0.80", "imperva", "cdn-edge");
    REQUIRE(i != nullptr);
    CHECK(i->flows == static_cast<std::uint64_t>(k + 1));
    CHECK(i->clients.empty());
    CHECK(i->confidence == (k < 2 ? Confidence::Low : Confidence::Medium));
  }
  REQUIRE(r.sink.alerts.size() == 2); // low, then medium (stronger: a new event)
  CHECK(r.sink.alerts[0].role == "server");
  CHECK(r.sink.alerts[0].field == "ip.inbound");
  CHECK(r.sink.alerts[1].confidence == "medium");
  // The origin is not a client of Imperva.
  CHECK(r.c->ledger().entries().empty());
}

TEST_CASE("instances: a dissected dpi label names the initiator, never 0.0.0.0, never a port "
          "guess",
          "[classify][instances]") {
  const std::string pl = "\xa4 heartbeat";
  SECTION("dissected") {
    Rig r;
    r.eng.proto = 77;
    r.c->onPacket(pkt("10.0.0.11", 51000, "10.0.0.10", 902, kUdp, 1'000'000, 0, bytes(pl)));
    r.c->endAll(EndReason::EndOfInput);
    REQUIRE(r.instance("10.0.0.11", "vmware", "esxi") != nullptr);
    CHECK(r.instance("10.0.0.10", "vmware", "esxi") == nullptr);
  }
  SECTION("from 0.0.0.0") {
    Rig r;
    r.eng.proto = 77;
    r.c->onPacket(pkt("0.0.0.0", 8116, "10.0.0.0", 8116, kUdp, 1'000'000, 0, bytes(pl)));
    r.c->endAll(EndReason::EndOfInput);
    CHECK(r.c->ledger().instances().empty());
    CHECK(r.sink.alerts.empty());
  }
  SECTION("a guess") {
    Rig r;
    r.eng.proto = 77;
    r.eng.dissected = false;
    r.c->onPacket(pkt("10.0.0.11", 51000, "10.0.0.10", 902, kUdp, 1'000'000, 0, bytes(pl)));
    r.c->endAll(EndReason::EndOfInput);
    CHECK(r.c->ledger().instances().empty());
  }
}
