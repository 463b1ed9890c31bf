// `vendorwatch live -i IFACE...`: the sensor. One Boost.Asio io_context on the main thread
// watches every pcap handle's selectable fd, drives the timers (flow expiry on wall time,
// stats events, summary rewrites, sink flushing) and handles SIGINT/SIGTERM (clean shutdown)
// and SIGHUP (signature reload + sink reopen).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <vw/alerts/eve.h>
#include <vw/alerts/summary.h>
#include <vw/capture/live_source.h>
#include <vw/capture/packet_source.h>
#include <vw/packet/decode.h>

#include "commands.h"
#include "common.h"
#include "config_file.h"
#include "metrics.h"
#include "pipeline.h"
#include "privileges.h"
#include "workers.h"

namespace vw::cli {
namespace {

namespace asio = boost::asio;

struct LiveCmdOptions {
  std::vector<std::string> interfaces;
  std::string bpf;
  int snaplen = 262144;
  int buffer_mb = 32;
  bool promisc = true;
  double summary_interval = 0;
  double stats_interval = 0;
  std::string user;
  std::string metrics;
  std::string config;
  PipelineOptions pipe;
};

TimeUs wallNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Packets read from one handle per readiness event at most, so that timers and signals
/// still get their turn under a flood.
constexpr int kDispatchBudget = 4096;

class LiveRuntime {
public:
  LiveRuntime(const LiveCmdOptions& o, Pipeline& p) : o_(o), p_(p), signals_(io_) {}

  int run() {
    std::string err;
    // Signals first, so that a SIGINT/SIGHUP during start-up is handled, not fatal.
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.add(SIGHUP);
    waitSignal();
    // 1. Open every capture handle (needs root or CAP_NET_RAW/CAP_NET_ADMIN).
    for (const auto& ifc : o_.interfaces) {
      capture::LiveOptions lo;
      lo.interface = ifc;
      lo.bpf = o_.bpf;
      lo.snaplen = o_.snaplen;
      lo.buffer_mb = o_.buffer_mb;
      lo.promisc = o_.promisc;
      auto src = capture::LiveSource::open(lo, err);
      if (!src) {
        diag("cannot capture on " + err);
        // A filter that does not compile is a usage error; a missing device or permission
        // problem is an input error.
        return err.find(": filter '") != std::string::npos ? kExitUsage : kExitInputError;
      }
      auto h = std::make_unique<Handle>(io_, std::move(src));
      h->rt = this;
      handles_.push_back(std::move(h));
    }
    // 2. The only listening socket, and only when asked for.
    if (!o_.metrics.empty()) {
      metrics_ = std::make_unique<MetricsServer>(io_, [this] { return metricsText(); });
      if (!metrics_->listen(o_.metrics, err)) {
        diag(err);
        return kExitUsage;
      }
      diag("metrics on http://" + metrics_->boundAddress() + "/metrics");
    }
    // 3. Drop root now that everything privileged is open.
    if (!o_.user.empty()) {
      if (!dropPrivileges(o_.user, err)) {
        diag(err);
        return kExitUsage;
      }
      diag(fmt::format("running as {} (uid {}, gid {})", o_.user, getuid(), getgid()));
    }
    if (!o_.pipe.quiet) {
      std::string names;
      for (const auto& h : handles_)
        names += (names.empty() ? "" : ", ") + h->src->name() + " (" +
                 capture::linkTypeName(h->src->linkType()) + ")";
      diag("capturing on " + names + (o_.bpf.empty() ? "" : " filter '" + o_.bpf + "'"));
    }
    if (o_.pipe.workers > 1) {
      pool_ = std::make_unique<WorkerPool>(p_.cfg, o_.pipe.log_flows, p_.matcher, p_.outs,
                                           o_.pipe.workers, /*packet_clock=*/false);
      if (!pool_->start(err)) {
        diag(err);
        return kExitUsage;
      }
    }
    start_us_ = wallNowUs();
    last_stats_us_ = start_us_;
    for (auto& h : handles_)
      arm(*h);
    tick_ = std::make_unique<asio::steady_timer>(io_);
    scheduleTick();
    if (o_.stats_interval > 0) {
      stats_timer_ = std::make_unique<asio::steady_timer>(io_);
      scheduleStats();
    }
    if (o_.summary_interval > 0 && !o_.pipe.summary.empty()) {
      summary_timer_ = std::make_unique<asio::steady_timer>(io_);
      scheduleSummary();
    }
    io_.run();
    return shutdown();
  }

private:
  struct Handle {
    Handle(asio::io_context& io, capture::LiveSourcePtr s)
        : src(std::move(s)), sd(io, src->selectableFd()) {}
    ~Handle() {
      // The descriptor belongs to libpcap: never let asio close it.
      if (sd.is_open())
        sd.release();
    }
    capture::LiveSourcePtr src;
    asio::posix::stream_descriptor sd;
    LiveRuntime* rt = nullptr;
  };

  static void onPacket(void* ctx, const PacketView& pv) {
    static_cast<LiveRuntime*>(ctx)->packet(pv);
  }

  void packet(const PacketView& pv) {
    ++packets_;
    bytes_ += pv.wire_len;
    if (pv.ts > last_pkt_us_)
      last_pkt_us_ = pv.ts;
    if (first_pkt_us_ == 0)
      first_pkt_us_ = pv.ts;
    const DecodeStatus ds = decodePacket(pv, dp_);
    if (!decodeUsable(ds))
      ++undecodable_;
    else if (pool_)
      pool_->route(pv, dp_);
    else
      p_.classifier->onPacket(dp_);
  }

  /// Reads what is ready on `h`, at most kDispatchBudget packets; returns how many, or -1 on
  /// a capture error (reported on stderr).
  int drain(Handle& h) {
    int total = 0;
    while (total < kDispatchBudget) {
      const int n = h.src->dispatch(kDispatchBudget - total, &LiveRuntime::onPacket, this);
      if (n < 0) {
        diag("capture error: " + h.src->error());
        return -1;
      }
      if (n == 0)
        break;
      total += n;
    }
    return total;
  }

  void arm(Handle& h) {
    h.sd.async_wait(asio::posix::stream_descriptor::wait_read,
                    [this, &h](const boost::system::error_code& ec) {
                      if (!ec)
                        onReadable(h);
                    });
  }

  /// Drains a bounded burst, then either comes back right after the other handlers had their
  /// turn (budget used up: more is pending) or waits for readiness again. The 1 s tick also
  /// drains every handle, so a readiness edge lost between the last read and the next wait
  /// delays packets by at most a second.
  void onReadable(Handle& h) {
    if (stopping_)
      return;
    const int n = drain(h);
    if (n < 0) {
      exit_code_ = kExitInputError;
      stop();
      return;
    }
    if (n >= kDispatchBudget)
      asio::post(io_, [this, &h] { onReadable(h); });
    else
      arm(h);
  }

  void waitSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec)
        return;
      if (sig == SIGHUP) {
        reload();
        waitSignal();
        return;
      }
      if (!o_.pipe.quiet)
        diag(
            fmt::format("signal {} received, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM"));
      stop();
    });
  }

  void stop() {
    stopping_ = true;
    boost::system::error_code ig;
    signals_.cancel(ig);
    if (tick_)
      tick_->cancel();
    if (stats_timer_)
      stats_timer_->cancel();
    if (summary_timer_)
      summary_timer_->cancel();
    for (auto& h : handles_)
      h->sd.cancel(ig);
    if (metrics_)
      metrics_->close();
    io_.stop();
  }

  TimeUs liveNow() const { return std::max(wallNowUs(), last_pkt_us_); }

  /// Counters (and the ledger) of the in-line classifier or of all workers.
  PoolSnapshot snapshot(bool with_ledger) {
    return pool_ ? pool_->snapshot(with_ledger) : snapshotOf(*p_.classifier, *p_.eve, with_ledger);
  }

  void scheduleTick() {
    tick_->expires_after(std::chrono::seconds(1));
    tick_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_)
        return;
      for (auto& h : handles_)
        if (drain(*h) < 0) {
          exit_code_ = kExitInputError;
          stop();
          return;
        }
      if (pool_) {
        pool_->tick(liveNow());
        pool_->flushEpoch(); // events of slow links leave within the second too
      } else {
        p_.classifier->expire(liveNow());
      }
      for (auto& s : p_.sinks)
        s->sync(); // files and stdout: fflush; network sinks deliver on their own thread
      scheduleTick();
    });
  }

  void scheduleStats() {
    stats_timer_->expires_after(
        std::chrono::milliseconds(static_cast<long>(o_.stats_interval * 1000)));
    stats_timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_)
        return;
      writeStats();
      scheduleStats();
    });
  }

  void scheduleSummary() {
    summary_timer_->expires_after(
        std::chrono::milliseconds(static_cast<long>(o_.summary_interval * 1000)));
    summary_timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_)
        return;
      writeSummary();
      scheduleSummary();
    });
  }

  capture::LiveStats pcapTotals() {
    capture::LiveStats t;
    for (auto& h : handles_) {
      capture::LiveStats s;
      if (h->src->stats(s)) {
        t.received += s.received;
        t.dropped += s.dropped;
        t.if_dropped += s.if_dropped;
      }
    }
    return t;
  }

  void writeStats() {
    const TimeUs now = wallNowUs();
    const double dt = static_cast<double>(now - last_stats_us_) / 1e6;
    const auto pc = pcapTotals();
    const PoolSnapshot view = snapshot(false);
    const auto& cs = view.stats;
    const auto& ts = view.table;
    nlohmann::ordered_json j;
    j["timestamp"] = alerts::isoTime(now);
    j["event_type"] = "stats";
    nlohmann::ordered_json st;
    st["uptime"] = static_cast<double>(now - start_us_) / 1e6;
    st["packets"] = packets_;
    st["bytes"] = bytes_;
    st["pps"] = dt > 0 ? static_cast<double>(packets_ - last_stats_packets_) / dt : 0.0;
    st["bps"] = dt > 0 ? static_cast<double>(bytes_ - last_stats_bytes_) * 8 / dt : 0.0;
    st["undecodable"] = undecodable_;
    nlohmann::ordered_json cap;
    cap["received"] = pc.received;
    cap["dropped"] = pc.dropped;
    cap["if_dropped"] = pc.if_dropped;
    st["capture"] = cap;
    nlohmann::ordered_json fl;
    fl["active"] = view.active_flows;
    fl["created"] = ts.created;
    fl["peak"] = ts.peak;
    for (int i = 0; i < static_cast<int>(classify::EndReason::Count_); ++i)
      fl[classify::endReasonName(static_cast<classify::EndReason>(i))] = ts.ended[i];
    st["flows"] = fl;
    st["vendor_alerts"] = cs.vendor_alerts;
    st["alerts_written"] = view.vendor_written;
    st["alerts_deduplicated"] = cs.alerts_deduplicated;
    st["signature_reloads"] = reloads_;
    st["signature_reload_failures"] = reload_failures_;
    j["stats"] = st;
    alerts::OutEvent ev;
    ev.kind = alerts::EventKind::Stats;
    ev.ts_us = now;
    ev.json = alerts::dumpLine(j);
    p_.eve->write(ev);
    last_stats_us_ = now;
    last_stats_packets_ = packets_;
    last_stats_bytes_ = bytes_;
  }

  bool writeSummary() {
    if (o_.pipe.summary.empty())
      return true;
    alerts::SummaryMeta meta;
    meta.tool_version = VW_VERSION;
    meta.signature_version = p_.matcher->set().info().version;
    for (const auto& i : o_.interfaces)
      meta.inputs.push_back("live:" + i);
    meta.first_packet_us = first_pkt_us_;
    meta.last_packet_us = last_pkt_us_;
    meta.packets = packets_;
    const auto doc = alerts::summaryJson(snapshot(true).ledger, p_.matcher->set(), meta);
    const std::string tmp = o_.pipe.summary + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      out.flush();
      if (!out) {
        diag("cannot write summary '" + tmp + "'");
        return false;
      }
    }
    if (std::rename(tmp.c_str(), o_.pipe.summary.c_str()) != 0) {
      diag("cannot rename '" + tmp + "' to '" + o_.pipe.summary + "'");
      return false;
    }
    return true;
  }

  void reload() {
    const std::string dir = o_.pipe.signatures.empty() ? defaultSignatureDir() : o_.pipe.signatures;
    diag("SIGHUP: reloading signatures from '" + dir + "'");
    auto m = loadMatcher(dir); // prints file:line errors itself
    if (!m) {
      ++reload_failures_;
      diag("SIGHUP: reload failed, keeping signature set version " +
           p_.matcher->set().info().version);
    } else {
      ++reloads_;
      if (pool_)
        pool_->setMatcher(m);
      else
        p_.classifier->setMatcher(m);
      p_.eve->setSignatures(m->sharedSet());
      p_.matcher = std::move(m);
      diag("SIGHUP: signature set version " + p_.matcher->set().info().version + " loaded");
    }
    for (auto& s : p_.sinks)
      s->reopen();
  }

  std::string metricsText() {
    const auto pc = pcapTotals();
    const PoolSnapshot view = snapshot(false);
    const auto& cs = view.stats;
    const auto& ts = view.table;
    std::string s;
    auto metric = [&s](const char* name, const char* type, const char* help, double v) {
      s += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, v);
    };
    metric("vendorwatch_packets_total", "counter", "Packets read from the capture handles.",
           static_cast<double>(packets_));
    metric("vendorwatch_bytes_total", "counter", "Bytes on the wire of the packets read.",
           static_cast<double>(bytes_));
    metric("vendorwatch_capture_received_total", "counter", "libpcap: packets received.",
           static_cast<double>(pc.received));
    metric("vendorwatch_capture_dropped_total", "counter",
           "libpcap: packets dropped for lack of buffer space.", static_cast<double>(pc.dropped));
    metric("vendorwatch_capture_if_dropped_total", "counter",
           "libpcap: packets dropped by the interface.", static_cast<double>(pc.if_dropped));
    metric("vendorwatch_flows_active", "gauge", "Flows in the flow table.",
           static_cast<double>(view.active_flows));
    metric("vendorwatch_flows_created_total", "counter", "Flows created.",
           static_cast<double>(ts.created));
    metric("vendorwatch_vendor_alerts_total", "counter", "Vendor alerts raised.",
           static_cast<double>(cs.vendor_alerts));
    metric("vendorwatch_alerts_deduplicated_total", "counter", "Vendor alerts suppressed by dedup.",
           static_cast<double>(cs.alerts_deduplicated));
    metric("vendorwatch_signature_reloads_total", "counter", "Successful signature reloads.",
           static_cast<double>(reloads_));
    metric("vendorwatch_signature_reload_failures_total", "counter", "Rejected signature reloads.",
           static_cast<double>(reload_failures_));
    return s;
  }

  int shutdown() {
    // Stop capture: read what the kernel already holds, then close the handles.
    for (auto& h : handles_)
      while (drain(*h) >= kDispatchBudget) {
      }
    const auto pc = pcapTotals();
    if (pool_)
      pool_->finish(classify::EndReason::Shutdown); // joins the workers, writes their events
    else
      p_.classifier->endAll(classify::EndReason::Shutdown);
    if (o_.pipe.log_stats || o_.stats_interval > 0)
      writeStats();
    for (auto& s : p_.sinks) {
      if (!s->flush(o_.pipe.flush_timeout_ms)) {
        const auto st = s->stats();
        diag(fmt::format("{}: {} event(s) could not be delivered before the flush timeout",
                         s->name(), st.queued + st.failed));
      }
    }
    int rc = exit_code_;
    if (!writeSummary() && rc == kExitOk)
      rc = kExitInputError;
    const bool tty = isatty(STDERR_FILENO) != 0;
    if (o_.pipe.table || (tty && !o_.pipe.no_table && !o_.pipe.quiet))
      std::fputs(alerts::hostTable(snapshot(true).ledger, p_.matcher->set()).c_str(), stderr);
    if (!o_.pipe.quiet) {
      const PoolSnapshot view = snapshot(false);
      const auto& ts = view.table;
      diag(fmt::format("live: {} packets, {}; libpcap received {}, dropped {}, if-dropped {}; "
                       "{} flows; {} vendor alerts written",
                       packets_, alerts::humanBytes(bytes_), pc.received, pc.dropped, pc.if_dropped,
                       ts.created, view.vendor_written));
    }
    handles_.clear();
    return rc;
  }

  const LiveCmdOptions& o_;
  Pipeline& p_;
  asio::io_context io_;
  asio::signal_set signals_;
  std::vector<std::unique_ptr<Handle>> handles_;
  std::unique_ptr<asio::steady_timer> tick_, stats_timer_, summary_timer_;
  std::unique_ptr<MetricsServer> metrics_;
  std::unique_ptr<WorkerPool> pool_; ///< --workers > 1; otherwise p_.classifier in-line
  DecodedPacket dp_;
  std::uint64_t packets_ = 0, bytes_ = 0, undecodable_ = 0;
  std::uint64_t last_stats_packets_ = 0, last_stats_bytes_ = 0;
  std::uint64_t reloads_ = 0, reload_failures_ = 0;
  TimeUs start_us_ = 0, last_stats_us_ = 0, first_pkt_us_ = 0, last_pkt_us_ = 0;
  bool stopping_ = false;
  int exit_code_ = kExitOk;
};

int runLive(LiveCmdOptions& o, CLI::App& cmd) {
  if (!o.config.empty()) {
    std::string err;
    if (!applyConfigFile(o.config, cmd, err)) {
      std::fprintf(stderr, "%s\n", err.c_str());
      diag("configuration file '" + o.config + "' rejected");
      return kExitUsage;
    }
  }
  if (o.interfaces.empty()) {
    diag("live: at least one -i/--interface is required (on the command line or in --config)");
    return kExitUsage;
  }
  if (o.summary_interval > 0 && o.pipe.summary.empty())
    diag("warning: --summary-interval has no effect without --summary FILE");
  if (!o.metrics.empty()) {
    std::string host, err;
    unsigned short port = 0;
    if (!parseListenAddress(o.metrics, host, port, err)) {
      diag(err);
      return kExitUsage;
    }
  }
  Pipeline pipe;
  if (!buildPipeline(o.pipe, pipe, /*with_classifier=*/o.pipe.workers <= 1))
    return kExitUsage;
  LiveRuntime rt(o, pipe);
  return rt.run();
}

} // namespace

void addLiveCommand(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<LiveCmdOptions>();
  CLI::App* c = app.add_subcommand("live", "Capture on interfaces (span/mirror port) and classify");
  c->add_option("-i,--interface", o->interfaces, "Interface to capture on (repeatable)");
  c->add_option("-f,--filter", o->bpf, "BPF filter expression (libpcap syntax)");
  c->add_option("--snaplen", o->snaplen, "Bytes captured per packet")
      ->check(CLI::Range(64, 262144))
      ->capture_default_str();
  c->add_option("--buffer-size", o->buffer_mb, "Kernel capture buffer in MiB")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  c->add_flag("--promisc,!--no-promisc", o->promisc, "Promiscuous mode (default on)");
  c->add_option("--summary-interval", o->summary_interval,
                "Rewrite --summary FILE every S seconds (atomically; 0 = only at exit)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--stats-interval", o->stats_interval,
                "Write a 'stats' event every S seconds (0 = only at exit with --log-stats)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("-Z,--user", o->user, "Drop root to USER once the capture handles are open");
  c->add_option("--metrics", o->metrics,
                "Serve Prometheus metrics on ADDR:PORT (default address 127.0.0.1)");
  c->add_option("--config", o->config, "TOML file with the same keys as the long flags");
  addPipelineOptions(*c, o->pipe);
  c->footer("Examples:\n"
            "  vendorwatch live -i eth1 --eve /var/log/vendorwatch/eve.json -Z vendorwatch\n"
            "  vendorwatch live -i eth1 -i eth2 -f 'not port 22' --summary /var/lib/vw/ledger.json "
            "--summary-interval 300\n"
            "  vendorwatch live --config /etc/vendorwatch/vendorwatch.toml\n"
            "Signals: SIGINT/SIGTERM stop cleanly; SIGHUP reloads signatures and reopens files.");
  c->callback([o, c, &run] { run = [o, c] { return runLive(*o, *c); }; });
}

} // namespace vw::cli
