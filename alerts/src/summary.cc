#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include <vw/alerts/escape.h>
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

namespace {

Json evidenceArray(const auto& evidence) {
  Json ev = Json::array();
  for (const auto& le : evidence) {
    Json y;
    y["field"] = le.field.str();
    y["value"] = le.value;
    y["indicator"] = le.indicator.str();
    y["source"] = le.source.str();
    ev.push_back(std::move(y));
  }
  return ev;
}

Json vendorRef(const signatures::SignatureSet& sigs, const std::string& id, bool with_status) {
  const auto* v = sigs.findVendor(id);
  Json x;
  x["id"] = id;
  x["name"] = v != nullptr ? v->name : id;
  if (with_status)
    x["status"] = v != nullptr ? std::string(signatures::toString(v->status)) : "unknown";
  return x;
}

Json productRef(const signatures::SignatureSet& sigs, const std::string& vendor_id,
                const std::string& id) {
  Json x;
  x["id"] = id;
  const signatures::Product* prod = nullptr;
  if (const auto* v = sigs.findVendor(vendor_id))
    for (auto pi : v->products)
      if (sigs.products()[pi].id == id)
        prod = &sigs.products()[pi];
  x["name"] = prod != nullptr ? prod->name : id;
  x["role"] = prod != nullptr ? std::string(signatures::toString(prod->role)) : "unknown";
  return x;
}

} // namespace

namespace {

/// The document's sections, built one at a time: summaryJson() puts them into one tree,
/// writeSummaryJson() dumps each (and each element of the arrays) and drops it, so that a
/// summary of tens of thousands of hosts never holds the whole tree (issue 13.4).
struct SummaryBuilder {
  const cl::Ledger& ledger;
  const signatures::SignatureSet& sigs;
  const SummaryMeta& meta;
  struct VendorTotal {
    std::uint64_t hosts = 0, flows = 0, dns = 0, up = 0, down = 0;
  };
  std::map<std::string, VendorTotal> totals; // filled by hosts()

  Json tool() const {
    Json tool;
    tool["version"] = meta.tool_version;
    tool["signatures"] = meta.signature_version;
    tool["inputs"] = meta.inputs;
    tool["packets"] = meta.packets;
    if (meta.first_packet_us != 0) {
      tool["first_packet"] = isoTime(meta.first_packet_us);
      tool["last_packet"] = isoTime(meta.last_packet_us);
    }
    const cl::LedgerEvictions& evx = ledger.evictions();
    Json evictions;
    evictions["hosts"] = evx.hosts;
    evictions["instances"] = evx.instances;
    evictions["web"] = evx.web;
    evictions["inspection"] = evx.inspection;
    evictions["dedup"] = evx.dedup;
    evictions["journal_dropped"] = evx.journal_dropped;
    tool["evictions"] = std::move(evictions);
    return tool;
  }

  /// Calls `each` with every host object in order.
  template <typename F> void hosts(F&& each) {
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
        x["name"] = v != nullptr ? v->name : e.vendor_id.str();
        x["status"] = v != nullptr ? std::string(signatures::toString(v->status)) : "unknown";
        x["products"] = Json(std::vector<std::string>(e.products.begin(), e.products.end()));
        x["flows"] = e.flows;
        x["dns_lookups"] = e.dns_lookups;
        x["bytes_to_vendor"] = e.bytes_to_vendor;
        x["bytes_from_vendor"] = e.bytes_from_vendor;
        x["first_seen"] = isoTime(e.first_seen);
        x["last_seen"] = isoTime(e.last_seen);
        x["confidence"] = cl::confidenceName(e.confidence);
        x["evidence"] = evidenceArray(e.evidence);
        x["role"] = cl::hostRoleName(e.role);
        if (e.best.confidence != cl::Confidence::None) {
          Json b;
          b["product"] = e.best.product;
          b["confidence"] = cl::confidenceName(e.best.confidence);
          b["evidence"] = evidenceArray(e.best.evidence);
          x["best"] = std::move(b);
        }
        Json bp = Json::object();
        for (const auto& [pid, c] : e.by_product) {
          Json y;
          y["flows"] = c.flows;
          y["dns_lookups"] = c.dns_lookups;
          y["bytes_to_vendor"] = c.bytes_to_vendor;
          y["bytes_from_vendor"] = c.bytes_from_vendor;
          y["first_seen"] = isoTime(c.first_seen);
          y["last_seen"] = isoTime(c.last_seen);
          bp[pid] = std::move(y);
        }
        x["by_product"] = std::move(bp);
        vendors.push_back(std::move(x));
        auto& t = totals[e.vendor_id];
        ++t.hosts;
        t.flows += e.flows;
        t.dns += e.dns_lookups;
        t.up += e.bytes_to_vendor;
        t.down += e.bytes_from_vendor;
      }
      h["vendors"] = std::move(vendors);
      each(std::move(h));
    }
  }

  template <typename F> void instances(F&& each) const {
    for (const auto& [k, e] : ledger.instances()) {
      Json x;
      x["ip"] = std::get<0>(k).toString();
      x["vendor"] = vendorRef(sigs, e.vendor_id, true);
      x["product"] = productRef(sigs, e.vendor_id, e.product_id);
      x["flows"] = e.flows;
      x["first_seen"] = isoTime(e.first_seen);
      x["last_seen"] = isoTime(e.last_seen);
      x["confidence"] = cl::confidenceName(e.confidence);
      x["evidence"] = evidenceArray(e.evidence);
      Json clients = Json::array();
      std::size_t n = 0;
      for (const auto& c : e.clients) {
        if (n++ == cl::InstanceEntry::kListedClients)
          break;
        clients.push_back(c.toString());
      }
      x["clients"] = std::move(clients);
      x["client_count"] = e.clientCount();
      each(std::move(x));
    }
  }

  template <typename F> void web(F&& each) const {
    for (const auto& [k, e] : ledger.web()) {
      Json x;
      x["ip"] = k.first.toString();
      x["vendor"] = vendorRef(sigs, e.vendor_id, false);
      x["flows"] = e.flows;
      x["dns_lookups"] = e.dns_lookups;
      x["bytes_to_vendor"] = e.bytes_to_vendor;
      x["bytes_from_vendor"] = e.bytes_from_vendor;
      x["first_seen"] = isoTime(e.first_seen);
      x["last_seen"] = isoTime(e.last_seen);
      x["evidence"] = evidenceArray(e.evidence);
      each(std::move(x));
    }
  }

  template <typename F> void inspection(F&& each) const {
    for (const auto& [k, e] : ledger.inspection()) {
      Json x;
      x["vendor"] = vendorRef(sigs, std::get<0>(k), true);
      x["product"] = productRef(sigs, std::get<0>(k), std::get<1>(k));
      x["ca"] = std::get<2>(k);
      x["flows"] = e.flows;
      x["hosts"] = e.hostCount();
      x["first_seen"] = isoTime(e.first_seen);
      x["last_seen"] = isoTime(e.last_seen);
      each(std::move(x));
    }
  }

  /// After hosts(): the per-vendor totals.
  template <typename F> void vendors(F&& each) const {
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
      each(std::move(x));
    }
  }

  Json coverage() const {
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
    cov["dns_unsolicited"] = c.dns_unsolicited;
    cov["dns_pending_evicted"] = c.dns_pending_evicted;
    cov["web_verdicts"] = c.web_verdicts;
    return cov;
  }
};

/// `j` dumped as nlohmann's dump(2) would print it `depth` levels down: the same text with
/// every line break followed by 2 x depth more spaces (a line break inside a string is escaped,
/// so every raw one is structural).
std::string dumpAt(const Json& j, int depth) {
  const std::string flat = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string pad(static_cast<std::size_t>(2 * depth), ' ');
  std::string out;
  out.reserve(flat.size() + flat.size() / 8);
  for (const char c : flat) {
    out += c;
    if (c == '\n')
      out += pad;
  }
  return out;
}

} // namespace

Json summaryJson(const cl::Ledger& ledger, const signatures::SignatureSet& sigs,
                 const SummaryMeta& meta) {
  SummaryBuilder b{ledger, sigs, meta, {}};
  Json doc;
  doc["vendorwatch"] = b.tool();
  const auto section = [&doc](const char* key) {
    Json& arr = doc[key];
    arr = Json::array();
    return [&arr](Json&& x) { arr.push_back(std::move(x)); };
  };
  b.hosts(section("hosts"));
  b.instances(section("instances"));
  b.web(section("web"));
  b.inspection(section("inspection"));
  b.vendors(section("vendors"));
  doc["coverage"] = b.coverage();
  return doc;
}

bool writeSummaryJson(const cl::Ledger& ledger, const signatures::SignatureSet& sigs,
                      const SummaryMeta& meta, const std::function<bool(std::string_view)>& out) {
  SummaryBuilder b{ledger, sigs, meta, {}};
  bool ok = out("{\n  \"vendorwatch\": ") && out(dumpAt(b.tool(), 1));
  const auto array = [&](const char* key, auto&& produce) {
    if (!ok)
      return;
    ok = out(",\n  \"") && out(key) && out("\": [");
    bool first = true;
    produce([&](Json&& x) {
      if (!ok)
        return;
      ok = out(first ? "\n    " : ",\n    ") && out(dumpAt(x, 2));
      first = false;
    });
    if (ok)
      ok = out(first ? "]" : "\n  ]");
  };
  array("hosts", [&](auto&& f) { b.hosts(f); });
  array("instances", [&](auto&& f) { b.instances(f); });
  array("web", [&](auto&& f) { b.web(f); });
  array("inspection", [&](auto&& f) { b.inspection(f); });
  array("vendors", [&](auto&& f) { b.vendors(f); });
  return ok && out(",\n  \"coverage\": ") && out(dumpAt(b.coverage(), 1)) && out("\n}");
}

namespace {

/// Reading helpers of ledgerFromSummary: every type error names the path.
struct Reader {
  std::string& err;
  bool fail(const std::string& where, const std::string& what) {
    err = where + ": " + what;
    return false;
  }
  bool str(const Json& o, const char* key, std::string& out, const std::string& where,
           bool required = true) {
    auto it = o.find(key);
    if (it == o.end())
      return required ? fail(where, std::string("missing \"") + key + "\"") : true;
    if (!it->is_string())
      return fail(where, std::string("\"") + key + "\" is not a string");
    out = it->get<std::string>();
    return true;
  }
  bool u64(const Json& o, const char* key, std::uint64_t& out, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end())
      return true; // counters default to 0
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<std::int64_t>() >= 0))
      return fail(where, std::string("\"") + key + "\" is not a non-negative integer");
    out = it->get<std::uint64_t>();
    return true;
  }
  bool time(const Json& o, const char* key, TimeUs& out, const std::string& where) {
    std::string s;
    if (!str(o, key, s, where, false))
      return false;
    if (s.empty())
      return true;
    if (!parseIsoTime(s, out))
      return fail(where, std::string("\"") + key + "\" is not an ISO 8601 time");
    return true;
  }
  bool confidence(const Json& o, const char* key, cl::Confidence& out, const std::string& where) {
    std::string s;
    if (!str(o, key, s, where, false))
      return false;
    if (s.empty() || s == "none")
      out = cl::Confidence::None;
    else if (s == "low")
      out = cl::Confidence::Low;
    else if (s == "medium")
      out = cl::Confidence::Medium;
    else if (s == "high")
      out = cl::Confidence::High;
    else
      return fail(where, "unknown confidence \"" + s + "\"");
    return true;
  }
  bool ip(const Json& o, const char* key, vw::IpAddr& out, const std::string& where) {
    std::string s;
    if (!str(o, key, s, where))
      return false;
    if (!vw::IpAddr::parse(s, out))
      return fail(where, "\"" + s + "\" is not an IP address");
    return true;
  }
  template <typename Set>
  bool evidence(const Json& o, const char* key, Set& out, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end())
      return true;
    if (!it->is_array())
      return fail(where, std::string("\"") + key + "\" is not an array");
    for (const auto& x : *it) {
      if (!x.is_object())
        return fail(where, "evidence item is not an object");
      cl::LedgerEvidence e;
      if (!str(x, "field", e.field, where + ".evidence") ||
          !str(x, "value", e.value, where + ".evidence", false) ||
          !str(x, "indicator", e.indicator, where + ".evidence", false) ||
          !str(x, "source", e.source, where + ".evidence", false))
        return false;
      if constexpr (requires { out.insert(e); })
        out.insert(std::move(e));
      else
        out.push_back(std::move(e));
    }
    return true;
  }
  /// str() and idOf() into a pooled string (ledger ids and evidence text).
  bool str(const Json& o, const char* key, cl::PooledString& out, const std::string& where,
           bool required = true) {
    std::string s;
    if (!str(o, key, s, where, required))
      return false;
    out = s;
    return true;
  }
  bool idOf(const Json& o, const char* key, cl::PooledString& out, const std::string& where) {
    std::string s;
    if (!idOf(o, key, s, where))
      return false;
    out = s;
    return true;
  }
  bool idOf(const Json& o, const char* key, std::string& out, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end())
      return fail(where, std::string("missing \"") + key + "\"");
    if (it->is_string()) {
      out = it->get<std::string>();
      return true;
    }
    if (!it->is_object())
      return fail(where, std::string("\"") + key + "\" is not an object");
    return str(*it, "id", out, where + "." + key);
  }
};

} // namespace

bool parseIsoTime(std::string_view s, std::int64_t& out_us) {
  // YYYY-MM-DDTHH:MM:SS[.ffffff]Z
  int Y, M, D, h, m, sec;
  if (s.size() < 20 || s.back() != 'Z')
    return false;
  if (std::sscanf(std::string(s.substr(0, 19)).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &Y, &M, &D, &h,
                  &m, &sec) != 6)
    return false;
  std::int64_t frac = 0;
  if (s.size() > 20) {
    if (s[19] != '.')
      return false;
    const auto digits = s.substr(20, s.size() - 21);
    if (digits.empty() || digits.size() > 6)
      return false;
    for (char c : digits) {
      if (c < '0' || c > '9')
        return false;
      frac = frac * 10 + (c - '0');
    }
    for (std::size_t i = digits.size(); i < 6; ++i)
      frac *= 10;
  }
  std::tm tm{};
  tm.tm_year = Y - 1900;
  tm.tm_mon = M - 1;
  tm.tm_mday = D;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = sec;
  const std::time_t t = timegm(&tm);
  out_us = static_cast<std::int64_t>(t) * 1'000'000 + frac;
  return true;
}

bool ledgerFromSummary(const Json& doc, cl::Ledger& out, std::string& err) {
  Reader r{err};
  if (!doc.is_object() || !doc.contains("hosts") || !doc["hosts"].is_array())
    return r.fail("summary",
                  "not a vendorwatch summary (expected an object with a \"hosts\" array)");
  if (auto t = doc.find("vendorwatch"); t != doc.end() && t->is_object())
    if (auto ev = t->find("evictions"); ev != t->end()) {
      if (!ev->is_object())
        return r.fail("vendorwatch.evictions", "not an object");
      cl::LedgerEvictions& x = out.evictions();
      if (!r.u64(*ev, "hosts", x.hosts, "vendorwatch.evictions") ||
          !r.u64(*ev, "instances", x.instances, "vendorwatch.evictions") ||
          !r.u64(*ev, "web", x.web, "vendorwatch.evictions") ||
          !r.u64(*ev, "inspection", x.inspection, "vendorwatch.evictions") ||
          !r.u64(*ev, "dedup", x.dedup, "vendorwatch.evictions") ||
          !r.u64(*ev, "journal_dropped", x.journal_dropped, "vendorwatch.evictions"))
        return false;
    }
  std::size_t hi = 0;
  for (const auto& h : doc["hosts"]) {
    const std::string hw = "hosts[" + std::to_string(hi++) + "]";
    if (!h.is_object())
      return r.fail(hw, "not an object");
    vw::IpAddr ip;
    if (!r.ip(h, "ip", ip, hw))
      return false;
    auto vs = h.find("vendors");
    if (vs == h.end() || !vs->is_array())
      return r.fail(hw, "\"vendors\" is not an array");
    std::size_t vi = 0;
    for (const auto& v : *vs) {
      const std::string vw = hw + ".vendors[" + std::to_string(vi++) + "]";
      if (!v.is_object())
        return r.fail(vw, "not an object");
      cl::LedgerEntry e;
      if (!r.str(v, "id", e.vendor_id, vw))
        return false;
      std::string role;
      if (!r.str(v, "role", role, vw, false))
        return false;
      if (role == "server")
        e.role = cl::HostRole::Server;
      else if (!role.empty() && role != "client")
        return r.fail(vw, "unknown role \"" + role + "\"");
      if (auto ps = v.find("products"); ps != v.end()) {
        if (!ps->is_array())
          return r.fail(vw, "\"products\" is not an array");
        for (const auto& p : *ps) {
          if (!p.is_string())
            return r.fail(vw, "product is not a string");
          e.products.insert(p.get<std::string>());
        }
      }
      if (!r.u64(v, "flows", e.flows, vw) || !r.u64(v, "dns_lookups", e.dns_lookups, vw) ||
          !r.u64(v, "bytes_to_vendor", e.bytes_to_vendor, vw) ||
          !r.u64(v, "bytes_from_vendor", e.bytes_from_vendor, vw) ||
          !r.time(v, "first_seen", e.first_seen, vw) || !r.time(v, "last_seen", e.last_seen, vw) ||
          !r.confidence(v, "confidence", e.confidence, vw) ||
          !r.evidence(v, "evidence", e.evidence, vw))
        return false;
      if (auto b = v.find("best"); b != v.end()) {
        if (!b->is_object())
          return r.fail(vw, "\"best\" is not an object");
        if (!r.str(*b, "product", e.best.product, vw + ".best") ||
            !r.confidence(*b, "confidence", e.best.confidence, vw + ".best") ||
            !r.evidence(*b, "evidence", e.best.evidence, vw + ".best"))
          return false;
      }
      if (auto bp = v.find("by_product"); bp != v.end()) {
        if (!bp->is_object())
          return r.fail(vw, "\"by_product\" is not an object");
        for (const auto& [pid, c] : bp->items()) {
          const std::string pw = vw + ".by_product." + pid;
          if (!c.is_object())
            return r.fail(pw, "not an object");
          cl::ProductCounters pc;
          if (!r.u64(c, "flows", pc.flows, pw) || !r.u64(c, "dns_lookups", pc.dns_lookups, pw) ||
              !r.u64(c, "bytes_to_vendor", pc.bytes_to_vendor, pw) ||
              !r.u64(c, "bytes_from_vendor", pc.bytes_from_vendor, pw) ||
              !r.time(c, "first_seen", pc.first_seen, pw) ||
              !r.time(c, "last_seen", pc.last_seen, pw))
            return false;
          e.by_product[pid] = pc;
        }
      }
      auto [it, fresh] = out.mutableEntries().try_emplace(cl::Ledger::Key{ip, e.vendor_id});
      if (fresh)
        it->second = std::move(e);
      else
        it->second.merge(e);
    }
  }
  if (auto is = doc.find("instances"); is != doc.end()) {
    if (!is->is_array())
      return r.fail("instances", "not an array");
    std::size_t i = 0;
    for (const auto& x : *is) {
      const std::string w = "instances[" + std::to_string(i++) + "]";
      if (!x.is_object())
        return r.fail(w, "not an object");
      vw::IpAddr ip;
      cl::InstanceEntry e;
      std::uint64_t count = 0;
      if (!r.ip(x, "ip", ip, w) || !r.idOf(x, "vendor", e.vendor_id, w) ||
          !r.idOf(x, "product", e.product_id, w) || !r.u64(x, "flows", e.flows, w) ||
          !r.time(x, "first_seen", e.first_seen, w) || !r.time(x, "last_seen", e.last_seen, w) ||
          !r.confidence(x, "confidence", e.confidence, w) ||
          !r.evidence(x, "evidence", e.evidence, w) || !r.u64(x, "client_count", count, w))
        return false;
      if (auto cs = x.find("clients"); cs != x.end()) {
        if (!cs->is_array())
          return r.fail(w, "\"clients\" is not an array");
        for (const auto& c : *cs) {
          vw::IpAddr a;
          if (!c.is_string() || !vw::IpAddr::parse(c.get<std::string>(), a))
            return r.fail(w, "client is not an IP address");
          e.addClient(a);
        }
      }
      e.client_count_floor = count;
      auto [it, fresh] = out.mutableInstances().try_emplace(
          cl::Ledger::InstanceKey{ip, e.vendor_id, e.product_id});
      if (fresh)
        it->second = std::move(e);
      else
        it->second.merge(e);
    }
  }
  if (auto ws = doc.find("web"); ws != doc.end()) {
    if (!ws->is_array())
      return r.fail("web", "not an array");
    std::size_t i = 0;
    for (const auto& x : *ws) {
      const std::string w = "web[" + std::to_string(i++) + "]";
      if (!x.is_object())
        return r.fail(w, "not an object");
      vw::IpAddr ip;
      cl::WebEntry e;
      if (!r.ip(x, "ip", ip, w) || !r.idOf(x, "vendor", e.vendor_id, w) ||
          !r.u64(x, "flows", e.flows, w) || !r.u64(x, "dns_lookups", e.dns_lookups, w) ||
          !r.u64(x, "bytes_to_vendor", e.bytes_to_vendor, w) ||
          !r.u64(x, "bytes_from_vendor", e.bytes_from_vendor, w) ||
          !r.time(x, "first_seen", e.first_seen, w) || !r.time(x, "last_seen", e.last_seen, w) ||
          !r.evidence(x, "evidence", e.evidence, w))
        return false;
      auto [it, fresh] = out.mutableWeb().try_emplace(cl::Ledger::Key{ip, e.vendor_id});
      if (fresh)
        it->second = std::move(e);
      else
        it->second.merge(e);
    }
  }
  if (auto ns = doc.find("inspection"); ns != doc.end()) {
    if (!ns->is_array())
      return r.fail("inspection", "not an array");
    std::size_t i = 0;
    for (const auto& x : *ns) {
      const std::string w = "inspection[" + std::to_string(i++) + "]";
      if (!x.is_object())
        return r.fail(w, "not an object");
      std::string vendor, product, ca;
      cl::InspectionEntry e;
      if (!r.idOf(x, "vendor", vendor, w) || !r.idOf(x, "product", product, w) ||
          !r.str(x, "ca", ca, w) || !r.u64(x, "flows", e.flows, w) ||
          !r.u64(x, "hosts", e.host_count_floor, w) || !r.time(x, "first_seen", e.first_seen, w) ||
          !r.time(x, "last_seen", e.last_seen, w))
        return false;
      auto [it, fresh] =
          out.mutableInspection().try_emplace(cl::Ledger::InspectionKey{vendor, product, ca});
      if (fresh)
        it->second = std::move(e);
      else
        it->second.merge(e);
    }
  }
  if (auto c = doc.find("coverage"); c != doc.end()) {
    if (!c->is_object())
      return r.fail("coverage", "not an object");
    cl::Coverage& cv = out.coverage();
    if (!r.u64(*c, "flows", cv.flows, "coverage") ||
        !r.u64(*c, "flows_attributed", cv.flows_attributed, "coverage") ||
        !r.u64(*c, "bytes", cv.bytes, "coverage") ||
        !r.u64(*c, "bytes_attributed", cv.bytes_attributed, "coverage") ||
        !r.u64(*c, "tls_flows", cv.tls_flows, "coverage") ||
        !r.u64(*c, "tls_flows_without_sni", cv.tls_flows_without_sni, "coverage") ||
        !r.u64(*c, "dns_cache_attributions", cv.dns_cache_attributions, "coverage") ||
        !r.u64(*c, "dns_unsolicited", cv.dns_unsolicited, "coverage") ||
        !r.u64(*c, "dns_pending_evicted", cv.dns_pending_evicted, "coverage") ||
        !r.u64(*c, "web_verdicts", cv.web_verdicts, "coverage"))
      return false;
  }
  return true;
}

namespace {

/// Display name of a product of `vendor_id` in `sigs`, or the id when the set does not know it.
std::string productName(const signatures::SignatureSet& sigs, const std::string& vendor_id,
                        const std::string& product_id) {
  if (const auto* v = sigs.findVendor(vendor_id))
    for (const std::uint32_t i : v->products)
      if (sigs.products()[i].id == product_id)
        return sigs.products()[i].name;
  return product_id;
}

/// Cut to `n` characters (display only).
std::string cut(std::string s, std::size_t n) {
  if (s.size() > n)
    s = s.substr(0, n - 3) + "...";
  return s;
}

/// "Where it runs": one line per instance (address x vendor x product) and one per
/// TLS-interception finding.
std::string instanceTable(const cl::Ledger& ledger, const signatures::SignatureSet& sigs) {
  std::string out;
  if (!ledger.instances().empty()) {
    out += fmt::format("{:<39} {:<20} {:<32} {:<6} {:>5} {:>7}  {}\n", "INSTANCE", "VENDOR",
                       "PRODUCT", "CONF", "FLOWS", "CLIENTS", "EVIDENCE");
    for (const auto& [k, e] : ledger.instances()) {
      const auto& [ip, vendor_id, product_id] = k;
      const auto* v = sigs.findVendor(vendor_id);
      std::string ev;
      if (!e.evidence.empty()) {
        const cl::LedgerEvidence& x = *e.evidence.begin();
        ev = cut(x.field.str() + "=" + x.value, 60);
        if (e.evidence.size() > 1)
          ev += fmt::format(" (+{})", e.evidence.size() - 1);
      }
      out += fmt::format("{:<39} {:<20} {:<32} {:<6} {:>5} {:>7}  {}\n", ip.toString(),
                         v != nullptr ? v->name : vendor_id,
                         cut(productName(sigs, vendor_id, product_id), 32),
                         cl::confidenceName(e.confidence), e.flows, e.clientCount(), ev);
    }
  }
  for (const auto& [k, e] : ledger.inspection()) {
    const auto& [vendor_id, product_id, ca] = k;
    const auto* v = sigs.findVendor(vendor_id);
    out += fmt::format("TLS inspection by {} ({}): CA \"{}\", {} flows, {} hosts\n",
                       v != nullptr ? v->name : vendor_id, productName(sigs, vendor_id, product_id),
                       ca, e.flows, e.hostCount());
  }
  return out;
}

} // namespace

std::string hostTable(const cl::Ledger& ledger, const signatures::SignatureSet& sigs) {
  std::string out;
  const auto rows = sortedRows(ledger);
  std::string instances = instanceTable(ledger, sigs);
  if (rows.empty() && instances.empty())
    return "vendorwatch: no host talked to a listed vendor.\n";
  if (rows.empty())
    return instances;
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
        if (rank(x.field.str()) < rank(best->field.str()))
          best = &x;
      // Names come from traffic: escaped, so that no byte of them acts on the terminal.
      ev = escapeDisplay(best->field.str()) + "=" + escapeDisplay(best->value);
      if (e.evidence.size() > 1)
        ev += fmt::format(" (+{})", e.evidence.size() - 1);
    }
    out +=
        fmt::format("{:<39} {:<20} {:<7} {:<6} {:>5} {:>4} {:>11} {:>11}  {}\n", r.host->toString(),
                    escapeDisplay(v != nullptr ? v->name : e.vendor_id.str()),
                    v != nullptr ? std::string(signatures::toString(v->status)) : "?",
                    cl::confidenceName(e.confidence), e.flows, e.dns_lookups,
                    humanBytes(e.bytes_to_vendor), humanBytes(e.bytes_from_vendor), ev);
  }
  if (!instances.empty())
    out += "\n" + instances;
  return out;
}

} // namespace vw::alerts
