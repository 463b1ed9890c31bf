#include <charconv>

#include <vw/classify/home_net.h>

namespace vw::classify {

bool parsePrefix(std::string_view text, Prefix& out) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  const auto slash = text.find('/');
  const std::string_view addr = text.substr(0, slash);
  if (!IpAddr::parse(addr, out.net))
    return false;
  const unsigned max = out.net.isV4() ? 32 : 128;
  unsigned len = max;
  if (slash != std::string_view::npos) {
    const std::string_view l = text.substr(slash + 1);
    auto [p, ec] = std::from_chars(l.data(), l.data() + l.size(), len);
    if (ec != std::errc() || p != l.data() + l.size() || l.empty() || len > max)
      return false;
  }
  out.len = static_cast<std::uint8_t>(len);
  // Clear host bits so that contains() can compare whole bytes.
  for (unsigned bit = len; bit < max; ++bit)
    out.net.bytes[bit / 8] =
        static_cast<std::uint8_t>(out.net.bytes[bit / 8] & ~(0x80u >> (bit % 8)));
  return true;
}

bool prefixContains(const Prefix& p, const IpAddr& a) {
  if (p.net.family != a.family)
    return false;
  unsigned bits = p.len;
  for (unsigned i = 0; bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xffu << (8 - take));
    if ((a.bytes[i] & mask) != (p.net.bytes[i] & mask))
      return false;
    bits -= take;
  }
  return true;
}

HomeNet HomeNet::defaults() {
  HomeNet h;
  std::string err;
  parse("10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7,fe80::/10", h, err);
  return h;
}

bool HomeNet::parse(std::string_view list, HomeNet& out, std::string& error) {
  out.prefixes_.clear();
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    Prefix p;
    if (!parsePrefix(item, p)) {
      error = "invalid CIDR in home net: '" + std::string(item) + "'";
      return false;
    }
    out.prefixes_.push_back(p);
    if (comma == std::string_view::npos)
      break;
    list.remove_prefix(comma + 1);
  }
  if (out.prefixes_.empty()) {
    error = "home net is empty";
    return false;
  }
  return true;
}

bool HomeNet::contains(const IpAddr& a) const {
  for (const auto& p : prefixes_)
    if (prefixContains(p, a))
      return true;
  return false;
}

std::string HomeNet::toString() const {
  std::string s;
  for (const auto& p : prefixes_) {
    if (!s.empty())
      s += ',';
    s += p.net.toString() + "/" + std::to_string(p.len);
  }
  return s;
}

} // namespace vw::classify
