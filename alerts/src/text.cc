// Text rules shared by the RFC 5424 and CEF encoders: UTF-8 repair, control-character
// removal, field character sets and escaping.

#include <vw/alerts/encode.h>

namespace vw::alerts::text {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i], 0 if invalid (RFC 3629 table 3-7).
std::size_t validSequenceLength(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const std::size_t left = s.size() - i;
  const unsigned char c = b(0);
  if (c < 0x80)
    return 1;
  auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < left && b(k) >= lo && b(k) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF)
    return cont(1) ? 2 : 0;
  if (c == 0xE0)
    return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
    return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) // no UTF-16 surrogates
    return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0)
    return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3)
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4)
    return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

} // namespace

std::string safeUtf8(std::string_view s, bool keep_crlf) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = validSequenceLength(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (n == 1) {
      if ((c == '\n' || c == '\r') && keep_crlf)
        out += static_cast<char>(c);
      else if (c < 0x20 || c == 0x7F)
        out += ' ';
      else
        out += static_cast<char>(c);
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      out += ' '; // C1 control U+0080..U+009F (includes NEL U+0085)
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string headerField(std::string_view s, std::size_t max_len) {
  std::string out;
  for (char ch : s) {
    if (out.size() >= max_len)
      break;
    const auto c = static_cast<unsigned char>(ch);
    out += (c >= 33 && c <= 126) ? ch : '_';
  }
  if (out.empty())
    out = "-";
  return out;
}

std::string sdName(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (out.size() >= 32)
      break;
    const auto c = static_cast<unsigned char>(ch);
    if (c < 33 || c > 126 || c == '=' || c == ']' || c == '"')
      continue;
    out += ch;
  }
  return out;
}

std::string sdParamValue(std::string_view s) {
  const std::string clean = safeUtf8(s);
  std::string out;
  out.reserve(clean.size() + 8);
  for (char ch : clean) {
    if (ch == '"' || ch == '\\' || ch == ']')
      out += '\\';
    out += ch;
  }
  return out;
}

std::string cefHeader(std::string_view s) {
  const std::string clean = safeUtf8(s);
  std::string out;
  out.reserve(clean.size() + 8);
  for (char ch : clean) {
    if (ch == '\\' || ch == '|')
      out += '\\';
    out += ch;
  }
  return out;
}

std::string cefExtension(std::string_view s) {
  const std::string clean = safeUtf8(s, /*keep_crlf=*/true);
  std::string out;
  out.reserve(clean.size() + 8);
  for (char ch : clean) {
    switch (ch) {
    case '\\':
      out += "\\\\";
      break;
    case '=':
      out += "\\=";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      out += ch;
    }
  }
  return out;
}

} // namespace vw::alerts::text
