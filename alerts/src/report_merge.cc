// Merging of `scan --summary` documents (see report.h).
#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <tuple>

#include <fmt/format.h>

#include <vw/alerts/report.h>

namespace vw::alerts {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

int confidenceRank(const std::string& s) {
  if (s == "high")
    return 2;
  if (s == "medium")
    return 1;
  if (s == "low")
    return 0;
  return -1;
}

const char* confidenceName(int r) {
  switch (r) {
  case 2:
    return "high";
  case 1:
    return "medium";
  case 0:
    return "low";
  default:
    return "unknown";
  }
}

/// Sort key of an address: family (4 before 6), then the address bytes; unparsable strings
/// sort last, by text.
std::tuple<int, std::array<unsigned char, 16>, std::string> ipKey(const std::string& ip) {
  std::array<unsigned char, 16> b{};
  if (inet_pton(AF_INET, ip.c_str(), b.data()) == 1)
    return {4, b, ip};
  if (inet_pton(AF_INET6, ip.c_str(), b.data()) == 1)
    return {6, b, ip};
  return {9, b, ip};
}

bool getString(const Json& o, const char* key, std::string& out, bool required, std::string& err,
               const std::string& where) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    if (required)
      err = fmt::format("{}: missing \"{}\"", where, key);
    return !required;
  }
  if (!it->is_string()) {
    err = fmt::format("{}: \"{}\" is not a string", where, key);
    return false;
  }
  out = it->get<std::string>();
  return true;
}

bool getCount(const Json& o, const char* key, std::uint64_t& out, std::string& err,
              const std::string& where) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    out = 0;
    return true;
  }
  if (it->is_number_unsigned()) {
    out = it->get<std::uint64_t>();
    return true;
  }
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0) {
    out = static_cast<std::uint64_t>(it->get<std::int64_t>());
    return true;
  }
  err = fmt::format("{}: \"{}\" is not a non-negative integer", where, key);
  return false;
}

void addUnique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end())
    v.push_back(s);
}

} // namespace

bool ReportMerger::Evidence::operator<(const Evidence& o) const {
  return std::tie(field, value, indicator) < std::tie(o.field, o.value, o.indicator);
}

bool ReportMerger::add(const Json& doc, const std::string& name, std::string& err) {
  if (!doc.is_object() || !doc.contains("hosts") || !doc["hosts"].is_array()) {
    err = name + ": not a vendorwatch summary (expected an object with a \"hosts\" array)";
    return false;
  }
  // Validate and convert into a staging copy first so that a bad file changes nothing.
  auto hosts = hosts_;
  auto coverage = coverage_;
  std::size_t hi = 0;
  for (const auto& h : doc["hosts"]) {
    const std::string hw = fmt::format("{}: hosts[{}]", name, hi++);
    if (!h.is_object()) {
      err = hw + ": not an object";
      return false;
    }
    std::string ip;
    if (!getString(h, "ip", ip, true, err, hw))
      return false;
    if (ip.empty()) {
      err = hw + ": empty \"ip\"";
      return false;
    }
    auto vit = h.find("vendors");
    if (vit == h.end() || !vit->is_array()) {
      err = hw + ": missing \"vendors\" array";
      return false;
    }
    std::size_t vi = 0;
    for (const auto& v : *vit) {
      const std::string vw = fmt::format("{}.vendors[{}]", hw, vi++);
      if (!v.is_object()) {
        err = vw + ": not an object";
        return false;
      }
      std::string id, vname, status, first, last, conf;
      std::uint64_t flows = 0, dns = 0, up = 0, down = 0;
      if (!getString(v, "id", id, true, err, vw) || !getString(v, "name", vname, false, err, vw) ||
          !getString(v, "status", status, false, err, vw) ||
          !getString(v, "first_seen", first, false, err, vw) ||
          !getString(v, "last_seen", last, false, err, vw) ||
          !getString(v, "confidence", conf, false, err, vw) ||
          !getCount(v, "flows", flows, err, vw) || !getCount(v, "dns_lookups", dns, err, vw) ||
          !getCount(v, "bytes_to_vendor", up, err, vw) ||
          !getCount(v, "bytes_from_vendor", down, err, vw))
        return false;
      if (id.empty()) {
        err = vw + ": empty \"id\"";
        return false;
      }
      Entry& e = hosts[ip][id];
      if (e.name.empty())
        e.name = vname.empty() ? id : vname;
      if (e.status.empty() || e.status == "unknown")
        e.status = status.empty() ? "unknown" : status;
      e.flows += flows;
      e.dns += dns;
      e.up += up;
      e.down += down;
      if (!first.empty() && (e.first_seen.empty() || first < e.first_seen))
        e.first_seen = first;
      if (!last.empty() && (e.last_seen.empty() || last > e.last_seen))
        e.last_seen = last;
      e.confidence = std::max(e.confidence, confidenceRank(conf));
      if (auto p = v.find("products"); p != v.end()) {
        if (!p->is_array()) {
          err = vw + ": \"products\" is not an array";
          return false;
        }
        for (const auto& x : *p) {
          if (!x.is_string()) {
            err = vw + ": \"products\" holds a non-string";
            return false;
          }
          e.products.insert(x.get<std::string>());
        }
      }
      if (auto ev = v.find("evidence"); ev != v.end()) {
        if (!ev->is_array()) {
          err = vw + ": \"evidence\" is not an array";
          return false;
        }
        for (const auto& x : *ev) {
          Evidence y;
          if (!x.is_object() || !getString(x, "field", y.field, true, err, vw + ".evidence") ||
              !getString(x, "value", y.value, false, err, vw + ".evidence") ||
              !getString(x, "indicator", y.indicator, false, err, vw + ".evidence") ||
              !getString(x, "source", y.source, false, err, vw + ".evidence")) {
            if (err.empty())
              err = vw + ": evidence item is not an object";
            return false;
          }
          if (e.evidence.size() >= kReportMaxEvidence)
            continue;
          const bool dup = std::any_of(e.evidence.begin(), e.evidence.end(),
                                       [&](const auto& z) { return !(z < y) && !(y < z); });
          if (!dup)
            e.evidence.push_back(std::move(y));
        }
      }
    }
  }
  if (auto c = doc.find("coverage"); c != doc.end()) {
    if (!c->is_object()) {
      err = name + ": \"coverage\" is not an object";
      return false;
    }
    for (const auto& [k, val] : c->items()) {
      if (val.is_number_unsigned() || (val.is_number_integer() && val.get<std::int64_t>() >= 0))
        coverage[k] += val.get<std::uint64_t>();
    }
  }
  // Commit.
  hosts_ = std::move(hosts);
  coverage_ = std::move(coverage);
  ++added_;
  if (auto m = doc.find("vendorwatch"); m != doc.end() && m->is_object()) {
    if (auto x = m->find("version"); x != m->end() && x->is_string())
      addUnique(tool_versions_, x->get<std::string>());
    if (auto x = m->find("signatures"); x != m->end() && x->is_string())
      addUnique(sig_versions_, x->get<std::string>());
    if (auto x = m->find("inputs"); x != m->end() && x->is_array())
      for (const auto& i : *x)
        if (i.is_string())
          inputs_.push_back(i.get<std::string>());
    if (auto x = m->find("packets");
        x != m->end() &&
        (x->is_number_unsigned() || (x->is_number_integer() && x->get<std::int64_t>() >= 0)))
      packets_ += x->get<std::uint64_t>();
    if (auto x = m->find("first_packet"); x != m->end() && x->is_string()) {
      const auto s = x->get<std::string>();
      if (first_packet_.empty() || s < first_packet_)
        first_packet_ = s;
    }
    if (auto x = m->find("last_packet"); x != m->end() && x->is_string()) {
      const auto s = x->get<std::string>();
      if (last_packet_.empty() || s > last_packet_)
        last_packet_ = s;
    }
  }
  return true;
}

OJson ReportMerger::result() const {
  OJson doc;
  OJson tool;
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
      s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  tool["version"] = joined(tool_versions_);
  tool["signatures"] = joined(sig_versions_);
  tool["inputs"] = inputs_;
  tool["packets"] = packets_;
  if (!first_packet_.empty())
    tool["first_packet"] = first_packet_;
  if (!last_packet_.empty())
    tool["last_packet"] = last_packet_;
  tool["merged_summaries"] = added_;
  doc["vendorwatch"] = std::move(tool);

  std::vector<const std::string*> ips;
  for (const auto& [ip, _] : hosts_)
    ips.push_back(&ip);
  std::sort(ips.begin(), ips.end(),
            [](const std::string* a, const std::string* b) { return ipKey(*a) < ipKey(*b); });

  struct Total {
    std::string name, status;
    std::uint64_t hosts = 0, flows = 0, dns = 0, up = 0, down = 0;
  };
  std::map<std::string, Total> totals;
  OJson hosts = OJson::array();
  for (const std::string* ip : ips) {
    const auto& vendors = hosts_.at(*ip);
    std::vector<std::pair<const std::string*, const Entry*>> vs;
    for (const auto& [id, e] : vendors)
      vs.emplace_back(&id, &e);
    std::stable_sort(vs.begin(), vs.end(), [](const auto& a, const auto& b) {
      if (a.second->up != b.second->up)
        return a.second->up > b.second->up;
      return *a.first < *b.first;
    });
    OJson h;
    h["ip"] = *ip;
    OJson va = OJson::array();
    for (const auto& [id, e] : vs) {
      OJson x;
      x["id"] = *id;
      x["name"] = e->name;
      x["status"] = e->status;
      x["products"] = std::vector<std::string>(e->products.begin(), e->products.end());
      x["flows"] = e->flows;
      x["dns_lookups"] = e->dns;
      x["bytes_to_vendor"] = e->up;
      x["bytes_from_vendor"] = e->down;
      x["first_seen"] = e->first_seen;
      x["last_seen"] = e->last_seen;
      x["confidence"] = confidenceName(e->confidence);
      OJson ev = OJson::array();
      for (const auto& y : e->evidence)
        ev.push_back(OJson{{"field", y.field},
                           {"value", y.value},
                           {"indicator", y.indicator},
                           {"source", y.source}});
      x["evidence"] = std::move(ev);
      va.push_back(std::move(x));
      Total& t = totals[*id];
      if (t.name.empty())
        t.name = e->name;
      if (t.status.empty() || t.status == "unknown")
        t.status = e->status;
      ++t.hosts;
      t.flows += e->flows;
      t.dns += e->dns;
      t.up += e->up;
      t.down += e->down;
    }
    h["vendors"] = std::move(va);
    hosts.push_back(std::move(h));
  }
  doc["hosts"] = std::move(hosts);

  OJson vt = OJson::array();
  for (const auto& [id, t] : totals)
    vt.push_back(OJson{{"id", id},
                       {"name", t.name},
                       {"status", t.status},
                       {"hosts", t.hosts},
                       {"flows", t.flows},
                       {"dns_lookups", t.dns},
                       {"bytes_to_vendor", t.up},
                       {"bytes_from_vendor", t.down}});
  doc["vendors"] = std::move(vt);

  OJson cov;
  static const char* const kKeys[] = {"flows",
                                      "flows_attributed",
                                      "bytes",
                                      "bytes_attributed",
                                      "tls_flows",
                                      "tls_flows_without_sni",
                                      "dns_cache_attributions"};
  auto get = [this](const char* k) -> std::uint64_t {
    auto it = coverage_.find(k);
    return it == coverage_.end() ? 0 : it->second;
  };
  for (const char* k : kKeys)
    cov[k] = get(k);
  const auto tls = get("tls_flows");
  cov["tls_without_sni_share"] =
      tls == 0 ? 0.0 : static_cast<double>(get("tls_flows_without_sni")) / static_cast<double>(tls);
  doc["coverage"] = std::move(cov);
  return doc;
}

} // namespace vw::alerts
