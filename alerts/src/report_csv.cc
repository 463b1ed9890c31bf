// CSV writer of the merged report (see report.h).
#include <string>

#include <vw/alerts/report.h>

namespace vw::alerts {

std::string csvField(const std::string& in) {
  std::string s = in;
  if (!s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
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
  std::string out = "host,vendor_id,vendor_name,status,confidence,products,flows,dns_lookups,"
                    "bytes_to_vendor,bytes_from_vendor,first_seen,last_seen,evidence\r\n";
  auto str = [](const nlohmann::ordered_json& o, const char* k) -> std::string {
    auto it = o.find(k);
    if (it == o.end())
      return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  for (const auto& h : merged.at("hosts")) {
    const std::string ip = str(h, "ip");
    for (const auto& v : h.at("vendors")) {
      std::string products, evidence;
      for (const auto& p : v.at("products"))
        products += (products.empty() ? "" : ";") + p.get<std::string>();
      for (const auto& e : v.at("evidence"))
        evidence += (evidence.empty() ? "" : ";") + str(e, "field") + "=" + str(e, "value");
      const std::string cells[] = {ip,
                                   str(v, "id"),
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
                                   evidence};
      bool first = true;
      for (const auto& c : cells) {
        if (!first)
          out += ',';
        first = false;
        out += csvField(c);
      }
      out += "\r\n";
    }
  }
  return out;
}

} // namespace vw::alerts
