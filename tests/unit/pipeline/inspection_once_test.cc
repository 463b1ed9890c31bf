#include <catch2/catch.hpp>

#include <vw/pipeline/inspection_once.h>

using vw::alerts::EventKind;
using vw::alerts::OutEvent;
using vw::pipeline::InspectionOnce;

namespace {

OutEvent inspection(const char* ca, const char* host) {
  OutEvent ev;
  ev.kind = EventKind::Inspection;
  ev.json = std::string(R"({"event_type":"inspection","inspection":{"vendor":{"id":"fortinet"},)") +
            R"("product":{"id":"fortigate-inspection"},"ca":")" + ca + R"(","host":")" + host +
            R"("}})";
  return ev;
}

} // namespace

TEST_CASE("InspectionOnce: one event per finding, whichever worker wrote it", "[pool]") {
  InspectionOnce once;
  // Two workers each wrote their first event for the same CA (different inspected hosts).
  CHECK(once.pass(inspection("CN=FortiGate CA, O=Fortinet", "10.0.0.1")));
  CHECK_FALSE(once.pass(inspection("CN=FortiGate CA, O=Fortinet", "10.0.0.2")));
  // Another CA is another finding.
  CHECK(once.pass(inspection("CN=FortiGate Untrusted CA, O=Fortinet", "10.0.0.2")));
  CHECK(once.dropped() == 1);
  // Other events are never filtered, even with identical text.
  OutEvent v;
  v.kind = EventKind::Vendor;
  v.json = inspection("CN=FortiGate CA, O=Fortinet", "10.0.0.1").json;
  CHECK(once.pass(v));
  CHECK(once.pass(v));
}

TEST_CASE("InspectionOnce: bounded; past the cap events pass and are counted", "[pool]") {
  InspectionOnce once(2);
  CHECK(once.pass(inspection("CN=a", "10.0.0.1")));
  CHECK(once.pass(inspection("CN=b", "10.0.0.1")));
  CHECK(once.pass(inspection("CN=c", "10.0.0.1")));
  CHECK(once.pass(inspection("CN=c", "10.0.0.1")));
  CHECK(once.unfiltered() == 2);
  CHECK_FALSE(once.pass(inspection("CN=a", "10.0.0.9")));
}

TEST_CASE("InspectionOnce: a line that is not JSON or has no finding passes", "[pool]") {
  InspectionOnce once;
  OutEvent bad;
  bad.kind = EventKind::Inspection;
  bad.json = "{not json";
  CHECK(once.pass(bad));
  CHECK(once.pass(bad));
  CHECK(InspectionOnce::keyOf("{\"x\":1}").empty());
}
