// CSV writer of the merged report (see report.h).
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <vw/alerts/escape.h>
#include <vw/alerts/report.h>

namespace vw::alerts {

std::string csvField(const std::string& in) {
  // Control bytes, invalid UTF-8 and invisible code points made visible (escape.h), then the
  // OWASP CSV-injection rule: a cell that starts with = + - @ TAB or CR gets a leading
  // apostrophe so that no spreadsheet evaluates it as a formula.
  std::string s = escapeDisplay(in);
  if (!in.empty() && (in[0] == '=' || in[0] == '+' || in[0] == '-' || in[0] == '@' ||
                      in[0] == '\t' || in[0] == '\r'))
    s.insert(s.begin(), '\'');
  if (s.find_first_of(",\"\r\n") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string reportCsv(const nlohmann::ordered_json& merged) {
  using OJson = nlohmann::ordered_json;
  // The first 13 columns are those of earlier versions, in the same order.
  std::string out = "host,vendor_id,vendor_name,status,confidence,products,flows,dns_lookups,"
                    "bytes_to_vendor,bytes_from_vendor,first_seen,last_seen,evidence,section,role,"
                    "contact,stopped_on,seen_after_deadline,clients,client_count,ca\r\n";
  auto str = [](const OJson& o, const char* k) -> std::string {
    auto it = o.find(k);
    if (it == o.end() || it->is_null())
      return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  auto sub = [&](const OJson& o, const char* obj, const char* k) -> std::string {
    auto it = o.find(obj);
    if (it == o.end())
      return "";
    if (it->is_string())
      return std::string(k) == "id" ? it->get<std::string>() : "";
    return it->is_object() ? str(*it, k) : "";
  };
  auto joinEvidence = [&](const OJson& o) {
    std::string evidence;
    if (auto ev = o.find("evidence"); ev != o.end() && ev->is_array())
      for (const auto& e : *ev)
        evidence += (evidence.empty() ? "" : ";") + str(e, "field") + "=" + str(e, "value");
    return evidence;
  };
  // The migration columns, by host x vendor x role.
  std::map<std::tuple<std::string, std::string, std::string>, const OJson*> contact;
  if (auto m = merged.find("migration"); m != merged.end() && m->is_object())
    if (auto hs = m->find("hosts"); hs != m->end() && hs->is_array())
      for (const auto& h : *hs)
        contact[{str(h, "host"), str(h, "vendor_id"), str(h, "role")}] = &h;
  // Cells given as: section, host, role, vendor_id, vendor_name, status, confidence, products,
  // flows, dns_lookups, bytes_to, bytes_from, first_seen, last_seen, contact, stopped_on,
  // seen_after_deadline, clients, client_count, ca, evidence; written in the header's order.
  auto row = [&out](std::initializer_list<std::string> in) {
    const std::vector<std::string> c(in);
    static constexpr std::size_t kOrder[] = {1,  3,  4, 5, 6,  7,  8,  9,  10, 11, 12,
                                             13, 20, 0, 2, 14, 15, 16, 17, 18, 19};
    std::vector<std::string> cells;
    for (std::size_t i : kOrder)
      cells.push_back(c.at(i));
    bool first = true;
    for (const auto& text : cells) {
      if (!first)
        out += ',';
      first = false;
      out += csvField(text);
    }
    out += "\r\n";
  };
  auto mig = [&](const std::string& ip, const std::string& vid, const std::string& role,
                 const char* k) {
    auto it = contact.find({ip, vid, role});
    return it == contact.end() ? std::string() : str(*it->second, k);
  };
  for (const auto& h : merged.at("hosts")) {
    const std::string ip = str(h, "ip");
    for (const auto& v : h.at("vendors")) {
      std::string products;
      for (const auto& p : v.at("products"))
        products += (products.empty() ? "" : ";") + p.get<std::string>();
      const std::string role = v.contains("role") ? str(v, "role") : "client";
      const std::string vid = str(v, "id");
      row({"usage",
           ip,
           role,
           vid,
           str(v, "name"),
           str(v, "status"),
           str(v, "confidence"),
           products,
           str(v, "flows"),
           str(v, "dns_lookups"),
           str(v, "bytes_to_vendor"),
           str(v, "bytes_from_vendor"),
           str(v, "first_seen"),
           str(v, "last_seen"),
           mig(ip, vid, role, "contact"),
           mig(ip, vid, role, "stopped_on"),
           mig(ip, vid, role, "seen_after_deadline"),
           "",
           "",
           "",
           joinEvidence(v)});
    }
  }
  if (auto in = merged.find("instances"); in != merged.end() && in->is_array())
    for (const auto& x : *in) {
      const std::string ip = str(x, "ip"), vid = sub(x, "vendor", "id");
      std::string clients;
      if (auto c = x.find("clients"); c != x.end() && c->is_array())
        for (const auto& a : *c)
          clients += (clients.empty() ? "" : ";") + (a.is_string() ? a.get<std::string>() : "");
      row({"instance",
           ip,
           "server",
           vid,
           sub(x, "vendor", "name"),
           sub(x, "vendor", "status"),
           str(x, "confidence"),
           sub(x, "product", "id"),
           str(x, "flows"),
           "",
           "",
           "",
           str(x, "first_seen"),
           str(x, "last_seen"),
           mig(ip, vid, "server", "contact"),
           mig(ip, vid, "server", "stopped_on"),
           mig(ip, vid, "server", "seen_after_deadline"),
           clients,
           str(x, "client_count"),
           "",
           joinEvidence(x)});
    }
  if (auto w = merged.find("web"); w != merged.end() && w->is_array())
    for (const auto& x : *w)
      row({"web",
           str(x, "ip"),
           "client",
           sub(x, "vendor", "id"),
           sub(x, "vendor", "name"),
           sub(x, "vendor", "status"),
           "",
           "",
           str(x, "flows"),
           "",
           str(x, "bytes_to_vendor"),
           str(x, "bytes_from_vendor"),
           str(x, "first_seen"),
           str(x, "last_seen"),
           "",
           "",
           "",
           "",
           "",
           "",
           joinEvidence(x)});
  if (auto i = merged.find("inspection"); i != merged.end() && i->is_array())
    for (const auto& x : *i)
      row({"inspection",
           "",
           "",
           sub(x, "vendor", "id"),
           sub(x, "vendor", "name"),
           sub(x, "vendor", "status"),
           "",
           sub(x, "product", "id"),
           str(x, "flows"),
           "",
           "",
           "",
           str(x, "first_seen"),
           str(x, "last_seen"),
           "",
           "",
           "",
           "",
           str(x, "hosts"),
           str(x, "ca"),
           ""});
  return out;
}

} // namespace vw::alerts
