#pragma once
/// @file facts.h
/// What a flow revealed, extracted once by the inspectors, and the evidence and verdicts drawn
/// from it. Owned strings: allocated when a fact is first learned (per flow, not per packet)
/// and freed with the flow.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vw::signatures {
class Matcher;
class SignatureSet;
struct Vendor;
struct Product;
struct Indicator;
} // namespace vw::signatures

namespace vw::classify {

/// Attribution confidence (ordered).
enum class Confidence : std::uint8_t { None = 0, Low = 1, Medium = 2, High = 3 };
/// "low", "medium", "high" ("none" for None).
const char* confidenceName(Confidence c);

/// Which part a host plays in a verdict: it uses the vendor's product or cloud (client), or it
/// runs the product (server: a product instance).
enum class HostRole : std::uint8_t { Client = 0, Server = 1 };
/// "client", "server".
const char* hostRoleName(HostRole r);

/// What a verdict means: product usage, or web presence (the vendor's web sites, docs, sites
/// behind its CDN: counted apart, no `vendor` event by default).
enum class Usage : std::uint8_t { Product = 0, Web = 1 };
/// "product", "web".
const char* usageName(Usage u);

/// The observed field an evidence item comes from (docs/attribution.md).
enum class Field : std::uint8_t {
  // Client-side: the endpoint that sent it uses the vendor or talks to its cloud.
  TlsSni,
  QuicSni,
  HttpHost,
  HttpUserAgent,
  HttpPath,
  HttpRequestHeader,
  Ja3,
  Ja4,
  DnsQuery,
  DnsCname,
  DnsAnswer,
  DnsCache,
  Ip,       ///< the peer is in the vendor's network
  Port,     ///< the peer's port (never decides)
  Instance, ///< the peer is an internal instance of the product (value: its address)
  // Server-side: the endpoint that sent it runs the product.
  TlsSubject,
  TlsIssuer,
  TlsSan,
  HttpResponseHeader,
  Banner,
  Syslog,
  Dpi,
  IpInbound, ///< a connection from the vendor's edge into an internal server
  Count_
};
/// "tls.sni", "quic.sni", "http.host", ... (the name in events and summaries).
std::string_view fieldName(Field f);
/// The field with this name; false if none.
bool parseField(std::string_view name, Field& out);
/// Server-side fields: the endpoint that sent the observed value runs the product.
bool isServerSide(Field f);
/// Fields that name the peer or carry its certificate: strong on their own, and a verdict
/// backed by one may alert before inspection ends.
bool isNamedField(Field f);

/// One piece of attribution evidence: which observed field matched which indicator.
struct EvidenceItem {
  Field field = Field::Ip;
  /// For server-side fields: the endpoint that sent the value (0 = initiator, 1 = responder).
  std::uint8_t sender = 0;
  /// True when a server-side item is about an internal endpoint (it makes that endpoint a
  /// product instance) rather than supporting the client's verdict about an external server.
  bool instance = false;
  std::string value; ///< the observed value
  /// The indicator that matched, in the signature set the flow's evidence was gathered with
  /// (FlowFacts::sigs, kept alive while the flow is).
  const signatures::Indicator* indicator = nullptr;
};

/// One verdict (a vendor and the product of its strongest item), pointing into the signature
/// set it was decided with.
struct Verdict {
  const signatures::Vendor* vendor = nullptr;
  const signatures::Product* product = nullptr;
  std::uint32_t vendor_index = 0; ///< index of `vendor` in that set (to filter evidence)
  Confidence confidence = Confidence::None;
  Usage usage = Usage::Product;
  /// True if some evidence is a name or certificate (not only ip/ja3/ja4/port/dns.cache).
  bool named = false;
  explicit operator bool() const { return vendor != nullptr; }
};

struct DnsAnswerFact {
  std::uint16_t type = 0; ///< 1 A, 28 AAAA, 5 CNAME
  std::string data;       ///< address text or target name
  std::uint32_t ttl = 0;
};

/// One DNS transaction (a query and, when seen, its response).
struct DnsTxnFact {
  std::string query; ///< lowercased, no trailing dot
  std::uint16_t qtype = 0;
  std::int16_t rcode = -1; ///< -1 while no response was seen
  std::vector<DnsAnswerFact> answers;
  /// A response that answers no query this flow's host sent (same id and question, within
  /// the pairing window): logged, counted, never evidence.
  bool unsolicited = false;
};

struct TlsFacts {
  std::string sni, alpn, ja3, ja4;
  std::string subject, issuer;  ///< server certificate DNs (TLS <= 1.2)
  std::vector<std::string> san; ///< server certificate DNS SANs
  bool ech = false;
  bool client_hello = false; ///< a ClientHello was parsed
  std::uint16_t version = 0; ///< highest version offered by the client
};

struct QuicFacts {
  std::string sni, alpn, ja4;
};

struct HttpFacts {
  std::string host, user_agent;
  std::string connect; ///< CONNECT target host:port (explicit proxy)
  std::uint32_t requests = 0;
};

/// All facts of one flow. Each part is allocated only when seen, so a flow that revealed
/// nothing costs no memory here and one with only evidence costs this small struct.
struct FlowFacts {
  FlowFacts();
  ~FlowFacts();
  FlowFacts(const FlowFacts&) = delete;
  FlowFacts& operator=(const FlowFacts&) = delete;

  std::unique_ptr<TlsFacts> tls;
  std::unique_ptr<QuicFacts> quic;
  std::unique_ptr<DnsTxnFact> dns_first; ///< the first transaction
  std::uint32_t dns_transactions = 0;
  std::unique_ptr<HttpFacts> http;
  /// The signature set (through its matcher) the evidence below was matched with. Set with the
  /// first evidence item and kept for the flow's life: a reload never re-reads a flow's
  /// evidence or verdict against another set.
  std::shared_ptr<const signatures::Matcher> sigs;
  /// Attribution evidence gathered so far (bounded, distinct by field+value).
  std::vector<EvidenceItem> evidence;
  /// The verdict about the flow's host as a client (or web visitor).
  Verdict verdict;
  /// Verdicts about an internal endpoint as a product instance, per endpoint (0 = initiator,
  /// 1 = responder).
  Verdict instance[2];
  /// Confidence of the last `vendor` event about each endpoint as an instance (0 = none).
  std::uint8_t instance_alerted[2] = {0, 0};
};

} // namespace vw::classify
