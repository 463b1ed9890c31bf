#pragma once
// Small builders shared by the classifier unit tests: an address from text, a DNS name in
// wire form.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/packet/ip_address.h>

namespace vw::test {

/// The address `s` (the test fails if it does not parse).
inline IpAddr ip(const char* s) {
  IpAddr a;
  REQUIRE(IpAddr::parse(s, a));
  return a;
}

/// Appends `name` to `m` as uncompressed DNS labels, ending with the root label.
inline void putDnsName(std::vector<std::uint8_t>& m, const std::string& name) {
  std::size_t start = 0;
  while (start <= name.size()) {
    auto dot = name.find('.', start);
    if (dot == std::string::npos)
      dot = name.size();
    m.push_back(static_cast<std::uint8_t>(dot - start));
    m.insert(m.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
             name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  m.push_back(0);
}

} // namespace vw::test
