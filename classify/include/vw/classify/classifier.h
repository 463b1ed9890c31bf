#pragma once
/// @file classifier.h
/// One classification worker: flow table + DPI engine + fact extraction + attribution +
/// ledger. Fed decoded packets in time order; reports through a RecordSink. Not thread-safe:
/// one Classifier per worker thread.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <vw/classify/alert_dedup.h>
#include <vw/classify/attribution.h>
#include <vw/classify/dns_cache.h>
#include <vw/classify/dpi_engine.h>
#include <vw/classify/flow_table.h>
#include <vw/classify/home_net.h>
#include <vw/classify/ledger.h>
#include <vw/classify/own_domains.h>
#include <vw/classify/records.h>
#include <vw/packet/decode.h>
#include <vw/signatures/matcher.h>

namespace vw::classify {

struct InspectList; // classify-private
class Inspector;    // classify-private (src/inspector.h)
class InspectorHost;
struct HttpRequestInfo;
class DnsInspector;
class Alerting;

struct ClassifierConfig {
  FlowTableConfig table;
  bool use_vlan = true;                      ///< VLAN id is part of the flow key
  std::uint32_t dpi_packet_budget = 32;      ///< packets per flow handed to the DPI engine at most
  std::uint32_t dpi_udp_unknown_budget = 12; ///< ... for UDP flows still without a protocol
  std::size_t dns_cache_entries = 65536;
  /// Seconds a DNS answer stays in the cache at least, whatever its TTL: the connection an
  /// answer with TTL 0 or a few seconds announced follows it (--dns-min-ttl).
  std::uint32_t dns_min_ttl = 60;
  /// A DNS response counts (lookup, cache) only within this time of its query (--dns-pair-window).
  TimeUs dns_pair_window = 5'000'000;
  /// Web-presence verdicts (corporate web, CDN edge) become `vendor` events with "usage": "web"
  /// (--alert-web). Off: they are counted in the ledger's `web` section only.
  bool alert_web = false;
  TimeUs dedup_window = 3'600'000'000; ///< per host x vendor x role; 0 = no dedup
  std::size_t dedup_max_keys = 65536;  ///< bound of the de-duplication map (evictions counted)
  LedgerCaps ledger_caps;              ///< bounds of the ledger sections (evictions counted)
  /// Record the ledger's per-hour journal (Ledger::enableJournal) for a ledger store.
  bool ledger_journal = false;
  /// Key of the hash of every table keyed by packet data (flow table, DNS cache, alert
  /// de-duplication): the process's random key. Output never depends on it.
  HashKey hash_key = processHashKey();
  HomeNet home_net = HomeNet::defaults();
  /// The organisation's domains (--own-domains): a paired DNS answer that puts an own name into
  /// a vendor's edge network makes the site a product instance (docs/attribution.md).
  OwnDomains own_domains;
  bool log_dns = false;  ///< report every DNS transaction (RecordSink::dnsTransaction)
  bool log_http = false; ///< report every HTTP request (RecordSink::httpRequest)
  /// Keep a flow's facts (SNI, certificate, DNS, HTTP) until it ends, for its flow record.
  /// Off when flow records are not written: facts are dropped when inspection ends.
  bool keep_facts = true;
  std::size_t tls_hello_max = 16384; ///< bytes buffered for a ClientHello
  std::size_t dns_tcp_max = 65536;   ///< bytes buffered per direction for DNS over TCP
  /// The caller advances time with tick() (a multi-worker pipeline broadcasts the reader's
  /// clock to every worker, so flows expire at the same points whatever the worker count).
  /// Off: onPacket() expires flows itself once per second of packet time.
  bool external_clock = false;
  /// When the clock goes back by more than a second, end every open flow first (offline: the
  /// next file of a multi-file scan starts earlier). Off for live capture, where packets of
  /// several interfaces may lag behind the clock.
  bool clock_jump_ends_flows = false;
  /// Inspection of a flow without packets for this long ends: the DPI engine gives its best
  /// guess and its state is freed (DNS and HTTP parsing go on if the flow resumes). Bounds the
  /// memory of flows that go quiet mid-inspection. 0 = only the flow's own end frees it.
  TimeUs inspect_idle_timeout = 5'000'000;
};

/// Counters of one worker. All monotonic.
struct ClassifierStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;           ///< IP-layer bytes
  std::uint64_t fragments = 0;       ///< non-first fragments (not attributed to flows)
  std::uint64_t dpi_packets = 0;     ///< packets handed to the DPI engine
  std::uint64_t dpi_flows = 0;       ///< flows that got DPI state
  std::uint64_t dpi_freed_early = 0; ///< DPI state freed because the engine was done
  std::uint64_t dpi_budget_exhausted = 0;
  std::uint64_t unknown_flows = 0; ///< ended with no protocol
  std::uint64_t tls_client_hellos = 0;
  std::uint64_t tls_gaps = 0; ///< out-of-order segments skipped while collecting
  std::uint64_t quic_client_hellos = 0;
  std::uint64_t dns_messages = 0;
  std::uint64_t dns_malformed = 0;
  std::uint64_t http_requests = 0;
  std::uint64_t vendor_alerts = 0;
  std::uint64_t alerts_deduplicated = 0;
  std::uint64_t attributed_flows = 0;
  std::uint64_t dns_cache_hits = 0;
  std::uint64_t inspect_idle_ended = 0;   ///< inspections ended because the flow went quiet
  std::uint64_t dns_unsolicited = 0;      ///< DNS responses that answered no open query (ignored)
  std::uint64_t dns_pending_evicted = 0;  ///< open DNS queries pushed out by newer ones (bound)
  std::uint64_t dns_own_site_answers = 0; ///< paired answers putting an own name in an edge
  std::uint64_t dns_own_site_unkeyed = 0; ///< ... without an address (no instance recorded)
  std::uint64_t web_verdicts = 0; ///< web-presence verdicts that made no event (no --alert-web)

  /// Adds another worker's counters.
  ClassifierStats& operator+=(const ClassifierStats& o);
};

class Classifier {
public:
  /// `engine` and `sink` must outlive the classifier; it shares ownership of `matcher` (a
  /// reload replaces it through setMatcher).
  Classifier(const ClassifierConfig& cfg, DpiEngine& engine,
             std::shared_ptr<const signatures::Matcher> matcher, RecordSink& sink);
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  /// Processes one decoded packet (status Ok or OkFragment). Packets must come in
  /// non-decreasing time order (small reordering is tolerated).
  void onPacket(const DecodedPacket& p);

  /// Ends flows idle for longer than the timeout, and closed flows past their linger, as of
  /// `now` (packet time offline, wall time live).
  void expire(TimeUs now);

  /// The packet clock moved to `now`: expires flows. In external_clock mode the caller calls
  /// it whenever packet time advanced by a second or went back (before that packet); otherwise
  /// onPacket() does. With clock_jump_ends_flows, a clock going back by more than a second ends
  /// every open flow first (end_of_input): flows of two timelines never mix, and expiry does
  /// not depend on which flows a worker happens to hold.
  void tick(TimeUs now);

  /// Ends every flow (end of input or shutdown), oldest first.
  void endAll(EndReason why);

  /// Replaces the matcher (signature reload). Flows that already gathered facts keep the set
  /// they were pinned to (kept alive while they live): their evidence and verdicts are never
  /// re-read against the new set. Flows without facts use the new set from now on.
  void setMatcher(std::shared_ptr<const signatures::Matcher> matcher);

  const ClassifierStats& stats() const { return stats_; }
  const FlowTable& table() const { return table_; }
  const Ledger& ledger() const { return ledger_; }
  Ledger& ledger() { return ledger_; }
  const DnsCache& dnsCache() const { return dns_cache_; }

private:
  FlowEntry* flowFor(const DecodedPacket& p, bool& src_is_lo);
  void initFlow(FlowEntry& f, const DecodedPacket& p, bool src_is_lo);
  void startInspect(FlowEntry& f);
  void endFlow(FlowEntry& f, EndReason why);
  void inspect(FlowEntry& f, const DecodedPacket& p, Dir d);
  void finishDpi(FlowEntry& f, bool gave_up);
  void maybeFinishInspect(FlowEntry& f);
  void finishInspect(FlowEntry& f);
  void inspectIdle(FlowEntry& f);
  bool keepsParsing(const FlowEntry& f) const;
  void tcpClientPayload(FlowEntry& f, const DecodedPacket& p);
  void tcpServerPayload(FlowEntry& f, const DecodedPacket& p);
  void tlsClientHello(FlowEntry& f, const DecodedPacket& p);
  void httpRequest(FlowEntry& f, const DecodedPacket& p);
  void dnsPayload(FlowEntry& f, std::span<const std::uint8_t> msg, const DecodedPacket& p, Dir d);
  void quicPayload(FlowEntry& f, const DecodedPacket& p);
  FlowFacts& facts(FlowEntry& f);
  FlowRecord record(const FlowEntry& f, TimeUs ts) const;
  IpAddr hostOf(const FlowEntry& f) const;
  IpAddr responderOf(const FlowEntry& f) const;
  IpAddr initiatorOf(const FlowEntry& f) const;
  /// Re-evaluates the verdict; emits a vendor alert when warranted. `final` = no more facts
  /// expected soon (inspection finished or flow ending), so indirect-only verdicts may alert.
  void attribute(FlowEntry& f, TimeUs ts, bool final);
  void emitAlert(FlowEntry& f, const signatures::Matcher& m, const Verdict& v, TimeUs ts,
                 const IpAddr& host, HostRole role, std::span<const EvidenceItem> ev);
  /// One DNS lookup by `querier` (evidence from the DNS inspector): ledger, flow verdict, alert.
  void dnsLookup(FlowEntry& f, const IpAddr& querier, std::span<const EvidenceItem> ev, TimeUs ts);
  /// An own site behind a vendor's edge (DnsInspectorHost::ownSite).
  void dnsOwnSite(FlowEntry& f, const IpAddr& site, std::span<const EvidenceItem> ev, TimeUs ts);
  struct DnsHost; ///< the DnsInspector's view of this classifier
  /// The attributor of a flow: over the signature set its facts are pinned to (creating the
  /// facts, pinned to the current set, if needed).
  Attributor attributorFor(FlowEntry& f) { return Attributor(*facts(f).sigs); }

  // Product instances, their clients and inspection findings (src/instances.cc): the
  // per-protocol inspectors of src/inspector.h report through these.
  friend class ClassifierInspectorHost;
  void onpremInit();
  void onpremPayload(FlowEntry& f, const DecodedPacket& p, Dir d);
  bool onpremWantsMore(const FlowEntry& f) const;
  /// DPI ended: its certificate and, when its dissectors named the flow, its protocol names.
  void onpremDpiEnd(FlowEntry& f, bool dissected);
  void onpremCertificate(FlowEntry& f, std::string_view subject, std::string_view issuer,
                         std::span<const std::string_view> sans, TimeUs ts);
  void onpremRequest(FlowEntry& f, const HttpRequestInfo& info);
  void serverSideEvidence(FlowEntry& f, std::uint8_t sender, Field field, std::string_view value,
                          const signatures::Match& m, TimeUs ts);
  void attributeInstances(FlowEntry& f, TimeUs ts, bool final);
  /// The host a client verdict is about: the internal peer of a product instance, else hostOf.
  IpAddr clientHostOf(const FlowEntry& f) const;
  void ledgerInstances(const FlowEntry& f);

  ClassifierConfig cfg_;
  DpiEngine& engine_;
  std::shared_ptr<const signatures::Matcher> matcher_;
  RecordSink& sink_;
  std::unique_ptr<InspectList> inspecting_; ///< before table_: outlives the flows' state
  FlowTable table_;
  DnsCache dns_cache_;
  Ledger ledger_;
  ClassifierStats stats_;
  std::unique_ptr<DnsHost> dns_host_;
  std::unique_ptr<DnsInspector> dns_;
  std::unique_ptr<Alerting> alerting_;
  TimeUs last_expire_ = 0;
  std::string name_scratch_;
  std::vector<std::unique_ptr<Inspector>> inspectors_;
  std::unique_ptr<InspectorHost> inspector_host_;
};

} // namespace vw::classify
