#include <algorithm>

#include <vw/classify/classifier.h>
#include <vw/classify/proto/dns.h>
#include <vw/classify/proto/http.h>
#include <vw/classify/proto/quic.h>
#include <vw/classify/proto/tls_client_hello.h>
#include <vw/packet/byte_reader.h>

#include "alerting.h"
#include "inspect.h"
#include "inspect_dns.h"

namespace vw::classify {
namespace sig = vw::signatures;

bool StreamBuf::append(std::uint32_t seq, std::span<const std::uint8_t> payload, std::size_t cap) {
  if (!started) {
    started = true;
    next_seq = seq;
  }
  const auto delta = static_cast<std::int32_t>(seq - next_seq);
  std::size_t skip = 0;
  if (delta > 0)
    return false; // a gap: an earlier segment is missing
  if (delta < 0) {
    skip = static_cast<std::size_t>(-static_cast<std::int64_t>(delta));
    if (skip >= payload.size())
      return true; // pure retransmission
  }
  const auto add = payload.subspan(skip);
  const std::size_t room = cap > data.size() ? cap - data.size() : 0;
  const std::size_t n = std::min(room, add.size());
  data.insert(data.end(), add.begin(), add.begin() + static_cast<std::ptrdiff_t>(n));
  if (n < add.size())
    overflow = true;
  next_seq += static_cast<std::uint32_t>(add.size());
  return true;
}

namespace {

constexpr std::size_t kHttpHeadMax = 8192; ///< bytes buffered for a split request head
constexpr std::uint64_t kIdMask = (std::uint64_t{1} << 53) - 1; // exact in JSON doubles

bool isHttpMethodStart(std::span<const std::uint8_t> p) {
  if (p.size() < 4)
    return false;
  const char c = static_cast<char>(p[0]);
  return c == 'G' || c == 'P' || c == 'H' || c == 'D' || c == 'O' || c == 'C' || c == 'T' ||
         c == 'N' || c == 'M' || c == 'L' || c == 'U' || c == 'R' || c == 'S';
}

bool isDnsPort(std::uint16_t port) {
  return port == 53;
}

/// Client payload segments we look at for a late ClientHello before giving up on TLS.
constexpr std::uint8_t kMaxClientPayloadsBeforeTls = 16;

/// A TLS handshake record header: type 22, version 3.x.
bool looksLikeTlsHandshake(std::span<const std::uint8_t> p) {
  return p.size() >= 3 && p[0] == 0x16 && p[1] == 0x03 && p[2] <= 0x04;
}

/// Length of a PROXY protocol header (haproxy's v1 "PROXY ...\r\n" or the v2 binary form) at
/// the start of `p`, or 0.
std::size_t proxyProtocolLength(std::span<const std::uint8_t> p) {
  static constexpr std::uint8_t kV2[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
                                           0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};
  ByteReader r(p);
  std::span<const std::uint8_t> head;
  if (r.bytes(12, head) && std::equal(head.begin(), head.end(), kV2)) {
    std::uint8_t ver = 0, fam = 0;
    std::uint16_t len = 0;
    if (r.u8(ver) && r.u8(fam) && r.u16(len) && (ver >> 4) == 2 && r.canRead(len))
      return 16u + len;
    return 0;
  }
  const std::string_view text = asChars(p.first(std::min<std::size_t>(p.size(), 108)));
  if (text.substr(0, 6) != "PROXY ")
    return 0;
  const auto crlf = text.find("\r\n");
  return crlf == std::string_view::npos ? 0 : crlf + 2;
}

/// Ports whose DNS-format traffic is not DNS for our purposes (mDNS, LLMNR, NetBIOS NS).
bool isDnsLikeNonDnsPort(std::uint16_t port) {
  return port == 5353 || port == 5355 || port == 137;
}

/// Strict plausibility test for DNS on an unusual UDP port (DNSCrypt certificate queries on
/// 443, resolvers on odd ports): one question of class IN/ANY with a non-empty name, standard
/// opcode, and a query without records or a response with answers that parse.
bool plausibleDns(std::span<const std::uint8_t> payload) {
  // One message per thread, reused: a fresh DnsMessage zero-fills ~10 KiB of answers
  // (parseDnsMessage clears what it reads).
  thread_local DnsMessage m;
  if (parseDnsMessage(payload, m) != DnsParseStatus::Ok || !m.has_question || m.qdcount != 1 ||
      m.opcode != 0 || m.qname.empty())
    return false;
  const std::uint16_t qclass = static_cast<std::uint16_t>(m.qclass & 0x7fff);
  if (qclass != 1 && qclass != 255)
    return false;
  if (!m.is_response)
    return m.ancount == 0 && m.nscount == 0 && m.arcount <= 1;
  return true;
}

} // namespace

struct Classifier::DnsHost final : DnsInspectorHost {
  explicit DnsHost(Classifier& c) : c_(c) {}
  FlowFacts& dnsFacts(FlowEntry& f) override { return c_.facts(f); }
  FlowRecord dnsRecord(const FlowEntry& f, TimeUs ts) const override { return c_.record(f, ts); }
  void dnsLookup(FlowEntry& f, const IpAddr& querier, std::span<const EvidenceItem> ev,
                 TimeUs ts) override {
    c_.dnsLookup(f, querier, ev, ts);
  }
  void ownSite(FlowEntry& f, const IpAddr& site, std::span<const EvidenceItem> ev,
               TimeUs ts) override {
    c_.dnsOwnSite(f, site, ev, ts);
  }
  Classifier& c_;
};

Classifier::Classifier(const ClassifierConfig& cfg, DpiEngine& engine,
                       std::shared_ptr<const sig::Matcher> matcher, RecordSink& sink)
    : cfg_(cfg), engine_(engine), matcher_(std::move(matcher)), sink_(sink),
      inspecting_(std::make_unique<InspectList>()), table_(cfg.table, cfg.hash_key),
      dns_cache_(cfg.dns_cache_entries, cfg.dns_min_ttl, cfg.hash_key), ledger_(cfg.ledger_caps),
      dns_host_(std::make_unique<DnsHost>(*this)),
      dns_(std::make_unique<DnsInspector>(
          DnsInspectorConfig{cfg.dns_pair_window, cfg.log_dns, cfg.own_domains}, dns_cache_, sink,
          *dns_host_)),
      alerting_(std::make_unique<Alerting>(
          AlertingConfig{cfg.dedup_window, cfg.dedup_max_keys, cfg.alert_web, cfg.hash_key},
          sink)) {
  onpremInit();
  ledger_.enableJournal(cfg.ledger_journal);
}

Classifier::~Classifier() = default;

void Classifier::setMatcher(std::shared_ptr<const sig::Matcher> matcher) {
  // Flows with facts hold their own reference to the set their evidence points into (see
  // FlowFacts::sigs): nothing to rewrite here, and the old set lives as long as they do.
  matcher_ = std::move(matcher);
}

FlowFacts& Classifier::facts(FlowEntry& f) {
  if (!f.facts) {
    f.facts = std::make_unique<FlowFacts>();
    f.facts->sigs = matcher_;
  }
  return *f.facts;
}

ClassifierStats& ClassifierStats::operator+=(const ClassifierStats& o) {
  static_assert(sizeof(ClassifierStats) == 24 * sizeof(std::uint64_t),
                "a counter was added: sum it here too");
  packets += o.packets;
  bytes += o.bytes;
  fragments += o.fragments;
  dpi_packets += o.dpi_packets;
  dpi_flows += o.dpi_flows;
  dpi_freed_early += o.dpi_freed_early;
  dpi_budget_exhausted += o.dpi_budget_exhausted;
  unknown_flows += o.unknown_flows;
  tls_client_hellos += o.tls_client_hellos;
  tls_gaps += o.tls_gaps;
  quic_client_hellos += o.quic_client_hellos;
  dns_messages += o.dns_messages;
  dns_malformed += o.dns_malformed;
  http_requests += o.http_requests;
  vendor_alerts += o.vendor_alerts;
  alerts_deduplicated += o.alerts_deduplicated;
  attributed_flows += o.attributed_flows;
  dns_cache_hits += o.dns_cache_hits;
  inspect_idle_ended += o.inspect_idle_ended;
  dns_unsolicited += o.dns_unsolicited;
  dns_pending_evicted += o.dns_pending_evicted;
  web_verdicts += o.web_verdicts;
  dns_own_site_answers += o.dns_own_site_answers;
  dns_own_site_unkeyed += o.dns_own_site_unkeyed;
  return *this;
}

IpAddr Classifier::initiatorOf(const FlowEntry& f) const {
  return f.initiator_is_lo ? f.key.lo_ip : f.key.hi_ip;
}
IpAddr Classifier::responderOf(const FlowEntry& f) const {
  return f.initiator_is_lo ? f.key.hi_ip : f.key.lo_ip;
}
IpAddr Classifier::hostOf(const FlowEntry& f) const {
  const IpAddr init = initiatorOf(f);
  const IpAddr resp = responderOf(f);
  const bool hi = cfg_.home_net.contains(init);
  const bool hr = cfg_.home_net.contains(resp);
  if (hr && !hi)
    return resp;
  return init;
}

FlowRecord Classifier::record(const FlowEntry& f, TimeUs ts) const {
  FlowRecord r;
  r.flow = &f;
  r.src_ip = initiatorOf(f);
  r.dest_ip = responderOf(f);
  r.src_port = f.initiator_is_lo ? f.key.lo_port : f.key.hi_port;
  r.dest_port = f.initiator_is_lo ? f.key.hi_port : f.key.lo_port;
  r.host = hostOf(f);
  r.ts = ts;
  r.facts = f.facts.get();
  if (f.attributed && f.facts) {
    r.verdict = &f.facts->verdict;
    r.set = &f.facts->sigs->set();
  }
  return r;
}

void Classifier::initFlow(FlowEntry& f, const DecodedPacket& p, bool src_is_lo) {
  bool src_initiates = true;
  if (p.l4_proto == ipproto::kTcp && (p.tcp_flags & tcpflag::kSyn) && (p.tcp_flags & tcpflag::kAck))
    src_initiates = false; // SYN-ACK: the receiver opened the connection
  f.initiator_is_lo = src_initiates ? src_is_lo : !src_is_lo;
  f.id = (flowIdHash(f.key) ^ (static_cast<std::uint64_t>(f.first_ts) * 0x9e3779b97f4a7c15ULL)) &
         kIdMask;
  if (f.id == 0)
    f.id = 1;

  // Inspection state is allocated at the flow's first payload (startInspect), so handshakes
  // that never carry data (scans, SYN floods, refused connections) cost only the slot.
  if (p.l4_proto != ipproto::kTcp && p.l4_proto != ipproto::kUdp)
    f.inspect_done = true;

  // Evidence available from the addresses alone: the peer's address block, a distinctive
  // port, and names this host resolved for that address earlier.
  const IpAddr host = hostOf(f);
  const IpAddr init = initiatorOf(f);
  const IpAddr peer = host == init ? responderOf(f) : init;
  const std::uint16_t peer_port = host == init
                                      ? (f.initiator_is_lo ? f.key.hi_port : f.key.lo_port)
                                      : (f.initiator_is_lo ? f.key.lo_port : f.key.hi_port);
  const Attributor attr(*matcher_);
  std::vector<EvidenceItem> ev;
  peerIpEvidence(attr, cfg_.home_net, init, host, peer, ev); // ip, or ip.inbound
  attr.addPort(p.l4_proto, peer_port, ev);
  if (const auto* names = dns_cache_.lookup(host, peer, p.ts)) {
    for (const auto& n : *names)
      if (attr.addName(Field::DnsCache, n, ev))
        ++stats_.dns_cache_hits;
  }
  if (!ev.empty())
    facts(f).evidence = std::move(ev); // the new facts are pinned to the set just used
}

FlowEntry* Classifier::flowFor(const DecodedPacket& p, bool& src_is_lo) {
  const FlowKey key = makeFlowKey(p, cfg_.use_vlan, src_is_lo);
  const std::uint64_t h = table_.hashOf(key);
  FlowEntry* f = table_.find(key, h);
  if (f != nullptr) {
    const bool new_syn = p.l4_proto == ipproto::kTcp && (p.tcp_flags & tcpflag::kSyn) &&
                         !(p.tcp_flags & tcpflag::kAck);
    if (f->closing && new_syn) {
      endFlow(*f, f->rst_seen ? EndReason::Rst : EndReason::Fin);
      f = nullptr;
    } else if (p.ts - f->last_ts > cfg_.table.idle_timeout) {
      endFlow(*f, EndReason::IdleTimeout);
      f = nullptr;
    } else if (cfg_.table.active_timeout > 0 && p.ts - f->first_ts > cfg_.table.active_timeout) {
      endFlow(*f, EndReason::ActiveTimeout);
      f = nullptr;
    }
  }
  if (f == nullptr) {
    if (table_.full()) {
      if (FlowEntry* victim = table_.oldest())
        endFlow(*victim, EndReason::Evicted);
    }
    f = table_.insert(key, h, p.ts);
    initFlow(*f, p, src_is_lo);
  }
  return f;
}

void Classifier::onPacket(const DecodedPacket& p) {
  ++stats_.packets;
  stats_.bytes += p.ip_len;
  if (!cfg_.external_clock && (p.ts - last_expire_ >= 1'000'000 || p.ts < last_expire_))
    tick(p.ts);
  if (p.fragment && !p.first_fragment) {
    ++stats_.fragments;
    return;
  }
  bool src_is_lo = true;
  FlowEntry* f = flowFor(p, src_is_lo);
  const Dir d = f->dirOf(src_is_lo);
  ++f->pkts[d];
  f->bytes[d] += p.ip_len;
  if (p.ts > f->last_ts)
    f->last_ts = p.ts;
  table_.touch(f);

  if (p.l4_proto == ipproto::kTcp) {
    if (p.tcp_flags & tcpflag::kRst) {
      f->rst_seen = true;
      table_.markClosing(f, p.ts);
    } else if (p.tcp_flags & tcpflag::kFin) {
      f->fin_seen = static_cast<std::uint8_t>(f->fin_seen | (1u << d));
      if (f->fin_seen == 3)
        table_.markClosing(f, p.ts);
    }
  }
  if (!f->inspect && !f->inspect_done && !p.payload.empty())
    startInspect(*f);
  if (f->inspect)
    inspect(*f, p, d);
}

void Classifier::startInspect(FlowEntry& f) {
  f.inspect = std::make_unique<FlowInspect>(&f, inspecting_.get());
  f.inspect->dpi = engine_.newFlow();
  if (f.inspect->dpi)
    ++stats_.dpi_flows;
  else
    f.inspect->dpi_done = true;
}

void Classifier::inspect(FlowEntry& f, const DecodedPacket& p, Dir d) {
  FlowInspect& in = *f.inspect;
  in.touch();
  // A TCP segment without payload tells the DPI engine nothing (inspection starts after the
  // handshake): pure ACKs are not handed to it and do not use up the budget.
  const bool dpi_useful = !p.payload.empty() || p.l4_proto != ipproto::kTcp;
  // UDP flows the engine could not name within a few packets rarely get a name later (RTP,
  // STUN and games are recognised within their first packets): a smaller budget for them.
  const std::uint32_t budget = (p.l4_proto == ipproto::kUdp && f.dpi_master == 0 && f.dpi_app == 0)
                                   ? std::min(cfg_.dpi_packet_budget, cfg_.dpi_udp_unknown_budget)
                                   : cfg_.dpi_packet_budget;
  if (in.dpi && !in.dpi_done && dpi_useful) {
    if (f.dpi_packets < budget) {
      DpiVerdict v;
      const DpiStatus st = engine_.process(*in.dpi, p.l3, p.ts, v);
      ++f.dpi_packets;
      ++stats_.dpi_packets;
      f.dpi_master = v.master_proto;
      f.dpi_app = v.app_proto;
      f.dpi_category = v.category;
      if (st == DpiStatus::Done)
        finishDpi(f, false);
      else if ((v.master_proto != 0 || v.app_proto != 0) && !engine_.wantsMorePackets(v))
        finishDpi(f, false); // named, and nothing later is read from the engine
    } else {
      ++stats_.dpi_budget_exhausted;
      finishDpi(f, true);
    }
  }
  if (!f.inspect)
    return;
  if (!p.payload.empty()) {
    if (p.l4_proto == ipproto::kTcp) {
      if (d == kToServer)
        tcpClientPayload(f, p);
      else
        tcpServerPayload(f, p);
      if (isDnsPort(p.sport) || isDnsPort(p.dport)) {
        StreamBuf& sb = in.dns_tcp[d];
        if (!sb.overflow && sb.append(p.tcp_seq, p.payload, cfg_.dns_tcp_max)) {
          std::span<const std::uint8_t> msg;
          std::size_t used = 0;
          while (true) {
            const std::size_t n =
                dnsTcpFrame(std::span<const std::uint8_t>(sb.data).subspan(used), msg);
            if (n == 0)
              break;
            dnsPayload(f, msg, p, d);
            used += n;
          }
          sb.data.erase(sb.data.begin(), sb.data.begin() + static_cast<std::ptrdiff_t>(used));
        }
      }
    } else if (p.l4_proto == ipproto::kUdp) {
      const bool dns_port = isDnsPort(p.sport) || isDnsPort(p.dport);
      const bool not_dns = isDnsLikeNonDnsPort(p.sport) || isDnsLikeNonDnsPort(p.dport);
      if (!dns_port && !not_dns && !in.udp_dns && f.pkts[0] + f.pkts[1] <= 2 &&
          plausibleDns(p.payload))
        in.udp_dns = true;
      if (dns_port || in.udp_dns || (!not_dns && engine_.isDns({f.dpi_master, f.dpi_app, 0})))
        dnsPayload(f, p.payload, p, d);
      else if (d == kToServer && isHttpMethodStart(p.payload))
        httpRequest(f, p); // SSDP and other HTTP over UDP
      else if (d == kToServer && !in.quic_done)
        quicPayload(f, p);
    }
  }
  if (f.inspect && !p.payload.empty())
    onpremPayload(f, p, d);
  if (f.inspect)
    maybeFinishInspect(f);
}

void Classifier::finishDpi(FlowEntry& f, bool gave_up) {
  FlowInspect& in = *f.inspect;
  if (!in.dpi || in.dpi_done)
    return;
  // Only a label the engine's dissectors gave (not a port or address guess) names a product.
  const bool dissected =
      (f.dpi_master != 0 || f.dpi_app != 0) && engine_.labelFromDissector(*in.dpi);
  if (gave_up || (f.dpi_master == 0 && f.dpi_app == 0)) {
    const DpiVerdict v = engine_.giveUp(*in.dpi);
    if (v.app_proto != 0 || v.master_proto != 0) {
      f.dpi_master = v.master_proto;
      f.dpi_app = v.app_proto;
      f.dpi_category = v.category;
    }
  } else {
    ++stats_.dpi_freed_early;
  }
  onpremDpiEnd(f, dissected); // its certificate and dissected protocol names
  in.dpi.reset();
  in.dpi_done = true;
  attribute(f, f.last_ts, false);
}

bool Classifier::keepsParsing(const FlowEntry& f) const {
  // DNS and HTTP connections carry more messages: every one of them is parsed.
  const FlowInspect& in = *f.inspect;
  if (f.key.proto == ipproto::kTcp)
    return isDnsPort(f.key.lo_port) || isDnsPort(f.key.hi_port) || in.http_seen;
  if (f.key.proto == ipproto::kUdp)
    return isDnsPort(f.key.lo_port) || isDnsPort(f.key.hi_port) || in.udp_dns ||
           engine_.isDns({f.dpi_master, f.dpi_app, 0});
  return false;
}

void Classifier::maybeFinishInspect(FlowEntry& f) {
  FlowInspect& in = *f.inspect;
  if (!in.dpi_done || keepsParsing(f) || onpremWantsMore(f))
    return;
  const bool many = f.pkts[0] + f.pkts[1] > cfg_.dpi_packet_budget;
  if (f.key.proto == ipproto::kTcp) {
    const bool tls_over = in.tls == TlsState::Done || in.tls == TlsState::NotTls ||
                          (in.tls == TlsState::Waiting && many);
    if (!tls_over)
      return;
  } else if (f.key.proto == ipproto::kUdp) {
    if (!in.quic_done && !many)
      return;
  }
  finishInspect(f);
}

void Classifier::inspectIdle(FlowEntry& f) {
  bool ended = false;
  if (f.inspect->dpi && !f.inspect->dpi_done) {
    finishDpi(f, true);
    ended = true;
  }
  if (f.inspect && keepsParsing(f)) {
    f.inspect->unlink(); // parser state stays for the next message; re-listed on its packet
  } else if (f.inspect) {
    finishInspect(f);
    ended = true;
  }
  if (ended)
    ++stats_.inspect_idle_ended;
}

void Classifier::finishInspect(FlowEntry& f) {
  f.inspect.reset();
  f.inspect_done = true;
  attribute(f, f.last_ts, true);
  if (!cfg_.keep_facts && f.facts) {
    // Nobody will print this flow's facts: keep only the evidence (for the ledger), so a
    // finished flow costs its FlowEntry (plus the evidence of an attributed flow).
    if (f.facts->evidence.empty()) {
      f.facts.reset();
    } else {
      f.facts->tls.reset();
      f.facts->quic.reset();
      f.facts->http.reset();
      f.facts->dns_first.reset();
    }
  }
}

void Classifier::tcpClientPayload(FlowEntry& f, const DecodedPacket& p) {
  FlowInspect& in = *f.inspect;
  // A request head that started in an earlier segment.
  if (!in.http_buf.data.empty()) {
    httpRequest(f, p);
    return;
  }
  // A load balancer's PROXY protocol header (v1 text or v2 binary) may precede the
  // ClientHello in the same segment.
  std::span<const std::uint8_t> payload = p.payload;
  std::uint32_t seq = p.tcp_seq;
  if (in.tls == TlsState::Waiting && f.pkts[kToServer] <= 4) {
    const std::size_t skip = proxyProtocolLength(payload);
    payload = payload.subspan(skip);
    seq += static_cast<std::uint32_t>(skip);
  }
  if (in.tls == TlsState::Waiting) {
    // The ClientHello may follow plaintext: STARTTLS (SMTP, POP3, IMAP), RDP's X.224 exchange,
    // a SOCKS handshake, or a CONNECT through a proxy.
    if (looksLikeTlsHandshake(payload)) {
      in.tls = TlsState::Collecting;
      in.tls_buf.reset();
      in.tls_buf.started = true;
      in.tls_buf.next_seq = seq;
    } else if (++in.client_payloads > kMaxClientPayloadsBeforeTls) {
      in.tls = TlsState::NotTls;
    }
  }
  if (in.tls == TlsState::Collecting) {
    tlsClientHello(f, p);
    return;
  }
  if (isHttpMethodStart(p.payload))
    httpRequest(f, p);
}

void Classifier::tcpServerPayload(FlowEntry& f, const DecodedPacket& p) {
  FlowInspect& in = *f.inspect;
  if (in.tls == TlsState::Done && !in.server_hello_checked) {
    // TLS 1.3 encrypts everything after the ServerHello (certificate included): the DPI
    // engine, which has just seen the ServerHello, has nothing more to learn.
    in.server_hello_checked = true;
    if (serverHelloVersion(p.payload) == 0x0304 && in.dpi && !in.dpi_done)
      finishDpi(f, false);
    return;
  }
  // Server-side handshake bytes are left to the DPI engine (certificates). A request in this
  // direction means the capture started mid-connection and the first packet seen was the
  // server's: parse it anyway (the parser insists on a full "METHOD target HTTP/1.x" line).
  if (f.facts && f.facts->http)
    return; // a real HTTP connection whose direction is known
  if (isHttpMethodStart(p.payload) && f.inspect && f.inspect->http_buf.data.empty())
    httpRequest(f, p);
}

void Classifier::tlsClientHello(FlowEntry& f, const DecodedPacket& p) {
  FlowInspect& in = *f.inspect;
  if (!in.tls_buf.append(p.tcp_seq, p.payload, cfg_.tls_hello_max)) {
    ++stats_.tls_gaps;
    return;
  }
  ClientHelloInfo info;
  const TlsParseStatus st = parseClientHello(in.tls_buf.data, false, info);
  if (st == TlsParseStatus::NeedMore && !in.tls_buf.overflow)
    return;
  in.tls_buf.data.clear();
  in.tls_buf.data.shrink_to_fit();
  if (st != TlsParseStatus::Ok) {
    in.tls = TlsState::NotTls;
    return;
  }
  in.tls = TlsState::Done;
  ++stats_.tls_client_hellos;
  FlowFacts& fx = facts(f);
  if (!fx.tls)
    fx.tls = std::make_unique<TlsFacts>();
  TlsFacts& t = *fx.tls;
  if (!t.client_hello) { // the first ClientHello of the connection wins
    t.client_hello = true;
    Coverage& cov = ledger_.coverage();
    ++cov.tls_flows;
    if (info.sni.empty())
      ++cov.tls_flows_without_sni;
    t.sni = info.sni.str();
    t.alpn = info.alpn.str();
    t.ja3 = info.ja3.str();
    t.ja4 = info.ja4.str();
    t.ech = info.ech;
    t.version = info.max_version;
  }
  const Attributor attr(*fx.sigs);
  attr.addName(Field::TlsSni, t.sni, fx.evidence);
  attr.addJa3(t.ja3, fx.evidence);
  attr.addJa4(t.ja4, fx.evidence);
  attribute(f, p.ts, false);
}

void Classifier::httpRequest(FlowEntry& f, const DecodedPacket& p) {
  HttpRequestInfo info;
  std::span<const std::uint8_t> head = p.payload;
  StreamBuf* buf = f.inspect ? &f.inspect->http_buf : nullptr;
  const bool tcp = p.l4_proto == ipproto::kTcp;
  if (buf != nullptr && !buf->data.empty()) {
    if (!buf->append(p.tcp_seq, p.payload, kHttpHeadMax))
      return; // a gap: wait for the missing segment
    head = buf->data;
  }
  if (parseHttpRequestHead(head, info) != HttpParseStatus::Ok) {
    if (buf != nullptr && !buf->data.empty() && (buf->overflow || head.size() >= kHttpHeadMax))
      buf->reset();
    return;
  }
  if (!info.complete && tcp && buf != nullptr && !buf->overflow && head.size() < kHttpHeadMax) {
    // The head continues in the next segment (e.g. a User-Agent split over two packets).
    if (buf->data.empty())
      buf->append(p.tcp_seq, p.payload, kHttpHeadMax);
    return;
  }
  // The parsed head's header views point into `buf`: release it when this function returns,
  // not before (ASan: heap-use-after-free in onpremRequest on split requests).
  struct ReleaseAtExit {
    StreamBuf* b;
    ~ReleaseAtExit() {
      if (b != nullptr) {
        b->reset();
        b->data.shrink_to_fit();
      }
    }
  } release_at_exit{buf};
  ++stats_.http_requests;
  if (f.inspect)
    f.inspect->http_seen = true;
  FlowFacts& fx = facts(f);
  if (!fx.http)
    fx.http = std::make_unique<HttpFacts>();
  HttpFacts& h = *fx.http;
  ++h.requests;
  const bool is_connect = info.method.view() == "CONNECT";
  if (h.host.empty() && !info.host.empty())
    h.host = info.host.str();
  if (h.user_agent.empty() && info.has_user_agent)
    h.user_agent = info.user_agent.str();
  std::string connect;
  if (is_connect && !info.connect_host.empty()) {
    connect = info.connect_host.str() + ":" + std::to_string(info.connect_port);
    if (h.connect.empty())
      h.connect = connect;
  }
  const Attributor attr(*fx.sigs);
  attr.addName(Field::HttpHost, info.host.view(), fx.evidence);
  if (is_connect)
    attr.addName(Field::HttpHost, info.connect_host.view(), fx.evidence);
  if (info.has_user_agent)
    attr.addUserAgent(info.user_agent.view(), fx.evidence);
  onpremRequest(f, info);
  if (cfg_.log_http) {
    HttpFacts one;
    one.host = info.host.str();
    one.user_agent = info.user_agent.str();
    one.connect = connect;
    one.requests = h.requests;
    FlowRecord r = record(f, p.ts);
    sink_.httpRequest(r, one);
  }
  if (is_connect && f.inspect) {
    f.inspect->connect_seen = true;
    f.inspect->tls = TlsState::Waiting; // the tunnelled ClientHello follows
    f.inspect->tls_buf.reset();
  }
  attribute(f, p.ts, false);
}

void Classifier::dnsPayload(FlowEntry& f, std::span<const std::uint8_t> msg, const DecodedPacket& p,
                            Dir d) {
  const DnsInspectorStats before = dns_->stats();
  dns_->message(f, f.inspect->dns, msg, p, static_cast<std::uint8_t>(d));
  const DnsInspectorStats& after = dns_->stats();
  stats_.dns_messages += after.messages - before.messages;
  stats_.dns_malformed += after.malformed - before.malformed;
  stats_.dns_unsolicited += after.unsolicited - before.unsolicited;
  stats_.dns_pending_evicted += after.pending_evicted - before.pending_evicted;
  stats_.dns_own_site_unkeyed += after.own_site_unkeyed - before.own_site_unkeyed;
  ledger_.coverage().dns_unsolicited += after.unsolicited - before.unsolicited;
  ledger_.coverage().dns_pending_evicted += after.pending_evicted - before.pending_evicted;
}

void Classifier::dnsLookup(FlowEntry& f, const IpAddr& querier, std::span<const EvidenceItem> ev,
                           TimeUs ts) {
  FlowFacts& fx = facts(f);
  const sig::Matcher& m = *fx.sigs;
  const Verdict v = Attributor(m).decide(ev);
  if (!v)
    return;
  const EvidenceItem* first = nullptr;
  for (const auto& e : ev)
    if (e.indicator->vendor == v.vendor_index) {
      first = &e;
      break;
    }
  LedgerEvidence le;
  if (first != nullptr)
    le = LedgerEvidence{std::string(fieldName(first->field)), first->value, first->indicator->raw,
                        first->indicator->sourceUrl};
  if (v.usage == Usage::Web) {
    // A lookup of the vendor's web site or of a site behind its CDN: web presence.
    LedgerAdd add;
    add.host = querier;
    add.vendor_id = v.vendor->id;
    add.product_id = v.product->id;
    add.confidence = v.confidence;
    add.dns_lookups = 1;
    add.first = add.last = ts;
    add.evidence = std::span<const LedgerEvidence>(&le, first != nullptr ? 1 : 0);
    ledger_.addWeb(add);
  } else {
    ledger_.addDnsLookup(querier, v.vendor->id, v.product->id, v.confidence, ts, le);
  }
  // The flow's own verdict (for its flow record): the strongest lookup so far, product usage
  // before web presence.
  const bool stronger =
      !f.attributed || (v.usage == Usage::Product && fx.verdict.usage == Usage::Web) ||
      (v.usage == fx.verdict.usage && static_cast<std::uint8_t>(v.confidence) >= f.confidence);
  if (stronger) {
    fx.verdict = v;
    f.attributed = true;
    f.confidence = static_cast<std::uint8_t>(v.confidence);
  }
  emitAlert(f, m, v, ts, querier, HostRole::Client, ev);
}

void Classifier::dnsOwnSite(FlowEntry& f, const IpAddr& site, std::span<const EvidenceItem> ev,
                            TimeUs ts) {
  // `ev`: instance items (responder scope) naming the own name and the CNAME target or address
  // in the vendor's edge. The site's published address is the instance (docs/attribution.md).
  FlowFacts& fx = facts(f);
  const sig::Matcher& m = *fx.sigs;
  Verdict v = Attributor(m).decide(ev, VerdictScope::InstanceResponder);
  if (!v)
    return;
  v.usage = Usage::Product; // the site runs behind the product, whatever the product's role
  // The organisation published its own name into the vendor's edge: medium (a DNS answer shows
  // where the name points, not that the traffic of the site flows through it).
  v.confidence = Confidence::Medium;
  std::vector<LedgerEvidence> le; // only on an own-site answer, never per packet otherwise
  for (const auto& e : ev)
    if (e.indicator->vendor == v.vendor_index)
      le.push_back(LedgerEvidence{std::string(fieldName(e.field)), e.value, e.indicator->raw,
                                  e.indicator->sourceUrl});
  std::sort(le.begin(), le.end());
  LedgerAdd add;
  add.host = site;
  add.vendor_id = v.vendor->id;
  add.product_id = v.product->id;
  add.confidence = v.confidence;
  add.dns_lookups = 1; // not a flow of the site: instance `flows` stay as they are
  add.first = add.last = ts;
  add.evidence = le;
  ledger_.addInstance(add, IpAddr{});
  ++stats_.dns_own_site_answers;
  emitAlert(f, m, v, ts, site, HostRole::Server, ev);
}

void Classifier::quicPayload(FlowEntry& f, const DecodedPacket& p) {
  FlowInspect& in = *f.inspect;
  if (!in.quic) {
    if ((p.payload[0] & 0x80) == 0) { // QUIC Initials use the long header
      in.quic_done = true;
      return;
    }
    in.quic = std::make_unique<QuicInitialAssembler>();
  }
  const QuicStatus st = in.quic->feed(p.payload);
  if (st == QuicStatus::NeedMore)
    return;
  if (st == QuicStatus::Done) {
    if (const ClientHelloInfo* ch = in.quic->clientHello()) {
      ++stats_.quic_client_hellos;
      FlowFacts& fx = facts(f);
      if (!fx.quic) {
        fx.quic = std::make_unique<QuicFacts>();
        fx.quic->sni = ch->sni.str();
        fx.quic->alpn = ch->alpn.str();
        fx.quic->ja4 = ch->ja4.str();
      }
      const Attributor attr(*fx.sigs);
      attr.addName(Field::QuicSni, fx.quic->sni, fx.evidence);
      attr.addJa4(fx.quic->ja4, fx.evidence);
    }
  }
  in.quic.reset();
  in.quic_done = true;
  attribute(f, p.ts, false);
}

void Classifier::emitAlert(FlowEntry& f, const sig::Matcher& m, const Verdict& v, TimeUs ts,
                           const IpAddr& host, HostRole role, std::span<const EvidenceItem> ev) {
  if (!alerting_->wants(*v.vendor, v.usage)) {
    if (v.usage == Usage::Web && v.vendor->status != sig::VendorStatus::kAllowed) {
      ++stats_.web_verdicts; // counted in the ledger's `web` section, no event
      ++ledger_.coverage().web_verdicts;
    }
    return;
  }
  std::vector<EvidenceItem> mine;
  for (const auto& e : ev)
    if (inScope(e, role == HostRole::Client ? VerdictScope::Client
                                            : (e.sender == 0 ? VerdictScope::InstanceInitiator
                                                             : VerdictScope::InstanceResponder)) &&
        e.indicator->vendor == v.vendor_index)
      mine.push_back(e);
  VendorAlert a;
  a.flow = record(f, ts);
  a.flow.host = host;
  a.host = host;
  a.role = role;
  a.usage = v.usage;
  a.set = &m.set();
  a.vendor = v.vendor;
  a.product = v.product;
  a.confidence = v.confidence;
  a.evidence = mine;
  const std::uint64_t evicted = alerting_->dedupEvictions();
  const AlertOutcome out = alerting_->offer(a);
  ledger_.evictions().dedup += alerting_->dedupEvictions() - evicted;
  if (out == AlertOutcome::Written)
    ++stats_.vendor_alerts;
  else if (out == AlertOutcome::Deduplicated)
    ++stats_.alerts_deduplicated;
}

void Classifier::attribute(FlowEntry& f, TimeUs ts, bool final) {
  if (!f.facts || f.facts->evidence.empty())
    return;
  const bool dns_flow =
      f.facts->dns_transactions > 0 || (f.inspect && DnsInspector::hasPending(f.inspect->dns));
  if (dns_flow)
    return; // DNS flows are attributed per transaction (dnsLookupAttribution)
  FlowFacts& fx = *f.facts;
  attributeInstances(f, ts, final);
  const Verdict v = Attributor(*fx.sigs).decide(fx.evidence);
  if (!v)
    return;
  fx.verdict = v;
  f.attributed = true;
  f.confidence = static_cast<std::uint8_t>(v.confidence);
  // One event per flow and usage: a web verdict (--alert-web) may still be followed by the
  // product verdict of the same flow.
  bool& alerted = v.usage == Usage::Web ? f.alerted_web : f.alerted;
  if (alerted || (!v.named && !final))
    return;
  alerted = true;
  emitAlert(f, *fx.sigs, v, ts, clientHostOf(f), HostRole::Client, fx.evidence);
}

void Classifier::endFlow(FlowEntry& f, EndReason why) {
  if (f.inspect) {
    if (!f.inspect->dpi_done && f.inspect->dpi)
      finishDpi(f, true);
    if (f.inspect) {
      // Queries that never got an answer are transactions too.
      dns_->flush(f, f.inspect->dns);
    }
  }
  attribute(f, f.last_ts, true);

  const bool dns_flow = f.facts && f.facts->dns_transactions > 0;
  Coverage& cov = ledger_.coverage();
  ++cov.flows;
  const std::uint64_t total = f.bytes[0] + f.bytes[1];
  cov.bytes += total;
  if (f.attributed && !dns_flow && f.facts) {
    const Verdict& v = f.facts->verdict;
    ++stats_.attributed_flows;
    ++cov.flows_attributed;
    cov.bytes_attributed += total;
    std::vector<LedgerEvidence> le;
    bool via_cache = false;
    for (const auto& e : f.facts->evidence) {
      if (e.instance || e.indicator->vendor != v.vendor_index)
        continue;
      if (e.field == Field::DnsCache)
        via_cache = true;
      le.push_back(LedgerEvidence{std::string(fieldName(e.field)), e.value, e.indicator->raw,
                                  e.indicator->sourceUrl});
    }
    if (via_cache)
      ++cov.dns_cache_attributions;
    const IpAddr host = clientHostOf(f);
    const bool host_is_init = host == initiatorOf(f);
    const std::uint64_t up = host_is_init ? f.bytes[kToServer] : f.bytes[kToClient];
    const std::uint64_t down = host_is_init ? f.bytes[kToClient] : f.bytes[kToServer];
    if (v.usage == Usage::Web) {
      LedgerAdd add;
      add.host = host;
      add.vendor_id = v.vendor->id;
      add.product_id = v.product->id;
      add.confidence = v.confidence;
      add.flows = 1;
      add.bytes_to = up;
      add.bytes_from = down;
      add.first = f.first_ts;
      add.last = f.last_ts;
      add.evidence = le;
      ledger_.addWeb(add);
    } else {
      ledger_.addFlow(host, v.vendor->id, v.product->id, v.confidence, up, down, f.first_ts,
                      f.last_ts, le);
    }
  }
  ledgerInstances(f);
  if (f.dpi_master == 0 && f.dpi_app == 0)
    ++stats_.unknown_flows;

  FlowRecord r = record(f, f.last_ts);
  r.reason = why;
  r.ended = true;
  const DpiVerdict dv{f.dpi_master, f.dpi_app, f.dpi_category};
  // Protocol names cost a formatted string per flow: only when flow records are written.
  const std::string app = cfg_.keep_facts ? engine_.protocolName(dv) : std::string();
  const std::string cat = cfg_.keep_facts ? engine_.categoryName(dv) : std::string();
  r.app_proto = app;
  r.category = cat;
  sink_.flowEnded(r);
  table_.remove(&f, why);
}

void Classifier::tick(TimeUs now) {
  if (cfg_.clock_jump_ends_flows && now < last_expire_ - 1'000'000)
    endAll(EndReason::EndOfInput);
  expire(now);
  last_expire_ = now;
}

void Classifier::expire(TimeUs now) {
  if (cfg_.inspect_idle_timeout > 0) {
    while (FlowInspect* i = inspecting_->head) {
      if (now - i->owner->last_ts < cfg_.inspect_idle_timeout)
        break;
      inspectIdle(*i->owner);
    }
  }
  while (FlowEntry* c = table_.oldestClosing()) {
    if (now - c->close_ts < table_.config().close_linger)
      break;
    endFlow(*c, c->rst_seen ? EndReason::Rst : EndReason::Fin);
  }
  while (FlowEntry* o = table_.oldest()) {
    if (now - o->last_ts < table_.config().idle_timeout)
      break;
    endFlow(*o, EndReason::IdleTimeout);
  }
}

void Classifier::endAll(EndReason why) {
  // Ended in place, in order of start: ending a flow frees its slot but moves none, so the
  // pointers forEachByStart sorted stay valid, and no second list of every open flow is built
  // (it was 2-3 MB at the end of input, when memory peaks).
  table_.forEachByStart([this, why](FlowEntry& f) {
    endFlow(f, f.closing ? (f.rst_seen ? EndReason::Rst : EndReason::Fin) : why);
  });
}

} // namespace vw::classify
