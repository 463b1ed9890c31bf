#pragma once
/// @file worker_pool.h
/// The multi-worker pipeline for files (`scan --workers N`): the calling thread reads and
/// decodes packets and routes each one through a bounded SPSC ring (packet_ring.h) to one of
/// N worker threads, chosen by host (classify/shard.h). Each worker owns its classifier, flow
/// table, DPI engine and ledger; nothing is shared between workers.
///
/// Determinism. The reader cuts the packet stream into epochs (a fixed number of routed
/// packets, and one at each tick) and broadcasts the packet clock (once per second of packet
/// time), so every worker expires flows at the same stream positions whatever the worker
/// count. Each worker hands an epoch's events over in chunks of at most a fixed number of
/// events; a writer thread writes epoch by epoch, in rounds: round k takes the k-th chunk of
/// every worker still in the epoch and writes them sorted by (event time, kind, text). The
/// rounds depend only on each worker's own events, so the output is the same for the same
/// input and worker count, and equal as a multiset across worker counts (below the table and
/// cache caps, which are split between workers).
///
/// Memory. No batch is unbounded: a worker that expires or ends many flows at once (a tick, or
/// the end of input after an address flood) waits for the writer after a few chunks, and the
/// reader stops routing while too many chunks are queued. Events in flight stay within a few
/// MB whatever the input.
///
/// Live capture does not use this pool: there the kernel splits the traffic between capture
/// workers (live_workers.h).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
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
#include <vw/pipeline/inspection_once.h>
#include <vw/signatures/matcher.h>

namespace vw::pipeline {

/// Makes one DPI engine per worker (the composition root passes nDPI's factory). False /
/// nullptr + message on failure.
using DpiEngineFactory = std::function<classify::DpiEnginePtr(std::string& err)>;

/// The classifiers' state as one view (statistics, summaries), merged over workers.
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

/// Splits the configured totals between `workers` classifiers: each gets ceil(total / workers)
/// of the flow table, the DNS cache, the alert de-duplication keys and every ledger section, so
/// that the caps bound the process, not each worker.
classify::ClassifierConfig perWorkerConfig(const classify::ClassifierConfig& total,
                                           std::uint32_t workers);

/// One classifier with its DPI engine and EVE encoder: what every worker of both pipelines
/// owns. Built on one thread, then used by its worker thread only.
struct ClassifierUnit {
  classify::DpiEnginePtr engine;
  std::unique_ptr<alerts::EveRecordSink> eve;
  std::unique_ptr<classify::Classifier> classifier;

  /// False + message when the engine cannot be made.
  bool build(const DpiEngineFactory& factory, const classify::ClassifierConfig& cfg, bool log_flows,
             std::shared_ptr<const signatures::Matcher> matcher, alerts::EventSink& out,
             std::string& err);
};

class WorkerPool {
public:
  /// `outs` are the real event sinks; they are written from the calling thread only.
  WorkerPool(const classify::ClassifierConfig& total, bool log_flows,
             std::shared_ptr<const signatures::Matcher> matcher,
             std::vector<alerts::EventSink*> outs, std::uint32_t workers, DpiEngineFactory engines);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Creates the DPI engines and starts the threads. False + message on failure.
  bool start(std::string& err);

  /// Routes one packet that decoded to a usable status (`dp` is its decoding).
  void route(const PacketView& pv, const DecodedPacket& dp);

  /// Ends every flow (with `why`), stops the workers and writes all remaining events.
  void finish(classify::EndReason why = classify::EndReason::EndOfInput);

  /// The merged state of every worker. Only after finish() (before, it would race with the
  /// workers; the progress line uses the counters below instead).
  PoolSnapshot snapshot(bool with_ledger) const;
  /// The same with the ledger, moved out of the workers' classifiers instead of copied (the
  /// end of a run: the ledgers are not held twice at the memory peak). The workers' ledgers
  /// are empty afterwards.
  PoolSnapshot takeSnapshot();

  std::uint32_t size() const { return static_cast<std::uint32_t>(workers_.size()); }

  /// For the progress line (any time): flows created and vendor alerts so far, as of the last
  /// finished epoch.
  std::uint64_t flowsCreated() const;
  std::uint64_t vendorAlerts() const;

  /// Packets routed to each worker.
  std::vector<std::uint64_t> routed() const;

private:
  struct Worker;
  class BatchSink;
  /// A worker's events handed over to the writer.
  struct Chunk {
    std::vector<alerts::OutEvent> events;
    bool last = false; ///< the worker's last chunk of the epoch
    bool end = false;  ///< and the epoch is the last one (End)
  };
  void runWorker(Worker& w);
  void runWriter(); ///< merges and writes the workers' chunks (the writer thread)
  void handOver(Worker& w, bool last, bool end);
  void pushControlAll(RingKind kind, std::int64_t value);
  void tick(TimeUs now);
  void flushEpoch();
  void waitForWriter(); ///< reader: waits while too many chunks are queued

  classify::ClassifierConfig cfg_;   ///< one worker's share (perWorkerConfig)
  classify::LedgerCaps ledger_caps_; ///< the totals: caps of the merged ledger
  bool log_flows_;
  std::shared_ptr<const signatures::Matcher> matcher_;
  std::vector<alerts::EventSink*> outs_;
  DpiEngineFactory engines_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::uint64_t routed_since_epoch_ = 0;
  std::thread writer_;
  std::mutex mu_;                      ///< guards the workers' queues and the epoch counters
  std::condition_variable ready_;      ///< a chunk was queued (the writer waits)
  std::condition_variable space_;      ///< a chunk was written (workers and the reader wait)
  std::atomic<std::size_t> queued_{0}; ///< chunks queued over all workers
  std::int64_t epochs_pushed_ = 0;     ///< epochs closed by the reader
  std::int64_t epochs_written_ = 0;    ///< epochs written by the writer
  InspectionOnce inspection_once_; ///< one inspection event per finding over all workers (writer)
  TimeUs last_tick_ = 0;
  bool started_ = false, finished_ = false;
  classify::EndReason end_reason_ = classify::EndReason::EndOfInput;
};

} // namespace vw::pipeline
