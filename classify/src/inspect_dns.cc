#include "inspect_dns.h"

#include <vw/classify/attribution.h>
#include <vw/classify/flow_table.h>
#include <vw/signatures/matcher.h>

namespace vw::classify {
namespace sig = vw::signatures;

void DnsInspector::message(FlowEntry& f, std::unique_ptr<DnsPending>& pending,
                           std::span<const std::uint8_t> msg, const DecodedPacket& p,
                           std::uint8_t d) {
  const DnsParseStatus st = parseDnsMessage(msg, msg_);
  ++stats_.messages;
  if (st == DnsParseStatus::NotDns || st == DnsParseStatus::Malformed || !msg_.has_question) {
    ++stats_.malformed;
    return;
  }
  if (pending)
    expire(f, *pending, p.ts);
  if (msg_.is_response)
    response(f, pending, p, d);
  else
    query(f, pending, p, d);
}

void DnsInspector::query(FlowEntry& f, std::unique_ptr<DnsPending>& pending, const DecodedPacket& p,
                         std::uint8_t d) {
  FlowFacts& fx = host_.dnsFacts(f);
  const Attributor attr(*fx.sigs);
  attr.addName(Field::DnsQuery, msg_.qname.view(), fx.evidence);
  if (!pending)
    pending = std::make_unique<DnsPending>(); // once per DNS flow
  DnsPending& pq = *pending;
  if (pq.n == DnsPending::kMax) {
    // The bound: the oldest open query gives way (logged as unanswered, counted).
    unanswered(f, pq.q[0]);
    for (std::size_t i = 1; i < pq.n; ++i)
      pq.q[i - 1] = pq.q[i];
    --pq.n;
    ++stats_.pending_evicted;
  }
  if (pq.n == 1 && !pq.q.rest)
    pq.q.rest = std::make_unique<std::array<DnsPendingQuery, DnsPending::kMax - 1>>();
  DnsPendingQuery& q = pq.q[pq.n++];
  q.id = msg_.id;
  q.qtype = msg_.qtype;
  q.qclass = msg_.qclass;
  q.from = d;
  q.ts = p.ts;
  q.name.assign(msg_.qname.view());
  // The query alone names what the host looks up: it counts as the host's lookup.
  ev_scratch_.clear();
  attr.addName(Field::DnsQuery, msg_.qname.view(), ev_scratch_);
  if (!ev_scratch_.empty())
    host_.dnsLookup(f, p.src, ev_scratch_, p.ts);
}

void DnsInspector::response(FlowEntry& f, std::unique_ptr<DnsPending>& pending,
                            const DecodedPacket& p, std::uint8_t d) {
  // The response counts only if it answers a query the host sent on this flow (same 5-tuple,
  // opposite direction): same id, same question, within the pairing window.
  bool paired = false;
  if (pending) {
    DnsPending& pq = *pending;
    for (std::size_t i = 0; i < pq.n; ++i) {
      const DnsPendingQuery& q = pq.q[i];
      if (q.from != d && q.id == msg_.id && q.qtype == msg_.qtype && q.qclass == msg_.qclass &&
          q.name.view() == msg_.qname.view() && p.ts - q.ts <= cfg_.pair_window) {
        for (std::size_t k = i + 1; k < pq.n; ++k)
          pq.q[k - 1] = pq.q[k];
        --pq.n;
        paired = true;
        break;
      }
    }
  }
  const IpAddr querier = p.dst;
  FlowFacts& fx = host_.dnsFacts(f);
  // The answers the transaction keeps (A, AAAA, CNAME). Their text is made only when a
  // transaction fact is kept or logged; pairing, the cache and evidence read msg_ directly.
  const auto kept = [](const DnsAnswer& a) {
    return a.type == dnstype::kA || a.type == dnstype::kAaaa || a.type == dnstype::kCname;
  };
  std::size_t chain_len = 1;
  for (std::size_t i = 0; i < msg_.answer_count; ++i)
    chain_len += msg_.answers[i].type == dnstype::kCname ? 1 : 0;
  chain_.resize(chain_len);
  chain_[0].assign(msg_.qname.view());
  for (std::size_t i = 0, k = 1; i < msg_.answer_count; ++i)
    if (msg_.answers[i].type == dnstype::kCname)
      chain_[k++].assign(msg_.answers[i].data.view());
  ++fx.dns_transactions;
  if (!fx.dns_first || cfg_.log_dns) {
    DnsTxnFact txn;
    txn.query = msg_.qname.str();
    txn.qtype = msg_.qtype;
    txn.rcode = static_cast<std::int16_t>(msg_.rcode);
    txn.unsolicited = !paired;
    for (std::size_t i = 0; i < msg_.answer_count; ++i) {
      const DnsAnswer& a = msg_.answers[i];
      if (kept(a))
        txn.answers.push_back(DnsAnswerFact{a.type, a.data.str(), a.ttl});
    }
    if (!cfg_.log_dns) {
      fx.dns_first = std::make_unique<DnsTxnFact>(std::move(txn)); // only reached without one
    } else {
      if (!fx.dns_first)
        fx.dns_first = std::make_unique<DnsTxnFact>(txn);
      sink_.dnsTransaction(host_.dnsRecord(f, p.ts), txn);
    }
  }
  if (!paired) {
    // Unsolicited or mismatched (no query, wrong id, wrong question, too late, or another
    // flow): logged and counted, never evidence, never taught to the DNS cache.
    ++stats_.unsolicited;
    return;
  }
  for (std::size_t i = 0; i < msg_.answer_count; ++i) {
    const DnsAnswer& a = msg_.answers[i];
    if ((a.type == dnstype::kA || a.type == dnstype::kAaaa) && a.addr.family != 0)
      cache_.learn(querier, a.addr, chain_, p.ts, a.ttl);
  }
  if (!cfg_.own_domains.empty() && cfg_.own_domains.contains(msg_.qname.view()))
    ownSite(f, fx, p.ts);
  const Attributor attr(*fx.sigs);
  for (std::size_t i = 1; i < chain_.size(); ++i)
    attr.addName(Field::DnsCname, chain_[i], fx.evidence);
  // The query was counted as a lookup when it was sent: when its name matched, the response
  // adds no lookup; otherwise what only the response shows (CNAME targets, answer addresses)
  // may make one.
  if (fx.sigs->matchDomain(msg_.qname.view()))
    return;
  ev_scratch_.clear();
  for (std::size_t i = 0; i < msg_.answer_count; ++i) {
    const DnsAnswer& a = msg_.answers[i];
    if (a.type == dnstype::kCname)
      attr.addName(Field::DnsCname, a.data.view(), ev_scratch_);
    else if ((a.type == dnstype::kA || a.type == dnstype::kAaaa) && a.addr.family != 0)
      attr.addIp(Field::DnsAnswer, a.addr, ev_scratch_); // the binary address, not its text
  }
  if (!ev_scratch_.empty())
    host_.dnsLookup(f, querier, ev_scratch_, p.ts);
}

void DnsInspector::ownSite(FlowEntry& f, const FlowFacts& fx, TimeUs ts) {
  // Only paired responses come here. The answer chain's CNAME targets and addresses that lie
  // in a product of role cdn-edge (a vendor's reverse proxy / WAF / CDN edge: the products
  // whose ranges make `ip.inbound`) are evidence that the own site is served by that edge.
  const sig::Matcher& m = *fx.sigs;
  const sig::SignatureSet& set = m.set();
  own_ev_.clear();
  IpAddr site; // the first address answered for the name: the site's published address
  for (std::size_t i = 0; i < msg_.answer_count; ++i) {
    const DnsAnswer& a = msg_.answers[i];
    sig::Match hit;
    if (a.type == dnstype::kCname) {
      hit = m.matchDomain(a.data.view());
    } else if ((a.type == dnstype::kA || a.type == dnstype::kAaaa) && a.addr.family != 0) {
      if (site.family == 0)
        site = a.addr;
      hit = m.matchIp(a.addr.span());
    } else {
      continue;
    }
    if (!hit || set.productOf(*hit.indicator).role != sig::Role::kCdnEdge ||
        own_ev_.size() >= kMaxEvidencePerFlow)
      continue;
    EvidenceItem e;
    e.field = a.type == dnstype::kCname ? Field::DnsCname : Field::DnsAnswer;
    e.sender = 1; // the site, as the "responder" of the instance scope
    e.instance = true;
    e.value.reserve(msg_.qname.view().size() + 4 + a.data.view().size());
    e.value.append(msg_.qname.view()).append(" -> ").append(a.data.view());
    e.indicator = hit.indicator;
    own_ev_.push_back(std::move(e));
  }
  if (own_ev_.empty())
    return;
  if (site.family == 0) {
    ++stats_.own_site_unkeyed; // e.g. an AAAA query answered by the CNAME chain alone
    return;
  }
  host_.ownSite(f, site, own_ev_, ts);
}

void DnsInspector::unanswered(FlowEntry& f, const DnsPendingQuery& q) {
  DnsTxnFact t;
  t.query = q.name.str();
  t.qtype = q.qtype;
  FlowFacts& fx = host_.dnsFacts(f);
  ++fx.dns_transactions;
  if (!fx.dns_first)
    fx.dns_first = std::make_unique<DnsTxnFact>(t);
  if (cfg_.log_dns)
    sink_.dnsTransaction(host_.dnsRecord(f, q.ts), t);
}

void DnsInspector::expire(FlowEntry& f, DnsPending& pq, TimeUs now) {
  std::size_t keep = 0;
  for (std::size_t i = 0; i < pq.n; ++i) {
    if (now - pq.q[i].ts > cfg_.pair_window)
      unanswered(f, pq.q[i]);
    else
      pq.q[keep++] = pq.q[i];
  }
  pq.n = static_cast<std::uint8_t>(keep);
}

void DnsInspector::flush(FlowEntry& f, std::unique_ptr<DnsPending>& pending) {
  if (!pending)
    return;
  for (std::size_t i = 0; i < pending->n; ++i)
    unanswered(f, pending->q[i]);
  pending->n = 0;
}

} // namespace vw::classify
