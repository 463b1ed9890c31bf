// Unit tests of the sinks: stdout/file, URL parsing, and the syslog TCP/UDP sinks against
// in-process loopback peers (plain POSIX sockets). Timeouts are generous and only bound a
// failure; no assertion depends on timing.

#include <arpa/inet.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <set>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <vw/alerts/sinks.h>

#include "wire_parsers.h"

using namespace vw::alerts;
namespace fs = std::filesystem;

namespace {

OutEvent seqEvent(int seq) {
  OutEvent ev;
  ev.kind = EventKind::Vendor;
  ev.ts_us = 1709294400000000 + seq;
  ev.json = "{\"event_type\":\"vendor\",\"seq\":" + std::to_string(seq) + "}";
  AlertFields a;
  a.host = "10.1.2.3";
  a.vendor_id = "crowdstrike";
  a.vendor_status = "banned";
  a.confidence = "high";
  a.flow_id = static_cast<std::uint64_t>(seq) + 1;
  ev.alert = a;
  return ev;
}

int seqOf(const std::string& msg) {
  auto p = msg.find("\"seq\":");
  return p == std::string::npos ? -1 : std::stoi(msg.substr(p + 6));
}

// A loopback TCP or UDP socket bound to an ephemeral port; listen() is separate so a test can
// hold a port that refuses connections and open it later.
struct Peer {
  int fd = -1;
  std::uint16_t port = 0;
  explicit Peer(int type) {
    fd = ::socket(AF_INET, type, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Peer() {
    if (fd >= 0)
      ::close(fd);
  }
  void listen() { ::listen(fd, 8); }
  // Accepts one connection, or -1 after timeout_ms.
  int accept(int timeout_ms) const {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0)
      return -1;
    return ::accept(fd, nullptr, nullptr);
  }
};

// Reads from `fd` until EOF/error, or until `enough(bytes)` is true, or timeout_ms of silence.
template <class Pred> std::string readStream(int fd, int timeout_ms, Pred enough) {
  std::string got;
  char buf[4096];
  while (!enough(got)) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0)
      break;
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n <= 0)
      break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}
std::string readToEof(int fd, int timeout_ms = 15000) {
  return readStream(fd, timeout_ms, [](const std::string&) { return false; });
}

// Splits an RFC 6587 octet-counted stream; stops at a partial frame (`complete` false).
std::vector<std::string> octetFrames(std::string_view s, bool* complete = nullptr) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  bool ok = true;
  while (pos < s.size()) {
    const std::size_t sp = s.find(' ', pos);
    if (sp == std::string_view::npos) {
      ok = false;
      break;
    }
    const std::size_t len = std::stoul(std::string(s.substr(pos, sp - pos)));
    if (sp + 1 + len > s.size()) {
      ok = false;
      break;
    }
    out.emplace_back(s.substr(sp + 1, len));
    pos = sp + 1 + len;
  }
  if (complete)
    *complete = ok;
  return out;
}

SyslogOptions tcpOptions(std::uint16_t port) {
  SyslogOptions o;
  o.target.transport = SyslogTransport::Tcp;
  o.target.host = "127.0.0.1";
  o.target.port = port;
  o.encode.hostname = "sensor-1";
  o.encode.procid = "1";
  o.backoff_initial_ms = 10;
  o.backoff_max_ms = 200;
  return o;
}

template <class Pred> bool waitFor(Pred p, int timeout_ms = 15000) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (p())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return p();
}

fs::path tempDir(const char* tag) {
  fs::path d = fs::temp_directory_path() /
               ("vw-alerts-" + std::string(tag) + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::vector<std::string> fileLines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

} // namespace

TEST_CASE("syslog URLs parse with default ports and IPv6 brackets", "[sinks][url]") {
  auto t = parseSyslogUrl("udp://collector.example");
  REQUIRE(t);
  CHECK(t->transport == SyslogTransport::Udp);
  CHECK(t->host == "collector.example");
  CHECK(t->port == 514);
  t = parseSyslogUrl("TLS://10.0.0.5");
  REQUIRE(t);
  CHECK(t->transport == SyslogTransport::Tls);
  CHECK(t->port == 6514);
  t = parseSyslogUrl("tcp://[::1]:1514/");
  REQUIRE(t);
  CHECK(t->host == "::1");
  CHECK(t->port == 1514);
  CHECK(t->url() == "tcp://[::1]:1514");
}

TEST_CASE("bad syslog URLs are rejected with a reason that quotes the URL", "[sinks][url]") {
  const char* bad[] = {"collector:514", "http://h:1",    "tcp://:514",  "tcp://h:",
                       "tcp://h:0",     "tcp://h:65536", "tcp://h:5x",  "tcp://::1:514",
                       "tcp://[::1",    "tcp://[zz]:1",  "udp://h h:1", "tcp://[::1]x"};
  for (const char* url : bad) {
    std::string err;
    INFO(url);
    CHECK_FALSE(parseSyslogUrl(url, &err));
    CHECK(err.find(std::string("'") + url + "'") != std::string::npos);
  }
  std::string err;
  parseSyslogUrl("tcp://::1:514", &err);
  CHECK(err.find("brackets") != std::string::npos);
}

TEST_CASE("the file sink appends JSON lines and reopen() follows a rotated path", "[sinks][file]") {
  const fs::path dir = tempDir("file");
  const fs::path path = dir / "eve.json";
  { std::ofstream(path) << "{\"old\":1}\n"; }
  std::string err;
  auto sink = makeFileSink(path.string(), err);
  REQUIRE(sink);
  CHECK(sink->name() == "eve:" + path.string());
  OutEvent ev = seqEvent(1);
  ev.json = "{\"a\":\n1}"; // a stray newline must not split the event
  sink->write(ev);
  sink->write(seqEvent(2));
  REQUIRE(sink->flush(0));
  fs::rename(path, dir / "eve.json.1"); // logrotate: rename, then SIGHUP -> reopen()
  sink->write(seqEvent(3));
  sink->reopen();
  sink->write(seqEvent(4));
  REQUIRE(sink->flush(0));
  CHECK(fileLines(dir / "eve.json.1") ==
        std::vector<std::string>{"{\"old\":1}", "{\"a\": 1}", seqEvent(2).json, seqEvent(3).json});
  CHECK(fileLines(path) == std::vector<std::string>{seqEvent(4).json});
  CHECK(sink->stats().sent == 4);
  CHECK(sink->stats().failed == 0);
  sink.reset();
  fs::remove_all(dir);
}

TEST_CASE("sync() pushes a file sink's lines out and leaves it open", "[sinks][file]") {
  const fs::path dir = tempDir("sync");
  const fs::path path = dir / "eve.json";
  std::string err;
  auto sink = makeFileSink(path.string(), err);
  REQUIRE(sink);
  sink->write(seqEvent(1));
  sink->sync();
  CHECK(fileLines(path) == std::vector<std::string>{seqEvent(1).json});
  sink->write(seqEvent(2));
  sink->sync();
  CHECK(fileLines(path) == std::vector<std::string>{seqEvent(1).json, seqEvent(2).json});
  CHECK(sink->stats().sent == 2);
  sink.reset();
  fs::remove_all(dir);
}

TEST_CASE("the file sink reports an unopenable path", "[sinks][file]") {
  std::string err;
  CHECK_FALSE(makeFileSink("/nonexistent-dir-vw/eve.json", err));
  CHECK(err.find("/nonexistent-dir-vw/eve.json") != std::string::npos);
  CHECK_FALSE(makeFileSink("", err));
  CHECK(makeStdoutSink()->name() == "stdout");
}

TEST_CASE("makeSyslogSink rejects bad TLS files and a zero queue", "[sinks]") {
  SyslogOptions o = tcpOptions(6514);
  o.target.transport = SyslogTransport::Tls;
  o.ca_file = "/nonexistent-vw-ca.pem";
  std::string err;
  CHECK_FALSE(makeSyslogSink(o, err));
  CHECK(err.find("/nonexistent-vw-ca.pem") != std::string::npos);
  o.ca_file.clear();
  o.cert_file = "/nonexistent-vw-cert.pem";
  CHECK_FALSE(makeSyslogSink(o, err));
  CHECK(err.find("/nonexistent-vw-cert.pem") != std::string::npos);
  o = tcpOptions(514);
  o.queue_size = 0;
  CHECK_FALSE(makeSyslogSink(o, err));
}

TEST_CASE("the TCP sink delivers every event as one octet-counted RFC 5424 frame", "[sinks][tcp]") {
  Peer server(SOCK_STREAM);
  server.listen();
  constexpr int kN = 200;
  std::string received;
  std::thread t([&] {
    int c = server.accept(15000);
    if (c >= 0) {
      received = readToEof(c);
      ::close(c);
    }
  });
  std::string err;
  auto sink = makeSyslogSink(tcpOptions(server.port), err);
  REQUIRE(sink);
  CHECK(sink->name() == "syslog:tcp://127.0.0.1:" + std::to_string(server.port));
  for (int i = 0; i < kN; ++i)
    sink->write(seqEvent(i));
  const bool flushed = sink->flush(15000);
  t.join();
  CHECK(flushed);
  const SinkStats st = sink->stats();
  CHECK(st.sent == kN);
  CHECK(st.failed == 0);
  CHECK(st.dropped == 0);
  CHECK(st.queued == 0);
  CHECK(sink->leftover() == 0);
  bool complete = false;
  auto frames = octetFrames(received, &complete);
  CHECK(complete);
  REQUIRE(frames.size() == kN);
  for (int i = 0; i < kN; ++i) {
    auto m = test::parse5424(frames[i]);
    REQUIRE(m);
    CHECK(m->msgid == "vendor");
    CHECK(m->hostname == "sensor-1");
    CHECK(seqOf(m->msg) == i); // in order, exactly once
  }
}

TEST_CASE("acknowledged events are confirmed after the grace period without a flush",
          "[sinks][tcp]") {
  Peer server(SOCK_STREAM);
  server.listen();
  std::string received;
  std::thread t([&] {
    int c = server.accept(15000);
    if (c >= 0) {
      received = readToEof(c);
      ::close(c);
    }
  });
  SyslogOptions o = tcpOptions(server.port);
  o.confirm_grace_ms = 0;
  std::string err;
  auto sink = makeSyslogSink(o, err);
  REQUIRE(sink);
  for (int i = 0; i < 50; ++i)
    sink->write(seqEvent(i));
  CHECK(waitFor([&] { return sink->stats().sent == 50; }));
  CHECK(sink->stats().connected);
  CHECK(sink->stats().queued == 0);
  CHECK(sink->flush(0)); // nothing left
  sink.reset();          // closes the connection
  t.join();
  CHECK(octetFrames(received).size() == 50);
}

TEST_CASE("the TCP sink sends CEF when asked", "[sinks][tcp][cef]") {
  Peer server(SOCK_STREAM);
  server.listen();
  std::string received;
  std::thread t([&] {
    int c = server.accept(15000);
    if (c >= 0) {
      received = readToEof(c);
      ::close(c);
    }
  });
  SyslogOptions o = tcpOptions(server.port);
  o.format = SyslogFormat::Cef;
  std::string err;
  auto sink = makeSyslogSink(o, err);
  REQUIRE(sink);
  sink->write(seqEvent(5));
  CHECK(sink->flush(15000));
  t.join();
  auto frames = octetFrames(received);
  REQUIRE(frames.size() == 1);
  auto m = test::parse5424(frames[0]);
  REQUIRE(m);
  auto c = test::parseCef(m->msg);
  REQUIRE(c);
  CHECK(c->ext.at("cs1") == "crowdstrike");
  CHECK(c->ext.at("cn1") == "6");
}

TEST_CASE("after a broken connection the unconfirmed window is re-sent first",
          "[sinks][tcp][reconnect]") {
  Peer server(SOCK_STREAM);
  server.listen();
  constexpr int kFirst = 20, kN = 40;
  std::string first, second;
  std::thread t([&] {
    // Connection 1: read at least 10 frames, then drop the connection.
    int c1 = server.accept(15000);
    if (c1 < 0)
      return;
    first = readStream(c1, 15000, [](const std::string& s) { return octetFrames(s).size() >= 10; });
    ::close(c1);
    // Connection 2: everything, until the sink closes at flush.
    int c2 = server.accept(15000);
    if (c2 < 0)
      return;
    second = readToEof(c2);
    ::close(c2);
  });
  SyslogOptions o = tcpOptions(server.port);
  o.confirm_grace_ms = 600000; // nothing is confirmed on connection 1
  std::string err;
  auto sink = makeSyslogSink(o, err);
  REQUIRE(sink);
  for (int i = 0; i < kFirst; ++i)
    sink->write(seqEvent(i));
  REQUIRE(waitFor([&] { return sink->stats().reconnects >= 1; }));
  for (int i = kFirst; i < kN; ++i)
    sink->write(seqEvent(i));
  const bool flushed = sink->flush(15000);
  t.join();
  CHECK(flushed);
  const SinkStats st = sink->stats();
  CHECK(st.sent == kN);
  CHECK(st.failed == 0);
  CHECK(st.reconnects == 1);
  CHECK(st.resent >= 10); // at least what connection 1 read
  CHECK(st.resent <= kFirst);
  auto frames = octetFrames(second);
  REQUIRE(frames.size() == kN); // connection 2 alone has all of them, in order
  for (int i = 0; i < kN; ++i) {
    auto m = test::parse5424(frames[i]);
    REQUIRE(m);
    CHECK(seqOf(m->msg) == i);
  }
  CHECK(octetFrames(first).size() >= 10);
}

TEST_CASE("a collector that drops unread data at flush time does not get it counted as sent",
          "[sinks][tcp][reconnect]") {
  Peer server(SOCK_STREAM);
  server.listen();
  constexpr int kN = 30;
  std::string second;
  std::thread t([&] {
    // Connection 1: never read; once the sink half-closes (flush), close with the data unread
    // (the kernel answers with RST, like a collector that crashed before reading).
    int c1 = server.accept(15000);
    if (c1 < 0)
      return;
    pollfd p{c1, POLLRDHUP, 0};
    ::poll(&p, 1, 15000);
    ::close(c1);
    int c2 = server.accept(15000);
    if (c2 < 0)
      return;
    second = readToEof(c2);
    ::close(c2);
  });
  SyslogOptions o = tcpOptions(server.port);
  o.confirm_grace_ms = 600000;
  std::string err;
  auto sink = makeSyslogSink(o, err);
  REQUIRE(sink);
  REQUIRE(waitFor([&] { return sink->stats().connected; }));
  for (int i = 0; i < kN; ++i)
    sink->write(seqEvent(i));
  const bool flushed = sink->flush(15000);
  t.join();
  CHECK(flushed);
  const SinkStats st = sink->stats();
  CHECK(st.sent == kN);
  CHECK(st.resent == kN);
  CHECK(st.reconnects == 1);
  auto frames = octetFrames(second);
  REQUIRE(frames.size() == kN);
  for (int i = 0; i < kN; ++i)
    CHECK(seqOf(test::parse5424(frames[i]).value().msg) == i);
}

TEST_CASE("a collector that comes up late gets everything written before",
          "[sinks][tcp][reconnect]") {
  Peer server(SOCK_STREAM); // bound, not listening: connections are refused
  std::string err;
  auto sink = makeSyslogSink(tcpOptions(server.port), err);
  REQUIRE(sink);
  for (int i = 0; i < 10; ++i)
    sink->write(seqEvent(i));
  REQUIRE(waitFor([&] { return !sink->lastError().empty(); }));
  CHECK(sink->lastError().find("connect") != std::string::npos);
  CHECK_FALSE(sink->stats().connected);
  CHECK(sink->stats().queued == 10);
  server.listen();
  std::string received;
  std::thread t([&] {
    int c = server.accept(15000);
    if (c >= 0) {
      received = readToEof(c);
      ::close(c);
    }
  });
  const bool flushed = sink->flush(15000);
  t.join();
  CHECK(flushed);
  CHECK(sink->stats().sent == 10);
  CHECK(sink->stats().reconnects == 0); // the first connection is not a reconnection
  CHECK(octetFrames(received).size() == 10);
}

TEST_CASE("a full queue drops, and flush gives up on an absent collector without blocking",
          "[sinks][tcp]") {
  Peer server(SOCK_STREAM); // never listens
  SyslogOptions o = tcpOptions(server.port);
  o.queue_size = 5;
  std::string err;
  auto sink = makeSyslogSink(o, err);
  REQUIRE(sink);
  for (int i = 0; i < 12; ++i)
    sink->write(seqEvent(i));
  SinkStats st = sink->stats();
  CHECK(st.dropped == 7);
  CHECK(st.queued == 5);
  CHECK_FALSE(sink->flush(100));
  CHECK(sink->leftover() == 5);
  st = sink->stats();
  CHECK(st.failed == 5);
  CHECK(st.queued == 0);
  CHECK(st.sent == 0);
  // Every written event is accounted for exactly once.
  CHECK(st.sent + st.dropped + st.failed + st.queued == 12);
  // A later flush with nothing left succeeds and resets leftover().
  CHECK(sink->flush(0));
  CHECK(sink->leftover() == 0);
}

TEST_CASE("the UDP sink sends one unframed datagram per event", "[sinks][udp]") {
  Peer server(SOCK_DGRAM);
  SyslogOptions o = tcpOptions(server.port);
  o.target.transport = SyslogTransport::Udp;
  std::string err;
  auto sink = makeSyslogSink(o, err);
  REQUIRE(sink);
  for (int i = 0; i < 3; ++i)
    sink->write(seqEvent(i));
  CHECK(sink->flush(0));
  for (int i = 0; i < 3; ++i) {
    pollfd p{server.fd, POLLIN, 0};
    REQUIRE(::poll(&p, 1, 15000) == 1);
    char buf[65536];
    const ssize_t n = ::recv(server.fd, buf, sizeof(buf), 0);
    REQUIRE(n > 0);
    auto m = test::parse5424(std::string_view(buf, static_cast<std::size_t>(n)));
    REQUIRE(m);
    CHECK(seqOf(m->msg) == i);
  }
  CHECK(sink->stats().sent == 3);
}

TEST_CASE("UDP to a closed port counts failures but never fails the run", "[sinks][udp]") {
  std::uint16_t port = 0;
  {
    Peer gone(SOCK_DGRAM);
    port = gone.port;
  } // closed: the kernel answers ICMP port unreachable
  SyslogOptions o = tcpOptions(port);
  o.target.transport = SyslogTransport::Udp;
  std::string err;
  auto sink = makeSyslogSink(o, err);
  REQUIRE(sink);
  constexpr int kN = 50;
  for (int i = 0; i < kN; ++i)
    sink->write(seqEvent(i));
  CHECK(sink->flush(0));
  const SinkStats st = sink->stats();
  CHECK(st.sent + st.failed + st.dropped == kN);
}

TEST_CASE("an unresolvable UDP host is a clear error", "[sinks][udp]") {
  SyslogOptions o = tcpOptions(514);
  o.target.transport = SyslogTransport::Udp;
  o.target.host = "no-such-host.invalid";
  std::string err;
  CHECK_FALSE(makeSyslogSink(o, err));
  CHECK(err.find("no-such-host.invalid") != std::string::npos);
}
