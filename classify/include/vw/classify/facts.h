#pragma once
/// @file facts.h
/// What a flow revealed, extracted once by the inspectors. Owned strings: allocated when a fact
/// is first learned (per flow, not per packet) and freed with the flow.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vw::classify {

/// One piece of attribution evidence: which observed field matched which indicator.
struct EvidenceItem {
  std::string field;           ///< tls.sni, quic.sni, http.host, http.user_agent, tls.subject,
                               ///< tls.issuer, tls.san, dns.query, dns.answer, dns.cname,
                               ///< dns.cache, ip, ja3, ja4, port
  std::string value;           ///< the observed value
  std::uint32_t indicator = 0; ///< index into SignatureSet::indicators()
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
  std::unique_ptr<TlsFacts> tls;
  std::unique_ptr<QuicFacts> quic;
  std::unique_ptr<DnsTxnFact> dns_first; ///< the first transaction
  std::uint32_t dns_transactions = 0;
  std::unique_ptr<HttpFacts> http;
  /// Attribution evidence gathered so far (bounded, distinct by field+value).
  std::vector<EvidenceItem> evidence;
};

} // namespace vw::classify
