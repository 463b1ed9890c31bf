#pragma once
// Independent, strict little parsers of what the encoders produce (RFC 5424, CEF), written from
// the specs, so the tests check the encoders by round trip and not against themselves.

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vw::alerts::test {

struct SdElement {
  std::string id;
  std::vector<std::pair<std::string, std::string>> params;
  std::string param(std::string_view name) const {
    for (const auto& [k, v] : params)
      if (k == name)
        return v;
    return "<missing>";
  }
};

struct Syslog5424 {
  int pri = -1;
  std::string version, timestamp, hostname, app_name, procid, msgid;
  std::vector<SdElement> sd; // empty for NILVALUE
  bool has_msg = false;
  std::string msg;
};

// RFC 5424 §6: HEADER SP STRUCTURED-DATA [SP MSG].
inline std::optional<Syslog5424> parse5424(std::string_view s) {
  Syslog5424 m;
  if (s.empty() || s[0] != '<')
    return std::nullopt;
  std::size_t gt = s.find('>');
  if (gt == std::string_view::npos || gt < 2 || gt > 4)
    return std::nullopt;
  m.pri = 0;
  for (std::size_t i = 1; i < gt; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return std::nullopt;
    m.pri = m.pri * 10 + (s[i] - '0');
  }
  std::size_t pos = gt + 1;
  std::string* fields[] = {&m.version, &m.timestamp, &m.hostname, &m.app_name, &m.procid, &m.msgid};
  for (std::string* f : fields) {
    std::size_t sp = s.find(' ', pos);
    if (sp == std::string_view::npos || sp == pos)
      return std::nullopt;
    *f = std::string(s.substr(pos, sp - pos));
    for (char c : *f)
      if (static_cast<unsigned char>(c) < 33 || static_cast<unsigned char>(c) > 126)
        return std::nullopt;
    pos = sp + 1;
  }
  if (pos >= s.size())
    return std::nullopt;
  if (s[pos] == '-') {
    ++pos;
  } else {
    while (pos < s.size() && s[pos] == '[') {
      SdElement e;
      ++pos;
      auto nameEnd = [&](std::size_t p) {
        while (p < s.size() && s[p] != ' ' && s[p] != '=' && s[p] != ']' && s[p] != '"')
          ++p;
        return p;
      };
      std::size_t ie = nameEnd(pos);
      e.id = std::string(s.substr(pos, ie - pos));
      if (e.id.empty() || e.id.size() > 32)
        return std::nullopt;
      pos = ie;
      while (pos < s.size() && s[pos] == ' ') {
        ++pos;
        std::size_t ne = nameEnd(pos);
        std::string name(s.substr(pos, ne - pos));
        if (name.empty() || name.size() > 32 || ne + 1 >= s.size() || s[ne] != '=' ||
            s[ne + 1] != '"')
          return std::nullopt;
        pos = ne + 2;
        std::string value;
        bool closed = false;
        while (pos < s.size()) {
          char c = s[pos];
          if (c == '\\' && pos + 1 < s.size() &&
              (s[pos + 1] == '"' || s[pos + 1] == '\\' || s[pos + 1] == ']')) {
            value += s[pos + 1];
            pos += 2;
            continue;
          }
          if (c == '"') {
            closed = true;
            ++pos;
            break;
          }
          if (c == ']') // an unescaped ']' inside PARAM-VALUE is invalid
            return std::nullopt;
          value += c;
          ++pos;
        }
        if (!closed)
          return std::nullopt;
        e.params.emplace_back(std::move(name), std::move(value));
      }
      if (pos >= s.size() || s[pos] != ']')
        return std::nullopt;
      ++pos;
      m.sd.push_back(std::move(e));
    }
    if (m.sd.empty())
      return std::nullopt;
  }
  if (pos == s.size())
    return m;
  if (s[pos] != ' ')
    return std::nullopt;
  m.has_msg = true;
  m.msg = std::string(s.substr(pos + 1));
  return m;
}

struct Cef {
  std::vector<std::string> header; // Version..Severity (7 fields, "CEF:0" first)
  std::map<std::string, std::string> ext;
  std::vector<std::string> ext_order;
};

// "CEF:0|a|b|c|d|e|sev|k=v k2=v2": header fields with \| and \\; extension with \= \\ \n \r.
inline std::optional<Cef> parseCef(std::string_view s) {
  Cef c;
  std::string cur;
  std::size_t pos = 0;
  while (pos < s.size() && c.header.size() < 7) {
    char ch = s[pos];
    if (ch == '\\' && pos + 1 < s.size() && (s[pos + 1] == '|' || s[pos + 1] == '\\')) {
      cur += s[pos + 1];
      pos += 2;
      continue;
    }
    if (ch == '\\')
      return std::nullopt; // a lone backslash is not allowed in the header
    if (ch == '|') {
      c.header.push_back(std::move(cur));
      cur.clear();
      ++pos;
      continue;
    }
    cur += ch;
    ++pos;
  }
  if (c.header.size() != 7 || c.header[0] != "CEF:0")
    return std::nullopt;
  std::string_view ext = s.substr(pos);
  // Key starts: an unescaped '=' preceded by [A-Za-z0-9_]+ which starts the string or follows a
  // space.
  struct Key {
    std::size_t key_begin, eq;
  };
  std::vector<Key> keys;
  for (std::size_t i = 0; i < ext.size(); ++i) {
    if (ext[i] == '\\') {
      ++i;
      continue;
    }
    if (ext[i] != '=')
      continue;
    std::size_t b = i;
    while (b > 0 && (std::isalnum(static_cast<unsigned char>(ext[b - 1])) || ext[b - 1] == '_'))
      --b;
    if (b == i || (b > 0 && ext[b - 1] != ' '))
      return std::nullopt; // '=' inside a value must be escaped
    keys.push_back({b, i});
  }
  for (std::size_t k = 0; k < keys.size(); ++k) {
    std::size_t vb = keys[k].eq + 1;
    std::size_t ve = k + 1 < keys.size() ? keys[k + 1].key_begin - 1 : ext.size();
    std::string raw(ext.substr(vb, ve - vb));
    std::string value;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size()) {
        char n = raw[++i];
        value += n == 'n' ? '\n' : n == 'r' ? '\r' : n;
        continue;
      }
      if (raw[i] == '\\')
        return std::nullopt;
      value += raw[i];
    }
    std::string key(ext.substr(keys[k].key_begin, keys[k].eq - keys[k].key_begin));
    c.ext_order.push_back(key);
    c.ext[key] = value;
  }
  return c;
}

// True if s is valid UTF-8 without C0/DEL/C1 controls.
inline bool cleanUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F)
      return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || i + n > s.size() || c > 0xF4)
      return false;
    std::uint32_t cp = c & (0x7F >> n);
    for (int k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp <= 0x9F))
      return false;
    i += n;
  }
  return true;
}

} // namespace vw::alerts::test
