#include <algorithm>
#include <map>

#include <fmt/format.h>

#include <vw/alerts/eve.h>
#include <vw/alerts/summary.h>

namespace vw::alerts {
namespace cl = vw::classify;
using Json = nlohmann::ordered_json;

std::string humanBytes(std::uint64_t n) {
  if (n < 1024)
    return fmt::format("{} B", n);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n) / 1024.0;
  int u = 0;
  while (v >= 1024.0 && u < 3) {
    v /= 1024.0;
    ++u;
  }
  return fmt::format("{:.1f} {}", v, units[u]);
}

namespace {

struct Row {
  const vw::IpAddr* host;
  const cl::LedgerEntry* e;
};

std::vector<Row> sortedRows(const cl::Ledger& ledger) {
  std::vector<Row> rows;
  for (const auto& [k, e] : ledger.entries())
    rows.push_back(Row{&k.first, &e});
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (!(*a.host == *b.host))
      return *a.host < *b.host;
    if (a.e->bytes_to_vendor != b.e->bytes_to_vendor)
      return a.e->bytes_to_vendor > b.e->bytes_to_vendor;
    return a.e->vendor_id < b.e->vendor_id;
  });
  return rows;
}

} // namespace

Json summaryJson(const cl::Ledger& ledger, const signatures::SignatureSet& sigs,
                 const SummaryMeta& meta) {
  Json doc;
  Json tool;
  tool["version"] = meta.tool_version;
  tool["signatures"] = meta.signature_version;
  tool["inputs"] = meta.inputs;
  tool["packets"] = meta.packets;
  if (meta.first_packet_us != 0) {
    tool["first_packet"] = isoTime(meta.first_packet_us);
    tool["last_packet"] = isoTime(meta.last_packet_us);
  }
  doc["vendorwatch"] = std::move(tool);

  Json hosts = Json::array();
  struct VendorTotal {
    std::uint64_t hosts = 0, flows = 0, dns = 0, up = 0, down = 0;
  };
  std::map<std::string, VendorTotal> totals;
  const auto rows = sortedRows(ledger);
  for (std::size_t i = 0; i < rows.size();) {
    const vw::IpAddr& host = *rows[i].host;
    Json h;
    h["ip"] = host.toString();
    Json vendors = Json::array();
    for (; i < rows.size() && *rows[i].host == host; ++i) {
      const cl::LedgerEntry& e = *rows[i].e;
      const auto* v = sigs.findVendor(e.vendor_id);
      Json x;
      x["id"] = e.vendor_id;
      x["name"] = v != nullptr ? v->name : e.vendor_id;
      x["status"] = v != nullptr ? std::string(signatures::toString(v->status)) : "unknown";
      x["products"] = Json(std::vector<std::string>(e.products.begin(), e.products.end()));
      x["flows"] = e.flows;
      x["dns_lookups"] = e.dns_lookups;
      x["bytes_to_vendor"] = e.bytes_to_vendor;
      x["bytes_from_vendor"] = e.bytes_from_vendor;
      x["first_seen"] = isoTime(e.first_seen);
      x["last_seen"] = isoTime(e.last_seen);
      x["confidence"] = cl::confidenceName(e.confidence);
      Json ev = Json::array();
      for (const auto& le : e.evidence) {
        Json y;
        y["field"] = le.field;
        y["value"] = le.value;
        y["indicator"] = le.indicator;
        y["source"] = le.source;
        ev.push_back(std::move(y));
      }
      x["evidence"] = std::move(ev);
      vendors.push_back(std::move(x));
      auto& t = totals[e.vendor_id];
      ++t.hosts;
      t.flows += e.flows;
      t.dns += e.dns_lookups;
      t.up += e.bytes_to_vendor;
      t.down += e.bytes_from_vendor;
    }
    h["vendors"] = std::move(vendors);
    hosts.push_back(std::move(h));
  }
  doc["hosts"] = std::move(hosts);

  Json vt = Json::array();
  for (const auto& [id, t] : totals) {
    const auto* v = sigs.findVendor(id);
    Json x;
    x["id"] = id;
    x["name"] = v != nullptr ? v->name : id;
    x["status"] = v != nullptr ? std::string(signatures::toString(v->status)) : "unknown";
    x["hosts"] = t.hosts;
    x["flows"] = t.flows;
    x["dns_lookups"] = t.dns;
    x["bytes_to_vendor"] = t.up;
    x["bytes_from_vendor"] = t.down;
    vt.push_back(std::move(x));
  }
  doc["vendors"] = std::move(vt);

  const cl::Coverage& c = ledger.coverage();
  Json cov;
  cov["flows"] = c.flows;
  cov["flows_attributed"] = c.flows_attributed;
  cov["bytes"] = c.bytes;
  cov["bytes_attributed"] = c.bytes_attributed;
  cov["tls_flows"] = c.tls_flows;
  cov["tls_flows_without_sni"] = c.tls_flows_without_sni;
  cov["tls_without_sni_share"] = c.tls_flows == 0 ? 0.0
                                                  : static_cast<double>(c.tls_flows_without_sni) /
                                                        static_cast<double>(c.tls_flows);
  cov["dns_cache_attributions"] = c.dns_cache_attributions;
  doc["coverage"] = std::move(cov);
  return doc;
}

std::string hostTable(const cl::Ledger& ledger, const signatures::SignatureSet& sigs) {
  std::string out;
  const auto rows = sortedRows(ledger);
  if (rows.empty())
    return "vendorwatch: no host talked to a listed vendor.\n";
  out += fmt::format("{:<39} {:<20} {:<7} {:<6} {:>5} {:>4} {:>11} {:>11}  {}\n", "HOST", "VENDOR",
                     "STATUS", "CONF", "FLOWS", "DNS", "UPLOADED", "DOWNLOADED", "EVIDENCE");
  for (const auto& r : rows) {
    const cl::LedgerEntry& e = *r.e;
    const auto* v = sigs.findVendor(e.vendor_id);
    std::string ev;
    if (!e.evidence.empty()) {
      // Show the most direct piece of evidence: a name the host used beats a certificate,
      // which beats a cached DNS answer, an address or a port.
      static const char* const kRank[] = {"tls.sni",    "quic.sni",   "http.host",
                                          "dns.query",  "dns.cname",  "tls.subject",
                                          "tls.issuer", "tls.san",    "http.user_agent",
                                          "dns.cache",  "dns.answer", "ja4",
                                          "ja3",        "ip",         "port"};
      auto rank = [](const std::string& f) {
        for (std::size_t i = 0; i < std::size(kRank); ++i)
          if (f == kRank[i])
            return i;
        return std::size(kRank);
      };
      const cl::LedgerEvidence* best = &*e.evidence.begin();
      for (const auto& x : e.evidence)
        if (rank(x.field) < rank(best->field))
          best = &x;
      ev = best->field + "=" + best->value;
      if (e.evidence.size() > 1)
        ev += fmt::format(" (+{})", e.evidence.size() - 1);
    }
    out += fmt::format("{:<39} {:<20} {:<7} {:<6} {:>5} {:>4} {:>11} {:>11}  {}\n",
                       r.host->toString(), v != nullptr ? v->name : e.vendor_id,
                       v != nullptr ? std::string(signatures::toString(v->status)) : "?",
                       cl::confidenceName(e.confidence), e.flows, e.dns_lookups,
                       humanBytes(e.bytes_to_vendor), humanBytes(e.bytes_from_vendor), ev);
  }
  return out;
}

} // namespace vw::alerts
