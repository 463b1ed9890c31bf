// Merging of `scan --summary` documents and ledger exports, and the migration view (see
// report.h).
#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cstdio>
#include <ctime>
#include <tuple>

#include <fmt/format.h>

#include <vw/alerts/report.h>

namespace vw::alerts {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

constexpr std::int64_t kDayUs = 86'400'000'000LL;

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

std::string str(const Json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool sameEvidence(const Json& a, const Json& b) {
  return str(a, "field") == str(b, "field") && str(a, "value") == str(b, "value") &&
         str(a, "indicator") == str(b, "indicator");
}

/// Validates an evidence array and unites it into `into` (deduplicated, bounded).
bool uniteEvidence(std::vector<Json>& into, const Json& parent, std::string& err,
                   const std::string& where) {
  auto ev = parent.find("evidence");
  if (ev == parent.end() || ev->is_null())
    return true;
  if (!ev->is_array()) {
    err = where + ": \"evidence\" is not an array";
    return false;
  }
  for (const auto& x : *ev) {
    std::string field, ig;
    if (!x.is_object() || !getString(x, "field", field, true, err, where + ".evidence") ||
        !getString(x, "value", ig, false, err, where + ".evidence") ||
        !getString(x, "indicator", ig, false, err, where + ".evidence") ||
        !getString(x, "source", ig, false, err, where + ".evidence")) {
      if (err.empty())
        err = where + ": evidence item is not an object";
      return false;
    }
    if (into.size() >= kReportMaxEvidence)
      continue;
    if (std::none_of(into.begin(), into.end(), [&](const Json& y) { return sameEvidence(x, y); }))
      into.push_back(x);
  }
  return true;
}

void widen(std::string& first, std::string& last, const std::string& f, const std::string& l) {
  if (!f.empty() && (first.empty() || f < first))
    first = f;
  if (!l.empty() && (last.empty() || l > last))
    last = l;
}

/// Reads the counters common to every section.
bool readCounters(const Json& v, bool with_dns, std::uint64_t& flows, std::uint64_t& dns,
                  std::uint64_t& up, std::uint64_t& down, std::string& first, std::string& last,
                  std::string& err, const std::string& where) {
  dns = 0;
  return getCount(v, "flows", flows, err, where) &&
         (!with_dns || getCount(v, "dns_lookups", dns, err, where)) &&
         getCount(v, "bytes_to_vendor", up, err, where) &&
         getCount(v, "bytes_from_vendor", down, err, where) &&
         getString(v, "first_seen", first, false, err, where) &&
         getString(v, "last_seen", last, false, err, where);
}

/// Reads `active_days` ([["YYYY-MM-DD","YYYY-MM-DD"], ...]) if present.
bool readDays(const Json& v, DayRanges& out, bool& present, std::string& err,
              const std::string& where) {
  present = false;
  auto it = v.find("active_days");
  if (it == v.end() || it->is_null())
    return true;
  if (!it->is_array()) {
    err = where + ": \"active_days\" is not an array";
    return false;
  }
  for (const auto& r : *it) {
    std::int64_t a = 0, b = 0;
    if (!r.is_array() || r.size() != 2 || !r[0].is_string() || !r[1].is_string() ||
        !parseTime(r[0].get<std::string>(), a) || !parseTime(r[1].get<std::string>(), b) || b < a) {
      err = where + ": \"active_days\" holds something other than [first day, last day]";
      return false;
    }
    addDays(out, dayNumber(a), dayNumber(b));
  }
  present = true;
  return true;
}

/// The days between first_seen and last_seen (an input without active_days).
void spanDays(DayRanges& out, const std::string& first, const std::string& last) {
  std::int64_t a = 0, b = 0;
  if (!parseTime(first, a))
    return;
  if (!parseTime(last, b) || b < a)
    b = a;
  addDays(out, dayNumber(a), dayNumber(b));
}

bool hasDay(const DayRanges& r, std::int64_t d) {
  auto it = std::upper_bound(r.begin(), r.end(), std::make_pair(d, INT64_MAX));
  return it != r.begin() && std::prev(it)->second >= d;
}

OJson toOrdered(const Json& j) {
  return OJson::parse(j.dump());
}

} // namespace

void addDays(DayRanges& r, std::int64_t a, std::int64_t b) {
  if (b < a)
    std::swap(a, b);
  auto it = std::lower_bound(r.begin(), r.end(), std::make_pair(a, INT64_MIN));
  if (it != r.begin() && std::prev(it)->second + 1 >= a)
    --it;
  auto end = it;
  while (end != r.end() && end->first <= b + 1) {
    a = std::min(a, end->first);
    b = std::max(b, end->second);
    ++end;
  }
  it = r.erase(it, end);
  r.insert(it, {a, b});
}

bool parseTime(const std::string& s, std::int64_t& us) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, n = 0;
  std::tm tm{};
  if (s.size() == 10 && std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
    // date only
  } else if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) !=
                 6 ||
             n != 19) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
    return false;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  std::int64_t v = static_cast<std::int64_t>(timegm(&tm)) * 1'000'000;
  if (s.size() > 19) {
    std::size_t i = 19;
    if (s[i] == '.') {
      std::int64_t frac = 0;
      int digits = 0;
      for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
        if (digits < 6) {
          frac = frac * 10 + (s[i] - '0');
          ++digits;
        }
      while (digits++ < 6)
        frac *= 10;
      v += frac;
    }
    if (i != s.size() && !(i + 1 == s.size() && s[i] == 'Z'))
      return false;
  }
  us = v;
  return true;
}

std::int64_t dayNumber(std::int64_t us) {
  return us >= 0 ? us / kDayUs : -((-us + kDayUs - 1) / kDayUs);
}

std::string dayString(std::int64_t day) {
  const std::time_t t = static_cast<std::time_t>(day * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void ReportMerger::Counters::add(const Counters& o) {
  flows += o.flows;
  dns += o.dns;
  up += o.up;
  down += o.down;
  widen(first_seen, last_seen, o.first_seen, o.last_seen);
}

bool ReportMerger::add(const Json& doc, const std::string& name, std::string& err) {
  if (!doc.is_object() || !doc.contains("hosts") || !doc["hosts"].is_array()) {
    err = name + ": not a vendorwatch summary (expected an object with a \"hosts\" array)";
    return false;
  }
  // Validate and convert into a staging copy first so that a bad file changes nothing.
  State st = st_;
  if (!addTo(st, doc, name, err))
    return false;
  st_ = std::move(st);
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
    std::string f, l;
    if (auto x = m->find("first_packet"); x != m->end() && x->is_string())
      f = x->get<std::string>();
    if (auto x = m->find("last_packet"); x != m->end() && x->is_string())
      l = x->get<std::string>();
    widen(first_packet_, last_packet_, f, l);
  }
  return true;
}

bool ReportMerger::addTo(State& st, const Json& doc, const std::string& name,
                         std::string& err) const {
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
      std::string id, vname, status, conf, role;
      Counters c;
      if (!getString(v, "id", id, true, err, vw) || !getString(v, "name", vname, false, err, vw) ||
          !getString(v, "status", status, false, err, vw) ||
          !getString(v, "confidence", conf, false, err, vw) ||
          !getString(v, "role", role, false, err, vw) ||
          !readCounters(v, true, c.flows, c.dns, c.up, c.down, c.first_seen, c.last_seen, err, vw))
        return false;
      if (id.empty()) {
        err = vw + ": empty \"id\"";
        return false;
      }
      Entry& e = st.hosts[ip][{id, role.empty() ? "client" : role}];
      if (!role.empty()) {
        e.has_role = true;
        e.role = role;
      }
      if (e.name.empty())
        e.name = vname.empty() ? id : vname;
      if (e.status.empty() || e.status == "unknown")
        e.status = status.empty() ? "unknown" : status;
      e.c.add(c);
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
      if (!uniteEvidence(e.evidence, v, err, vw))
        return false;
      if (auto b = v.find("best"); b != v.end() && !b->is_null()) {
        if (!b->is_object()) {
          err = vw + ": \"best\" is not an object";
          return false;
        }
        if (e.best.is_null() ||
            confidenceRank(str(*b, "confidence")) > confidenceRank(str(e.best, "confidence")))
          e.best = *b;
      }
      if (auto bp = v.find("by_product"); bp != v.end() && !bp->is_null()) {
        if (!bp->is_object()) {
          err = vw + ": \"by_product\" is not an object";
          return false;
        }
        e.has_by_product = true;
        for (const auto& [pid, pv] : bp->items()) {
          const std::string pw = vw + ".by_product." + pid;
          Counters pc;
          if (!pv.is_object()) {
            err = pw + ": not an object";
            return false;
          }
          if (!readCounters(pv, true, pc.flows, pc.dns, pc.up, pc.down, pc.first_seen, pc.last_seen,
                            err, pw))
            return false;
          e.by_product[pid].add(pc);
        }
      }
      bool given = false;
      if (!readDays(v, e.days, given, err, vw))
        return false;
      if (given)
        e.explicit_days = true;
      else
        spanDays(e.days, c.first_seen, c.last_seen);
    }
  }

  // Vendor / product objects of the newer sections: {"id", "name", ...}.
  auto idOf = [&](const Json& x, const char* key, std::string& id, Json& obj, bool required,
                  const std::string& where) {
    auto it = x.find(key);
    if (it == x.end() || it->is_null()) {
      if (required)
        err = fmt::format("{}: missing \"{}\"", where, key);
      return !required;
    }
    if (it->is_string()) { // tolerate a bare id
      id = it->get<std::string>();
      obj = Json{{"id", id}, {"name", id}};
      return true;
    }
    if (!it->is_object() || !getString(*it, "id", id, true, err, where + "." + key))
      return err = err.empty() ? fmt::format("{}: \"{}\" is not an object", where, key) : err,
             false;
    obj = *it;
    return true;
  };
  auto section = [&](const char* key) -> const Json* {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null())
      return nullptr;
    return &*it;
  };
  if (const Json* arr = section("instances")) {
    if (!arr->is_array()) {
      err = name + ": \"instances\" is not an array";
      return false;
    }
    std::size_t i = 0;
    for (const auto& x : *arr) {
      const std::string w = fmt::format("{}: instances[{}]", name, i++);
      std::string ip, vid, pid, conf;
      Json vobj, pobj;
      Counters c;
      std::uint64_t count = 0;
      if (!x.is_object()) {
        err = w + ": not an object";
        return false;
      }
      if (!getString(x, "ip", ip, true, err, w) || !idOf(x, "vendor", vid, vobj, true, w) ||
          !idOf(x, "product", pid, pobj, false, w) ||
          !getString(x, "confidence", conf, false, err, w) ||
          !readCounters(x, false, c.flows, c.dns, c.up, c.down, c.first_seen, c.last_seen, err,
                        w) ||
          !getCount(x, "client_count", count, err, w))
        return false;
      Instance& in = st.instances[{ip, vid, pid}];
      if (in.vendor.is_null())
        in.vendor = vobj;
      if (in.product.is_null())
        in.product = pobj.is_null() ? Json{{"id", pid}, {"name", pid}} : pobj;
      in.c.add(c);
      in.confidence = std::max(in.confidence, confidenceRank(conf));
      if (!uniteEvidence(in.evidence, x, err, w))
        return false;
      std::size_t listed = 0;
      if (auto cl = x.find("clients"); cl != x.end() && !cl->is_null()) {
        if (!cl->is_array()) {
          err = w + ": \"clients\" is not an array";
          return false;
        }
        for (const auto& a : *cl) {
          if (!a.is_string()) {
            err = w + ": \"clients\" holds a non-string";
            return false;
          }
          in.clients.insert(a.get<std::string>());
          ++listed;
        }
      }
      in.client_count = std::max<std::uint64_t>({in.client_count, count, listed});
      bool given = false;
      if (!readDays(x, in.days, given, err, w))
        return false;
      if (given)
        in.explicit_days = true;
      else
        spanDays(in.days, c.first_seen, c.last_seen);
    }
  }
  if (const Json* arr = section("web")) {
    if (!arr->is_array()) {
      err = name + ": \"web\" is not an array";
      return false;
    }
    std::size_t i = 0;
    for (const auto& x : *arr) {
      const std::string w = fmt::format("{}: web[{}]", name, i++);
      std::string ip, vid;
      Json vobj;
      Counters c;
      if (!x.is_object()) {
        err = w + ": not an object";
        return false;
      }
      if (!getString(x, "ip", ip, true, err, w) || !idOf(x, "vendor", vid, vobj, true, w) ||
          !readCounters(x, false, c.flows, c.dns, c.up, c.down, c.first_seen, c.last_seen, err, w))
        return false;
      Web& wb = st.web[{ip, vid}];
      if (wb.vendor.is_null())
        wb.vendor = vobj;
      wb.c.add(c);
      if (!uniteEvidence(wb.evidence, x, err, w))
        return false;
    }
  }
  if (const Json* arr = section("inspection")) {
    if (!arr->is_array()) {
      err = name + ": \"inspection\" is not an array";
      return false;
    }
    std::size_t i = 0;
    for (const auto& x : *arr) {
      const std::string w = fmt::format("{}: inspection[{}]", name, i++);
      std::string vid, pid, ca;
      Json vobj, pobj;
      Counters c;
      std::uint64_t hosts = 0;
      if (!x.is_object()) {
        err = w + ": not an object";
        return false;
      }
      if (!idOf(x, "vendor", vid, vobj, true, w) || !idOf(x, "product", pid, pobj, false, w) ||
          !getString(x, "ca", ca, false, err, w) || !getCount(x, "hosts", hosts, err, w) ||
          !readCounters(x, false, c.flows, c.dns, c.up, c.down, c.first_seen, c.last_seen, err, w))
        return false;
      Inspection& in = st.inspection[{vid, pid, ca}];
      if (in.vendor.is_null())
        in.vendor = vobj;
      if (in.product.is_null())
        in.product = pobj.is_null() ? Json{{"id", pid}, {"name", pid}} : pobj;
      in.c.add(c);
      in.hosts = std::max(in.hosts, hosts);
    }
  }
  if (auto c = doc.find("coverage"); c != doc.end()) {
    if (!c->is_object()) {
      err = name + ": \"coverage\" is not an object";
      return false;
    }
    for (const auto& [k, val] : c->items()) {
      if (val.is_number_unsigned() || (val.is_number_integer() && val.get<std::int64_t>() >= 0))
        st.coverage[k] += val.get<std::uint64_t>();
    }
  }
  if (auto m = doc.find("vendorwatch"); m != doc.end() && m->is_object()) {
    if (auto ev = m->find("evictions"); ev != m->end() && ev->is_object())
      for (const auto& [k, val] : ev->items())
        if (val.is_number_unsigned() || (val.is_number_integer() && val.get<std::int64_t>() >= 0))
          st.evictions[k] += val.get<std::uint64_t>();
    // Days with captured packets: a ledger export lists them, a summary has its packet range.
    bool given = false;
    if (auto cd = m->find("covered_days"); cd != m->end()) {
      Json wrap{{"active_days", *cd}};
      if (!readDays(wrap, st.covered, given, err, name + ": vendorwatch.covered_days"))
        return false;
    }
    if (!given) {
      const std::string f = str(*m, "first_packet"), l = str(*m, "last_packet");
      if (!f.empty())
        spanDays(st.covered, f, l);
    }
  }
  return true;
}

OJson ReportMerger::result(const MigrationOptions* mig) const {
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
  if (!st_.evictions.empty())
    tool["evictions"] = st_.evictions;
  doc["vendorwatch"] = std::move(tool);

  std::vector<const std::string*> ips;
  for (const auto& [ip, _] : st_.hosts)
    ips.push_back(&ip);
  std::sort(ips.begin(), ips.end(),
            [](const std::string* a, const std::string* b) { return ipKey(*a) < ipKey(*b); });

  struct Total {
    std::string name, status;
    std::uint64_t hosts = 0, flows = 0, dns = 0, up = 0, down = 0;
  };
  std::map<std::string, Total> totals;
  auto countersJson = [](OJson& x, const Counters& c, bool dns) {
    x["flows"] = c.flows;
    if (dns)
      x["dns_lookups"] = c.dns;
    x["bytes_to_vendor"] = c.up;
    x["bytes_from_vendor"] = c.down;
    x["first_seen"] = c.first_seen;
    x["last_seen"] = c.last_seen;
  };
  auto evidenceJson = [](const std::vector<Json>& ev) {
    OJson a = OJson::array();
    for (const auto& y : ev)
      a.push_back(toOrdered(y));
    return a;
  };
  auto daysJson = [](const DayRanges& r) {
    OJson a = OJson::array();
    for (const auto& [x, y] : r)
      a.push_back(OJson::array({dayString(x), dayString(y)}));
    return a;
  };
  OJson hosts = OJson::array();
  for (const std::string* ip : ips) {
    const auto& vendors = st_.hosts.at(*ip);
    std::vector<std::pair<const HostKey*, const Entry*>> vs;
    for (const auto& [k, e] : vendors)
      vs.emplace_back(&k, &e);
    std::stable_sort(vs.begin(), vs.end(), [](const auto& a, const auto& b) {
      if (a.second->c.up != b.second->c.up)
        return a.second->c.up > b.second->c.up;
      return *a.first < *b.first;
    });
    OJson h;
    h["ip"] = *ip;
    OJson va = OJson::array();
    std::set<std::string> counted;
    for (const auto& [k, e] : vs) {
      const std::string& id = k->first;
      OJson x;
      x["id"] = id;
      x["name"] = e->name;
      x["status"] = e->status;
      if (e->has_role)
        x["role"] = e->role;
      x["products"] = std::vector<std::string>(e->products.begin(), e->products.end());
      countersJson(x, e->c, true);
      x["confidence"] = confidenceName(e->confidence);
      x["evidence"] = evidenceJson(e->evidence);
      if (!e->best.is_null())
        x["best"] = toOrdered(e->best);
      if (e->has_by_product) {
        OJson bp = OJson::object();
        for (const auto& [pid, pc] : e->by_product) {
          OJson y;
          countersJson(y, pc, true);
          bp[pid] = std::move(y);
        }
        x["by_product"] = std::move(bp);
      }
      if (e->explicit_days)
        x["active_days"] = daysJson(e->days);
      va.push_back(std::move(x));
      Total& t = totals[id];
      if (t.name.empty())
        t.name = e->name;
      if (t.status.empty() || t.status == "unknown")
        t.status = e->status;
      if (counted.insert(id).second)
        ++t.hosts;
      t.flows += e->c.flows;
      t.dns += e->c.dns;
      t.up += e->c.up;
      t.down += e->c.down;
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

  // Instances by address, then vendor and product.
  std::vector<const decltype(st_.instances)::value_type*> inst;
  for (const auto& kv : st_.instances)
    inst.push_back(&kv);
  std::stable_sort(inst.begin(), inst.end(), [](const auto* a, const auto* b) {
    const auto& [ia, va, pa] = a->first;
    const auto& [ib, vb, pb] = b->first;
    return std::make_tuple(ipKey(ia), va, pa) < std::make_tuple(ipKey(ib), vb, pb);
  });
  OJson instances = OJson::array();
  for (const auto* kv : inst) {
    const Instance& in = kv->second;
    OJson x;
    x["ip"] = std::get<0>(kv->first);
    x["vendor"] = toOrdered(in.vendor);
    x["product"] = toOrdered(in.product);
    x["flows"] = in.c.flows;
    x["first_seen"] = in.c.first_seen;
    x["last_seen"] = in.c.last_seen;
    x["confidence"] = confidenceName(in.confidence);
    x["evidence"] = evidenceJson(in.evidence);
    OJson cl = OJson::array();
    std::vector<const std::string*> cs;
    for (const auto& c : in.clients)
      cs.push_back(&c);
    std::sort(cs.begin(), cs.end(),
              [](const std::string* a, const std::string* b) { return ipKey(*a) < ipKey(*b); });
    for (const auto* c : cs) {
      if (cl.size() >= kReportMaxClients)
        break;
      cl.push_back(*c);
    }
    x["clients"] = std::move(cl);
    x["client_count"] = std::max<std::uint64_t>(in.client_count, in.clients.size());
    if (in.explicit_days)
      x["active_days"] = daysJson(in.days);
    instances.push_back(std::move(x));
  }
  doc["instances"] = std::move(instances);

  std::vector<const decltype(st_.web)::value_type*> webs;
  for (const auto& kv : st_.web)
    webs.push_back(&kv);
  std::stable_sort(webs.begin(), webs.end(), [](const auto* a, const auto* b) {
    return std::make_tuple(ipKey(a->first.first), a->first.second) <
           std::make_tuple(ipKey(b->first.first), b->first.second);
  });
  OJson web = OJson::array();
  for (const auto* kv : webs) {
    OJson x;
    x["ip"] = kv->first.first;
    x["vendor"] = toOrdered(kv->second.vendor);
    countersJson(x, kv->second.c, false);
    x["evidence"] = evidenceJson(kv->second.evidence);
    web.push_back(std::move(x));
  }
  doc["web"] = std::move(web);

  OJson insp = OJson::array();
  for (const auto& [k, in] : st_.inspection) {
    OJson x;
    x["vendor"] = toOrdered(in.vendor);
    x["product"] = toOrdered(in.product);
    x["ca"] = std::get<2>(k);
    x["flows"] = in.c.flows;
    x["hosts"] = in.hosts;
    x["first_seen"] = in.c.first_seen;
    x["last_seen"] = in.c.last_seen;
    insp.push_back(std::move(x));
  }
  doc["inspection"] = std::move(insp);

  OJson cov;
  static const char* const kKeys[] = {"flows",
                                      "flows_attributed",
                                      "bytes",
                                      "bytes_attributed",
                                      "tls_flows",
                                      "tls_flows_without_sni",
                                      "dns_cache_attributions"};
  auto get = [this](const char* k) -> std::uint64_t {
    auto it = st_.coverage.find(k);
    return it == st_.coverage.end() ? 0 : it->second;
  };
  for (const char* k : kKeys)
    cov[k] = get(k);
  const auto tls = get("tls_flows");
  cov["tls_without_sni_share"] =
      tls == 0 ? 0.0 : static_cast<double>(get("tls_flows_without_sni")) / static_cast<double>(tls);
  // Counters of newer versions (e.g. dns_unsolicited) are summed too.
  for (const auto& [k, v] : st_.coverage)
    if (!cov.contains(k))
      cov[k] = v;
  doc["coverage"] = std::move(cov);
  if (mig != nullptr)
    doc["migration"] = migration(*mig);
  return doc;
}

OJson ReportMerger::migration(const MigrationOptions& o) const {
  // One row per host x vendor x role: users from hosts[], instances united across products.
  struct Row {
    std::string name;
    std::set<std::string> products;
    std::string first, last;
    DayRanges days;
  };
  using Key = std::tuple<std::string, std::string, std::string>; // ip, vendor id, role
  std::map<Key, Row> rows;
  for (const auto& [ip, vs] : st_.hosts)
    for (const auto& [k, e] : vs) {
      Row& r = rows[{ip, k.first, k.second}];
      r.name = e.name;
      r.products.insert(e.products.begin(), e.products.end());
      widen(r.first, r.last, e.c.first_seen, e.c.last_seen);
      for (const auto& [a, b] : e.days)
        addDays(r.days, a, b);
    }
  for (const auto& [k, in] : st_.instances) {
    Row& r = rows[{std::get<0>(k), std::get<1>(k), "server"}];
    if (r.name.empty())
      r.name = str(in.vendor, "name").empty() ? std::get<1>(k) : str(in.vendor, "name");
    if (!std::get<2>(k).empty())
      r.products.insert(std::get<2>(k));
    widen(r.first, r.last, in.c.first_seen, in.c.last_seen);
    for (const auto& [a, b] : in.days)
      addDays(r.days, a, b);
  }

  std::int64_t as_of = o.as_of_us;
  if (as_of == 0 && !parseTime(last_packet_, as_of))
    as_of = 0;
  if (as_of == 0)
    for (const auto& [k, r] : rows) {
      std::int64_t t = 0;
      if (parseTime(r.last, t))
        as_of = std::max(as_of, t);
    }
  const std::int64_t stale_cut = as_of - static_cast<std::int64_t>(o.stale_days) * kDayUs;
  const std::int64_t since = o.since_us != 0 ? o.since_us : stale_cut;

  OJson m;
  m["as_of"] = as_of == 0 ? std::string() : dayString(dayNumber(as_of));
  m["since"] = dayString(dayNumber(since));
  m["stale_days"] = o.stale_days;
  m["deadline"] = o.deadline_us != 0 ? OJson(dayString(dayNumber(o.deadline_us))) : OJson();

  struct Counts {
    std::string name;
    std::uint64_t still = 0, stopped = 0, fresh = 0, after = 0;
  };
  std::map<std::pair<std::string, std::string>, Counts> counts; // vendor, role
  OJson list = OJson::array(), after = OJson::array();
  std::vector<const Key*> order;
  order.reserve(rows.size());
  for (const auto& [k, r] : rows)
    order.push_back(&k);
  std::stable_sort(order.begin(), order.end(), [](const Key* a, const Key* b) {
    return std::make_tuple(ipKey(std::get<0>(*a)), std::get<1>(*a), std::get<2>(*a)) <
           std::make_tuple(ipKey(std::get<0>(*b)), std::get<1>(*b), std::get<2>(*b));
  });
  for (const Key* k : order) {
    const Row& r = rows.at(*k);
    std::int64_t first = 0, last = 0;
    parseTime(r.first, first);
    if (!parseTime(r.last, last))
      last = first;
    // stopped: not seen in the last stale_days; new: first seen since `since`; still: the rest.
    const std::string contact = last < stale_cut ? "stopped" : (first >= since ? "new" : "still");
    const bool late = o.deadline_us != 0 && last >= o.deadline_us;
    Counts& c = counts[{std::get<1>(*k), std::get<2>(*k)}];
    c.name = r.name;
    if (contact == "new")
      ++c.fresh;
    else if (contact == "still")
      ++c.still;
    else
      ++c.stopped;
    if (late)
      ++c.after;
    OJson x;
    x["host"] = std::get<0>(*k);
    x["role"] = std::get<2>(*k);
    x["vendor_id"] = std::get<1>(*k);
    x["vendor_name"] = r.name;
    std::string prods;
    for (const auto& p : r.products)
      prods += (prods.empty() ? "" : ";") + p;
    x["products"] = prods;
    x["first_seen"] = r.first;
    x["last_seen"] = r.last;
    x["contact"] = contact;
    x["stopped_on"] = contact == "stopped" ? dayString(dayNumber(last)) : std::string();
    x["seen_after_deadline"] = o.deadline_us == 0 ? std::string() : late ? "yes" : "no";
    if (late)
      after.push_back(x);
    list.push_back(std::move(x));
  }
  OJson vc = OJson::array();
  for (const auto& [k, c] : counts)
    vc.push_back(OJson{{"vendor_id", k.first},
                       {"vendor_name", c.name},
                       {"role", k.second},
                       {"still", c.still},
                       {"stopped", c.stopped},
                       {"new", c.fresh},
                       {"seen_after_deadline", c.after}});
  m["vendors"] = std::move(vc);

  // Daily series of hosts in contact, per vendor and role, over the days with captured
  // packets (a day without capture is no evidence of absence, so it is not a point).
  DayRanges covered = st_.covered;
  if (covered.empty())
    for (const auto& [k, r] : rows)
      for (const auto& [a, b] : r.days)
        addDays(covered, a, b);
  OJson series = OJson::array();
  if (!covered.empty()) {
    const std::int64_t d0 = covered.front().first;
    const std::int64_t d1 = std::max(covered.back().second, as_of != 0 ? dayNumber(as_of) : d0);
    const std::size_t n = static_cast<std::size_t>(std::min<std::int64_t>(d1 - d0 + 1, 20000));
    std::map<std::pair<std::string, std::string>, std::vector<std::int64_t>> diff;
    for (const auto& [k, r] : rows) {
      auto& dv = diff[{std::get<1>(k), std::get<2>(k)}];
      if (dv.empty())
        dv.assign(n + 1, 0);
      for (const auto& [a, b] : r.days) {
        const std::int64_t lo = std::max(a, d0) - d0,
                           hi = std::min(b, d0 + static_cast<std::int64_t>(n) - 1) - d0;
        if (lo > hi)
          continue;
        ++dv[static_cast<std::size_t>(lo)];
        --dv[static_cast<std::size_t>(hi) + 1];
      }
    }
    for (const auto& [k, dv] : diff) {
      OJson pts = OJson::array();
      std::int64_t run = 0;
      for (std::size_t i = 0; i < n; ++i) {
        run += dv[i];
        const std::int64_t day = d0 + static_cast<std::int64_t>(i);
        if (hasDay(covered, day))
          pts.push_back(OJson::array({dayString(day), run}));
      }
      series.push_back(OJson{{"vendor_id", k.first},
                             {"vendor_name", counts[k].name},
                             {"role", k.second},
                             {"points", std::move(pts)}});
    }
  }
  m["series"] = std::move(series);
  m["hosts"] = std::move(list);
  if (o.deadline_us != 0)
    m["after_deadline"] = std::move(after);
  return m;
}

} // namespace vw::alerts
