#include <ctime>

#include <fmt/format.h>

#include <vw/alerts/eve.h>
#include <vw/classify/proto/dns.h>

namespace vw::alerts {
namespace cl = vw::classify;
using Json = nlohmann::ordered_json;

std::string isoTime(std::int64_t ts_us) {
  std::int64_t secs = ts_us / 1'000'000;
  std::int64_t us = ts_us % 1'000'000;
  if (us < 0) {
    us += 1'000'000;
    --secs;
  }
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

std::string dumpLine(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {
const char* protoName(std::uint8_t p) {
  switch (p) {
  case 6:
    return "TCP";
  case 17:
    return "UDP";
  case 1:
    return "ICMP";
  case 58:
    return "IPv6-ICMP";
  case 47:
    return "GRE";
  case 50:
    return "ESP";
  case 132:
    return "SCTP";
  default:
    return nullptr;
  }
}
std::string protoText(std::uint8_t p) {
  const char* n = protoName(p);
  return n != nullptr ? std::string(n) : std::to_string(p);
}
} // namespace

namespace {
/// The `vendor` and `product` objects shared by vendor events, inspection events and flow
/// records.
void addVendorProduct(Json& j, const signatures::Vendor& v, const signatures::Product& p) {
  Json vendor;
  vendor["id"] = v.id;
  vendor["name"] = v.name;
  vendor["country"] = v.country;
  vendor["status"] = std::string(signatures::toString(v.status));
  Json product;
  product["id"] = p.id;
  product["name"] = p.name;
  product["role"] = std::string(signatures::toString(p.role));
  j["vendor"] = std::move(vendor);
  j["product"] = std::move(product);
}
} // namespace

Json dnsJson(const cl::DnsTxnFact& t) {
  Json d;
  d["query"] = t.query;
  const char* tn = cl::dnsTypeName(t.qtype);
  d["type"] = (tn != nullptr && tn[0] != '\0') ? std::string(tn) : std::to_string(t.qtype);
  if (t.rcode >= 0) {
    const char* rn = cl::dnsRcodeName(static_cast<std::uint16_t>(t.rcode));
    d["rcode"] = (rn != nullptr && rn[0] != '\0') ? std::string(rn) : std::to_string(t.rcode);
  }
  if (!t.answers.empty()) {
    Json arr = Json::array();
    for (const auto& a : t.answers) {
      Json x;
      const char* an = cl::dnsTypeName(a.type);
      x["type"] = (an != nullptr && an[0] != '\0') ? std::string(an) : std::to_string(a.type);
      x["data"] = a.data;
      x["ttl"] = a.ttl;
      arr.push_back(std::move(x));
    }
    d["answers"] = std::move(arr);
  }
  if (t.unsolicited)
    d["unsolicited"] = true;
  return d;
}

EveRecordSink::EveRecordSink(EveOptions opt, std::shared_ptr<const signatures::SignatureSet> sigs,
                             std::vector<EventSink*> outs)
    : opt_(opt), sigs_(std::move(sigs)), outs_(std::move(outs)) {}

void EveRecordSink::setSignatures(std::shared_ptr<const signatures::SignatureSet> sigs) {
  sigs_ = std::move(sigs);
}

void EveRecordSink::write(const OutEvent& ev) {
  ++counts_[static_cast<int>(ev.kind)];
  for (EventSink* s : outs_)
    s->write(ev);
}

Json EveRecordSink::common(const cl::FlowRecord& r, const char* type) const {
  Json j;
  j["timestamp"] = isoTime(r.ts);
  j["flow_id"] = r.flow->id;
  j["event_type"] = type;
  j["src_ip"] = r.src_ip.toString();
  if (r.flow->key.proto == 6 || r.flow->key.proto == 17)
    j["src_port"] = r.src_port;
  j["dest_ip"] = r.dest_ip.toString();
  if (r.flow->key.proto == 6 || r.flow->key.proto == 17)
    j["dest_port"] = r.dest_port;
  j["proto"] = protoText(r.flow->key.proto);
  if (r.flow->key.vlan != 0)
    j["vlan"] = Json::array({r.flow->key.vlan});
  return j;
}

Json EveRecordSink::evidenceJson(std::span<const cl::EvidenceItem> ev) {
  Json arr = Json::array();
  for (const auto& e : ev) {
    Json x;
    x["field"] = std::string(cl::fieldName(e.field));
    x["value"] = e.value;
    if (e.indicator != nullptr) {
      x["indicator"] = e.indicator->raw;
      x["source"] = e.indicator->sourceUrl;
    }
    arr.push_back(std::move(x));
  }
  return arr;
}

void EveRecordSink::addVerdict(Json& j, const cl::FlowRecord& r) const {
  if (r.verdict == nullptr || !*r.verdict)
    return;
  const cl::Verdict& v = *r.verdict;
  addVendorProduct(j, *v.vendor, *v.product);
  j["confidence"] = cl::confidenceName(v.confidence);
  if (v.usage == cl::Usage::Web)
    j["usage"] = cl::usageName(v.usage);
  if (r.facts != nullptr) {
    Json arr = Json::array();
    for (const auto& e : r.facts->evidence)
      if (!e.instance && e.indicator != nullptr && e.indicator->vendor == v.vendor_index)
        arr.push_back(evidenceJson(std::span<const cl::EvidenceItem>(&e, 1))[0]);
    j["evidence"] = std::move(arr);
  }
}

void EveRecordSink::flowEnded(const cl::FlowRecord& r) {
  if (!opt_.log_flows)
    return;
  const cl::FlowEntry& f = *r.flow;
  Json j = common(r, "flow");
  j["app_proto"] = std::string(r.app_proto);
  if (!r.category.empty())
    j["app_category"] = std::string(r.category);
  j["host"] = r.host.toString();
  Json flow;
  flow["pkts_toserver"] = f.pkts[cl::kToServer];
  flow["pkts_toclient"] = f.pkts[cl::kToClient];
  flow["bytes_toserver"] = f.bytes[cl::kToServer];
  flow["bytes_toclient"] = f.bytes[cl::kToClient];
  flow["start"] = isoTime(f.first_ts);
  flow["end"] = isoTime(f.last_ts);
  flow["reason"] = cl::endReasonName(r.reason);
  flow["dpi_packets"] = f.dpi_packets;
  j["flow"] = std::move(flow);
  if (const cl::FlowFacts* fx = r.facts) {
    if (fx->tls) {
      const auto& t = *fx->tls;
      Json tls;
      if (!t.sni.empty())
        tls["sni"] = t.sni;
      if (!t.alpn.empty())
        tls["alpn"] = t.alpn;
      if (!t.ja3.empty())
        tls["ja3"] = t.ja3;
      if (!t.ja4.empty())
        tls["ja4"] = t.ja4;
      if (!t.subject.empty())
        tls["subject"] = t.subject;
      if (!t.issuer.empty())
        tls["issuer"] = t.issuer;
      if (!t.san.empty())
        tls["san"] = t.san;
      if (t.client_hello)
        tls["ech"] = t.ech;
      if (!tls.empty())
        j["tls"] = std::move(tls);
    }
    if (fx->quic) {
      Json q;
      if (!fx->quic->sni.empty())
        q["sni"] = fx->quic->sni;
      if (!fx->quic->alpn.empty())
        q["alpn"] = fx->quic->alpn;
      if (!fx->quic->ja4.empty())
        q["ja4"] = fx->quic->ja4;
      if (!q.empty())
        j["quic"] = std::move(q);
    }
    if (fx->dns_first) {
      Json d = dnsJson(*fx->dns_first);
      d["transactions"] = fx->dns_transactions;
      j["dns"] = std::move(d);
    }
    if (fx->http) {
      Json h;
      if (!fx->http->host.empty())
        h["host"] = fx->http->host;
      if (!fx->http->user_agent.empty())
        h["user_agent"] = fx->http->user_agent;
      if (!fx->http->connect.empty())
        h["connect"] = fx->http->connect;
      h["requests"] = fx->http->requests;
      j["http"] = std::move(h);
    }
  }
  addVerdict(j, r);
  OutEvent ev;
  ev.kind = EventKind::Flow;
  ev.ts_us = r.ts;
  ev.json = dumpLine(j);
  write(ev);
}

void EveRecordSink::vendorAlert(const cl::VendorAlert& a) {
  const auto& v = *a.vendor;
  const auto& p = *a.product;
  Json j = common(a.flow, "vendor");
  j["host"] = a.host.toString();
  j["host_role"] = cl::hostRoleName(a.role);
  j["usage"] = cl::usageName(a.usage);
  addVendorProduct(j, v, p);
  j["confidence"] = cl::confidenceName(a.confidence);
  j["evidence"] = evidenceJson(a.evidence);

  AlertFields af;
  af.host = a.host.toString();
  af.host_role = cl::hostRoleName(a.role);
  af.usage = cl::usageName(a.usage);
  af.src_ip = a.flow.src_ip.toString();
  af.dest_ip = a.flow.dest_ip.toString();
  af.src_port = a.flow.src_port;
  af.dest_port = a.flow.dest_port;
  af.proto = protoText(a.flow.flow->key.proto);
  af.vendor_id = v.id;
  af.vendor_name = v.name;
  af.vendor_country = v.country;
  af.vendor_status = std::string(signatures::toString(v.status));
  af.product_id = p.id;
  af.product_name = p.name;
  af.role = std::string(signatures::toString(p.role));
  af.confidence = cl::confidenceName(a.confidence);
  af.flow_id = a.flow.flow->id;
  for (const auto& e : a.evidence) {
    // The best name of the vendor side: a domain the client used or resolved.
    const bool name = e.field == cl::Field::TlsSni || e.field == cl::Field::QuicSni ||
                      e.field == cl::Field::HttpHost || e.field == cl::Field::DnsQuery ||
                      e.field == cl::Field::DnsCname || e.field == cl::Field::DnsCache ||
                      e.field == cl::Field::TlsSan;
    if (af.dest_name.empty() && name)
      af.dest_name = e.value;
  }
  if (!a.evidence.empty()) {
    af.evidence_field = std::string(cl::fieldName(a.evidence.front().field));
    af.evidence_value = a.evidence.front().value;
    if (a.evidence.front().indicator != nullptr)
      af.evidence_indicator = a.evidence.front().indicator->raw;
  }
  OutEvent ev;
  ev.kind = EventKind::Vendor;
  ev.ts_us = a.flow.ts;
  ev.json = dumpLine(j);
  ev.alert = std::move(af);
  write(ev);
}

void EveRecordSink::inspectionFound(const cl::InspectionRecord& r) {
  Json j = common(r.flow, "inspection");
  Json x;
  Json tmp;
  addVendorProduct(tmp, *r.vendor, *r.product);
  x["vendor"] = std::move(tmp["vendor"]);
  x["product"] = std::move(tmp["product"]);
  x["ca"] = std::string(r.ca);
  x["host"] = r.host.toString();
  if (r.indicator != nullptr) {
    x["indicator"] = r.indicator->raw;
    x["source"] = r.indicator->sourceUrl;
  }
  j["inspection"] = std::move(x);
  OutEvent ev;
  ev.kind = EventKind::Inspection;
  ev.ts_us = r.flow.ts;
  ev.json = dumpLine(j);
  write(ev);
}

void EveRecordSink::dnsTransaction(const cl::FlowRecord& r, const cl::DnsTxnFact& t) {
  Json j = common(r, "dns");
  j["dns"] = dnsJson(t);
  OutEvent ev;
  ev.kind = EventKind::Dns;
  ev.ts_us = r.ts;
  ev.json = dumpLine(j);
  write(ev);
}

void EveRecordSink::httpRequest(const cl::FlowRecord& r, const cl::HttpFacts& req) {
  Json j = common(r, "http");
  Json h = Json::object();
  if (!req.host.empty())
    h["host"] = req.host;
  if (!req.user_agent.empty())
    h["user_agent"] = req.user_agent;
  if (!req.connect.empty())
    h["connect"] = req.connect;
  j["http"] = std::move(h);
  OutEvent ev;
  ev.kind = EventKind::Http;
  ev.ts_us = r.ts;
  ev.json = dumpLine(j);
  write(ev);
}

} // namespace vw::alerts
