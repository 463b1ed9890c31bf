#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>

#include <climits>

#include <vw/capture/packet_source.h>
#include <vw/pipeline/live_workers.h>
#include <vw/pipeline/time_merge.h>

namespace vw::pipeline {
namespace {

/// Packets read from one handle per dispatch at most, so that the other handles, the clock
/// and control requests get their turn under a flood (a whole block is 256 KiB: at most a
/// few thousand packets).
constexpr int kDispatchBudget = 65536;

TimeUs wallNowUs() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return static_cast<TimeUs>(t.tv_sec) * 1000000 + t.tv_nsec / 1000;
}

/// Collects one worker's events until they are handed over.
class BatchSink final : public alerts::EventSink {
public:
  void write(const alerts::OutEvent& ev) override { batch.push_back(ev); }
  bool flush(int) override { return true; }
  alerts::SinkStats stats() const override { return {}; }
  std::string name() const override { return "batch"; }
  std::vector<alerts::OutEvent> batch;
};

std::string mib(std::uint64_t bytes) {
  return std::to_string((bytes + (1u << 19)) >> 20) + " MiB";
}

} // namespace

LiveCounters& LiveCounters::operator+=(const LiveCounters& o) {
  packets += o.packets;
  bytes += o.bytes;
  for (std::size_t i = 0; i < interface_packets.size(); ++i)
    interface_packets[i] += o.interface_packets[i];
  for (std::size_t i = 0; i < decode.size(); ++i)
    decode[i] += o.decode[i];
  capture.received += o.capture.received;
  capture.dropped += o.capture.dropped;
  capture.if_dropped += o.capture.if_dropped;
  stats += o.stats;
  table += o.table;
  active_flows += o.active_flows;
  vendor_written += o.vendor_written;
  merge_forced += o.merge_forced;
  if (o.first_ts != 0 && (first_ts == 0 || o.first_ts < first_ts))
    first_ts = o.first_ts;
  last_ts = std::max(last_ts, o.last_ts);
  return *this;
}

struct LiveWorkers::Worker {
  std::uint32_t index = 0;
  std::vector<capture::LiveSourcePtr> sources; ///< one per interface
  std::vector<char> counts_if_dropped;         ///< interface drops are counted once per interface
  int wake_fd = -1;
  BatchSink collect;
  ClassifierUnit unit;
  std::unique_ptr<TimeMerge> merge; ///< several interfaces only
  TimeUs hold_us = 0;               ///< how long the merge waits for a late interface
  DecodedPacket dp;
  LiveCounters local;
  Published<LiveCounters> pub;
  std::thread thread;
  std::uint64_t reload_seen = 0;
  std::atomic<std::uint64_t> ledger_ack{0};
  std::mutex ledger_mu;
  classify::Ledger ledger_copy; ///< under ledger_mu
  /// Journal rows drained at ledger copies, until takeJournal() (under ledger_mu).
  std::vector<classify::JournalRow> journal;

  // State of the dispatch in progress.
  std::size_t cur = 0;
  int count = 0;
  std::vector<TimeUs> last_ts; ///< newest packet read per handle
  std::vector<char> drained;   ///< the last dispatch emptied the handle's ring
  std::vector<capture::LiveStats> source_stats;

  ~Worker() {
    if (wake_fd >= 0)
      ::close(wake_fd);
  }

  void process(std::size_t src, const PacketView& pv) {
    ++local.packets;
    local.bytes += pv.wire_len;
    ++local.interface_packets[src];
    if (local.first_ts == 0)
      local.first_ts = pv.ts;
    if (pv.ts > local.last_ts)
      local.last_ts = pv.ts;
    const DecodeStatus ds = decodePacket(pv, dp);
    ++local.decode[static_cast<std::size_t>(ds)];
    if (decodeUsable(ds))
      unit.classifier->onPacket(dp);
  }

  void budget() {
    if (++count >= kDispatchBudget)
      sources[cur]->breakLoop();
  }

  static void onDirect(void* ctx, const PacketView& pv) {
    auto* w = static_cast<Worker*>(ctx);
    w->process(w->cur, pv);
    w->budget();
  }

  static void onMerged(void* ctx, const PacketView& pv) {
    auto* w = static_cast<Worker*>(ctx);
    if (pv.ts > w->last_ts[w->cur])
      w->last_ts[w->cur] = pv.ts;
    w->merge->push(w->cur, pv, [w](std::size_t s, const PacketView& p) { w->process(s, p); });
    w->budget();
  }

  /// Reads what handle `s` holds (a budget's worth at most); false on a capture error.
  bool read(std::size_t s, std::string& err) {
    cur = s;
    count = 0;
    const int n = sources[s]->dispatch(-1, merge ? &Worker::onMerged : &Worker::onDirect, this);
    if (n < 0) {
      err = "capture error: " + sources[s]->error();
      return false;
    }
    drained[s] = count < kDispatchBudget ? 1 : 0;
    return true;
  }

  /// Hands on the merged packets that nothing older can precede any more.
  void release(TimeUs now) {
    if (!merge || merge->empty())
      return;
    TimeUs bound = LLONG_MAX;
    for (std::size_t s = 0; s < sources.size(); ++s) {
      const TimeUs b = drained[s] != 0 ? std::max(last_ts[s], now - hold_us) : last_ts[s];
      bound = std::min(bound, b);
    }
    merge->release(bound, [this](std::size_t s, const PacketView& p) { process(s, p); });
  }

  void readKernelCounters() {
    capture::LiveStats sum;
    for (std::size_t s = 0; s < sources.size(); ++s) {
      capture::LiveStats st;
      if (sources[s]->stats(st))
        source_stats[s] = st;
      sum.received += source_stats[s].received;
      sum.dropped += source_stats[s].dropped;
      if (counts_if_dropped[s] != 0)
        sum.if_dropped += source_stats[s].if_dropped;
    }
    local.capture = sum;
  }

  void publish() {
    const classify::Classifier& c = *unit.classifier;
    local.stats = c.stats();
    local.table = c.table().stats();
    local.active_flows = c.table().size();
    local.vendor_written = unit.eve->written(alerts::EventKind::Vendor);
    local.merge_forced = merge ? merge->forced() : 0;
    pub.publish(local);
  }
};

LiveWorkers::LiveWorkers(LiveConfig cfg) : cfg_(std::move(cfg)) {
  const std::uint32_t n = std::clamp<std::uint32_t>(cfg_.workers, 1, kMaxLiveWorkers);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->index = i;
    workers_.push_back(std::move(w));
  }
}

LiveWorkers::~LiveWorkers() {
  if (started_ && !stopped_)
    stop(classify::EndReason::Shutdown);
}

bool LiveWorkers::open(std::string& err, bool& usage) {
  usage = false;
  const std::uint32_t n = size();
  if (cfg_.interfaces.empty() || cfg_.interfaces.size() > kMaxInterfaces) {
    err = "between 1 and " + std::to_string(kMaxInterfaces) + " interfaces";
    usage = true;
    return false;
  }
  std::vector<capture::BpfInsn> program;
  if (n > 1 && !capture::buildHostFanoutProgram(cfg_.home_net, program, err)) {
    usage = true;
    return false;
  }
  capture::LiveOptions lo = cfg_.capture;
  lo.ring_bytes = std::max<std::uint64_t>(cfg_.capture.ring_bytes / n, 1u << 20);
  if (lo.ring_bytes > capture::kMaxRingBytesPerHandle) {
    err = "--buffer-size " + mib(cfg_.capture.ring_bytes) + " over " + std::to_string(n) +
          " capture handle(s) per interface is " + mib(lo.ring_bytes) +
          " per handle; libpcap takes at most " + mib(capture::kMaxRingBytesPerHandle) +
          " per handle (use more --workers or a smaller --buffer-size)";
    usage = true;
    return false;
  }
  for (const auto& ifc : cfg_.interfaces) {
    lo.interface = ifc;
    std::uint16_t group = 0;
    for (auto& w : workers_) {
      auto src = capture::LiveSource::open(lo, err);
      if (!src) {
        // A filter that does not compile is a usage error; a missing device or permission
        // problem is an input error.
        usage = err.find(": filter '") != std::string::npos;
        return false;
      }
      if (n > 1) {
        const bool ok =
            w->index == 0 ? src->createFanoutGroup(program, group) : src->joinFanoutGroup(group);
        if (!ok) {
          err = src->error();
          return false;
        }
      }
      if (w->index == 0)
        link_types_.push_back(src->linkType());
      w->counts_if_dropped.push_back(w->index == 0 ? 1 : 0);
      w->sources.push_back(std::move(src));
    }
    groups_.push_back(group);
  }
  // Every group is complete: from now on each handle sees only its share. What a handle read
  // before (everything, while it was alone or before it joined) is skipped, and the kernel
  // counters start from here.
  const TimeUs start = n > 1 ? wallNowUs() : 0;
  for (auto& w : workers_)
    for (auto& s : w->sources) {
      s->skipBefore(start);
      s->resetStats();
    }
  return true;
}

bool LiveWorkers::start(std::function<void()> notify, std::string& err) {
  notify_ = std::move(notify);
  classify::ClassifierConfig cc = perWorkerConfig(cfg_.classifier, size());
  cc.external_clock = true;         // the worker's 1 s wall-clock tick expires flows
  cc.clock_jump_ends_flows = false; // several interfaces may lag behind the clock
  const TimeUs hold =
      (cfg_.capture.immediate ? 0 : static_cast<TimeUs>(cfg_.capture.block_timeout_ms) * 1000) +
      50'000;
  for (auto& w : workers_) {
    if (!w->unit.build(cfg_.engines, cc, cfg_.log_flows, cfg_.matcher, w->collect, err))
      return false;
    w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->wake_fd < 0) {
      err = std::string("eventfd: ") + std::strerror(errno);
      return false;
    }
    const std::size_t k = w->sources.size();
    if (k > 1)
      w->merge = std::make_unique<TimeMerge>(k, cfg_.merge_bytes);
    w->hold_us = hold;
    w->last_ts.assign(k, 0);
    w->drained.assign(k, 1);
    w->source_stats.assign(k, {});
    w->publish();
  }
  for (auto& w : workers_) {
    Worker* wp = w.get();
    wp->thread = std::thread([this, wp] { run(*wp); });
  }
  started_ = true;
  return true;
}

void LiveWorkers::run(Worker& w) {
  using clock = std::chrono::steady_clock;
  const std::size_t k = w.sources.size();
  std::vector<pollfd> fds(k + 1);
  for (std::size_t s = 0; s < k; ++s)
    fds[s] = {w.sources[s]->fd(), POLLIN, 0};
  fds[k] = {w.wake_fd, POLLIN, 0};
  auto next_tick = clock::now() + std::chrono::seconds(1);
  std::string err;
  classify::Classifier& c = *w.unit.classifier;
  while (!stop_.load(std::memory_order_acquire)) {
    // Sleep until a handle has a block, a request comes, the tick is due, or merged packets
    // have waited long enough.
    bool pending = false;
    for (std::size_t s = 0; s < k; ++s)
      pending = pending || w.drained[s] == 0;
    int timeout_ms = 0;
    if (!pending) {
      const auto until_tick =
          std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - clock::now());
      timeout_ms = static_cast<int>(std::clamp<long>(until_tick.count() + 1, 0, 1000));
      if (w.merge && !w.merge->empty()) {
        const TimeUs wait_us = w.merge->oldest() + w.hold_us - wallNowUs();
        timeout_ms =
            std::min(timeout_ms, static_cast<int>(std::clamp<TimeUs>(wait_us / 1000 + 1, 1, 1000)));
      }
    }
    const int pr = ::poll(fds.data(), fds.size(), timeout_ms);
    if (pr < 0 && errno != EINTR) {
      fail(std::string("poll: ") + std::strerror(errno));
      break;
    }
    if (fds[k].revents != 0) {
      std::uint64_t v = 0;
      [[maybe_unused]] const ssize_t r = ::read(w.wake_fd, &v, sizeof v);
    }
    bool ok = true;
    for (std::size_t s = 0; s < k && ok; ++s)
      if (fds[s].revents != 0 || w.drained[s] == 0)
        ok = w.read(s, err);
    if (!ok) {
      fail(err);
      break;
    }
    w.release(wallNowUs());

    // Requests from the front end.
    if (const std::uint64_t seq = reload_seq_.load(std::memory_order_acquire);
        seq != w.reload_seen) {
      std::shared_ptr<const signatures::Matcher> m;
      {
        std::lock_guard<std::mutex> lk(reload_mu_);
        m = pending_matcher_;
      }
      if (m) {
        c.setMatcher(m);
        w.unit.eve->setSignatures(m->sharedSet());
      }
      w.reload_seen = seq;
    }
    if (const std::uint64_t req = ledger_req_.load(std::memory_order_acquire);
        req != w.ledger_ack.load(std::memory_order_relaxed)) {
      std::lock_guard<std::mutex> lk(w.ledger_mu);
      // Journal rows leave the classifier here, once: the copy has none, takeJournal() gets them.
      for (auto& r : c.ledger().drainJournal())
        w.journal.push_back(std::move(r));
      w.ledger_copy = c.ledger();
      w.ledger_ack.store(req, std::memory_order_release);
    }
    if (clock::now() >= next_tick) {
      next_tick = clock::now() + std::chrono::seconds(1);
      c.tick(std::max(wallNowUs(), w.local.last_ts));
      w.readKernelCounters();
    }
    w.publish();
    handOver(w);
  }

  // Shutdown: read what the kernel still holds. A block the kernel is still filling is handed
  // over at its timeout, so keep reading for one hold time after the last packet (bounded).
  const auto deadline = clock::now() + drain_limit_;
  const auto settle = clock::now() + std::chrono::microseconds(w.hold_us);
  while (!failed_.load()) {
    bool any = false, ok = true;
    for (std::size_t s = 0; s < k && ok; ++s) {
      ok = w.read(s, err);
      any = any || w.count != 0;
    }
    if (!ok) {
      fail(err);
      break;
    }
    const auto now = clock::now();
    if ((!any && now >= settle) || now >= deadline)
      break;
    if (!any)
      ::poll(fds.data(), k, 10);
  }
  if (w.merge)
    w.merge->releaseAll([&w](std::size_t s, const PacketView& p) { w.process(s, p); });
  c.endAll(end_reason_);
  w.readKernelCounters();
  w.publish();
  handOver(w);
}

void LiveWorkers::handOver(Worker& w) {
  if (w.collect.batch.empty())
    return;
  {
    std::lock_guard<std::mutex> lk(events_mu_);
    // Each worker writes its own first event of an inspection finding; only the first to
    // arrive goes on (the summary's inspection section merges the workers' ledgers).
    for (auto& ev : w.collect.batch)
      if (inspection_once_.pass(ev))
        events_.push_back(std::move(ev));
  }
  w.collect.batch.clear();
  if (!notified_.exchange(true) && notify_)
    notify_();
}

void LiveWorkers::fail(const std::string& msg) {
  {
    std::lock_guard<std::mutex> lk(fail_mu_);
    if (fail_msg_.empty())
      fail_msg_ = msg;
  }
  failed_.store(true);
  if (!notified_.exchange(true) && notify_)
    notify_();
}

std::vector<alerts::OutEvent> LiveWorkers::takeEvents() {
  notified_.store(false);
  std::vector<alerts::OutEvent> out;
  std::lock_guard<std::mutex> lk(events_mu_);
  out.swap(events_);
  return out;
}

bool LiveWorkers::failed(std::string& err) const {
  if (!failed_.load())
    return false;
  std::lock_guard<std::mutex> lk(fail_mu_);
  err = fail_msg_;
  return true;
}

void LiveWorkers::stop(classify::EndReason why, std::chrono::milliseconds drain_limit) {
  if (!started_ || stopped_)
    return;
  end_reason_ = why;
  drain_limit_ = drain_limit;
  stop_.store(true, std::memory_order_release);
  for (auto& w : workers_) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t r = ::write(w->wake_fd, &one, sizeof one);
  }
  for (auto& w : workers_)
    w->thread.join();
  stopped_ = true;
}

LiveCounters LiveWorkers::counters() const {
  LiveCounters sum;
  for (const auto& w : workers_)
    sum += w->pub.read();
  return sum;
}

std::vector<std::uint64_t> LiveWorkers::workerPackets() const {
  std::vector<std::uint64_t> out;
  for (const auto& w : workers_)
    out.push_back(w->pub.read().packets);
  return out;
}

bool LiveWorkers::ledger(classify::Ledger& out, std::chrono::milliseconds timeout) {
  if (!started_ || stopped_) {
    for (const auto& w : workers_)
      if (w->unit.classifier)
        out.merge(w->unit.classifier->ledger());
    return true;
  }
  const std::uint64_t req = ledger_req_.fetch_add(1) + 1;
  for (auto& w : workers_) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t r = ::write(w->wake_fd, &one, sizeof one);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& w : workers_) {
    while (w->ledger_ack.load(std::memory_order_acquire) < req) {
      if (std::chrono::steady_clock::now() >= deadline)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  for (auto& w : workers_) {
    std::lock_guard<std::mutex> lk(w->ledger_mu);
    out.merge(w->ledger_copy);
  }
  return true;
}

std::vector<classify::JournalRow> LiveWorkers::takeJournal() {
  std::vector<classify::JournalRow> out;
  for (auto& w : workers_) {
    std::lock_guard<std::mutex> lk(w->ledger_mu);
    for (auto& r : w->journal)
      out.push_back(std::move(r));
    w->journal.clear();
    if ((!started_ || stopped_) && w->unit.classifier)
      for (auto& r : w->unit.classifier->ledger().drainJournal())
        out.push_back(std::move(r));
  }
  return out;
}

void LiveWorkers::setMatcher(std::shared_ptr<const signatures::Matcher> matcher) {
  {
    std::lock_guard<std::mutex> lk(reload_mu_);
    pending_matcher_ = std::move(matcher);
  }
  reload_seq_.fetch_add(1, std::memory_order_release);
  for (auto& w : workers_) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t r = ::write(w->wake_fd, &one, sizeof one);
  }
}

std::string LiveWorkers::describe() const {
  std::string out;
  for (std::size_t i = 0; i < cfg_.interfaces.size(); ++i) {
    if (workers_.empty() || workers_[0]->sources.size() <= i)
      break;
    const auto& s0 = *workers_[0]->sources[i];
    std::string d = s0.name() + " (" + capture::linkTypeName(s0.linkType()) + ", " +
                    s0.ringVersion() + ", ring ";
    if (size() > 1)
      d += std::to_string(size()) + " x ";
    d += mib(s0.ringBytes());
    if (size() > 1)
      d += ", fanout group " + std::to_string(groups_[i]);
    d += ")";
    out += (out.empty() ? "" : ", ") + d;
  }
  return out;
}

} // namespace vw::pipeline
