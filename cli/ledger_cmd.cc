// `vendorwatch ledger export|compact|info|import` and the --ledger writer of scan and live
// (see ledger_cmd.h and docs/ledger.md).
#include "ledger_cmd.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include <vw/alerts/eve.h>
#include <vw/alerts/report.h>
#include <vw/alerts/summary.h>

#include "commands.h"
#include "common.h"

namespace vw::cli {
namespace {

using Json = nlohmann::json;
using store::LedgerStore;

/// Rows kept for the next commit when one fails (the store is busy or the disk full).
constexpr std::size_t kMaxPendingRows = 1'000'000;

std::string jstr(const Json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t jnum(const Json& o, const char* k) {
  auto it = o.find(k);
  if (it == o.end())
    return 0;
  if (it->is_number_unsigned())
    return it->get<std::uint64_t>();
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(it->get<std::int64_t>());
  return 0;
}

int confRank(const std::string& s) {
  return s == "high" ? 3 : s == "medium" ? 2 : s == "low" ? 1 : 0;
}

std::string idOf(const Json& x, const char* key) {
  auto it = x.find(key);
  if (it == x.end())
    return "";
  if (it->is_string())
    return it->get<std::string>();
  return it->is_object() ? jstr(*it, "id") : "";
}

/// Writes `text` to `path` ("-" = stdout) through a temporary file and a rename.
bool writeText(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      diag("cannot write '" + path + "'");
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    diag("cannot write '" + path + "'");
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

// ---- ledger subcommands --------------------------------------------------------------------

struct ExportOptions {
  std::string store, json = "-";
};

int runExport(const ExportOptions& o) {
  std::unique_ptr<LedgerStore> st;
  if (const int rc = openStore(o.store, LedgerStore::Mode::ReadOnly, st); rc != kExitOk)
    return rc;
  nlohmann::ordered_json doc;
  std::string err;
  if (!st->exportSummary(doc, err)) {
    diag(err);
    return kExitUsage;
  }
  return writeText(o.json.empty() ? "-" : o.json,
                   doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n")
             ? kExitOk
             : kExitUsage;
}

struct CompactOptions {
  std::string store;
  int retain = 0, hourly_days = 14;
  bool vacuum = false;
};

int runCompact(const CompactOptions& o) {
  std::unique_ptr<LedgerStore> st;
  if (const int rc = openStore(o.store, LedgerStore::Mode::ReadWrite, st); rc != kExitOk)
    return rc;
  store::StoreInfo before, after;
  std::string err;
  store::CompactStats cs;
  if (!st->info(before, err) || !st->compact(o.retain, o.hourly_days, cs, err) ||
      !st->info(after, err)) {
    diag(err);
    return kExitUsage;
  }
  diag(fmt::format("ledger compact: newest activity {}; {} hourly row(s) folded into {} daily "
                   "row(s), {} row(s) older than {} day(s) dropped; activity rows {} -> {}",
                   cs.reference_us != 0 ? alerts::isoTime(cs.reference_us) : "none",
                   cs.hourly_rows_compacted, cs.daily_rows_written, cs.rows_dropped,
                   o.retain > 0 ? std::to_string(o.retain) : "(no limit)", before.activity_rows,
                   after.activity_rows));
  if (o.vacuum) {
    // VACUUM rewrites the file: readers may keep reading the old pages meanwhile.
    st.reset();
    std::unique_ptr<LedgerStore> again;
    if (const int rc = openStore(o.store, LedgerStore::Mode::ReadWrite, again); rc != kExitOk)
      return rc;
    if (!again->vacuum(err)) {
      diag(err);
      return kExitUsage;
    }
    again->info(after, err);
    diag(fmt::format("ledger compact: vacuumed, file now {} bytes", after.file_bytes));
  }
  return kExitOk;
}

struct InfoOptions {
  std::string store;
};

int runInfo(const InfoOptions& o) {
  std::unique_ptr<LedgerStore> st;
  if (const int rc = openStore(o.store, LedgerStore::Mode::ReadOnly, st); rc != kExitOk)
    return rc;
  store::StoreInfo i;
  std::string err;
  if (!st->info(i, err)) {
    diag(err);
    return kExitUsage;
  }
  std::printf("ledger %s\n  schema %d, %llu run(s), %llu scanned input(s)\n"
              "  %llu series (host x vendor x product x role), %llu activity rows (%llu hourly, "
              "%llu daily)\n  activity %s .. %s\n  file %llu bytes\n",
              o.store.c_str(), i.schema, static_cast<unsigned long long>(i.runs),
              static_cast<unsigned long long>(i.inputs), static_cast<unsigned long long>(i.series),
              static_cast<unsigned long long>(i.activity_rows),
              static_cast<unsigned long long>(i.hourly_rows),
              static_cast<unsigned long long>(i.daily_rows),
              i.first_us != 0 ? alerts::isoTime(i.first_us).c_str() : "-",
              i.last_us != 0 ? alerts::isoTime(i.last_us).c_str() : "-",
              static_cast<unsigned long long>(i.file_bytes));
  return kExitOk;
}

struct ImportOptions {
  std::string store;
  std::vector<std::string> summaries;
};

int runImport(const ImportOptions& o) {
  std::unique_ptr<LedgerStore> st;
  if (const int rc = openStore(o.store, LedgerStore::Mode::ReadWrite, st); rc != kExitOk)
    return rc;
  int rc = kExitOk;
  for (const auto& path : o.summaries) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in) {
      diag("cannot read '" + path + "'");
      rc = kExitInputError;
      continue;
    }
    const Json doc = Json::parse(ss.str(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("hosts")) {
      diag("'" + path + "' is not a vendorwatch summary");
      return kExitUsage;
    }
    std::string err;
    store::InputIdentity id;
    id.name = path;
    id.fingerprint = store::fileFingerprint(path, err);
    if (id.fingerprint.empty()) {
      diag(err);
      rc = kExitInputError;
      continue;
    }
    id.fingerprint = "summary:" + id.fingerprint;
    const Json meta = doc.value("vendorwatch", Json::object());
    std::int64_t first = 0, last = 0;
    alerts::parseTime(jstr(meta, "first_packet"), first);
    alerts::parseTime(jstr(meta, "last_packet"), last);
    id.first_us = first;
    id.last_us = last;
    id.packets = jnum(meta, "packets");
    bool known = false;
    if (!st->knownInput(id, known, err)) {
      diag(err);
      return kExitUsage;
    }
    if (known) {
      diag("ledger: '" + path + "' is already in '" + o.store + "'; skipped");
      continue;
    }
    store::RunInfo ri;
    ri.kind = "import";
    ri.tool_version = jstr(meta, "version");
    ri.signatures = jstr(meta, "signatures");
    if (auto x = meta.find("inputs"); x != meta.end() && x->is_array())
      for (const auto& s : *x)
        if (s.is_string())
          ri.inputs.push_back(s.get<std::string>());
    const std::int64_t run = st->beginRun(ri, err);
    const auto rows = rowsFromSummary(doc);
    store::CommitState cs;
    cs.summary = &doc;
    cs.first_packet_us = first;
    cs.last_packet_us = last;
    cs.packets = id.packets;
    if (run == 0 || !st->commit(run, rows, cs, std::span(&id, 1), err) ||
        !st->finishRun(run, err)) {
      diag(err);
      return kExitUsage;
    }
    diag(fmt::format("ledger: imported '{}' ({} row(s))", path, rows.size()));
  }
  return rc;
}

} // namespace

int openStore(const std::string& path, LedgerStore::Mode mode, std::unique_ptr<LedgerStore>& out) {
  std::string err;
  LedgerStore::OpenError why = LedgerStore::OpenError::None;
  out = LedgerStore::open(path, mode, err, &why);
  if (out)
    return kExitOk;
  diag(err);
  return why == LedgerStore::OpenError::Missing ? kExitInputError : kExitUsage;
}

std::vector<store::Row> rowsFromSummary(const Json& doc) {
  std::vector<store::Row> rows;
  auto emit = [&](store::Kind kind, const std::string& addr, const std::string& vendor,
                  const std::string& product, const std::string& detail, const Json& c,
                  const std::string& conf) {
    std::int64_t first = 0, last = 0;
    if (!alerts::parseTime(jstr(c, "first_seen"), first))
      return;
    if (!alerts::parseTime(jstr(c, "last_seen"), last) || last < first)
      last = first;
    store::Row r;
    r.kind = kind;
    r.address = addr;
    r.vendor = vendor;
    r.product = product;
    r.detail = detail;
    r.period_us = first;
    r.flows = jnum(c, "flows");
    r.dns_lookups = jnum(c, "dns_lookups");
    r.bytes_to = jnum(c, "bytes_to_vendor");
    r.bytes_from = jnum(c, "bytes_from_vendor");
    r.first_us = first;
    r.last_us = store::hourOf(first) == store::hourOf(last) ? last : first;
    r.confidence = confRank(conf);
    rows.push_back(r);
    // Contact on every further day up to the last one (no counters: they are in the first).
    const std::int64_t day = 86'400'000'000LL;
    std::int64_t d = store::dayOf(first) + day;
    for (int n = 0; d <= store::dayOf(last) && n < 3660; d += day, ++n) {
      store::Row z = r;
      z.flows = z.dns_lookups = z.bytes_to = z.bytes_from = 0;
      z.period_us = z.first_us = z.last_us = d;
      rows.push_back(z);
    }
    if (store::hourOf(first) != store::hourOf(last)) {
      store::Row z = r;
      z.flows = z.dns_lookups = z.bytes_to = z.bytes_from = 0;
      z.period_us = z.first_us = z.last_us = last;
      rows.push_back(z);
    }
  };
  if (auto hs = doc.find("hosts"); hs != doc.end() && hs->is_array())
    for (const auto& h : *hs) {
      const std::string ip = jstr(h, "ip");
      auto vs = h.find("vendors");
      if (ip.empty() || vs == h.end() || !vs->is_array())
        continue;
      for (const auto& v : *vs) {
        store::Kind k = store::Kind::Client;
        if (!store::parseKind(jstr(v, "role"), k))
          k = store::Kind::Client;
        const std::string vid = jstr(v, "id"), conf = jstr(v, "confidence");
        if (vid.empty())
          continue;
        if (auto bp = v.find("by_product"); bp != v.end() && bp->is_object() && !bp->empty()) {
          for (const auto& [pid, pc] : bp->items())
            if (pc.is_object())
              emit(k, ip, vid, pid == "-" ? "" : pid, "", pc, conf);
        } else {
          std::string pid;
          if (auto p = v.find("products");
              p != v.end() && p->is_array() && !p->empty() && (*p)[0].is_string())
            pid = (*p)[0].get<std::string>();
          emit(k, ip, vid, pid, "", v, conf);
        }
      }
    }
  if (auto in = doc.find("instances"); in != doc.end() && in->is_array())
    for (const auto& x : *in)
      if (x.is_object() && !idOf(x, "vendor").empty())
        emit(store::Kind::Server, jstr(x, "ip"), idOf(x, "vendor"), idOf(x, "product"), "", x,
             jstr(x, "confidence"));
  if (auto w = doc.find("web"); w != doc.end() && w->is_array())
    for (const auto& x : *w)
      if (x.is_object() && !idOf(x, "vendor").empty())
        emit(store::Kind::Web, jstr(x, "ip"), idOf(x, "vendor"), idOf(x, "product"), "", x, "");
  if (auto i = doc.find("inspection"); i != doc.end() && i->is_array())
    for (const auto& x : *i)
      if (x.is_object() && !idOf(x, "vendor").empty())
        emit(store::Kind::Inspection, "", idOf(x, "vendor"), idOf(x, "product"), jstr(x, "ca"), x,
             "");
  return rows;
}

std::vector<store::Row> rowsFromJournal(const std::vector<classify::JournalRow>& rows) {
  std::vector<store::Row> out;
  out.reserve(rows.size());
  for (const auto& j : rows) {
    store::Row r;
    r.period_us = j.hour;
    r.kind = static_cast<store::Kind>(static_cast<std::uint8_t>(j.kind));
    r.address = j.address.toString();
    r.vendor = j.vendor_id;
    r.product = j.product_id;
    r.detail = j.ca;
    r.flows = j.flows;
    r.dns_lookups = j.dns_lookups;
    r.bytes_to = j.bytes_to_vendor;
    r.bytes_from = j.bytes_from_vendor;
    r.first_us = j.first_seen;
    r.last_us = j.last_seen;
    r.confidence = static_cast<int>(j.confidence);
    out.push_back(std::move(r));
  }
  return out;
}

void addLedgerOptions(CLI::App& c, LedgerOptions& o, bool live) {
  c.add_option("--ledger", o.path,
               live ? "Keep the host ledger in this SQLite store (created if missing): resumed "
                      "at start, committed every --ledger-interval seconds and at shutdown"
                    : "Append this scan to the SQLite ledger store FILE.db (created if missing); "
                      "capture files already in it are skipped");
  if (live)
    c.add_option("--ledger-interval", o.interval,
                 "Seconds between ledger commits (a SIGKILL loses at most this much)")
        ->check(CLI::Range(1.0, 86400.0))
        ->capture_default_str();
  c.add_option("--ledger-retain", o.retain_days,
               "Drop ledger rows older than DAYS (lifetime totals and first/last seen stay; 0 = "
               "keep all)")
      ->check(CLI::Range(0, 36500))
      ->capture_default_str();
  c.add_option("--ledger-hourly-days", o.hourly_days,
               "Fold ledger rows older than DAYS from hourly into daily rows")
      ->check(CLI::Range(0, 36500))
      ->capture_default_str();
}

// ---- LedgerWriter --------------------------------------------------------------------------

int LedgerWriter::open(const LedgerOptions& o, const store::RunInfo& run) {
  opt_ = o;
  if (o.path.empty())
    return kExitOk;
  if (const int rc = openStore(o.path, LedgerStore::Mode::ReadWrite, store_); rc != kExitOk)
    return rc == kExitInputError ? kExitUsage : rc;
  std::string err;
  store::StoreInfo info;
  if (!store_->info(info, err)) {
    diag(err);
    store_.reset();
    return kExitUsage;
  }
  run_ = store_->beginRun(run, err);
  if (run_ == 0) {
    diag(err);
    store_.reset();
    return kExitUsage;
  }
  if (info.series == 0)
    diag("ledger '" + o.path + "': new store");
  else
    diag(fmt::format("ledger '{}': resuming, {} run(s) and {} host x vendor x product series "
                     "since {}",
                     o.path, info.runs, info.series, alerts::isoTime(info.first_us)));
  return kExitOk;
}

bool LedgerWriter::alreadyScanned(const std::string& path) {
  if (!store_ || path == "-")
    return false;
  std::string err;
  const std::string fp = store::fileFingerprint(path, err);
  if (fp.empty())
    return false; // the scan reports the unreadable file itself
  fingerprints_.emplace_back(path, fp);
  std::vector<std::string> at;
  if (!store_->knownFingerprints({fp}, at, err)) {
    diag(err);
    return false;
  }
  if (at[0].empty())
    return false;
  diag("ledger: skipping '" + path + "': already in '" + opt_.path + "' (scanned " + at[0] + ")");
  return true;
}

void LedgerWriter::inputDone(const std::string& path, std::int64_t first_us, std::int64_t last_us,
                             std::uint64_t packets) {
  if (!store_)
    return;
  store::InputIdentity id;
  id.name = path;
  id.first_us = first_us;
  id.last_us = last_us;
  id.packets = packets;
  id.fingerprint = "stdin";
  for (const auto& [p, fp] : fingerprints_)
    if (p == path)
      id.fingerprint = fp;
  inputs_.push_back(std::move(id));
}

bool LedgerWriter::commit(std::vector<store::Row> rows, const Json* summary,
                          std::int64_t first_packet_us, std::int64_t last_packet_us,
                          std::uint64_t packets) {
  if (!store_)
    return true;
  std::string err;
  // Standard input has no fingerprint: the same packet range and count already stored means
  // the same capture was piped in before, so nothing is added.
  for (const auto& in : inputs_)
    if (in.fingerprint == "stdin") {
      bool known = false;
      if (store_->knownInput(in, known, err) && known) {
        diag("ledger: standard input has the packet range and count of a capture already in '" +
             opt_.path + "'; not appended");
        inputs_.clear();
        return true;
      }
    }
  if (pending_.empty())
    pending_ = std::move(rows);
  else
    pending_.insert(pending_.end(), rows.begin(), rows.end());
  store::CommitState cs;
  cs.summary = summary;
  cs.first_packet_us = first_packet_us;
  cs.last_packet_us = last_packet_us;
  cs.packets = packets;
  if (!store_->commit(run_, pending_, cs, inputs_, err)) {
    diag("ledger commit failed (kept for the next one): " + err);
    if (pending_.size() > kMaxPendingRows) {
      dropped_rows_ += pending_.size() - kMaxPendingRows;
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(
                                                              pending_.size() - kMaxPendingRows));
      diag(fmt::format("ledger: {} row(s) dropped so far (store unavailable)", dropped_rows_));
    }
    return false;
  }
  pending_.clear();
  inputs_.clear();
  // Live runs for months: apply the retention once an hour of wall time, not only at the end.
  const auto now = std::chrono::steady_clock::now();
  if (!compacted_once_ || now - last_compaction_ >= std::chrono::hours(1)) {
    compacted_once_ = true;
    last_compaction_ = now;
    store::CompactStats st;
    if (!store_->compact(opt_.retain_days, opt_.hourly_days, st, err))
      diag("ledger retention: " + err);
  }
  return true;
}

bool LedgerWriter::commitLedger(classify::Ledger& ledger, const signatures::SignatureSet& sigs,
                                const alerts::SummaryMeta& meta) {
  if (!store_)
    return true;
  return commitJournal(ledger.drainJournal(), ledger, sigs, meta);
}

bool LedgerWriter::commitJournal(const std::vector<classify::JournalRow>& rows,
                                 const classify::Ledger& state,
                                 const signatures::SignatureSet& sigs,
                                 const alerts::SummaryMeta& meta) {
  if (!store_)
    return true;
  if (state.evictions().journal_dropped > journal_dropped_)
    diag(fmt::format("ledger: {} journal row(s) dropped at the classifiers' cap so far (commit "
                     "more often: --ledger-interval)",
                     state.evictions().journal_dropped));
  journal_dropped_ = state.evictions().journal_dropped;
  const Json summary = Json(alerts::summaryJson(state, sigs, meta));
  return commit(rowsFromJournal(rows), &summary, meta.first_packet_us, meta.last_packet_us,
                meta.packets);
}

bool LedgerWriter::finish() {
  if (!store_)
    return true;
  std::string err;
  if (!store_->finishRun(run_, err)) {
    diag(err);
    return false;
  }
  return true;
}

void addLedgerCommand(CLI::App& app, std::function<int()>& run) {
  CLI::App* l = app.add_subcommand("ledger", "The SQLite ledger store: export, compact, info");
  l->require_subcommand(1);
  {
    auto o = std::make_shared<ExportOptions>();
    CLI::App* c = l->add_subcommand("export", "Write the store as a JSON summary (the format of "
                                              "--summary, plus active_days per host)");
    c->add_option("store", o->store, "Ledger store (FILE.db)")->required();
    c->add_option("--json", o->json,
                  "Write the JSON summary to FILE (default, or without FILE: - for stdout)")
        ->expected(0, 1);
    c->callback([o, &run] { run = [o] { return runExport(*o); }; });
  }
  {
    auto o = std::make_shared<CompactOptions>();
    CLI::App* c = l->add_subcommand("compact", "Retention: fold old hourly rows into daily rows, "
                                               "drop rows older than --retain days");
    c->add_option("store", o->store, "Ledger store (FILE.db)")->required();
    c->add_option("--retain", o->retain,
                  "Drop activity older than DAYS before the newest activity (0 = keep all)")
        ->check(CLI::Range(0, 36500))
        ->capture_default_str();
    c->add_option("--hourly-days", o->hourly_days,
                  "Keep hourly rows for the last DAYS, fold older ones into daily rows")
        ->check(CLI::Range(0, 36500))
        ->capture_default_str();
    c->add_flag("--vacuum", o->vacuum, "Rewrite the file afterwards to give the space back");
    c->callback([o, &run] { run = [o] { return runCompact(*o); }; });
  }
  {
    auto o = std::make_shared<InfoOptions>();
    CLI::App* c = l->add_subcommand("info", "Schema version, runs, rows, time range, file size");
    c->add_option("store", o->store, "Ledger store (FILE.db)")->required();
    c->callback([o, &run] { run = [o] { return runInfo(*o); }; });
  }
  {
    auto o = std::make_shared<ImportOptions>();
    CLI::App* c = l->add_subcommand(
        "import", "Add JSON summaries (--summary files) to a store; each file only once");
    c->add_option("store", o->store, "Ledger store (FILE.db; created if missing)")->required();
    c->add_option("summaries", o->summaries, "Summary files")->required();
    c->callback([o, &run] { run = [o] { return runImport(*o); }; });
  }
  l->footer("Examples:\n"
            "  vendorwatch ledger export --json site-a.db > site-a.json\n"
            "  vendorwatch ledger compact --retain 365 --hourly-days 14 site-a.db\n"
            "  vendorwatch ledger info site-a.db\n"
            "Exit codes: 0 ok, 1 the store does not exist, 2 not a ledger / corrupt / bad usage.");
}

} // namespace vw::cli
