#pragma once
// DNS inspection (classify-private): parses the DNS messages of a flow, pairs each response with
// the query it answers, teaches the per-client DNS cache and hands lookup evidence to the
// classifier. Rules in docs/attribution.md ("DNS responses count only with their question").

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <vw/classify/dns_cache.h>
#include <vw/classify/facts.h>
#include <vw/classify/own_domains.h>
#include <vw/classify/proto/dns.h>
#include <vw/classify/proto/fixed_string.h>
#include <vw/classify/records.h>
#include <vw/packet/decode.h>

namespace vw::classify {

struct FlowEntry;

/// A query waiting for its response. Fixed size: no allocation per query.
struct DnsPendingQuery {
  std::uint16_t id = 0;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
  std::uint8_t from = 0; ///< direction the query travelled (Dir: 0 = initiator -> responder)
  TimeUs ts = 0;
  FixedString<255> name; ///< lowercased, no trailing dot (the parser's form)
};

/// The open queries of one flow, oldest first (allocated at the flow's first query, freed with
/// its inspection). Bounded: a query beyond the capacity pushes the oldest out (counted, and
/// logged as unanswered). Most DNS flows never have two queries open: the first slot is
/// inline (~280 bytes), the other kMax - 1 (~2 KiB) are allocated at the flow's second open
/// query, once per flow.
struct DnsPending {
  static constexpr std::size_t kMax = 8;
  struct Slots {
    DnsPendingQuery& operator[](std::size_t i) { return i == 0 ? first : (*rest)[i - 1]; }
    const DnsPendingQuery& operator[](std::size_t i) const {
      return i == 0 ? first : (*rest)[i - 1];
    }
    DnsPendingQuery first{};
    std::unique_ptr<std::array<DnsPendingQuery, kMax - 1>> rest;
  } q;
  std::uint8_t n = 0;
};

/// What the DNS inspector needs from the classifier that owns the flow.
class DnsInspectorHost {
public:
  virtual ~DnsInspectorHost() = default;
  /// The flow's facts (created, pinned to the current signature set, if needed).
  virtual FlowFacts& dnsFacts(FlowEntry& f) = 0;
  /// The flow as a record at `ts` (for dns events).
  virtual FlowRecord dnsRecord(const FlowEntry& f, TimeUs ts) const = 0;
  /// One lookup by `querier`: the evidence of the names/addresses it asked for or was answered
  /// (over the flow's pinned set). The classifier decides, counts and alerts.
  virtual void dnsLookup(FlowEntry& f, const IpAddr& querier, std::span<const EvidenceItem> ev,
                         TimeUs ts) = 0;
  /// A paired answer put an own name (--own-domains) into a vendor's edge network: `ev` are
  /// instance items (`dns.cname`/`dns.answer`, value "own -> target"), `site` the first address
  /// answered for the name. The classifier records the instance and alerts.
  virtual void ownSite(FlowEntry& f, const IpAddr& site, std::span<const EvidenceItem> ev,
                       TimeUs ts) = 0;
};

struct DnsInspectorConfig {
  TimeUs pair_window = 5'000'000; ///< a response counts only this long after its query
  bool log_dns = false;           ///< report every transaction (RecordSink::dnsTransaction)
  OwnDomains own_domains;         ///< --own-domains (empty: off)
};

struct DnsInspectorStats {
  std::uint64_t messages = 0;
  std::uint64_t malformed = 0;
  std::uint64_t unsolicited = 0;     ///< responses that answered no open query of the flow
  std::uint64_t pending_evicted = 0; ///< open queries pushed out by newer ones (bound)
  /// Own names answered into a vendor's edge with no address in the answer (no instance key).
  std::uint64_t own_site_unkeyed = 0;
};

class DnsInspector {
public:
  DnsInspector(const DnsInspectorConfig& cfg, DnsCache& cache, RecordSink& sink,
               DnsInspectorHost& host)
      : cfg_(cfg), cache_(cache), sink_(sink), host_(host) {}

  /// One DNS message `msg` of flow `f` carried by packet `p` in direction `d`; `pending` is the
  /// flow's open-query state (allocated here on the first query).
  void message(FlowEntry& f, std::unique_ptr<DnsPending>& pending,
               std::span<const std::uint8_t> msg, const DecodedPacket& p, std::uint8_t d);
  /// The flow's inspection ends: queries never answered are transactions too (logged).
  void flush(FlowEntry& f, std::unique_ptr<DnsPending>& pending);

  const DnsInspectorStats& stats() const { return stats_; }
  /// True if the flow has queries open (it is a DNS flow, attributed per transaction).
  static bool hasPending(const std::unique_ptr<DnsPending>& p) { return p && p->n > 0; }

private:
  void query(FlowEntry& f, std::unique_ptr<DnsPending>& pending, const DecodedPacket& p,
             std::uint8_t d);
  void response(FlowEntry& f, std::unique_ptr<DnsPending>& pending, const DecodedPacket& p,
                std::uint8_t d);
  /// A paired answer for an own name: its CNAME targets / addresses in a vendor's edge.
  void ownSite(FlowEntry& f, const FlowFacts& fx, TimeUs ts);
  /// Logs an unanswered query (at eviction, expiry or the flow's end).
  void unanswered(FlowEntry& f, const DnsPendingQuery& q);
  /// Drops queries older than the pairing window (logged as unanswered).
  void expire(FlowEntry& f, DnsPending& pending, TimeUs now);

  DnsInspectorConfig cfg_;
  DnsCache& cache_;
  RecordSink& sink_;
  DnsInspectorHost& host_;
  DnsInspectorStats stats_;
  DnsMessage msg_; ///< reused for every message (no per-packet clear cost)
  /// Query name + CNAME chain; resized, never cleared, so that its strings keep their capacity.
  std::vector<std::string> chain_;
  std::vector<EvidenceItem> ev_scratch_; ///< lookup evidence (capacity reused)
  std::vector<EvidenceItem> own_ev_;     ///< own-site evidence (capacity reused)
};

} // namespace vw::classify
