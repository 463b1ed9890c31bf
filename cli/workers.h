#pragma once
// The multi-worker half of `scan`: the calling thread reads and decodes packets and routes
// each one through a bounded SPSC ring to one of N worker threads. Each worker owns its
// classifier, flow table, nDPI module and ledger; nothing is shared between workers.
//
// Determinism. The reader cuts the packet stream into epochs (a fixed number of routed
// packets) and broadcasts the packet clock (once per second of packet time), so every worker
// expires flows at the same stream positions whatever the worker count. Each worker hands the
// events of an epoch over as one batch; the reader writes an epoch once every worker finished
// it, sorted by (event time, kind, text). The output is therefore the same for the same input
// and worker count, and equal as a multiset across worker counts (see shard.h for why hosts
// stay on one worker).

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <vw/alerts/eve.h>
#include <vw/alerts/event.h>
#include <vw/classify/classifier.h>
#include <vw/classify/dpi_engine.h>
#include <vw/packet/decode.h>
#include <vw/packet/packet_ring.h>
#include <vw/signatures/matcher.h>

namespace vw::cli {

/// A consistent view of the workers' state (live statistics, metrics, periodic summaries).
struct PoolSnapshot {
  classify::ClassifierStats stats;
  classify::FlowTableStats table;
  std::uint64_t active_flows = 0;
  std::uint64_t vendor_written = 0;
  classify::Ledger ledger; ///< merged; only when asked for

  /// Adds another worker's view.
  PoolSnapshot& operator+=(const PoolSnapshot& o);
};

/// The view of one classifier and the record sink it writes to.
PoolSnapshot snapshotOf(const classify::Classifier& c, const alerts::EveRecordSink& eve,
                        bool with_ledger);

class WorkerPool {
public:
  /// `outs` are the real event sinks; they are written from the calling thread only.
  /// `packet_clock`: offline, the packets' own time drives expiry (route() broadcasts it);
  /// live, the caller calls tick() with the wall clock instead.
  WorkerPool(const classify::ClassifierConfig& base, bool log_flows,
             std::shared_ptr<const signatures::Matcher> matcher,
             std::vector<alerts::EventSink*> outs, std::uint32_t workers, bool packet_clock = true);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Creates the DPI engines and starts the threads. False + message on failure.
  bool start(std::string& err);

  /// Routes one packet that decoded to a usable status (`dp` is its decoding).
  void route(const PacketView& pv, const DecodedPacket& dp);

  /// Ends every flow (with `why`), stops the workers and writes all remaining events.
  void finish(classify::EndReason why = classify::EndReason::EndOfInput);

  // Live mode (called from the thread that routes packets):
  /// Expires flows as of `now` in every worker.
  void tick(TimeUs now);
  /// Closes the current epoch and writes every finished one, so that events leave within the
  /// caller's timer period however slow the link.
  void flushEpoch();
  /// Waits until every worker has processed everything routed so far and returns their merged
  /// counters (and ledger if `with_ledger`). After finish(), reads the classifiers directly.
  PoolSnapshot snapshot(bool with_ledger);
  /// Hands a reloaded signature set to every worker (applied in stream order).
  void setMatcher(std::shared_ptr<const signatures::Matcher> matcher);

  std::uint32_t size() const { return static_cast<std::uint32_t>(workers_.size()); }

  /// For the progress line (any time): flows created and vendor alerts so far, as of the last
  /// finished epoch.
  std::uint64_t flowsCreated() const;
  std::uint64_t vendorAlerts() const;

  /// Packets routed to each worker.
  std::vector<std::uint64_t> routed() const;

private:
  struct Worker;
  void runWorker(Worker& w);
  void pushControlAll(RingKind kind, std::int64_t value);
  void drain(); ///< writes every epoch all workers have finished

  classify::ClassifierConfig cfg_;
  bool log_flows_;
  std::shared_ptr<const signatures::Matcher> matcher_;
  std::vector<alerts::EventSink*> outs_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::uint64_t routed_since_epoch_ = 0;
  std::int64_t epochs_pushed_ = 0; ///< epochs closed by the reader
  std::int64_t epochs_written_ = 0;
  TimeUs last_tick_ = 0;
  bool packet_clock_ = true;
  bool started_ = false, finished_ = false;
  classify::EndReason end_reason_ = classify::EndReason::EndOfInput;
  std::uint64_t snapshot_seq_ = 0;
  std::mutex reload_mu_;
  std::shared_ptr<const signatures::Matcher> pending_matcher_; ///< under reload_mu_
};

} // namespace vw::cli
