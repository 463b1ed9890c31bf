// vw_sink_driver: pushes N synthetic vendor events with unique sequence numbers through a sink
// at a given rate, flushes, and prints the sink stats as one JSON object on stdout. Used by
// tests/integration/syslog/syslog_integration.py against a real rsyslogd. The flags follow the
// vendorwatch CLI (--syslog, --syslog-format, --syslog-queue, --flush-timeout, --syslog-ca).
//
// Event `seq` (0-based) carries "seq":SEQ in its JSON, flow_id SEQ+1 (SD flow_id / CEF cn1) and,
// with --hostile, every 10th event has names full of framing-breaking characters.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <vw/alerts/sinks.h>

using namespace vw::alerts;

namespace {

const std::string kHostileName =
    std::string("ev\"il]\\name|x=y\r\n<13>1 forged ") + "\x01\x7f" + "\xff\xc0\xaf" + "caf\xc3\xa9";

OutEvent makeEvent(std::uint64_t seq, bool hostile) {
  OutEvent ev;
  ev.kind = EventKind::Vendor;
  ev.ts_us = 1709294400000000 + static_cast<std::int64_t>(seq) * 1000;
  AlertFields a;
  a.host = "10.1.2.3";
  a.src_ip = "10.1.2.3";
  a.src_port = static_cast<std::uint16_t>(40000 + seq % 20000);
  a.dest_ip = "203.0.113.7";
  a.dest_port = 443;
  a.proto = "TCP";
  a.dest_name = hostile ? kHostileName : "ts01-b.cloudsink.net";
  a.vendor_id = "crowdstrike";
  a.vendor_name = "CrowdStrike";
  a.vendor_country = "US";
  a.vendor_status = "banned";
  a.product_id = "falcon-sensor";
  a.product_name = "Falcon sensor";
  a.role = "agent";
  a.confidence = "high";
  a.evidence_field = "tls.sni";
  a.evidence_value = a.dest_name;
  a.evidence_indicator = "*.cloudsink.net";
  a.flow_id = seq + 1;
  nlohmann::json j = {{"timestamp", formatRfc3339Micros(ev.ts_us)},
                      {"event_type", "vendor"},
                      {"seq", seq},
                      {"flow_id", a.flow_id},
                      {"src_ip", a.src_ip},
                      {"dest_ip", a.dest_ip},
                      {"dest_name", a.dest_name},
                      {"vendor", {{"id", a.vendor_id}, {"status", a.vendor_status}}}};
  ev.json = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  ev.alert = std::move(a);
  return ev;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Push synthetic vendor events through a vendorwatch sink"};
  std::string url, eve, format = "5424", ca, cert, key, tls_name, hostname = "vw-test-sensor";
  std::string facility = "local0";
  std::size_t queue = 10000;
  int flush_timeout = 10000, grace = 2000;
  std::uint64_t count = 100, start_seq = 0;
  double rate = 0;
  bool no_verify = false, hostile = false;
  app.add_option("--syslog", url, "udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT");
  app.add_option("--eve", eve, "write EVE JSON lines to this file instead");
  app.add_option("--syslog-format", format, "5424 or cef");
  app.add_option("--syslog-queue", queue, "events held by a TCP/TLS sink");
  app.add_option("--syslog-facility", facility, "facility name or number");
  app.add_option("--flush-timeout", flush_timeout, "ms to wait for delivery at the end");
  app.add_option("--syslog-ca", ca, "CA bundle (PEM) to verify the collector");
  app.add_option("--syslog-cert", cert, "client certificate (PEM)");
  app.add_option("--syslog-key", key, "client key (PEM)");
  app.add_option("--syslog-tls-name", tls_name, "name to verify instead of the URL host");
  app.add_flag("--syslog-no-verify", no_verify, "do not verify the collector certificate");
  app.add_option("--confirm-grace", grace, "ms an acked event stays re-sendable");
  app.add_option("--hostname", hostname, "syslog HOSTNAME");
  app.add_option("--count", count, "number of events");
  app.add_option("--start-seq", start_seq, "first sequence number");
  app.add_option("--rate", rate, "events per second (0 = as fast as possible)");
  app.add_flag("--hostile", hostile, "every 10th event has hostile names");
  CLI11_PARSE(app, argc, argv);

  std::string err;
  EventSinkPtr sink;
  if (!url.empty()) {
    auto target = parseSyslogUrl(url, &err);
    auto fmt = parseSyslogFormat(format);
    auto fac = parseSyslogFacility(facility);
    if (!target || !fmt || !fac) {
      std::cerr << "vw_sink_driver: "
                << (!target ? err
                    : !fmt  ? "bad --syslog-format"
                            : "bad --syslog-facility")
                << "\n";
      return 2;
    }
    SyslogOptions o;
    o.target = *target;
    o.format = *fmt;
    o.encode.hostname = hostname;
    o.encode.facility = *fac;
    o.queue_size = queue;
    o.confirm_grace_ms = grace;
    o.ca_file = ca;
    o.cert_file = cert;
    o.key_file = key;
    o.tls_name = tls_name;
    o.verify_peer = !no_verify;
    sink = makeSyslogSink(o, err);
  } else if (!eve.empty()) {
    sink = makeFileSink(eve, err);
  } else {
    sink = makeStdoutSink();
  }
  if (!sink) {
    std::cerr << "vw_sink_driver: " << err << "\n";
    return 2;
  }

  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < count; ++i) {
    if (rate > 0) {
      const auto due = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(static_cast<double>(i) / rate));
      std::this_thread::sleep_until(due);
    }
    const std::uint64_t seq = start_seq + i;
    sink->write(makeEvent(seq, hostile && seq % 10 == 3));
  }
  const auto t1 = std::chrono::steady_clock::now();
  const bool flushed = sink->flush(flush_timeout);
  const auto t2 = std::chrono::steady_clock::now();
  const SinkStats st = sink->stats();
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  nlohmann::json out = {
      {"sink", sink->name()},         {"written", count},       {"sent", st.sent},
      {"queued", st.queued},          {"resent", st.resent},    {"dropped", st.dropped},
      {"reconnects", st.reconnects},  {"failed", st.failed},    {"connected", st.connected},
      {"leftover", sink->leftover()}, {"flushed", flushed},     {"last_error", sink->lastError()},
      {"write_ms", ms(t1 - t0)},      {"flush_ms", ms(t2 - t1)}};
  if (url.empty() && eve.empty())
    std::fflush(stdout);
  std::cout << out.dump() << std::endl;
  if (sink->leftover() > 0)
    std::cerr << "vw_sink_driver: " << sink->leftover() << " events not delivered to "
              << sink->name() << (sink->lastError().empty() ? "" : ": " + sink->lastError())
              << "\n";
  return 0;
}
