// Syslog over TCP (RFC 6587 octet counting) and TLS (RFC 5425), at-least-once.
//
// All network work runs on the sink's own io_context thread. write() encodes the event on the
// caller's thread and appends the frame to `frames_` under `mu_`; it never touches the network.
//
// frames_ layout (all under mu_):
//   [0, window_)          written on the current connection (the last `inflight_` of them are
//                         in an async_write that has not completed yet), not yet confirmed
//   [window_, size())     waiting to be written
// A written frame gets a `mark`: the connection's byte position after it (bytes handed to the
// socket: our own count for TCP, the TLS engine's output count - records, handshake - for TLS).
// Once the peer's TCP has acknowledged that position (TCP_INFO tcpi_bytes_acked, `acked`) and
// `confirm_grace_ms` has passed, the frame is confirmed (counted `sent`) and dropped from the
// front. If the connection breaks (the outstanding read sees EOF/error, a write fails), every frame
// of the window goes back to "waiting" with `resend` set and is written again, first, on the next
// connection. At flush() a clean close confirms the whole window at once: after our FIN (TCP) or
// close_notify (TLS) the collector can only close its side after reading everything before it.
//
// Frames are only erased at the front, and std::deque keeps references to the other elements
// valid across push_back/pop_front, so buffers handed to an async_write stay valid; a stale
// async op (old connection) is always drained (`ops_` == 0) before new socket objects are
// created, and before frames are discarded (`write_ops_` == 0).

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "syslog_internal.h"
#include "tcp_probe.h"

namespace vw::alerts::detail {

namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;
using boost::system::error_code;

constexpr Millis kTick{50};
constexpr Millis kTlsFinDelay{200};
constexpr std::size_t kMaxBatchFrames = 256;
constexpr std::size_t kMaxBatchBytes = std::size_t{256} * 1024;

struct Frame {
  std::string bytes;      ///< "LEN SP MSG"
  std::uint64_t mark = 0; ///< connection byte position after this frame; 0 = not written yet
  bool acked = false;     ///< the peer's TCP acknowledged `mark`
  bool resend = false;    ///< was written on a connection that broke
  Clock::time_point acked_at{};
};

enum class State { Idle, Backoff, Connecting, Connected, Closing };

// SSL ex_data slot pointing at the connection's "alert received" text (asio owns app_data).
int alertSlot() {
  static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return slot;
}

// Records any TLS alert from the collector other than close_notify. OpenSSL's SSL_shutdown
// reports success after a fatal alert too (it sets the "received shutdown" flag), so a
// collector that rejects us after a TLS 1.3 handshake (client certificate required...) would
// otherwise look like a clean close.
void recordPeerAlert(const SSL* ssl, int where, int ret) {
  if (!(where & SSL_CB_READ_ALERT) || (ret & 0xff) == SSL_AD_CLOSE_NOTIFY)
    return;
  auto* alert = static_cast<std::string*>(SSL_get_ex_data(ssl, alertSlot()));
  if (!alert)
    return;
  const std::string desc = SSL_alert_desc_string_long(ret); // "unknown" for TLS 1.3-only alerts
  *alert = "#" + std::to_string(ret & 0xff) + (desc == "unknown" ? "" : " " + desc);
}

class StreamSyslogSink final : public EventSink {
public:
  StreamSyslogSink(const SyslogOptions& opt, std::shared_ptr<ssl::context> tls)
      : opt_(opt), name_("syslog:" + opt.target.url()), tls_ctx_(std::move(tls)),
        work_(asio::make_work_guard(ioc_)), resolver_(ioc_), backoff_timer_(ioc_),
        connect_timer_(ioc_), tick_timer_(ioc_), backoff_(initialBackoff()) {
    asio::post(ioc_, [this] {
      connect();
      armTick();
    });
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~StreamSyslogSink() override {
    ioc_.stop();
    if (thread_.joinable())
      thread_.join();
  }

  StreamSyslogSink(const StreamSyslogSink&) = delete;
  StreamSyslogSink& operator=(const StreamSyslogSink&) = delete;

  void write(const OutEvent& ev) override {
    std::string frame = frameOctetCounted(encodeSyslogMessage(ev, opt_.format, opt_.encode));
    {
      std::lock_guard lk(mu_);
      if (frames_.size() >= opt_.queue_size) {
        ++counters_.dropped;
        return;
      }
      frames_.push_back(Frame{std::move(frame)});
    }
    if (!kick_posted_.exchange(true))
      asio::post(ioc_, [this] {
        kick_posted_ = false;
        onKick();
      });
  }

  bool flush(int timeout_ms) override {
    const auto deadline = Clock::now() + Millis(std::max(0, timeout_ms));
    std::unique_lock lk(mu_);
    leftover_ = 0;
    if (frames_.empty())
      return true;
    ++flush_waiters_;
    lk.unlock();
    asio::post(ioc_, [this] { onFlushRequest(); });
    lk.lock();
    bool done = cv_.wait_until(lk, deadline, [&] { return frames_.empty(); });
    if (!done) {
      // Give up on what is left. The io thread does the discarding: it owns the buffers of an
      // in-flight write.
      const std::uint64_t seq = discard_seq_;
      lk.unlock();
      asio::post(ioc_, [this] { onDiscard(); });
      lk.lock();
      if (!cv_.wait_for(lk, std::chrono::seconds(5), [&] { return discard_seq_ != seq; }))
        leftover_ = frames_.size(); // io thread unresponsive: report, don't touch the buffers
      done = frames_.empty() && leftover_ == 0;
    }
    --flush_waiters_;
    return done;
  }

  SinkStats stats() const override {
    std::lock_guard lk(mu_);
    SinkStats s = counters_;
    s.queued = frames_.size();
    s.connected = connected_;
    return s;
  }
  std::string name() const override { return name_; }
  std::uint64_t leftover() const override {
    std::lock_guard lk(mu_);
    return leftover_;
  }
  std::string lastError() const override {
    std::lock_guard lk(mu_);
    return last_error_;
  }

private:
  Millis initialBackoff() const { return Millis(std::max(1, opt_.backoff_initial_ms)); }
  Millis maxBackoff() const { return std::max(initialBackoff(), Millis(opt_.backoff_max_ms)); }
  tcp::socket& lowest() { return tls_ ? tls_->next_layer() : *plain_; }
  // Bytes this connection has handed to its socket. For TLS, everything the engine wrote to its
  // (BIO pair) output: a completed async_write has pushed all of it to the socket.
  std::uint64_t streamPosition() {
    if (tls_)
      return BIO_number_written(SSL_get_wbio(tls_->native_handle()));
    return plain_written_;
  }
  bool hasSocket() const { return tls_ || plain_; }

  void setError(const std::string& what) {
    std::lock_guard lk(mu_);
    last_error_ = what;
  }

  // ---- connection life cycle (io thread) -----------------------------------------------

  void connect() {
    if (state_ == State::Connecting || state_ == State::Connected || state_ == State::Closing)
      return;
    if (ops_ > 0) { // a stale op still references the old socket objects: retry shortly
      scheduleConnect(Millis(1));
      return;
    }
    state_ = State::Connecting;
    const std::uint64_t gen = ++gen_;
    tls_.reset();
    plain_.reset();
    peer_alert_.clear();
    plain_written_ = 0;
    if (tls_ctx_) {
      tls_ = std::make_unique<ssl::stream<tcp::socket>>(ioc_, *tls_ctx_);
      SSL_set_ex_data(tls_->native_handle(), alertSlot(), &peer_alert_);
      SSL_set_info_callback(tls_->native_handle(), recordPeerAlert);
    } else
      plain_ = std::make_unique<tcp::socket>(ioc_);
    connect_timed_out_ = false;
    connect_timer_.expires_after(Millis(std::max(1, opt_.connect_timeout_ms)));
    connect_timer_.async_wait([this, gen](error_code ec) {
      if (ec || gen != gen_ || state_ != State::Connecting)
        return;
      connect_timed_out_ = true;
      resolver_.cancel();
      error_code ignored;
      lowest().close(ignored);
    });
    resolver_.async_resolve(
        opt_.target.host, std::to_string(opt_.target.port),
        [this, gen](error_code ec, const tcp::resolver::results_type& results) {
          if (gen != gen_ || state_ != State::Connecting)
            return;
          if (ec || connect_timed_out_) {
            connectFailed(gen, ec, "resolve " + opt_.target.host);
            return;
          }
          ++ops_;
          asio::async_connect(lowest(), results, [this, gen](error_code ec2, const tcp::endpoint&) {
            --ops_;
            onTcpConnected(gen, ec2);
          });
        });
  }

  void onTcpConnected(std::uint64_t gen, error_code ec) {
    if (gen != gen_ || state_ != State::Connecting)
      return;
    if (ec || connect_timed_out_) {
      connectFailed(gen, ec, "connect");
      return;
    }
    tuneSyslogSocket(lowest().native_handle());
    if (!tls_) {
      onReady();
      return;
    }
    SSL* ssl_handle = tls_->native_handle();
    const std::string& peer_name = opt_.tls_name.empty() ? opt_.target.host : opt_.tls_name;
    error_code addr_ec;
    asio::ip::make_address(peer_name, addr_ec);
    const bool is_ip = !addr_ec;
    if (!is_ip)
      SSL_set_tlsext_host_name(ssl_handle, peer_name.c_str());
    if (opt_.verify_peer) {
      if (is_ip)
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), peer_name.c_str());
      else
        SSL_set1_host(ssl_handle, peer_name.c_str());
    }
    ++ops_;
    tls_->async_handshake(ssl::stream_base::client, [this, gen](error_code ec2) {
      --ops_;
      if (gen != gen_ || state_ != State::Connecting)
        return;
      if (ec2 || connect_timed_out_) {
        std::string what = "TLS handshake";
        const long vr = SSL_get_verify_result(tls_->native_handle());
        if (vr != X509_V_OK)
          what += std::string(" (certificate: ") + X509_verify_cert_error_string(vr) + ")";
        connectFailed(gen, ec2, what);
        return;
      }
      onReady();
    });
  }

  void onReady() {
    connect_timer_.cancel();
    state_ = State::Connected;
    connected_at_ = Clock::now();
    // backoff_ is reset only once the connection proved useful (an event confirmed, a clean
    // close, or it stayed up for backoff_max_ms): a collector that accepts and then drops us
    // (TLS client certificate rejected after a TLS 1.3 handshake...) is not retried in a loop.
    {
      std::lock_guard lk(mu_);
      connected_ = true;
      if (ever_connected_)
        ++counters_.reconnects;
      ever_connected_ = true;
    }
    startRead();
    startWrite();
  }

  void connectFailed(std::uint64_t gen, error_code ec, const std::string& what) {
    if (gen != gen_ || state_ != State::Connecting)
      return;
    connect_timer_.cancel();
    error_code ignored;
    if (hasSocket())
      lowest().close(ignored);
    setError("syslog " + opt_.target.url() + ": " + what +
             " failed: " + (connect_timed_out_ ? std::string("timed out") : ec.message()));
    state_ = State::Backoff;
    scheduleConnect(backoff_);
    backoff_ = std::min(backoff_ * 2, maxBackoff());
  }

  // The connection is gone: everything written on it and not yet confirmed is written again
  // (first) on the next connection.
  void broken(std::uint64_t gen, error_code ec, const std::string& what) {
    if (gen != gen_ || (state_ != State::Connected && state_ != State::Closing))
      return;
    ++gen_;
    error_code ignored;
    lowest().close(ignored);
    state_ = State::Backoff;
    if (Clock::now() - connected_at_ >= maxBackoff())
      backoff_ = initialBackoff();
    {
      std::lock_guard lk(mu_);
      connected_ = false;
      last_error_ = "syslog " + opt_.target.url() + ": " + what + ": " + ec.message();
      for (std::size_t i = 0; i < window_; ++i) {
        Frame& f = frames_[i];
        f.resend = true;
        f.mark = 0;
        f.acked = false;
      }
      window_ = 0;
      inflight_ = 0;
    }
    scheduleConnect(backoff_);
    backoff_ = std::min(backoff_ * 2, maxBackoff());
  }

  void scheduleConnect(Millis delay) {
    state_ = State::Backoff;
    backoff_timer_.expires_after(delay);
    backoff_timer_.async_wait([this](error_code ec) {
      if (ec || state_ != State::Backoff)
        return;
      state_ = State::Idle;
      connect();
    });
  }

  // ---- reading: only to notice EOF / reset promptly ------------------------------------

  void startRead() {
    const std::uint64_t gen = gen_;
    ++ops_;
    read_pending_ = true;
    auto handler = [this, gen](error_code ec, std::size_t) {
      --ops_;
      read_pending_ = false;
      onRead(gen, ec);
    };
    if (tls_)
      tls_->async_read_some(asio::buffer(rbuf_), handler);
    else
      plain_->async_read_some(asio::buffer(rbuf_), handler);
  }

  void onRead(std::uint64_t gen, error_code ec) {
    if (gen != gen_)
      return;
    if (state_ == State::Closing) {
      if (tls_) {
        // beginClose() cancelled this read so that the TLS shutdown runs alone on the stream.
        if (!ec || ec == asio::error::operation_aborted)
          startTlsShutdown();
        else
          broken(gen, ec, "read during close");
        return;
      }
      if (ec == asio::error::eof) { // the collector read up to our FIN, then closed
        closeConfirmed();
        return;
      }
      if (!ec) {
        startRead();
        return;
      }
      broken(gen, ec, "read during close");
      return;
    }
    if (state_ != State::Connected)
      return;
    if (!ec) { // collectors don't talk back; ignore and keep watching
      startRead();
      return;
    }
    broken(gen, ec,
           !peer_alert_.empty()     ? "collector sent TLS alert '" + peer_alert_ + "'"
           : ec == asio::error::eof ? "collector closed the connection"
                                    : "read");
  }

  // ---- writing -----------------------------------------------------------------------------

  void onKick() {
    if (state_ == State::Connected)
      startWrite();
    else if (state_ == State::Idle)
      connect();
  }

  void startWrite() {
    if (state_ != State::Connected || write_ops_ > 0)
      return;
    std::vector<asio::const_buffer> bufs;
    {
      std::lock_guard lk(mu_);
      std::size_t bytes = 0;
      for (std::size_t i = window_;
           i < frames_.size() && bufs.size() < kMaxBatchFrames && bytes < kMaxBatchBytes; ++i) {
        const std::string& b = frames_[i].bytes;
        bufs.emplace_back(b.data(), b.size());
        bytes += b.size();
      }
      inflight_ = bufs.size();
      window_ += inflight_;
    }
    if (bufs.empty()) {
      maybeClose();
      return;
    }
    const std::uint64_t gen = gen_;
    ++ops_;
    ++write_ops_;
    auto handler = [this, gen](error_code ec, std::size_t n) {
      --ops_;
      --write_ops_;
      if (gen == gen_)
        plain_written_ += n;
      onWritten(gen, ec);
      if (discard_pending_ && write_ops_ == 0)
        finishDiscard();
    };
    if (tls_)
      asio::async_write(*tls_, bufs, handler);
    else
      asio::async_write(*plain_, bufs, handler);
  }

  void onWritten(std::uint64_t gen, error_code ec) {
    if (gen != gen_)
      return;
    if (ec) {
      broken(gen, ec, "write");
      return;
    }
    const std::uint64_t mark = std::max<std::uint64_t>(1, streamPosition());
    {
      std::lock_guard lk(mu_);
      for (std::size_t i = window_ - inflight_; i < window_; ++i) {
        Frame& f = frames_[i];
        f.mark = mark;
        if (f.resend) {
          ++counters_.resent;
          f.resend = false;
        }
      }
      inflight_ = 0;
    }
    checkAcks();
    startWrite();
    maybeClose();
  }

  // Confirms frames whose bytes the peer acknowledged at least confirm_grace_ms ago.
  void checkAcks() {
    if (state_ != State::Connected && state_ != State::Closing)
      return;
    const TcpAckState st = probeTcpAck(lowest().native_handle());
    const auto now = Clock::now();
    const auto grace = Millis(std::max(0, opt_.confirm_grace_ms));
    std::lock_guard lk(mu_);
    const std::size_t written = window_ - inflight_;
    for (std::size_t i = 0; i < written; ++i) {
      Frame& f = frames_[i];
      if (f.acked)
        continue;
      // Without TCP_INFO: everything written is acked when the send queue is empty. Without
      // SIOCOUTQ either: rely on the grace period alone.
      const bool acked = st.have_acked ? f.mark <= st.acked : st.have_outq ? st.outq == 0 : true;
      if (!acked)
        break;
      f.acked = true;
      f.acked_at = now;
    }
    std::size_t n = 0;
    while (n < written && frames_.front().acked && now - frames_.front().acked_at >= grace) {
      frames_.pop_front();
      ++n;
    }
    if (n) {
      backoff_ = initialBackoff();
      window_ -= n;
      counters_.sent += n;
      if (frames_.empty())
        cv_.notify_all();
    }
  }

  // ---- flush: close handshake, discard -------------------------------------------------

  void onFlushRequest() {
    if (state_ == State::Backoff)
      scheduleConnect(Millis(0)); // don't sit out a long backoff while someone waits
    else if (state_ == State::Idle)
      connect();
    else if (state_ == State::Connected) {
      startWrite();
      maybeClose();
    }
  }

  void maybeClose() {
    if (flush_waiters_ == 0 || state_ != State::Connected || write_ops_ > 0)
      return;
    {
      std::lock_guard lk(mu_);
      if (window_ == 0 || window_ != frames_.size())
        return;
    }
    state_ = State::Closing;
    tls_shutdown_started_ = false;
    fin_sent_ = false;
    error_code ec;
    if (tls_) {
      lowest().cancel(ec); // onRead() then starts the TLS shutdown
      return;
    }
    plain_->shutdown(tcp::socket::shutdown_send, ec);
    if (ec)
      broken(gen_, ec, "shutdown");
  }

  void startTlsShutdown() {
    tls_shutdown_started_ = true;
    closing_since_ = Clock::now();
    const std::uint64_t gen = gen_;
    ++ops_;
    tls_->async_shutdown([this, gen](error_code ec) {
      --ops_;
      if (gen != gen_)
        return;
      // The peer answered our close_notify, or closed after reading up to it - unless what
      // ended the session was an alert (rejection), not a close_notify.
      if (!peer_alert_.empty())
        broken(gen, asio::error::connection_aborted,
               "collector sent TLS alert '" + peer_alert_ + "'");
      else if (!ec || ec == asio::error::eof || ec == ssl::error::stream_truncated)
        closeConfirmed();
      else
        broken(gen, ec, "TLS shutdown");
    });
  }

  // The collector closed after our FIN / close_notify. That proves it read everything only if
  // its TCP stack had acknowledged all our data: a socket closed with unread data, or receiving
  // data after close, answers with RST instead and never acknowledges those bytes.
  void closeConfirmed() {
    const TcpAckState st = probeTcpAck(lowest().native_handle());
    std::uint64_t last_mark = 0;
    {
      std::lock_guard lk(mu_);
      if (window_ > inflight_)
        last_mark = frames_[window_ - inflight_ - 1].mark;
    }
    const bool all_acked = st.have_acked  ? last_mark <= st.acked
                           : st.have_outq ? st.outq == 0
                                          : true;
    if (!all_acked) {
      broken(gen_, asio::error::connection_reset, "collector closed before acknowledging all data");
      return;
    }
    ++gen_;
    error_code ignored;
    lowest().close(ignored);
    state_ = State::Idle;
    backoff_ = initialBackoff();
    bool more = false;
    {
      std::lock_guard lk(mu_);
      for (std::size_t i = 0; i < window_; ++i)
        frames_.pop_front();
      counters_.sent += window_;
      window_ = 0;
      inflight_ = 0;
      connected_ = false;
      more = !frames_.empty();
      if (!more)
        cv_.notify_all();
    }
    if (more) // written while we were closing
      connect();
  }

  void onDiscard() {
    if (state_ == State::Connected || state_ == State::Closing)
      broken(gen_, asio::error::operation_aborted, "flush timeout");
    if (write_ops_ == 0)
      finishDiscard();
    else
      discard_pending_ = true; // the aborted write's handler finishes it
  }

  void finishDiscard() {
    discard_pending_ = false;
    std::lock_guard lk(mu_);
    const std::size_t n = frames_.size();
    counters_.failed += n;
    leftover_ = n;
    frames_.clear();
    window_ = 0;
    inflight_ = 0;
    ++discard_seq_;
    cv_.notify_all();
  }

  // ---- periodic work -------------------------------------------------------------------

  void armTick() {
    tick_timer_.expires_after(kTick);
    tick_timer_.async_wait([this](error_code ec) {
      if (ec)
        return;
      if (state_ == State::Connected) {
        checkAcks();
        startWrite();
        maybeClose();
      } else if (state_ == State::Closing && tls_) {
        error_code ignored;
        if (read_pending_) {
          // The cancel in maybeClose() can miss a TLS read that was between two lower-layer
          // reads (e.g. just processing a session ticket): cancel again.
          lowest().cancel(ignored);
        } else if (tls_shutdown_started_ && !fin_sent_ &&
                   Clock::now() - closing_since_ >= kTlsFinDelay) {
          // rsyslog (imtcp + ossl) may leave our close_notify unread in OpenSSL's buffer until
          // the socket becomes readable again: a FIN wakes it up. Correctness does not depend
          // on the close_notify: closeConfirmed() checks EOF + data acknowledged + no alert.
          fin_sent_ = true;
          lowest().shutdown(tcp::socket::shutdown_send, ignored);
        }
      } else if (state_ == State::Idle) {
        bool pending = false;
        {
          std::lock_guard lk(mu_);
          pending = !frames_.empty();
        }
        if (pending)
          connect();
      }
      armTick();
    });
  }

  // Immutable after construction.
  const SyslogOptions opt_;
  const std::string name_;
  std::shared_ptr<ssl::context> tls_ctx_;

  // io_context first: the I/O objects below are destroyed before it.
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::resolver resolver_;
  asio::steady_timer backoff_timer_;
  asio::steady_timer connect_timer_;
  asio::steady_timer tick_timer_;
  std::unique_ptr<tcp::socket> plain_;
  std::unique_ptr<ssl::stream<tcp::socket>> tls_;
  std::thread thread_;

  // io thread only.
  State state_ = State::Idle;
  std::uint64_t gen_ = 0; ///< connection generation; handlers of older ones are ignored
  int ops_ = 0;           ///< outstanding async ops on the socket objects
  int write_ops_ = 0;     ///< outstanding async_writes (they reference frames_)
  bool connect_timed_out_ = false;
  bool discard_pending_ = false;
  Millis backoff_;
  Clock::time_point connected_at_{};
  std::uint64_t plain_written_ = 0; ///< TCP: bytes written on this connection
  Clock::time_point closing_since_{};
  bool fin_sent_ = false;
  bool tls_shutdown_started_ = false;
  bool read_pending_ = false;
  std::string peer_alert_; ///< TLS alert (not close_notify) received on this connection
  std::array<char, 512> rbuf_{};

  // Shared with the producer / control threads.
  std::atomic<bool> kick_posted_{false};
  std::atomic<int> flush_waiters_{0};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Frame> frames_;
  std::size_t window_ = 0;   // io thread writes, under mu_
  std::size_t inflight_ = 0; // io thread writes, under mu_
  SinkStats counters_;
  bool connected_ = false;
  bool ever_connected_ = false;
  std::uint64_t leftover_ = 0;
  std::uint64_t discard_seq_ = 0;
  std::string last_error_;
};

} // namespace

EventSinkPtr makeStreamSyslogSink(const SyslogOptions& opt, std::string& err) {
  std::shared_ptr<ssl::context> ctx;
  if (opt.target.transport == SyslogTransport::Tls) {
    try {
      ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    } catch (const std::exception& e) {
      err = std::string("syslog: cannot create TLS context: ") + e.what();
      return nullptr;
    }
    error_code ec;
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                     ec);
    if (!opt.ca_file.empty()) {
      ctx->load_verify_file(opt.ca_file, ec);
      if (ec) {
        err = "syslog: cannot load CA file '" + opt.ca_file + "': " + ec.message();
        return nullptr;
      }
    } else {
      ctx->set_default_verify_paths(ec);
    }
    ctx->set_verify_mode(opt.verify_peer ? ssl::verify_peer : ssl::verify_none, ec);
    if (!opt.cert_file.empty()) {
      ctx->use_certificate_chain_file(opt.cert_file, ec);
      if (ec) {
        err = "syslog: cannot load client certificate '" + opt.cert_file + "': " + ec.message();
        return nullptr;
      }
      const std::string& key = opt.key_file.empty() ? opt.cert_file : opt.key_file;
      ctx->use_private_key_file(key, ssl::context::pem, ec);
      if (ec) {
        err = "syslog: cannot load client key '" + key + "': " + ec.message();
        return nullptr;
      }
    } else if (!opt.key_file.empty()) {
      err = "syslog: a client key needs a client certificate (--syslog-cert)";
      return nullptr;
    }
  }
  return std::make_unique<StreamSyslogSink>(opt, std::move(ctx));
}

} // namespace vw::alerts::detail
