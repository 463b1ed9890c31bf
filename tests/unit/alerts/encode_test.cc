// Unit tests of the RFC 5424 and CEF encoders.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <vw/alerts/encode.h>

#include "wire_parsers.h"

using namespace vw::alerts;
using vw::alerts::test::cleanUtf8;
using vw::alerts::test::parse5424;
using vw::alerts::test::parseCef;

namespace {

OutEvent vendorEvent() {
  OutEvent ev;
  ev.kind = EventKind::Vendor;
  ev.ts_us = 1709294400123456; // 2024-03-01T12:00:00.123456Z
  ev.json = R"({"timestamp":"2024-03-01T12:00:00.123456+0000","event_type":"vendor"})";
  AlertFields a;
  a.host = "10.1.2.3";
  a.src_ip = "10.1.2.3";
  a.dest_ip = "203.0.113.7";
  a.src_port = 51515;
  a.dest_port = 443;
  a.proto = "TCP";
  a.dest_name = "ts01-b.cloudsink.net";
  a.vendor_id = "crowdstrike";
  a.vendor_name = "CrowdStrike";
  a.vendor_country = "US";
  a.vendor_status = "banned";
  a.product_id = "falcon-sensor";
  a.product_name = "Falcon sensor";
  a.role = "agent";
  a.confidence = "high";
  a.evidence_field = "tls.sni";
  a.evidence_value = "ts01-b.cloudsink.net";
  a.evidence_indicator = "*.cloudsink.net";
  a.flow_id = 42;
  ev.alert = a;
  return ev;
}

EncodeOptions sensorOptions() {
  EncodeOptions o;
  o.hostname = "sensor-1";
  o.procid = "4242";
  o.facility = 16;
  o.product_version = "1.2.3";
  return o;
}

// Names an attacker controls (SNI, Host, DNS query) with every character that could break
// framing: quotes, backslashes, brackets, pipes, equals, CR/LF, other controls, invalid UTF-8
// (a lone 0xFF, an overlong '/', a UTF-16 surrogate, a truncated sequence) and NEL (U+0085).
const std::string kHostile = std::string("ev\"il]\\na|me=x\r\ninjected: <13>1 - - - - - -") +
                             "\x01\x1b[31m\x7f" + "\xff" + "\xc0\xaf" + "\xed\xa0\x80" +
                             "\xc2\x85" + "caf\xc3\xa9" + "\xe2\x82";

// What every hostile byte turns into in the MSG (safeUtf8, the JSON line): valid UTF-8,
// controls as spaces, invalid bytes as U+FFFD (one per byte).
const std::string kHostileClean = std::string("ev\"il]\\na|me=x  injected: <13>1 - - - - - -") +
                                  "  [31m " + "\xEF\xBF\xBD" + "\xEF\xBF\xBD\xEF\xBF\xBD" +
                                  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" + " " + "caf\xc3\xa9" +
                                  "\xEF\xBF\xBD\xEF\xBF\xBD";

// What a person sees of it in an SD-PARAM or a CEF field (escapeDisplay): every control byte
// and every byte of invalid UTF-8 as \xNN, NEL as \u{0085}, the backslash doubled.
const std::string kHostileShown =
    std::string(
        R"(ev"il]\\na|me=x\x0d\x0ainjected: <13>1 - - - - - -\x01\x1b[31m\x7f\xff\xc0\xaf)") +
    R"(\xed\xa0\x80\u{0085}caf)" + "\xc3\xa9" + R"(\xe2\x82)";

} // namespace

TEST_CASE("eventKindName gives the EVE event_type / syslog MSGID of every kind", "[encode]") {
  CHECK(std::string(eventKindName(EventKind::Flow)) == "flow");
  CHECK(std::string(eventKindName(EventKind::Vendor)) == "vendor");
  CHECK(std::string(eventKindName(EventKind::Dns)) == "dns");
  CHECK(std::string(eventKindName(EventKind::Http)) == "http");
  CHECK(std::string(eventKindName(EventKind::Stats)) == "stats");
}

TEST_CASE("timestamps are RFC 3339 UTC with microseconds", "[encode]") {
  CHECK(formatRfc3339Micros(0) == "1970-01-01T00:00:00.000000Z");
  CHECK(formatRfc3339Micros(1709294400123456) == "2024-03-01T12:00:00.123456Z");
  CHECK(formatRfc3339Micros(1709251199000001) == "2024-02-29T23:59:59.000001Z");
  CHECK(formatRfc3339Micros(253402300799999999) == "9999-12-31T23:59:59.999999Z");
  CHECK(formatRfc3339Micros(253402300800000000) == "-");
  CHECK(formatRfc3339Micros(-1) == "-");
}

TEST_CASE("a vendor event encodes to the documented RFC 5424 message", "[encode][5424]") {
  const OutEvent ev = vendorEvent();
  const std::string line = encodeRfc5424(ev, sensorOptions());
  CHECK(line == "<131>1 2024-03-01T12:00:00.123456Z sensor-1 vendorwatch 4242 vendor "
                "[vendorwatch@32473 host=\"10.1.2.3\" vendor=\"crowdstrike\" "
                "product=\"falcon-sensor\" status=\"banned\" confidence=\"high\" "
                "evidence=\"tls.sni=ts01-b.cloudsink.net\" dest=\"ts01-b.cloudsink.net\" "
                "flow_id=\"42\"] " +
                    ev.json);
  auto m = parse5424(line);
  REQUIRE(m);
  CHECK(m->pri == 16 * 8 + 3);
  CHECK(m->app_name == "vendorwatch");
  CHECK(m->msgid == "vendor");
  REQUIRE(m->sd.size() == 1);
  CHECK(m->sd[0].id == "vendorwatch@32473");
  CHECK(m->msg == ev.json);
}

TEST_CASE("non-vendor events have NILVALUE structured data and their kind as MSGID",
          "[encode][5424]") {
  OutEvent ev;
  ev.kind = EventKind::Dns;
  ev.ts_us = 1709294400000000;
  ev.json = R"({"event_type":"dns"})";
  EncodeOptions o; // empty hostname / procid -> NILVALUE
  o.facility = 1;  // user
  const std::string line = encodeRfc5424(ev, o);
  CHECK(line == "<14>1 2024-03-01T12:00:00.000000Z - vendorwatch - dns - {\"event_type\":\"dns\"}");
  ev.kind = EventKind::Stats;
  ev.json.clear();
  CHECK(encodeRfc5424(ev, o) == "<14>1 2024-03-01T12:00:00.000000Z - vendorwatch - stats -");
}

TEST_CASE("severity follows vendor status and confidence", "[encode]") {
  OutEvent ev = vendorEvent();
  auto sev = [&](const char* status, const char* conf) {
    ev.alert->vendor_status = status;
    ev.alert->confidence = conf;
    return std::pair{syslogSeverity(ev), cefSeverity(ev)};
  };
  CHECK(sev("banned", "high") == std::pair{3, 9});
  CHECK(sev("BANNED", "High") == std::pair{3, 9});
  CHECK(sev("banned", "medium") == std::pair{4, 7});
  CHECK(sev("banned", "low") == std::pair{5, 5});
  CHECK(sev("watch", "high") == std::pair{4, 6});
  CHECK(sev("watch", "low") == std::pair{5, 3});
  CHECK(sev("allowed", "high") == std::pair{6, 2});
  CHECK(sev("", "high") == std::pair{5, 5});
  OutEvent flow;
  flow.kind = EventKind::Flow;
  CHECK(syslogSeverity(flow) == 6);
  CHECK(cefSeverity(flow) == 1);
  flow.kind = EventKind::Stats;
  CHECK(cefSeverity(flow) == 0);
  // A vendor kind without alert fields is treated like a record, not an alert.
  OutEvent bare;
  bare.kind = EventKind::Vendor;
  CHECK(syslogSeverity(bare) == 6);
}

TEST_CASE("facility and format names parse; the facility lands in PRI", "[encode]") {
  CHECK(parseSyslogFacility("local0") == 16);
  CHECK(parseSyslogFacility("LOCAL7") == 23);
  CHECK(parseSyslogFacility("daemon") == 3);
  CHECK(parseSyslogFacility("4") == 4);
  CHECK_FALSE(parseSyslogFacility("24"));
  CHECK_FALSE(parseSyslogFacility("local8"));
  CHECK_FALSE(parseSyslogFacility(""));
  CHECK(parseSyslogFormat("5424") == SyslogFormat::Rfc5424);
  CHECK(parseSyslogFormat("CEF") == SyslogFormat::Cef);
  CHECK_FALSE(parseSyslogFormat("json"));

  OutEvent ev = vendorEvent();
  EncodeOptions o = sensorOptions();
  o.facility = 23;
  CHECK(encodeRfc5424(ev, o).rfind("<187>1 ", 0) == 0);
  o.facility = 99; // out of range -> local0
  CHECK(encodeRfc5424(ev, o).rfind("<131>1 ", 0) == 0);
}

TEST_CASE("SD PARAM-VALUE escapes exactly '\"', '\\' and ']'", "[encode][5424]") {
  // The backslash is doubled twice: once by the display escape, once by RFC 5424.
  CHECK(text::sdParamValue(R"(a"b\c]d)") == R"(a\"b\\\\c\]d)");
  CHECK(text::sdParamValue("esc\x1b[2J") == R"(esc\\x1b[2J)");
  CHECK(text::sdParamValue("[x=y]") == "[x=y\\]");
  CHECK(text::sdParamValue("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(text::sdParamValue("") == "");
}

TEST_CASE("SD-NAME keeps printable US-ASCII without '=', space, ']' and '\"', max 32",
          "[encode][5424]") {
  CHECK(text::sdName("vendorwatch@32473") == "vendorwatch@32473");
  CHECK(text::sdName("a b=c]d\"e\x01\xc3\xa9") == "abcde");
  CHECK(text::sdName(std::string(40, 'x')) == std::string(32, 'x'));
}

TEST_CASE("header fields are PRINTUSASCII with NILVALUE for empty", "[encode][5424]") {
  CHECK(text::headerField("", 255) == "-");
  CHECK(text::headerField("sensor 1\x01\xc3\xa9", 255) == "sensor_1___");
  CHECK(text::headerField(std::string(300, 'h'), 255) == std::string(255, 'h'));
  EncodeOptions o = sensorOptions();
  o.hostname = "my host";
  o.procid = std::string(200, '7');
  auto m = parse5424(encodeRfc5424(vendorEvent(), o));
  REQUIRE(m);
  CHECK(m->hostname == "my_host");
  CHECK(m->procid == std::string(128, '7'));
}

TEST_CASE("safeUtf8 repairs invalid UTF-8 and blanks control characters", "[encode]") {
  CHECK(text::safeUtf8(kHostile) == kHostileClean);
  CHECK(cleanUtf8(text::safeUtf8(kHostile)));
  CHECK(text::safeUtf8("a\r\nb", true) == "a\r\nb");
  CHECK(text::safeUtf8("a\r\nb") == "a  b");
  // Valid 4-byte sequence and the highest code point survive; beyond U+10FFFF does not.
  CHECK(text::safeUtf8("\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf") == "\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
  CHECK(text::safeUtf8("\xf4\x90\x80\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("hostile names cannot break RFC 5424 framing", "[encode][5424][hostile]") {
  OutEvent ev = vendorEvent();
  ev.alert->dest_name = kHostile;
  ev.alert->evidence_value = kHostile;
  ev.alert->vendor_id = "]\"\\";
  ev.alert->host = "10.1.2.3\n<14>1 forged";
  // The JSON line as the lead's code makes it: nlohmann dump with error_handler_t::replace.
  nlohmann::json j = {{"event_type", "vendor"}, {"dest_name", kHostile}};
  ev.json = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string line = encodeRfc5424(ev, sensorOptions());
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\r') == std::string::npos);
  CHECK(cleanUtf8(line));
  auto m = parse5424(line);
  REQUIRE(m);
  CHECK(m->msgid == "vendor");
  REQUIRE(m->sd.size() == 1);
  CHECK(m->sd[0].param("dest") == kHostileShown);
  CHECK(m->sd[0].param("evidence") == "tls.sni=" + kHostileShown);
  CHECK(m->sd[0].param("vendor") == R"(]"\\)");
  CHECK(m->sd[0].param("host") == R"(10.1.2.3\x0a<14>1 forged)");
  CHECK(m->sd[0].param("flow_id") == "42");
  // MSG is still the JSON object and still carries the (replacement-char) name.
  auto back = nlohmann::json::parse(m->msg, nullptr, false);
  REQUIRE(back.is_object());
  CHECK(back["event_type"] == "vendor");
  CHECK(back["dest_name"].get<std::string>().find("\r\n") != std::string::npos); // escaped in JSON
  CHECK(back["dest_name"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("a JSON MSG with raw newlines or invalid UTF-8 is made one clean line",
          "[encode][5424][hostile]") {
  OutEvent ev;
  ev.kind = EventKind::Flow;
  ev.json = "{\"a\":\n\"x\xff\"}";
  const std::string line = encodeRfc5424(ev, sensorOptions());
  auto m = parse5424(line);
  REQUIRE(m);
  CHECK(m->msg == "{\"a\": \"x\xEF\xBF\xBD\"}");
  CHECK(nlohmann::json::parse(m->msg, nullptr, false).is_object());
}

TEST_CASE("a vendor event encodes to the documented CEF line", "[encode][cef]") {
  const std::string line = encodeCef(vendorEvent(), sensorOptions());
  CHECK(line ==
        "CEF:0|vendorwatch|vendorwatch|1.2.3|vendor:crowdstrike|CrowdStrike Falcon sensor "
        "traffic|9|rt=1709294400123 cat=vendor dvchost=sensor-1 src=10.1.2.3 spt=51515 "
        "dst=203.0.113.7 dpt=443 proto=TCP dhost=ts01-b.cloudsink.net cs1Label=vendor "
        "cs1=crowdstrike cs2Label=product cs2=falcon-sensor cs3Label=confidence cs3=high "
        "cs4Label=evidence cs4=tls.sni\\=ts01-b.cloudsink.net cs5Label=vendorStatus cs5=banned "
        "cs6Label=internalHost cs6=10.1.2.3 cn1Label=flowId cn1=42 msg=10.1.2.3 talks to "
        "CrowdStrike Falcon sensor (banned) evidence tls.sni\\=ts01-b.cloudsink.net matching "
        "*.cloudsink.net");
  auto c = parseCef(line);
  REQUIRE(c);
  CHECK(c->header[4] == "vendor:crowdstrike");
  CHECK(c->header[6] == "9");
  CHECK(c->ext.at("cs4") == "tls.sni=ts01-b.cloudsink.net");
  CHECK(c->ext.at("cn1") == "42");
}

TEST_CASE("CEF header escapes '\\' and '|'; extensions escape '\\', '=', CR and LF",
          "[encode][cef]") {
  // A backslash is doubled by the display escape, and that again by CEF.
  CHECK(text::cefHeader(R"(a|b\c=d)") == R"(a\|b\\\\c=d)");
  CHECK(text::cefHeader("two\r\nlines") == R"(two\\x0d\\x0alines)");
  CHECK(text::cefExtension("a=b\\c|d\r\ne") == R"(a\=b\\\\c|d\\x0d\\x0ae)");
  CHECK(text::cefExtension("tab\there") == R"(tab\\x09here)");
}

TEST_CASE("hostile names cannot break CEF framing and round-trip through a CEF parser",
          "[encode][cef][hostile]") {
  OutEvent ev = vendorEvent();
  ev.alert->vendor_id = "evil|vendor\\x";
  ev.alert->vendor_name = "Evil|Corp\r\n";
  ev.alert->product_name = "";
  ev.alert->product_id = "p=1";
  ev.alert->dest_name = kHostile;
  ev.alert->evidence_value = kHostile;
  const std::string line = encodeCef(ev, sensorOptions());
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\r') == std::string::npos);
  CHECK(cleanUtf8(line));
  auto c = parseCef(line);
  REQUIRE(c);
  CHECK(c->header[1] == "vendorwatch");
  CHECK(c->header[4] == R"(vendor:evil|vendor\\x)");
  CHECK(c->header[5] == R"(Evil|Corp\x0d\x0a p=1 traffic)");
  CHECK(c->header[6] == "9");
  // A CEF parser gets the display form back: CR/LF and the other controls as visible escapes,
  // never as bytes that act on the console that shows them.
  CHECK(c->ext.at("dhost") == kHostileShown);
  CHECK(c->ext.at("cs4") == "tls.sni=" + kHostileShown);
  CHECK(c->ext.at("cs1") == R"(evil|vendor\\x)");
  CHECK(c->ext.at("cs2") == "p=1");
  CHECK(c->ext.at("cn1") == "42");
}

TEST_CASE("non-vendor events get a CEF form from their EVE JSON", "[encode][cef]") {
  OutEvent ev;
  ev.kind = EventKind::Flow;
  ev.ts_us = 1709294400000000;
  ev.json = R"({"event_type":"flow","flow_id":7,"src_ip":"10.0.0.1","src_port":1234,)"
            R"("dest_ip":"192.0.2.1","dest_port":53,"proto":"UDP","app":"a=b"})";
  const std::string line = encodeCef(ev, sensorOptions());
  auto c = parseCef(line);
  REQUIRE(c);
  CHECK(c->header[4] == "flow");
  CHECK(c->header[5] == "Flow record");
  CHECK(c->header[6] == "1");
  CHECK(c->ext.at("rt") == "1709294400000");
  CHECK(c->ext.at("cat") == "flow");
  CHECK(c->ext.at("src") == "10.0.0.1");
  CHECK(c->ext.at("spt") == "1234");
  CHECK(c->ext.at("dst") == "192.0.2.1");
  CHECK(c->ext.at("dpt") == "53");
  CHECK(c->ext.at("proto") == "UDP");
  CHECK(c->ext.at("cn1") == "7");
  CHECK(c->ext.at("cs6Label") == "eve");
  CHECK(c->ext.at("cs6") == ev.json);

  ev.kind = EventKind::Stats;
  ev.json = "not json";
  c = parseCef(encodeCef(ev, sensorOptions()));
  REQUIRE(c);
  CHECK(c->header[4] == "stats");
  CHECK(c->header[6] == "0");
  CHECK(c->ext.count("src") == 0);
  CHECK(c->ext.at("cs6") == "not json");

  ev.json = "{\"big\":\"" + std::string(5000, 'x') + "\"}"; // over CEF's 4000 limit: left out
  c = parseCef(encodeCef(ev, sensorOptions()));
  REQUIRE(c);
  CHECK(c->ext.count("cs6") == 0);
}

TEST_CASE("the CEF syslog form carries the CEF line as MSG of an RFC 5424 header",
          "[encode][cef]") {
  const OutEvent ev = vendorEvent();
  const std::string line = encodeSyslogMessage(ev, SyslogFormat::Cef, sensorOptions());
  auto m = parse5424(line);
  REQUIRE(m);
  CHECK(m->pri == 131);
  CHECK(m->msgid == "vendor");
  CHECK(m->sd.empty());
  CHECK(m->msg == encodeCef(ev, sensorOptions()));
  CHECK(encodeSyslogMessage(ev, SyslogFormat::Rfc5424, sensorOptions()) ==
        encodeRfc5424(ev, sensorOptions()));
}

TEST_CASE("octet-counting frames count bytes, not characters", "[encode]") {
  CHECK(frameOctetCounted("abc") == "3 abc");
  CHECK(frameOctetCounted("caf\xc3\xa9") == "5 caf\xc3\xa9");
  CHECK(frameOctetCounted("") == "0 ");
}
