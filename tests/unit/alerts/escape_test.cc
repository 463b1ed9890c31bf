// The display escape (escape.h) and the human-facing writers that use it: hostile names from
// traffic (control bytes, terminal escape sequences, CR/LF, bidi overrides, invalid UTF-8,
// formula starts) never reach a terminal, a spreadsheet or a browser as acting bytes.

#include <string>

#include <catch2/catch.hpp>

#include <vw/alerts/escape.h>
#include <vw/alerts/report.h>

using vw::alerts::csvField;
using vw::alerts::escapeDisplay;
using vw::alerts::htmlEscape;

namespace {

// No C0 control, DEL or C1 control (as UTF-8) anywhere.
bool inert(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F)
      return false;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0)
      return false;
  }
  return true;
}

} // namespace

TEST_CASE("printable names pass unchanged", "[escape]") {
  CHECK(escapeDisplay("ts01-b.cloudsink.net") == "ts01-b.cloudsink.net");
  CHECK(escapeDisplay("Mozilla/5.0 (X11; Linux x86_64)") == "Mozilla/5.0 (X11; Linux x86_64)");
  CHECK(escapeDisplay("caf\xc3\xa9.example \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80") ==
        "caf\xc3\xa9.example \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80");
  CHECK(escapeDisplay("") == "");
}

TEST_CASE("control bytes and terminal escape sequences become visible \\xNN", "[escape]") {
  CHECK(escapeDisplay("evil\x1b[2J\x1b]0;pwned\x07.com") == R"(evil\x1b[2J\x1b]0;pwned\x07.com)");
  CHECK(escapeDisplay("a\r\nb\tc") == R"(a\x0d\x0ab\x09c)");
  CHECK(escapeDisplay(std::string("nul\0x", 5)) == R"(nul\x00x)");
  CHECK(escapeDisplay("del\x7f") == R"(del\x7f)");
  CHECK(escapeDisplay("back\bspace") == R"(back\x08space)");
}

TEST_CASE("the backslash is doubled so an escape is never ambiguous", "[escape]") {
  CHECK(escapeDisplay(R"(C:\x1b)") == R"(C:\\x1b)");
  CHECK(escapeDisplay("\x1b") != escapeDisplay(R"(\x1b)"));
}

TEST_CASE("invalid UTF-8 shows its bytes", "[escape]") {
  CHECK(escapeDisplay("\xff") == R"(\xff)");
  CHECK(escapeDisplay("\xc0\xaf") == R"(\xc0\xaf)");                 // overlong '/'
  CHECK(escapeDisplay("\xed\xa0\x80") == R"(\xed\xa0\x80)");         // UTF-16 surrogate
  CHECK(escapeDisplay("caf\xc3") == R"(caf\xc3)");                   // truncated sequence
  CHECK(escapeDisplay("\xf4\x90\x80\x80") == R"(\xf4\x90\x80\x80)"); // beyond U+10FFFF
}

TEST_CASE("C1 controls, bidi overrides and invisible code points become \\u{...}", "[escape]") {
  CHECK(escapeDisplay("\xc2\x9b"
                      "31m") == R"(\u{009B}31m)");   // 8-bit CSI
  CHECK(escapeDisplay("\xc2\x85") == R"(\u{0085})"); // NEL
  // "exe.txt" shown reversed by U+202E RIGHT-TO-LEFT OVERRIDE.
  CHECK(escapeDisplay("cloud\xe2\x80\xaetxt.exe") == R"(cloud\u{202E}txt.exe)");
  CHECK(escapeDisplay("a\xe2\x80\x8b"
                      "b") == R"(a\u{200B}b)");          // zero-width space
  CHECK(escapeDisplay("\xe2\x80\xa8") == R"(\u{2028})"); // line separator
  CHECK(escapeDisplay("\xef\xbb\xbfx") == R"(\u{FEFF}x)");
  CHECK(escapeDisplay("\xf3\xa0\x80\x81") == R"(\u{E0001})"); // language tag
  CHECK(escapeDisplay("\xc2\xa0") == "\xc2\xa0");             // NBSP prints: kept
}

TEST_CASE("every byte value alone or in a hostile mix comes out inert", "[escape]") {
  for (int b = 0; b < 256; ++b) {
    const std::string one(1, static_cast<char>(b));
    INFO("byte " << b);
    CHECK(inert(escapeDisplay(one)));
  }
  const std::string mix = std::string("ev\"il]\\n\r\n\x1b[31m\x7f\xff\xc0\xaf\xc2\x85\xc2\x9b") +
                          "\xe2\x80\xae" + "caf\xc3\xa9\xe2\x82";
  CHECK(inert(escapeDisplay(mix)));
}

TEST_CASE("CSV: control bytes escaped, formula starts neutralised (OWASP)", "[escape][csv]") {
  CHECK(csvField("=HYPERLINK(\"http://x\",\"y\")") ==
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  CHECK(csvField("+1") == "'+1");
  CHECK(csvField("-2+3") == "'-2+3");
  CHECK(csvField("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csvField("\tcmd") == R"('\x09cmd)");
  CHECK(csvField("\r=1") == R"('\x0d=1)");
  CHECK(csvField("a\r\nb") == R"(a\x0d\x0ab)"); // no raw line break inside a row
  CHECK(csvField("x\x1b[2Jy") == R"(x\x1b[2Jy)");
  CHECK(csvField("\xff\xfe") == R"(\xff\xfe)");
  CHECK(csvField("a,b") == "\"a,b\"");
  CHECK(csvField("ts01-b.cloudsink.net") == "ts01-b.cloudsink.net");
  CHECK(csvField("") == "");
}

TEST_CASE("HTML: control bytes escaped before the HTML metacharacters", "[escape][html]") {
  CHECK(htmlEscape("<b>x\x1b[31m</b>") == R"(&lt;b&gt;x\x1b[31m&lt;/b&gt;)");
  CHECK(htmlEscape("a\xe2\x80\xae"
                   "b\"'&") == R"(a\u{202E}b&quot;&#39;&amp;)");
  CHECK(htmlEscape("\xc0") == R"(\xc0)");
}
