#pragma once
// Per-flow inspection state: exists only while a flow is being inspected and is freed as soon
// as nothing more can be learned (classify-private).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <vw/classify/dpi_engine.h>
#include <vw/classify/proto/quic.h>

#include "inspect_dns.h"
#include "inspector.h"

namespace vw::classify {

/// In-order reassembly of the first bytes of one TCP direction (bounded).
struct StreamBuf {
  std::vector<std::uint8_t> data;
  std::uint32_t next_seq = 0;
  bool started = false;
  bool overflow = false;

  /// Appends the in-order part of a segment. Segments before the expected sequence number
  /// contribute only their new tail; segments after a gap are ignored (counted by caller).
  /// Returns false if the segment could not be used (gap).
  bool append(std::uint32_t seq, std::span<const std::uint8_t> payload, std::size_t cap);
  void reset() {
    data.clear();
    started = false;
    overflow = false;
  }
};

enum class TlsState : std::uint8_t { Waiting, Collecting, Done, NotTls };

struct FlowEntry;
struct FlowInspect;

/// The flows being inspected, least recently active first (intrusive, no allocation), so that
/// inspection of flows gone quiet can be ended without scanning the table.
struct InspectList {
  FlowInspect* head = nullptr;
  FlowInspect* tail = nullptr;
};

struct FlowInspect {
  /// Links itself at the tail of `list`; `owner` is the flow slot (stable while it exists).
  FlowInspect(FlowEntry* flow, InspectList* in_list) : owner(flow), list(in_list) { link(); }
  ~FlowInspect() { unlink(); }
  FlowInspect(const FlowInspect&) = delete;
  FlowInspect& operator=(const FlowInspect&) = delete;

  /// The flow had a packet: move to the tail (re-link if it was detached).
  void touch() {
    if (linked && list->tail == this)
      return;
    unlink();
    link();
  }
  /// Leave the list (the flow keeps its parser state but is not timed out again until its next
  /// packet).
  void unlink() {
    if (!linked)
      return;
    (prev ? prev->next : list->head) = next;
    (next ? next->prev : list->tail) = prev;
    prev = next = nullptr;
    linked = false;
  }

  FlowEntry* owner;
  InspectList* list;
  FlowInspect* prev = nullptr;
  FlowInspect* next = nullptr;
  bool linked = false;

  DpiFlowPtr dpi; ///< nDPI state, freed when the engine is done
  bool dpi_done = false;
  TlsState tls = TlsState::Waiting;
  StreamBuf tls_buf;                ///< client stream for the ClientHello
  bool connect_seen = false;        ///< a CONNECT request was seen: expect a tunnel
  std::uint8_t client_payloads = 0; ///< client payload segments seen while waiting for TLS
  StreamBuf http_buf;               ///< an HTTP request head split over segments
  bool udp_dns = false;             ///< a UDP flow on another port recognised as DNS
  bool http_seen = false;           ///< an HTTP request was seen: keep parsing the connection
  std::unique_ptr<QuicInitialAssembler> quic;
  bool quic_done = false;
  bool server_hello_checked = false; ///< the server's first TLS payload was looked at
  StreamBuf dns_tcp[2];              ///< DNS over TCP, per direction
  std::unique_ptr<DnsPending> dns;   ///< DNS queries without a response yet (bounded)
  OnPremState onprem;                ///< banner/HTTP response/TLS server/syslog inspectors

private:
  void link() {
    prev = list->tail;
    next = nullptr;
    (prev ? prev->next : list->head) = this;
    list->tail = this;
    linked = true;
  }
};

} // namespace vw::classify
