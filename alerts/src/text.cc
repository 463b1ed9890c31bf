// Text rules shared by the RFC 5424 and CEF encoders (UTF-8 repair, field character sets and
// escaping) and the one display escape of every human-facing output (escape.h).

#include <vw/alerts/encode.h>
#include <vw/alerts/escape.h>

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
  const std::string clean = escapeDisplay(s);
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
  const std::string clean = escapeDisplay(s);
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
  const std::string clean = escapeDisplay(s); // no raw CR/LF left: the cases below are a guard
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

namespace vw::alerts {

namespace {

// Code point of the valid n-byte UTF-8 sequence at s[i].
char32_t decodeAt(std::string_view s, std::size_t i, std::size_t n) {
  const auto b = [&](std::size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]));
  };
  switch (n) {
  case 2:
    return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  case 3:
    return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  case 4:
    return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  default:
    return b(0);
  }
}

// Valid code points that print nothing or change how the text around them is shown.
bool invisibleCodePoint(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0xAD || c == 0x61C || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB) ||
         (c >= 0xE0000 && c <= 0xE007F);
}

constexpr char kHex[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";

} // namespace

void appendEscapedDisplay(std::string& out, std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = text::validSequenceLength(s, i);
    if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7F))) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      ++i;
      continue;
    }
    if (n == 1) {
      if (c == '\\')
        out += '\\';
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    const char32_t cp = decodeAt(s, i, n);
    if (invisibleCodePoint(cp)) {
      out += "\\u{";
      int shift = cp > 0xFFFF ? 16 : 12;
      if (cp > 0xFFFFF)
        shift = 20;
      for (; shift >= 0; shift -= 4)
        out += kHexUpper[(cp >> shift) & 0xF];
      out += '}';
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
}

std::string escapeDisplay(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  appendEscapedDisplay(out, s);
  return out;
}

} // namespace vw::alerts
