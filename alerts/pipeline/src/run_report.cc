#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <vw/alerts/eve.h>
#include <vw/alerts/summary.h>
#include <vw/capture/packet_source.h>
#include <vw/classify/flow_table.h>
#include <vw/pipeline/run_report.h>

namespace vw::pipeline {

std::uint64_t InputCounters::undecodable() const {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < decode.size(); ++i)
    if (!decodeUsable(static_cast<DecodeStatus>(i)))
      n += decode[i];
  return n;
}

nlohmann::ordered_json statsJson(const StatsView& v, TimeUs timestamp) {
  const classify::ClassifierStats& cs = v.pool.stats;
  const classify::FlowTableStats& ts = v.pool.table;
  nlohmann::ordered_json j;
  j["timestamp"] = alerts::isoTime(timestamp);
  j["event_type"] = "stats";
  nlohmann::ordered_json st;
  if (v.live) {
    st["uptime"] = v.live->uptime_s;
    st["pps"] = v.live->pps;
    st["bps"] = v.live->bps;
  }
  st["packets"] = v.input.packets;
  st["bytes"] = v.input.bytes;
  st["undecodable"] = v.input.undecodable();
  nlohmann::ordered_json lt = nlohmann::ordered_json::object();
  for (const auto& [t, n] : v.input.link_types)
    lt[capture::linkTypeName(t)] = n;
  st["link_types"] = lt;
  nlohmann::ordered_json dec = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < v.input.decode.size(); ++i)
    if (v.input.decode[i] != 0)
      dec[std::string(decodeStatusName(static_cast<DecodeStatus>(i)))] = v.input.decode[i];
  st["decode"] = dec;
  if (v.scan) {
    st["inputs"] = {{"read", v.scan->ok + v.scan->failed},
                    {"failed", v.scan->failed},
                    {"truncated", v.scan->truncated}};
  }
  if (v.live) {
    st["capture"] = {{"received", v.live->capture.received},
                     {"dropped", v.live->capture.dropped},
                     {"if_dropped", v.live->capture.if_dropped}};
    nlohmann::ordered_json ifs = nlohmann::ordered_json::object();
    for (const auto& [name, n] : v.live->interfaces)
      ifs[name] = n;
    st["interfaces"] = ifs;
  }
  nlohmann::ordered_json fl;
  fl["active"] = v.pool.active_flows;
  fl["created"] = ts.created;
  fl["peak"] = ts.peak;
  fl["bytes_per_slot"] = classify::FlowTable::bytesPerFlow();
  for (int i = 0; i < static_cast<int>(classify::EndReason::Count_); ++i)
    fl[classify::endReasonName(static_cast<classify::EndReason>(i))] = ts.ended[i];
  st["flows"] = fl;
  st["workers"] = v.worker_packets;
  st["dpi_packets"] = cs.dpi_packets;
  st["dpi_flows"] = cs.dpi_flows;
  st["dpi_freed_early"] = cs.dpi_freed_early;
  st["dpi_budget_exhausted"] = cs.dpi_budget_exhausted;
  st["inspect_idle_ended"] = cs.inspect_idle_ended;
  st["unknown_flows"] = cs.unknown_flows;
  st["dns_unsolicited"] = cs.dns_unsolicited;
  st["dns_pending_evicted"] = cs.dns_pending_evicted;
  st["web_verdicts"] = cs.web_verdicts;
  st["vendor_alerts"] = cs.vendor_alerts;
  st["alerts_written"] = v.pool.vendor_written;
  st["alerts_deduplicated"] = cs.alerts_deduplicated;
  if (v.live) {
    st["signature_reloads"] = v.live->reloads;
    st["signature_reload_failures"] = v.live->reload_failures;
  }
  j["stats"] = st;
  return j;
}

std::string statsText(const StatsView& v) {
  const classify::ClassifierStats& cs = v.pool.stats;
  const classify::FlowTableStats& ts = v.pool.table;
  std::string s;
  if (v.scan)
    s += fmt::format("vendorwatch: read {} input(s) ({} failed, {} truncated): {} packets, {}\n",
                     v.scan->ok + v.scan->failed, v.scan->failed, v.scan->truncated,
                     v.input.packets, alerts::humanBytes(v.input.bytes));
  if (v.live)
    s += fmt::format(
        "vendorwatch: live: {} packets, {} in {:.1f} s; kernel received {}, dropped {}, "
        "if-dropped {}\n",
        v.input.packets, alerts::humanBytes(v.input.bytes), v.live->uptime_s,
        v.live->capture.received, v.live->capture.dropped, v.live->capture.if_dropped);
  std::string lt;
  for (const auto& [t, n] : v.input.link_types)
    lt += fmt::format(" {}={}", capture::linkTypeName(t), n);
  s += "  link types:" + lt + "\n";
  std::string dec;
  for (std::size_t i = 0; i < v.input.decode.size(); ++i)
    if (v.input.decode[i] != 0)
      dec +=
          fmt::format(" {}={}", decodeStatusName(static_cast<DecodeStatus>(i)), v.input.decode[i]);
  s += "  decode:" + dec + "\n";
  std::string ended;
  for (int i = 0; i < static_cast<int>(classify::EndReason::Count_); ++i)
    if (ts.ended[i] != 0)
      ended += fmt::format(" {}={}", classify::endReasonName(static_cast<classify::EndReason>(i)),
                           ts.ended[i]);
  s += fmt::format("  flows: {} (peak {} live, {} bytes per flow slot); ended:{}\n", ts.created,
                   ts.peak, classify::FlowTable::bytesPerFlow(), ended);
  if (v.worker_packets.size() > 1) {
    std::string per;
    for (const auto n : v.worker_packets)
      per += fmt::format(" {}", n);
    s += fmt::format("  workers: {}; packets per worker:{}\n", v.worker_packets.size(), per);
  }
  s += fmt::format("  dpi: {} packets inspected in {} flows; state freed early {}, budget "
                   "exhausted {}, flow went quiet {}; unknown flows {}\n",
                   cs.dpi_packets, cs.dpi_flows, cs.dpi_freed_early, cs.dpi_budget_exhausted,
                   cs.inspect_idle_ended, cs.unknown_flows);
  s += fmt::format("  facts: {} TLS ClientHellos, {} QUIC ClientHellos, {} DNS messages ({} "
                   "malformed, {} unsolicited responses, {} open queries evicted), {} HTTP "
                   "requests\n",
                   cs.tls_client_hellos, cs.quic_client_hellos, cs.dns_messages, cs.dns_malformed,
                   cs.dns_unsolicited, cs.dns_pending_evicted, cs.http_requests);
  s += fmt::format("  vendors: {} attributed flows, {} alerts written, {} deduplicated, {} DNS "
                   "cache hits, {} web-presence verdicts without event\n",
                   cs.attributed_flows, v.pool.vendor_written, cs.alerts_deduplicated,
                   cs.dns_cache_hits, cs.web_verdicts);
  if (v.live) {
    s += fmt::format("  signature reloads: {} ({} rejected)", v.live->reloads,
                     v.live->reload_failures);
    if (v.live->merge_forced != 0)
      s +=
          fmt::format("; {} packets merged out of order (merge buffer full)", v.live->merge_forced);
    s += "\n";
  }
  return s;
}

namespace {
std::string errnoText(const std::string& what, const std::string& path) {
  return "cannot " + what + " '" + path + "': " + std::strerror(errno);
}
} // namespace

bool summaryWritable(const std::string& path, std::string& err) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    err = "--summary: " + errnoText("create", tmp);
    return false;
  }
  ::close(fd);
  ::unlink(tmp.c_str());
  return true;
}

bool writeSummaryFile(const std::string& path, const nlohmann::ordered_json& doc,
                      std::string& err) {
  return writeSummaryFile(
      path,
      [&doc](const std::function<bool(std::string_view)>& sink) {
        return sink(doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
      },
      err);
}

bool writeSummaryFile(const std::string& path, const SummaryProducer& produce, std::string& err) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    err = errnoText("write summary", tmp);
    return false;
  }
  // Written in blocks of about 1 MiB: the text is never held whole.
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::string buf;
  buf.reserve(kBlock);
  bool failed = false;
  const auto flush = [&]() {
    std::size_t done = 0;
    while (!failed && done < buf.size()) {
      const ssize_t n = ::write(fd, buf.data() + done, buf.size() - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        err = errnoText("write summary", tmp);
        failed = true;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    buf.clear();
    return !failed;
  };
  const auto sink = [&](std::string_view text) {
    buf.append(text);
    return buf.size() < kBlock || flush();
  };
  const bool produced = produce(sink) && sink("\n") && flush();
  if (!produced) {
    if (!failed)
      err = "write summary '" + tmp + "': the document could not be produced";
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::fsync(fd) != 0 && errno != EINVAL) { // EINVAL: a special file that cannot sync
    err = errnoText("sync summary", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::close(fd) != 0) {
    err = errnoText("close summary", tmp);
    ::unlink(tmp.c_str());
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    err = "cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

std::vector<std::string> flushSinks(const std::vector<alerts::EventSinkPtr>& sinks,
                                    int timeout_ms) {
  std::vector<std::string> out;
  for (const auto& s : sinks) {
    if (!s->flush(timeout_ms)) {
      const auto st = s->stats();
      out.push_back(fmt::format("{}: {} event(s) could not be delivered before the flush timeout",
                                s->name(), st.queued + st.failed));
    }
  }
  return out;
}

std::vector<std::string> sinkReport(const std::vector<alerts::EventSinkPtr>& sinks) {
  std::vector<std::string> out;
  for (const auto& s : sinks) {
    if (s->name() == "stdout")
      continue;
    const auto st = s->stats();
    out.push_back(fmt::format("sink {}: sent {}, re-sent {}, dropped {}, failed {}, reconnects {}",
                              s->name(), st.sent, st.resent, st.dropped, st.failed, st.reconnects));
  }
  return out;
}

bool wantHostTable(bool table, bool no_table, bool quiet) {
  return table || (isatty(STDERR_FILENO) != 0 && !no_table && !quiet);
}

} // namespace vw::pipeline
