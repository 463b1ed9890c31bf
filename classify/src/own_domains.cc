#include <algorithm>

#include <vw/classify/own_domains.h>

namespace vw::classify {
namespace {

bool labelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/// Checks one normalised domain; on error sets `why`.
bool validDomain(std::string_view d, std::string& why) {
  if (d.empty()) {
    why = "empty domain";
    return false;
  }
  if (d.size() > 253) {
    why = "longer than 253 bytes";
    return false;
  }
  if (d.front() == '*') {
    why = "no wildcard: give the domain itself, its subdomains are included";
    return false;
  }
  std::size_t start = 0;
  bool last_numeric = true;
  while (start <= d.size()) {
    std::size_t dot = d.find('.', start);
    if (dot == std::string_view::npos)
      dot = d.size();
    const std::string_view label = d.substr(start, dot - start);
    if (label.empty()) {
      why = "empty label";
      return false;
    }
    if (label.size() > 63) {
      why = "a label longer than 63 bytes";
      return false;
    }
    if (label.front() == '-' || label.back() == '-') {
      why = "a label starts or ends with '-'";
      return false;
    }
    last_numeric = true;
    for (const char c : label) {
      if (!labelChar(c)) {
        why = "invalid character (letters, digits, '-', '_' and '.' only)";
        return false;
      }
      if (c < '0' || c > '9')
        last_numeric = false;
    }
    start = dot + 1;
  }
  if (last_numeric) {
    why = "an address or all-numeric name is no domain";
    return false;
  }
  return true;
}

} // namespace

bool OwnDomains::parse(std::span<const std::string> entries, OwnDomains& out, std::string& err) {
  OwnDomains r = out;
  for (const auto& entry : entries) {
    std::size_t start = 0;
    while (start <= entry.size()) {
      std::size_t comma = entry.find(',', start);
      if (comma == std::string::npos)
        comma = entry.size();
      std::string d = entry.substr(start, comma - start);
      start = comma + 1;
      const auto b = d.find_first_not_of(" \t");
      const auto e = d.find_last_not_of(" \t");
      d = b == std::string::npos ? std::string() : d.substr(b, e - b + 1);
      const std::string shown = d;
      std::transform(d.begin(), d.end(), d.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      });
      if (!d.empty() && d.back() == '.')
        d.pop_back();
      std::string why;
      if (!validDomain(d, why)) {
        err = "'" + shown + "': " + why;
        return false;
      }
      if (std::find(r.domains_.begin(), r.domains_.end(), d) != r.domains_.end())
        continue;
      if (r.domains_.size() == kMaxDomains) {
        err = "more than " + std::to_string(kMaxDomains) + " domains";
        return false;
      }
      r.domains_.push_back(std::move(d));
    }
  }
  out = std::move(r);
  return true;
}

bool OwnDomains::contains(std::string_view name) const noexcept {
  for (const auto& d : domains_) {
    if (name.size() == d.size()) {
      if (name == d)
        return true;
    } else if (name.size() > d.size() && name[name.size() - d.size() - 1] == '.' &&
               name.substr(name.size() - d.size()) == d) {
      return true;
    }
  }
  return false;
}

} // namespace vw::classify
