// Syslog / CEF / LEEF / key=value parsing. The sample lines are copied from public sources:
// - Imperva SecureSphere CEF: Elastic integrations, packages/imperva/_dev/deploy/docker/
//   sample_logs/test-imperva-securesphere.log
//   https://github.com/elastic/integrations/blob/main/packages/imperva/_dev/deploy/docker/sample_logs/test-imperva-securesphere.log
// - Claroty CTD CEF over RFC 5424: Elastic integrations, packages/claroty_ctd/_dev/deploy/
//   docker/sample_logs/claroty_ctd_event.log
//   https://github.com/elastic/integrations/blob/main/packages/claroty_ctd/_dev/deploy/docker/sample_logs/claroty_ctd_event.log
// - CyberArk Vault CEF (RFC 3164 and RFC 5424 framing): Splunk Connect for Syslog test
//   comments, https://github.com/splunk/splunk-connect-for-syslog/blob/main/tests/test_cyberark.py
// - FortiGate key=value: Splunk Connect for Syslog,
//   https://github.com/splunk/splunk-connect-for-syslog/blob/main/tests/test_fortinet_ngfw.py
//   and Elastic integrations, packages/fortinet_fortigate/data_stream/log/_dev/test/pipeline/
//   test-fortinet-7-4.log
//   https://github.com/elastic/integrations/blob/main/packages/fortinet_fortigate/data_stream/log/_dev/test/pipeline/test-fortinet-7-4.log
//   (field meanings: FortiOS Log Message Reference, e.g.
//   https://docs.fortinet.com/document/fortigate/6.0.11/fortios-log-message-reference/177671/15-log-id-traffic-start-forward)
// - LEEF 1.0/2.0 headers and the syslog header forms: IBM QRadar DSM guide, "LEEF event
//   components", https://www.ibm.com/docs/en/dsm?topic=overview-leef-event-components, and
//   the real-world LEEF lines quoted by https://docs.tenzir.com/formats/leef
// - RFC 5424 section 6.5 and RFC 3164 section 5.4 examples,
//   https://www.rfc-editor.org/rfc/rfc5424#section-6.5,
//   https://www.rfc-editor.org/rfc/rfc3164#section-5.4
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <vw/classify/proto/syslog.h>

#include "alloc_counter.h"

using namespace vw::classify;

namespace {

std::span<const std::uint8_t> bytesOf(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

SyslogStatus parse(std::string_view s, SyslogInfo& out) {
  return parseSyslog(bytesOf(s), out);
}

// Elastic imperva sample, line 1 (as in the file).
constexpr std::string_view kImperva =
    "<14>CEF:0|Imperva Inc.|SecureSphere|15.0.0.10_0|Signature|suspicious-pattern|High|"
    "act=block dst=81.2.69.142 dpt=80 duser=${Alert.username} src=81.2.69.142 spt=56112 "
    "proto=TCP cat=Alert cs1=Recommended Signatures Policy for Web Applications cs1Label=Policy "
    "cs2=SG cs2Label=ServerGroup cs3=service cs3Label=ServiceName cs4=Default Web Application "
    "cs4Label=ApplicationName cs5=suspicious-pattern cs5Label=Description";
// Elastic imperva sample, line 2.
constexpr std::string_view kImpervaLogin =
    "<14>CEF:0|Imperva Inc.|SecureSphere|15.1.0|User logged in|User admin logged in from "
    "81.2.69.142.|High|suser=admin rt=Oct 05 2023 18:33:02 cat=SystemEvent";
// Elastic claroty_ctd sample, line 3 (ActivityLog).
constexpr std::string_view kClarotyActivity =
    "<30>1 2023-08-15T01:00:00Z Site syslog-ActivityLog-Default - - - CEF:0|Claroty|CTD|4.10.0|"
    "ActivityLog|Site Mode|0|CtdTimeGenerated=Aug 14 2023 01:00:00 CtdSite=Default CtdUser=Admin "
    "CtdAction=Changed to Operational Mode CtdActionStatus=Success CtdMessage=System was moved "
    "to [[Operational Mode]] CtdLogType=System";
// Elastic claroty_ctd sample, line 1 (Alert), with its non-ASCII quotes and a backslash.
constexpr std::string_view kClarotyAlert =
    "<14>1 2023-08-15T01:00:00Z Site syslog-Alert-Default - - - CEF:0|Claroty|CTD|4.10.0|"
    "Alert/Configuration Download|New Asset|10|CtdSourceIp=10.1.30.40 CtdDestinationIp=10.1.30.1 "
    "CtdSourceMac=00:50:56:b9:e2:ad CtdDestinationMac=00:1d:9c:c0:04:9d CtdSourceHost=EP-1002321 "
    "CtdDestinationHost=EP-1002562 CtdTimeGenerated=Aug 14 2023 01:00:00 CtdExternalId=31 "
    "CtdDeviceExternalId=Default CtdMessage=New asset Alert: A new plc was detected in the "
    "\xe2\x80\x9cPLC: Rockwell\xe2\x80\x9d zone, which is a non-risky zone. It performed protocol "
    "operation communication: 10.1.30.1:Card 2 \\ Addr 255 CtdProtocol=TFTP CtdCategory=Integrity/"
    "New Asset CtdSourceAssetType=PLC CtdDestinationAssetType=HMI CtdSourceZone=PLC: Rockwell "
    "CtdDestinationZone=HMI: Rockwell CtdAlertLink=http://localhost:4200/detection/alert/31-1 "
    "CtdAlertScore=100 CtdAlertTypeId=2 CtdAlertStatus=Resolved CtdResolvedAs=Approved "
    "CtdResolvedBy=Bob CtdAssignedTo=Alice CtdStoryId=3 CtdMitreAttackTacticNames=Command and "
    "Control, Discovery CtdMitreAttackTechniqueIds=T1548, T0543, T1554 CtdSignatureId=22061 "
    "CtdSignatureName=MALWARE-OTHER Alureon - Malicious IFRAME load attempt "
    "CtdSignatureCriticality=High CtdSignatureConfidence=100% CtdSignatureTags=Generic Malware "
    "CtdSignatureExternalLinks=https://attack.mitre.org/techniques/T1102 "
    "CtdSignatureLastUpdatedByClaroty=13 Aug 2023, 14:00 CtdSignaturePoweredBy=Other\n";
// SC4S test_cyberark.py, RFC 3164 form.
constexpr std::string_view kCyberArk3164 =
    "<190>Jul 27 23:31:58 VAULT CEF:0|Cyber-Ark|Vault|9.20.0000|7|Logon|5|act=\"Logon\" "
    "suser=user2 fname= dvc= shost=127.0.0.1 dhost= duser= externalId= app= reason= "
    "cs1Label=\"Affected User Name\" cs1= cs2Label=\"Safe Name\" cs2= cs3Label=\"Device Type\" "
    "cs3=11111 cs4Label=\"Database\" cs4=222222 cs5Label=\"Other info\" cs5= cn1Label=\"Request "
    "Id\" cn1= cn2Label=\"Ticket Id\" cn2=  msg=";
// SC4S test_cyberark.py, "RFC 5424" form: the CEF header stands where APP-NAME should be.
constexpr std::string_view kCyberArk5424 =
    "<5>1 2020-01-24T22:53:03Z REDACTEDHOSTNAME CEF:0|Cyber-Ark|Vault|10.9.0000|22|CPM Verify "
    "Password|5|act=\"CPM Verify Password\" suser=PasswordManager fname=Root\\Operating "
    "System-OBO-ISSO-Windows-Domain-Account-redacted dvc= shost=10.0.0.10 dhost= duser=redacted "
    "externalId= app= reason= cs1Label=\"Affected User Name\" cs1= cs2Label=\"Safe Name\" "
    "cs2=\"re-dact-ted\" cs3Label=\"Device Type\" cs3=\"Operating System\" cs4Label=\"Database\" "
    "cs4= cs5Label=\"Other info\" cs5= cn1Label=\"Request Id\" cn1= cn2Label=\"Ticket Id\" "
    "cn2=\"VerificationPeriod\"  msg=\"VerificationPeriod\"";
// SC4S test_fortinet_ngfw.py (note the blank after the PRI, as in the sample).
constexpr std::string_view kFortiTraffic =
    "<111> Aug 17 00:00:00 fortigate date=2015-08-11 time=19:19:43 devname=Nosey "
    "devid=FG800C3912801080 logid=0004000017 type=traffic subtype=sniffer level=notice vd=root "
    "srcip=fe80::20c:29ff:fe77:20d4 srcintf=\"port3\" dstip=ff02::1:ff77:20d4 dstintf=\"port3\" "
    "sessionid=408903 proto=58 action=accept policyid=2 dstcountry=\"Reserved\" "
    "srccountry=\"Reserved\" trandisp=snat transip=:: transport=0 service=\"icmp6/131/0\" "
    "duration=36 sentbyte=0 rcvdbyte=40 sentpkt=0 rcvdpkt=0 appid=16321 app=\"IPv6.ICMP\" "
    "appcat=\"Network.Service\" apprisk=elevated applist=\"sniffer-profile\" appact=detected "
    "utmaction=allow countapp=1";

} // namespace

TEST_CASE("Imperva SecureSphere CEF right after the PRI", "[syslog]") {
  SyslogInfo s;
  REQUIRE(parse(kImperva, s) == SyslogStatus::Ok);
  CHECK(s.has_pri);
  CHECK(s.pri == 14);
  CHECK(s.facility == 1);
  CHECK(s.severity == 6);
  CHECK(s.header == SyslogHeader::None);
  CHECK_FALSE(s.complete); // a datagram without LF
  REQUIRE(s.payload == SyslogPayload::Cef);
  CHECK(s.header_fields == 7);
  CHECK(s.format_version.view() == "0");
  CHECK(s.device_vendor.view() == "Imperva Inc.");
  CHECK(s.device_product.view() == "SecureSphere");
  CHECK(s.device_version.view() == "15.0.0.10_0");
  CHECK(s.event_id.view() == "Signature");
  CHECK(s.name.view() == "suspicious-pattern");
  CHECK(s.cef_severity.view() == "High");
  CHECK(s.field("act") == "block");
  CHECK(s.field("duser") == "${Alert.username}");
  CHECK(s.field("cs1") == "Recommended Signatures Policy for Web Applications");
  CHECK(s.field("cs4") == "Default Web Application");
  CHECK(s.field("cs5Label") == "Description");
  CHECK(s.field_count == 18);

  REQUIRE(parse(kImpervaLogin, s) == SyslogStatus::Ok);
  CHECK(s.event_id.view() == "User logged in");
  CHECK(s.name.view() == "User admin logged in from 81.2.69.142.");
  CHECK(s.field("rt") == "Oct 05 2023 18:33:02");
  CHECK(s.field("cat") == "SystemEvent");
}

TEST_CASE("Claroty CTD CEF inside an RFC 5424 header", "[syslog]") {
  SyslogInfo s;
  REQUIRE(parse(kClarotyActivity, s) == SyslogStatus::Ok);
  CHECK(s.pri == 30);
  CHECK(s.header == SyslogHeader::Rfc5424);
  CHECK(s.timestamp == "2023-08-15T01:00:00Z");
  CHECK(s.hostname == "Site");
  CHECK(s.app_name == "syslog-ActivityLog-Default");
  CHECK(s.proc_id == "-");
  CHECK(s.msg_id == "-");
  CHECK(s.structured_data == "-");
  CHECK_FALSE(s.header_short);
  REQUIRE(s.payload == SyslogPayload::Cef);
  CHECK(s.device_vendor.view() == "Claroty");
  CHECK(s.device_product.view() == "CTD");
  CHECK(s.device_version.view() == "4.10.0");
  CHECK(s.field("CtdAction") == "Changed to Operational Mode");
  CHECK(s.field("CtdMessage") == "System was moved to [[Operational Mode]]");
  CHECK(s.field("CtdLogType") == "System");

  REQUIRE(parse(kClarotyAlert, s) == SyslogStatus::Ok);
  CHECK(s.complete); // the line ends in LF
  CHECK(s.event_id.view() == "Alert/Configuration Download");
  CHECK(s.name.view() == "New Asset");
  CHECK(s.cef_severity.view() == "10");
  CHECK(s.field("CtdSourceZone") == "PLC: Rockwell");
  CHECK(s.field("CtdMitreAttackTacticNames") == "Command and Control, Discovery");
  CHECK(s.field("CtdSignaturePoweredBy") == "Other");
  CHECK(s.field("CtdMessage").find("\xe2\x80\x9cPLC: Rockwell\xe2\x80\x9d") !=
        std::string_view::npos);
  CHECK(s.field_count == 34);
}

TEST_CASE("CyberArk Vault CEF in RFC 3164 and in a short RFC 5424 header", "[syslog]") {
  SyslogInfo s;
  REQUIRE(parse(kCyberArk3164, s) == SyslogStatus::Ok);
  CHECK(s.pri == 190);
  CHECK(s.header == SyslogHeader::Rfc3164);
  CHECK(s.timestamp == "Jul 27 23:31:58");
  CHECK(s.hostname == "VAULT");
  REQUIRE(s.payload == SyslogPayload::Cef);
  CHECK(s.device_vendor.view() == "Cyber-Ark");
  CHECK(s.device_product.view() == "Vault");
  CHECK(s.event_id.view() == "7");
  CHECK(s.name.view() == "Logon");
  CHECK(s.field("act") == "\"Logon\"");
  CHECK(s.field("fname").empty());
  CHECK(s.field("shost") == "127.0.0.1");
  CHECK(s.field("cs1Label") == "\"Affected User Name\"");
  CHECK(s.field("cn1Label") == "\"Request Id\"");

  REQUIRE(parse(kCyberArk5424, s) == SyslogStatus::Ok);
  CHECK(s.header == SyslogHeader::Rfc5424);
  CHECK(s.header_short);
  CHECK(s.hostname == "REDACTEDHOSTNAME");
  CHECK(s.app_name.empty());
  CHECK(s.device_vendor.view() == "Cyber-Ark");
  CHECK(s.name.view() == "CPM Verify Password");
  CHECK(s.field("fname") == "Root\\Operating System-OBO-ISSO-Windows-Domain-Account-redacted");
  CHECK(s.field("cn2") == "\"VerificationPeriod\"");
  CHECK(s.field("msg") == "\"VerificationPeriod\"");
}

TEST_CASE("FortiGate key=value logs", "[syslog]") {
  SyslogInfo s;
  REQUIRE(parse(kFortiTraffic, s) == SyslogStatus::Ok);
  CHECK(s.header == SyslogHeader::Rfc3164);
  CHECK(s.hostname == "fortigate");
  REQUIRE(s.payload == SyslogPayload::KeyValue);
  CHECK(s.field("devid") == "FG800C3912801080");
  CHECK(s.field("devname") == "Nosey");
  CHECK(s.field("srcintf") == "port3");
  CHECK(s.field("transip") == "::");
  CHECK(s.field("countapp") == "1");
  CHECK(s.field_count == 36);

  // Elastic test-fortinet-7-4.log line 1, as FortiOS sends it after its PRI (<189> = local7
  // notice; the Elastic file holds the message only).
  const std::string forti74 =
      "<189>date=2019-05-10 time=11:37:47 logid=\"0000000013\" type=\"traffic\" "
      "subtype=\"forward\" level=\"notice\" vd=\"vdom1\" eventtime=1557513467369913239 "
      "srcip=10.1.100.11 srcport=58012 srcintf=\"port12\" srcintfrole=\"undefined\" "
      "dstip=81.2.69.142 dstport=80 dstintf=\"port11\" dstintfrole=\"undefined\" "
      "srcuuid=\"ae28f494-5735-51e9-f247-d1d2ce663f4b\" "
      "dstuuid=\"ae28f494-5735-51e9-f247-d1d2ce663f4b\" "
      "poluuid=\"ccb269e0-5735-51e9-a218-a397dd08b7eb\" sessionid=105048 proto=6 "
      "action=\"close\" policyid=1 policytype=\"policy\" service=\"HTTP\" dstcountry=\"Canada\" "
      "srccountry=\"Reserved\" trandisp=\"snat\" transip=172.16.200.2 transport=58012 appid=34050 "
      "app=\"HTTP.BROWSER_Firefox\" appcat=\"Web.Client\" apprisk=\"elevated\" "
      "applist=\"g-default\" duration=116 sentbyte=1188 rcvdbyte=1224 sentpkt=17 rcvdpkt=16 "
      "utmaction=\"allow\" countapp=1 osname=\"Ubuntu\" mastersrcmac=\"a2:e9:00:ec:40:01\" "
      "srcmac=\"a2:e9:00:ec:40:01\" srcserver=0 utmref=65500-742";
  REQUIRE(parse(forti74, s) == SyslogStatus::Ok);
  CHECK(s.header == SyslogHeader::None);
  REQUIRE(s.payload == SyslogPayload::KeyValue);
  CHECK(s.field("date") == "2019-05-10");
  CHECK(s.field("logid") == "0000000013");
  CHECK(s.field("type") == "traffic");
  CHECK(s.field("app") == "HTTP.BROWSER_Firefox");
  CHECK(s.field("utmref") == "65500-742");

  // The brief's form: quoted devname/devid.
  REQUIRE(parse("<189>date=2024-05-01 time=10:00:00 devname=\"FGT60E\" devid=\"FGT60E4Q16000000\" "
                "logid=\"0000000013\" type=\"traffic\" msg=\"a \\\"quoted\\\" word\"",
                s) == SyslogStatus::Ok);
  CHECK(s.field("devname") == "FGT60E");
  CHECK(s.field("devid") == "FGT60E4Q16000000");
  CHECK(s.field("msg") == "a \\\"quoted\\\" word");
}

TEST_CASE("LEEF 1.0 and 2.0 (IBM's header examples)", "[syslog]") {
  SyslogInfo s;
  REQUIRE(parse("<13>Jan 18 11:07:53 192.168.1.1 LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|"
                "src=10.50.1.1\tdst=2.10.20.20\tspt=1200",
                s) == SyslogStatus::Ok);
  CHECK(s.header == SyslogHeader::Rfc3164);
  CHECK(s.hostname == "192.168.1.1");
  REQUIRE(s.payload == SyslogPayload::Leef);
  CHECK(s.format_version.view() == "1.0");
  CHECK(s.device_vendor.view() == "Microsoft");
  CHECK(s.device_product.view() == "MSExchange");
  CHECK(s.device_version.view() == "4.0 SP1");
  CHECK(s.event_id.view() == "15345");
  CHECK(s.header_fields == 5);
  CHECK(s.field("dst") == "2.10.20.20");
  CHECK(s.field("spt") == "1200");

  REQUIRE(parse("<133>1 2019-01-18T11:07:53.520+07:00 myhostname LEEF:2.0|Lancope|StealthWatch|"
                "1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^dstPort=21",
                s) == SyslogStatus::Ok);
  CHECK(s.header == SyslogHeader::Rfc5424);
  CHECK(s.header_short);
  REQUIRE(s.payload == SyslogPayload::Leef);
  CHECK(s.device_vendor.view() == "Lancope");
  CHECK(s.leef_delimiter == '^');
  CHECK(s.header_fields == 6);
  CHECK(s.field("dstPort") == "21");
  CHECK(s.field_count == 5);

  // Hex delimiter forms and a bare LEEF line (no PRI).
  REQUIRE(parse("LEEF:2.0|V|P|1|E|0x7c|a=1|b=2", s) == SyslogStatus::Ok);
  CHECK_FALSE(s.has_pri);
  CHECK(s.leef_delimiter == '|');
  CHECK(s.field("b") == "2");
  REQUIRE(parse("<14>LEEF:2.0|V|P|1|E|x5e|a=1^b=2", s) == SyslogStatus::Ok);
  CHECK(s.leef_delimiter == '^');
  CHECK(s.field("a") == "1");
}

TEST_CASE("RFC 5424 and RFC 3164 examples", "[syslog]") {
  SyslogInfo s;
  // RFC 5424 6.5, example 3 (with the BOM before the message).
  REQUIRE(parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
                "\xef\xbb\xbf"
                "An application event log entry...",
                s) == SyslogStatus::Ok);
  CHECK(s.pri == 165);
  CHECK(s.facility == 20);
  CHECK(s.severity == 5);
  CHECK(s.hostname == "mymachine.example.com");
  CHECK(s.app_name == "evntslog");
  CHECK(s.msg_id == "ID47");
  CHECK(s.structured_data ==
        "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]");
  CHECK(s.message == "An application event log entry...");
  CHECK(s.payload == SyslogPayload::Text);

  // RFC 5424 6.5, example 4: two SD elements, no message.
  REQUIRE(parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
                "[examplePriority@32473 class=\"high\"]",
                s) == SyslogStatus::Ok);
  CHECK(s.structured_data.substr(s.structured_data.size() - 7) == "\"high\"]");
  CHECK(s.message.empty());

  // RFC 3164 5.4, example 1.
  REQUIRE(parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
                s) == SyslogStatus::Ok);
  CHECK(s.header == SyslogHeader::Rfc3164);
  CHECK(s.hostname == "mymachine");
  CHECK(s.app_name == "su");
  CHECK(s.message == "'su root' failed for lonvick on /dev/pts/8");
  CHECK(s.payload == SyslogPayload::Text);

  // A TAG with a pid, a space-padded day and a CEF message after the TAG.
  REQUIRE(parse("<134>Feb  4 19:04:54 fw01 cefd[123]: CEF:0|Check Point|VPN-1 & FireWall-1|"
                "R81|Log|Accept|1|src=10.0.0.1",
                s) == SyslogStatus::Ok);
  CHECK(s.timestamp == "Feb  4 19:04:54");
  CHECK(s.hostname == "fw01");
  CHECK(s.app_name == "cefd");
  CHECK(s.proc_id == "123");
  CHECK(s.device_vendor.view() == "Check Point");
  CHECK(s.device_product.view() == "VPN-1 & FireWall-1");
}

TEST_CASE("RFC 6587 octet counting", "[syslog]") {
  SyslogInfo s;
  const std::string msg = std::string(kImpervaLogin);
  const std::string framed = std::to_string(msg.size()) + " " + msg + "99 <14>next";
  REQUIRE(parse(framed, s) == SyslogStatus::Ok);
  CHECK(s.octet_counted);
  CHECK(s.octet_count == msg.size());
  CHECK(s.complete);
  CHECK(s.device_product.view() == "SecureSphere");
  CHECK(s.field("cat") == "SystemEvent"); // not "SystemEvent99 <14>next"
  // Fewer bytes than counted: wait.
  CHECK(parse(std::string_view(framed).substr(0, 40), s) == SyslogStatus::NeedMore);
  CHECK(parse("12", s) == SyslogStatus::NeedMore);
  CHECK(parse("12 ", s) == SyslogStatus::NeedMore);
  CHECK(parse("12 x", s) == SyslogStatus::NotSyslog);
  CHECK(parse("1234567 <14>", s) == SyslogStatus::NotSyslog);
  CHECK(parse("0 <14>", s) == SyslogStatus::NotSyslog);
}

TEST_CASE("CEF header escapes are unescaped; extension values stay raw", "[syslog]") {
  SyslogInfo s;
  REQUIRE(parse("<14>CEF:0|Ven\\|dor|Pro\\\\duct|1.0|100|a \\| b|5|k1=v\\=1 k2=x y\\\\", s) ==
          SyslogStatus::Ok);
  CHECK(s.device_vendor.view() == "Ven|dor");
  CHECK(s.device_product.view() == "Pro\\duct");
  CHECK(s.name.view() == "a | b");
  CHECK(s.field("k1") == "v\\=1");
  CHECK(s.field("k2") == "x y\\\\");
}

TEST_CASE("Lines ending in CR LF or NUL end the message", "[syslog]") {
  SyslogInfo s;
  REQUIRE(parse("<14>a=1 b=2\r\n<14>c=3", s) == SyslogStatus::Ok);
  CHECK(s.complete);
  CHECK(s.field("b") == "2");
  CHECK(s.field("c").empty());
  REQUIRE(parse(std::string_view("<14>a=1 b=2\0junk", 16), s) == SyslogStatus::Ok);
  CHECK(s.field("b") == "2");
}

TEST_CASE("Not syslog, prefixes and malformed headers", "[syslog]") {
  SyslogInfo s;
  CHECK(parse("GET / HTTP/1.1\r\n", s) == SyslogStatus::NotSyslog);
  CHECK(parse("SSH-2.0-OpenSSH_9.2\r\n", s) == SyslogStatus::NotSyslog);
  CHECK(parse(std::string_view("\x16\x03\x01\x00\x05", 5), s) == SyslogStatus::NotSyslog);
  CHECK(parse("<192>x", s) == SyslogStatus::NotSyslog);
  CHECK(parse("<>x", s) == SyslogStatus::NotSyslog);
  CHECK(parse("<1234>x", s) == SyslogStatus::NotSyslog);
  CHECK(parse("<1\n", s) == SyslogStatus::NotSyslog);
  CHECK(parse("", s) == SyslogStatus::NeedMore);
  CHECK(parse("<", s) == SyslogStatus::NeedMore);
  CHECK(parse("<13", s) == SyslogStatus::NeedMore);
  CHECK(parse("CE", s) == SyslogStatus::NeedMore);
  CHECK(parse("CEX", s) == SyslogStatus::NotSyslog);

  // A cut RFC 5424 header.
  CHECK(parse("<14>1 2023-08-15T01:00:00Z", s) == SyslogStatus::Malformed);
  CHECK(parse("<14>1 2023-08-15T01:00:00Z host app", s) == SyslogStatus::Malformed);
  CHECK(parse("<14>1 2023-08-15T01:00:00Z host app - - [sd x=\"1\"", s) == SyslogStatus::Malformed);
  // A cut CEF header keeps the fields before the cut.
  REQUIRE(parse("<14>CEF:0|Claroty|CTD", s) == SyslogStatus::Malformed);
  CHECK(s.device_vendor.view() == "Claroty");
  CHECK(s.header_fields == 2);
  CHECK(parse("<14>LEEF:1.0|V|P", s) == SyslogStatus::Malformed);

  // Plain text and a single pair are Text.
  REQUIRE(parse("<14>hello world", s) == SyslogStatus::Ok);
  CHECK(s.payload == SyslogPayload::Text);
  CHECK(s.message == "hello world");
  REQUIRE(parse("<14>a=1 and more text", s) == SyslogStatus::Ok);
  CHECK(s.payload == SyslogPayload::Text);
  CHECK(s.field_count == 0);
}

TEST_CASE("Attribute lists are capped and long messages truncated", "[syslog]") {
  SyslogInfo s;
  std::string kv = "<14>";
  for (int i = 0; i < 100; ++i)
    kv += "k" + std::to_string(i) + "=v" + std::to_string(i) + " ";
  REQUIRE(parse(kv, s) == SyslogStatus::Ok);
  CHECK(s.field_count == kSyslogMaxFields);
  CHECK(s.field_total == 100);
  CHECK(s.fields[63].key == "k63");

  std::string big = "<14>CEF:0|V|P|1|2|n|3|msg=" + std::string(20000, 'x');
  REQUIRE(parse(big, s) == SyslogStatus::Ok);
  CHECK(s.truncated);
  CHECK(s.field("msg").size() == kSyslogMaxMessage - 26);
}

TEST_CASE("Random and bit-flipped syslog lines keep views inside the input", "[syslog]") {
  std::mt19937 rng(514);
  SyslogInfo s;
  for (std::string_view base : {kClarotyAlert, kCyberArk5424, kFortiTraffic}) {
    for (int i = 0; i < 3000; ++i) {
      std::string b(base);
      const int flips = 1 + static_cast<int>(rng() % 6);
      for (int f = 0; f < flips; ++f)
        b[rng() % b.size()] = "|=\\\" <>1:\n"[rng() % 11];
      parse(b, s);
      const char* lo = b.data();
      const char* hi = b.data() + b.size();
      for (std::size_t k = 0; k < s.field_count; ++k) {
        REQUIRE(
            (s.fields[k].key.empty() || (s.fields[k].key.data() >= lo &&
                                         s.fields[k].key.data() + s.fields[k].key.size() <= hi)));
        REQUIRE((s.fields[k].value.empty() ||
                 (s.fields[k].value.data() >= lo &&
                  s.fields[k].value.data() + s.fields[k].value.size() <= hi)));
      }
    }
  }
}

TEST_CASE("Parsing syslog does not allocate", "[syslog][alloc]") {
  SyslogInfo s;
  test::ScopedAllocCount allocs;
  parse(kClarotyAlert, s);
  parse(kCyberArk3164, s);
  parse(kFortiTraffic, s);
  CHECK(allocs.count() == 0);
}
