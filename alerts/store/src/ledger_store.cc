// The SQLite ledger store (see ledger_store.h and docs/ledger.md).
#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <sys/stat.h>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include <vw/alerts/eve.h>
#include <vw/store/ledger_store.h>

#include "sqlite_util.h"
#include "verdict_doc.h"

namespace vw::store {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;
using sql::Stmt;

constexpr std::int64_t kHour = 3600, kDay = 86400; // seconds
constexpr int kSpanHour = 1, kSpanDay = 24;        // activity.span: hours covered by a row

// Schema, one entry per version: kMigrations[i] takes a store from user_version i to i+1.
// Never edit a released step; add a new one and raise kSchemaVersion.
constexpr const char* kMigrations[] = {
    // 0 -> 1
    R"SQL(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  started_us INTEGER NOT NULL,
  committed_us INTEGER,
  finished_us INTEGER,
  commits INTEGER NOT NULL DEFAULT 0,
  tool_version TEXT NOT NULL DEFAULT '',
  signatures TEXT NOT NULL DEFAULT '',
  inputs TEXT NOT NULL DEFAULT '[]',
  first_packet_us INTEGER,
  last_packet_us INTEGER,
  packets INTEGER NOT NULL DEFAULT 0,
  coverage TEXT NOT NULL DEFAULT '{}');
CREATE TABLE inputs(
  fingerprint TEXT NOT NULL,
  first_us INTEGER NOT NULL,
  last_us INTEGER NOT NULL,
  packets INTEGER NOT NULL,
  name TEXT NOT NULL,
  run INTEGER NOT NULL REFERENCES runs(id),
  PRIMARY KEY(fingerprint, first_us, last_us)) WITHOUT ROWID;
CREATE TABLE vendors(id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE products(
  vendor TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
  PRIMARY KEY(vendor, id)) WITHOUT ROWID;
CREATE TABLE series(
  id INTEGER PRIMARY KEY,
  kind INTEGER NOT NULL,
  address TEXT NOT NULL,
  vendor TEXT NOT NULL,
  product TEXT NOT NULL,
  detail TEXT NOT NULL,
  first_us INTEGER NOT NULL,
  last_us INTEGER NOT NULL,
  flows INTEGER NOT NULL,
  dns_lookups INTEGER NOT NULL,
  bytes_to INTEGER NOT NULL,
  bytes_from INTEGER NOT NULL,
  confidence INTEGER NOT NULL,
  UNIQUE(kind, address, vendor, product, detail));
CREATE TABLE activity(
  series INTEGER NOT NULL,
  period INTEGER NOT NULL,
  span INTEGER NOT NULL,
  flows INTEGER NOT NULL,
  dns_lookups INTEGER NOT NULL,
  bytes_to INTEGER NOT NULL,
  bytes_from INTEGER NOT NULL,
  first_off INTEGER NOT NULL,
  last_off INTEGER NOT NULL,
  confidence INTEGER NOT NULL,
  PRIMARY KEY(series, period, span)) WITHOUT ROWID;
CREATE TABLE verdicts(
  kind INTEGER NOT NULL,
  address TEXT NOT NULL,
  vendor TEXT NOT NULL,
  product TEXT NOT NULL,
  detail TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY(kind, address, vendor, product, detail)) WITHOUT ROWID;
)SQL",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

std::int64_t wallUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// SQLite's message; a damaged file (found while reading, after the checks of open()) says so.
std::string dbErr(sqlite3* db) {
  const int code = sqlite3_errcode(db) & 0xff;
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    return std::string("corrupt database (") + sqlite3_errmsg(db) +
           "); the file was left untouched";
  return sqlite3_errmsg(db);
}

bool exec(sqlite3* db, const char* sqlText, std::string& err) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sqlText, nullptr, nullptr, &msg) != SQLITE_OK) {
    const int code = sqlite3_errcode(db) & 0xff;
    err = msg != nullptr && code != SQLITE_CORRUPT && code != SQLITE_NOTADB ? msg : dbErr(db);
    sqlite3_free(msg);
    return false;
  }
  return true;
}

bool pragmaInt(sqlite3* db, const char* pragma, std::int64_t& out, int& rc) {
  Stmt s;
  if (!s.prepare(db, pragma)) {
    rc = s.rc();
    return false;
  }
  if (!s.step()) {
    rc = s.rc();
    return s.rc() == SQLITE_DONE;
  }
  out = s.i64(0);
  rc = SQLITE_OK;
  return true;
}

std::string dateOf(std::int64_t day_s) {
  const std::string iso = alerts::isoTime(day_s * 1'000'000);
  return iso.substr(0, 10);
}

std::string kindKey(int kind, const std::string& a, const std::string& v, const std::string& p,
                    const std::string& d) {
  std::string k = std::to_string(kind);
  for (const std::string* s : {&a, &v, &p, &d}) {
    k += '\x1f';
    k += *s;
  }
  return k;
}

std::string jstr(const Json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

const char* kindName(Kind k) {
  switch (k) {
  case Kind::Client:
    return "client";
  case Kind::Server:
    return "server";
  case Kind::Web:
    return "web";
  case Kind::Inspection:
    return "inspection";
  }
  return "client";
}

bool parseKind(const std::string& s, Kind& out) {
  for (Kind k : {Kind::Client, Kind::Server, Kind::Web, Kind::Inspection})
    if (s == kindName(k)) {
      out = k;
      return true;
    }
  return false;
}

std::int64_t hourOf(std::int64_t us) {
  return floorDiv(us, kHour * 1'000'000) * kHour * 1'000'000;
}
std::int64_t dayOf(std::int64_t us) {
  return floorDiv(us, kDay * 1'000'000) * kDay * 1'000'000;
}

std::string fileFingerprint(const std::string& path, std::string& err) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    err = fmt::format("cannot read '{}': {}", path, std::strerror(errno));
    return {};
  }
  struct stat st {};
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    std::fclose(f);
    err = fmt::format("'{}' is not a regular file", path);
    return {};
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  constexpr std::uint64_t kPart = 1 << 20;
  std::uint64_t h = 1469598103934665603ULL; // FNV-1a 64
  std::vector<unsigned char> buf(std::size_t{64} * 1024);
  auto feed = [&](std::uint64_t from, std::uint64_t n) {
    if (std::fseek(f, static_cast<long>(from), SEEK_SET) != 0)
      return false;
    while (n > 0) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, buf.size()));
      const std::size_t got = std::fread(buf.data(), 1, want, f);
      if (got != want)
        return false;
      for (std::size_t i = 0; i < got; ++i) {
        h ^= buf[i];
        h *= 1099511628211ULL;
      }
      n -= got;
    }
    return true;
  };
  const std::uint64_t head = std::min(size, kPart);
  bool ok = feed(0, head);
  if (ok && size > head) {
    const std::uint64_t tail_from = std::max(head, size - kPart);
    ok = feed(tail_from, size - tail_from);
  }
  std::fclose(f);
  if (!ok) {
    err = fmt::format("cannot read '{}'", path);
    return {};
  }
  return fmt::format("size:{}:fnv1a64:{:016x}", size, h);
}

struct LedgerStore::Impl {
  sqlite3* db = nullptr;
  Mode mode = Mode::ReadOnly;
  std::map<std::tuple<int, std::string, std::string, std::string, std::string>, std::int64_t>
      series_ids;
  std::unordered_map<std::string, std::string> written; ///< verdict key -> last doc written
  std::unordered_map<std::string, std::string> names;   ///< vendor/product -> last name written

  ~Impl() {
    if (db != nullptr)
      sqlite3_close_v2(db);
  }

  bool migrate(std::string& err) {
    if (!exec(db, "BEGIN IMMEDIATE", err))
      return false;
    std::int64_t v = 0;
    int rc = 0;
    if (!pragmaInt(db, "PRAGMA user_version", v, rc)) {
      err = dbErr(db);
      exec(db, "ROLLBACK", err);
      return false;
    }
    for (auto i = static_cast<std::size_t>(v); i < std::size(kMigrations); ++i) {
      if (!exec(db, kMigrations[i], err)) {
        std::string ig;
        exec(db, "ROLLBACK", ig);
        err = fmt::format("schema migration {} -> {} failed: {}", i, i + 1, err);
        return false;
      }
    }
    if (v < kSchemaVersion) {
      const std::string s = fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {};"
                                        "INSERT OR REPLACE INTO meta VALUES('schema', '{}');",
                                        kApplicationId, kSchemaVersion, kSchemaVersion);
      if (!exec(db, s.c_str(), err)) {
        std::string ig;
        exec(db, "ROLLBACK", ig);
        return false;
      }
      if (v == 0) {
        const std::string c = fmt::format("INSERT OR REPLACE INTO meta VALUES('created', '{}')",
                                          alerts::isoTime(wallUs()));
        exec(db, c.c_str(), err);
      }
    }
    return exec(db, "COMMIT", err);
  }

  std::int64_t seriesId(const Row& r, std::string& err) {
    auto key = std::make_tuple(static_cast<int>(r.kind), r.address, r.vendor, r.product, r.detail);
    if (auto it = series_ids.find(key); it != series_ids.end())
      return it->second;
    Stmt ins(db, "INSERT INTO series(kind,address,vendor,product,detail,first_us,last_us,flows,"
                 "dns_lookups,bytes_to,bytes_from,confidence) VALUES(?,?,?,?,?,?,?,0,0,0,0,0) "
                 "ON CONFLICT(kind,address,vendor,product,detail) DO NOTHING");
    ins.bind(1, static_cast<int>(r.kind))
        .bind(2, r.address)
        .bind(3, r.vendor)
        .bind(4, r.product)
        .bind(5, r.detail)
        .bind(6, r.first_us)
        .bind(7, r.last_us);
    if (!ins.run()) {
      err = dbErr(db);
      return 0;
    }
    Stmt q(db, "SELECT id FROM series WHERE kind=? AND address=? AND vendor=? AND product=? AND "
               "detail=?");
    q.bind(1, static_cast<int>(r.kind))
        .bind(2, r.address)
        .bind(3, r.vendor)
        .bind(4, r.product)
        .bind(5, r.detail);
    if (!q.step()) {
      err = dbErr(db);
      return 0;
    }
    const std::int64_t id = q.i64(0);
    series_ids.emplace(std::move(key), id);
    return id;
  }

  bool putName(const char* table, const std::string& vendor, const std::string& id,
               const std::string& name, const std::string& extra, std::string& err) {
    if (id.empty())
      return true;
    const std::string key = std::string(table) + '\x1f' + vendor + '\x1f' + id;
    const std::string val = name + '\x1f' + extra;
    if (auto it = names.find(key); it != names.end() && it->second == val)
      return true;
    Stmt s;
    if (std::strcmp(table, "vendors") == 0) {
      s.prepare(db, "INSERT INTO vendors(id,name,status) VALUES(?,?,?) ON CONFLICT(id) DO UPDATE "
                    "SET name=excluded.name, status=excluded.status");
      s.bind(1, id).bind(2, name.empty() ? id : name).bind(3, extra.empty() ? "unknown" : extra);
    } else {
      s.prepare(db, "INSERT INTO products(vendor,id,name,role) VALUES(?,?,?,?) ON "
                    "CONFLICT(vendor,id) DO UPDATE SET name=excluded.name, role=excluded.role");
      s.bind(1, vendor).bind(2, id).bind(3, name.empty() ? id : name).bind(4, extra);
    }
    if (!s.run()) {
      err = dbErr(db);
      return false;
    }
    names[key] = val;
    return true;
  }

  bool putVerdict(Kind kind, const std::string& address, const std::string& vendor,
                  const std::string& product, const std::string& detail, const Json& doc,
                  std::string& err) {
    const std::string key = kindKey(static_cast<int>(kind), address, vendor, product, detail);
    const std::string text = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (auto it = written.find(key); it != written.end() && it->second == text)
      return true; // unchanged since this process last wrote it
    Stmt q(db, "SELECT doc FROM verdicts WHERE kind=? AND address=? AND vendor=? AND product=? "
               "AND detail=?");
    q.bind(1, static_cast<int>(kind))
        .bind(2, address)
        .bind(3, vendor)
        .bind(4, product)
        .bind(5, detail);
    Json merged = Json::object();
    if (q.step()) {
      merged = Json::parse(q.text(0), nullptr, false);
      if (merged.is_discarded())
        merged = Json::object();
    } else if (q.rc() != SQLITE_DONE) {
      err = dbErr(db);
      return false;
    }
    mergeVerdict(merged, doc);
    Stmt u(db, "INSERT INTO verdicts(kind,address,vendor,product,detail,doc) VALUES(?,?,?,?,?,?) "
               "ON CONFLICT(kind,address,vendor,product,detail) DO UPDATE SET doc=excluded.doc");
    u.bind(1, static_cast<int>(kind))
        .bind(2, address)
        .bind(3, vendor)
        .bind(4, product)
        .bind(5, detail)
        .bind(6, merged.dump(-1, ' ', false, Json::error_handler_t::replace));
    if (!u.run()) {
      err = dbErr(db);
      return false;
    }
    written[key] = text;
    return true;
  }

  bool putState(std::int64_t run, const CommitState& st, std::string& err);
};

LedgerStore::LedgerStore(std::string path) : path_(std::move(path)), impl_(new Impl) {}
LedgerStore::~LedgerStore() = default;

std::unique_ptr<LedgerStore> LedgerStore::open(const std::string& path, Mode mode, std::string& err,
                                               OpenError* why) {
  OpenError dummy;
  OpenError& w = why != nullptr ? *why : dummy;
  w = OpenError::None;
  const std::string name = "ledger '" + path + "'";
  auto fail = [&](OpenError e, const std::string& msg) -> std::unique_ptr<LedgerStore> {
    w = e;
    err = msg;
    return nullptr;
  };
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && mode == Mode::ReadOnly)
    return fail(OpenError::Missing, name + ": no such file");
  if (exists && !S_ISREG(st.st_mode))
    return fail(OpenError::NotALedger, name + ": not a regular file");
  bool fresh = !exists || st.st_size == 0;
  if (exists && st.st_size > 0) {
    // 1. The file must be an SQLite database at all (checked by hand so that SQLite is never
    //    asked to open something else read-write).
    char head[16] = {};
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr)
      return fail(OpenError::Io, name + ": " + std::strerror(errno));
    const std::size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    if (n != sizeof head || std::memcmp(head, "SQLite format 3", 16) != 0)
      return fail(OpenError::NotALedger,
                  name + ": not a vendorwatch ledger (not an SQLite database); the file was left "
                         "untouched");
    // 2. Read-only look: application id, schema version, integrity.
    sqlite3* ro = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &ro, SQLITE_OPEN_READONLY, nullptr);
    auto closeRo = [&] {
      if (ro != nullptr)
        sqlite3_close_v2(ro);
      ro = nullptr;
    };
    if (rc != SQLITE_OK) {
      const std::string m = ro != nullptr ? dbErr(ro) : sqlite3_errstr(rc);
      closeRo();
      return fail(OpenError::Io, name + ": " + m);
    }
    sqlite3_busy_timeout(ro, 10000);
    std::int64_t app = 0, ver = 0, tables = 0;
    auto corrupt = [&](int code) {
      const std::string m = sqlite3_errmsg(ro);
      closeRo();
      const bool isCorrupt = code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
      return fail(isCorrupt ? OpenError::Corrupt : OpenError::Io,
                  name + (isCorrupt ? ": corrupt database (" + m + "); the file was left untouched"
                                    : ": " + m));
    };
    if (!pragmaInt(ro, "PRAGMA application_id", app, rc))
      return corrupt(rc);
    if (!pragmaInt(ro, "PRAGMA user_version", ver, rc))
      return corrupt(rc);
    if (!pragmaInt(ro, "SELECT count(*) FROM sqlite_master", tables, rc))
      return corrupt(rc);
    if (app != kApplicationId) {
      if (app != 0 || tables != 0) {
        closeRo();
        return fail(OpenError::NotALedger,
                    fmt::format("{}: an SQLite database of another application (application_id "
                                "{:#x}, {} schema object(s)), not a vendorwatch ledger; the file "
                                "was left untouched",
                                name, static_cast<std::uint32_t>(app), tables));
      }
      fresh = true;
    } else if (ver > kSchemaVersion) {
      closeRo();
      return fail(OpenError::TooNew,
                  fmt::format("{}: schema version {} was written by a newer vendorwatch (this one "
                              "knows up to {}); the file was left untouched",
                              name, ver, kSchemaVersion));
    }
    if (mode == Mode::ReadWrite && !fresh) {
      // Before the first write: a damaged file must not be written to.
      Stmt q;
      if (!q.prepare(ro, "PRAGMA quick_check(1)"))
        return corrupt(q.rc());
      if (!q.step())
        return corrupt(q.rc());
      const std::string res = q.text(0);
      if (res != "ok") {
        q.reset();
        closeRo();
        return fail(OpenError::Corrupt, name + ": corrupt database (integrity check: " + res +
                                            "); the file was left untouched");
      }
    }
    if (mode == Mode::ReadOnly) {
      if (fresh) {
        closeRo();
        return fail(OpenError::NotALedger, name + ": empty database, not a vendorwatch ledger");
      }
      std::unique_ptr<LedgerStore> s(new LedgerStore(path));
      s->impl_->db = ro;
      s->impl_->mode = mode;
      return s;
    }
    closeRo();
  }
  if (mode == Mode::ReadOnly)
    return fail(OpenError::NotALedger, name + ": empty file, not a vendorwatch ledger");
  std::unique_ptr<LedgerStore> s(new LedgerStore(path));
  Impl& im = *s->impl_;
  im.mode = mode;
  const int flags = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(path.c_str(), &im.db, flags, nullptr);
  if (rc != SQLITE_OK)
    return fail(OpenError::Io,
                name + ": " + (im.db != nullptr ? dbErr(im.db) : sqlite3_errstr(rc)));
  sqlite3_busy_timeout(im.db, 10000);
  std::string e;
  // WAL: readers (report) never block the writer and see the last commit. NORMAL sync: a
  // commit survives a crash of the process (SIGKILL); a power loss may lose the last ones.
  if (!exec(im.db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", e))
    return fail(OpenError::Io, name + ": " + e);
  if (!im.migrate(e))
    return fail(OpenError::Io, name + ": " + e);
  return s;
}

std::int64_t LedgerStore::beginRun(const RunInfo& info, std::string& err) {
  Json inputs = info.inputs;
  Stmt s(impl_->db,
         "INSERT INTO runs(kind,started_us,tool_version,signatures,inputs) VALUES(?,?,?,?,?)");
  s.bind(1, info.kind)
      .bind(2, wallUs())
      .bind(3, info.tool_version)
      .bind(4, info.signatures)
      .bind(5, inputs.dump(-1, ' ', false, Json::error_handler_t::replace));
  if (!s.run()) {
    err = path_ + ": " + dbErr(impl_->db);
    return 0;
  }
  return sqlite3_last_insert_rowid(impl_->db);
}

bool LedgerStore::knownFingerprints(const std::vector<std::string>& fps,
                                    std::vector<std::string>& scanned_at, std::string& err) {
  scanned_at.assign(fps.size(), "");
  Stmt q(impl_->db, "SELECT r.started_us FROM inputs i JOIN runs r ON r.id=i.run WHERE "
                    "i.fingerprint=? ORDER BY r.started_us LIMIT 1");
  for (std::size_t i = 0; i < fps.size(); ++i) {
    q.bind(1, fps[i]);
    if (q.step())
      scanned_at[i] = alerts::isoTime(q.i64(0));
    else if (q.rc() != SQLITE_DONE) {
      err = path_ + ": " + dbErr(impl_->db);
      return false;
    }
    q.reset();
  }
  return true;
}

bool LedgerStore::knownInput(const InputIdentity& in, bool& known, std::string& err) {
  // Standard input has no file to fingerprint: its packet range and count identify it, against
  // every input recorded (a capture scanned as a file and piped in later is the same capture).
  Stmt q(impl_->db, "SELECT 1 FROM inputs WHERE (fingerprint=? OR ?='stdin') AND first_us=? AND "
                    "last_us=? AND packets=?");
  q.bind(1, in.fingerprint)
      .bind(2, in.fingerprint)
      .bind(3, in.first_us)
      .bind(4, in.last_us)
      .bind(5, in.packets);
  known = q.step();
  if (!known && q.rc() != SQLITE_DONE) {
    err = path_ + ": " + dbErr(impl_->db);
    return false;
  }
  return true;
}

bool LedgerStore::Impl::putState(std::int64_t run, const CommitState& st, std::string& err) {
  if (st.summary == nullptr || !st.summary->is_object())
    return true;
  const Json& doc = *st.summary;
  if (auto hs = doc.find("hosts"); hs != doc.end() && hs->is_array()) {
    for (const auto& h : *hs) {
      const std::string ip = jstr(h, "ip");
      auto vs = h.find("vendors");
      if (ip.empty() || vs == h.end() || !vs->is_array())
        continue;
      for (const auto& v : *vs) {
        const std::string vid = jstr(v, "id");
        if (vid.empty())
          continue;
        if (!putName("vendors", "", vid, jstr(v, "name"), jstr(v, "status"), err))
          return false;
        Kind k = Kind::Client;
        if (!parseKind(jstr(v, "role"), k))
          k = Kind::Client;
        Json d = Json::object();
        for (const char* key : {"confidence", "best", "evidence", "products"})
          if (v.contains(key))
            d[key] = v[key];
        if (!putVerdict(k, ip, vid, "", "", d, err))
          return false;
      }
    }
  }
  auto vendorOf = [&](const Json& x, std::string& vid, std::string& pid) {
    vid.clear();
    pid.clear();
    if (auto v = x.find("vendor"); v != x.end() && v->is_object()) {
      vid = jstr(*v, "id");
      if (!vid.empty() && !putName("vendors", "", vid, jstr(*v, "name"), jstr(*v, "status"), err))
        return false;
    }
    if (auto p = x.find("product"); p != x.end() && p->is_object()) {
      pid = jstr(*p, "id");
      if (!pid.empty() && !vid.empty() &&
          !putName("products", vid, pid, jstr(*p, "name"), jstr(*p, "role"), err))
        return false;
    }
    return true;
  };
  struct Section {
    const char* name;
    Kind kind;
    std::initializer_list<const char*> keys;
  };
  const Section sections[] = {
      {"instances", Kind::Server, {"confidence", "evidence", "clients", "client_count"}},
      {"web", Kind::Web, {"evidence"}},
      {"inspection", Kind::Inspection, {"hosts"}},
  };
  for (const auto& sec : sections) {
    auto arr = doc.find(sec.name);
    if (arr == doc.end() || !arr->is_array())
      continue;
    for (const auto& x : *arr) {
      std::string vid, pid;
      if (!x.is_object())
        continue;
      if (!vendorOf(x, vid, pid))
        return false;
      if (vid.empty())
        continue;
      Json d = Json::object();
      for (const char* key : sec.keys)
        if (x.contains(key))
          d[key] = x[key];
      const std::string ip = sec.kind == Kind::Inspection ? "" : jstr(x, "ip");
      const std::string product = sec.kind == Kind::Web ? "" : pid;
      const std::string detail = sec.kind == Kind::Inspection ? jstr(x, "ca") : "";
      if (!putVerdict(sec.kind, ip, vid, product, detail, d, err))
        return false;
    }
  }
  if (auto c = doc.find("coverage"); c != doc.end() && c->is_object()) {
    Stmt u(db, "UPDATE runs SET coverage=? WHERE id=?");
    u.bind(1, c->dump()).bind(2, run);
    if (!u.run()) {
      err = dbErr(db);
      return false;
    }
  }
  return true;
}

bool LedgerStore::commit(std::int64_t run, std::span<const Row> rows, const CommitState& state,
                         std::span<const InputIdentity> inputs, std::string& err) {
  Impl& im = *impl_;
  std::string e;
  if (!exec(im.db, "BEGIN IMMEDIATE", e)) {
    err = path_ + ": " + e;
    return false;
  }
  auto rollback = [&](const std::string& why) {
    std::string ig;
    exec(im.db, "ROLLBACK", ig);
    // Series ids created in the rolled-back transaction are gone: forget the cache.
    im.series_ids.clear();
    im.written.clear();
    im.names.clear();
    err = path_ + ": " + why;
    return false;
  };
  Stmt act(im.db, "INSERT INTO activity(series,period,span,flows,dns_lookups,bytes_to,bytes_from,"
                  "first_off,last_off,confidence) VALUES(?,?,?,?,?,?,?,?,?,?) "
                  "ON CONFLICT(series,period,span) DO UPDATE SET flows=flows+excluded.flows, "
                  "dns_lookups=dns_lookups+excluded.dns_lookups, "
                  "bytes_to=bytes_to+excluded.bytes_to, bytes_from=bytes_from+excluded.bytes_from, "
                  "first_off=min(first_off,excluded.first_off), "
                  "last_off=max(last_off,excluded.last_off), "
                  "confidence=max(confidence,excluded.confidence)");
  Stmt ser(im.db, "UPDATE series SET first_us=min(first_us,?2), last_us=max(last_us,?3), "
                  "flows=flows+?4, dns_lookups=dns_lookups+?5, bytes_to=bytes_to+?6, "
                  "bytes_from=bytes_from+?7, confidence=max(confidence,?8) WHERE id=?1");
  for (const Row& r0 : rows) {
    Row r = r0;
    if (r.first_us == 0)
      r.first_us = r.last_us != 0 ? r.last_us : r.period_us;
    if (r.last_us < r.first_us)
      r.last_us = r.first_us;
    const std::int64_t id = im.seriesId(r, e);
    if (id == 0)
      return rollback(e);
    const std::int64_t period = hourOf(r.period_us != 0 ? r.period_us : r.first_us) / 1'000'000;
    const std::int64_t f = std::clamp<std::int64_t>(r.first_us / 1'000'000 - period, 0, kHour - 1);
    const std::int64_t l = std::clamp<std::int64_t>(r.last_us / 1'000'000 - period, 0, kHour - 1);
    act.bind(1, id)
        .bind(2, period)
        .bind(3, kSpanHour)
        .bind(4, r.flows)
        .bind(5, r.dns_lookups)
        .bind(6, r.bytes_to)
        .bind(7, r.bytes_from)
        .bind(8, f)
        .bind(9, l)
        .bind(10, r.confidence);
    if (!act.run())
      return rollback(dbErr(im.db));
    ser.bind(1, id)
        .bind(2, r.first_us)
        .bind(3, r.last_us)
        .bind(4, r.flows)
        .bind(5, r.dns_lookups)
        .bind(6, r.bytes_to)
        .bind(7, r.bytes_from)
        .bind(8, r.confidence);
    if (!ser.run())
      return rollback(dbErr(im.db));
  }
  if (!im.putState(run, state, e))
    return rollback(e);
  Stmt in(im.db, "INSERT OR IGNORE INTO inputs(fingerprint,first_us,last_us,packets,name,run) "
                 "VALUES(?,?,?,?,?,?)");
  for (const auto& i : inputs) {
    in.bind(1, i.fingerprint)
        .bind(2, i.first_us)
        .bind(3, i.last_us)
        .bind(4, i.packets)
        .bind(5, i.name)
        .bind(6, run);
    if (!in.run())
      return rollback(dbErr(im.db));
  }
  Stmt u(im.db, "UPDATE runs SET commits=commits+1, committed_us=?2, packets=max(packets,?3), "
                "first_packet_us=CASE WHEN ?4=0 THEN first_packet_us WHEN first_packet_us IS NULL "
                "THEN ?4 ELSE min(first_packet_us,?4) END, "
                "last_packet_us=CASE WHEN ?5=0 THEN last_packet_us WHEN last_packet_us IS NULL "
                "THEN ?5 ELSE max(last_packet_us,?5) END WHERE id=?1");
  u.bind(1, run)
      .bind(2, wallUs())
      .bind(3, state.packets)
      .bind(4, state.first_packet_us)
      .bind(5, state.last_packet_us);
  if (!u.run())
    return rollback(dbErr(im.db));
  if (!exec(im.db, "COMMIT", e))
    return rollback(e);
  return true;
}

bool LedgerStore::finishRun(std::int64_t run, std::string& err) {
  Stmt u(impl_->db, "UPDATE runs SET finished_us=? WHERE id=?");
  u.bind(1, wallUs()).bind(2, run);
  if (!u.run()) {
    err = path_ + ": " + dbErr(impl_->db);
    return false;
  }
  return true;
}

bool LedgerStore::compact(int retain_days, int hourly_days, CompactStats& st, std::string& err) {
  Impl& im = *impl_;
  st = CompactStats{};
  std::string e;
  if (!exec(im.db, "BEGIN IMMEDIATE", e)) {
    err = path_ + ": " + e;
    return false;
  }
  auto rollback = [&](const std::string& why) {
    std::string ig;
    exec(im.db, "ROLLBACK", ig);
    err = path_ + ": " + why;
    return false;
  };
  std::int64_t ref = 0;
  {
    Stmt q(im.db, "SELECT max(last_us) FROM series");
    if (q.step())
      ref = q.i64(0);
    else
      return rollback(dbErr(im.db));
  }
  st.reference_us = ref;
  if (ref == 0)
    return exec(im.db, "COMMIT", e) || rollback(e);
  const std::int64_t today = dayOf(ref) / 1'000'000;
  if (hourly_days >= 0) {
    const std::int64_t cut = today - static_cast<std::int64_t>(hourly_days) * kDay;
    Stmt n(im.db, "SELECT count(*) FROM activity WHERE span=1 AND period<?");
    n.bind(1, cut);
    if (!n.step())
      return rollback(dbErr(im.db));
    st.hourly_rows_compacted = n.u64(0);
    n.reset();
    // Fold the hours of a day into the day's row (first/last kept as offsets from the day).
    Stmt fold(im.db,
              "INSERT INTO activity(series,period,span,flows,dns_lookups,bytes_to,bytes_from,"
              "first_off,last_off,confidence) "
              "SELECT series, (period/86400)*86400 AS day, ?2, sum(flows), sum(dns_lookups), "
              "sum(bytes_to), sum(bytes_from), min(period%86400+first_off), "
              "max(period%86400+last_off), max(confidence) FROM activity "
              "WHERE span=?3 AND period<?1 GROUP BY series, day "
              "ON CONFLICT(series,period,span) DO UPDATE SET flows=flows+excluded.flows, "
              "dns_lookups=dns_lookups+excluded.dns_lookups, bytes_to=bytes_to+excluded.bytes_to, "
              "bytes_from=bytes_from+excluded.bytes_from, "
              "first_off=min(first_off,excluded.first_off), "
              "last_off=max(last_off,excluded.last_off), "
              "confidence=max(confidence,excluded.confidence)");
    fold.bind(1, cut).bind(2, kSpanDay).bind(3, kSpanHour);
    if (!fold.run())
      return rollback(dbErr(im.db));
    st.daily_rows_written = static_cast<std::uint64_t>(sqlite3_changes(im.db));
    Stmt del(im.db, "DELETE FROM activity WHERE span=1 AND period<?");
    del.bind(1, cut);
    if (!del.run())
      return rollback(dbErr(im.db));
  }
  if (retain_days > 0) {
    const std::int64_t cut = today - static_cast<std::int64_t>(retain_days) * kDay;
    Stmt del(im.db, "DELETE FROM activity WHERE period<?");
    del.bind(1, cut);
    if (!del.run())
      return rollback(dbErr(im.db));
    st.rows_dropped = static_cast<std::uint64_t>(sqlite3_changes(im.db));
  }
  if (!exec(im.db, "COMMIT", e))
    return rollback(e);
  return true;
}

bool LedgerStore::vacuum(std::string& err) {
  std::string e;
  if (!exec(impl_->db, "VACUUM", e)) {
    err = path_ + ": " + e;
    return false;
  }
  return true;
}

bool LedgerStore::info(StoreInfo& out, std::string& err) {
  out = StoreInfo{};
  out.schema = kSchemaVersion;
  auto one = [&](const char* q, std::uint64_t& v) {
    Stmt s(impl_->db, q);
    if (!s.step()) {
      err = path_ + ": " + dbErr(impl_->db);
      return false;
    }
    v = s.u64(0);
    return true;
  };
  std::uint64_t first = 0, last = 0, pages = 0, page_size = 0;
  if (!one("SELECT count(*) FROM runs", out.runs) ||
      !one("SELECT count(*) FROM series", out.series) ||
      !one("SELECT count(*) FROM activity WHERE span=1", out.hourly_rows) ||
      !one("SELECT count(*) FROM activity WHERE span=24", out.daily_rows) ||
      !one("SELECT count(*) FROM inputs", out.inputs) ||
      !one("SELECT coalesce(min(first_us),0) FROM series", first) ||
      !one("SELECT coalesce(max(last_us),0) FROM series", last) ||
      !one("PRAGMA page_count", pages) || !one("PRAGMA page_size", page_size))
    return false;
  std::uint64_t ver = 0;
  if (!one("PRAGMA user_version", ver))
    return false;
  out.schema = static_cast<int>(ver);
  out.activity_rows = out.hourly_rows + out.daily_rows;
  out.first_us = static_cast<std::int64_t>(first);
  out.last_us = static_cast<std::int64_t>(last);
  out.file_bytes = pages * page_size;
  return true;
}

namespace {

struct SeriesRec {
  int kind = 0;
  std::string address, vendor, product, detail;
  std::int64_t first_us = 0, last_us = 0;
  std::uint64_t flows = 0, dns = 0, up = 0, down = 0;
  int confidence = 0;
};

/// Sorted day numbers -> [["YYYY-MM-DD","YYYY-MM-DD"], ...] runs of consecutive days.
OJson dayRanges(const std::set<std::int64_t>& days) {
  OJson out = OJson::array();
  std::int64_t a = 0, b = 0;
  bool open = false;
  for (const std::int64_t d : days) {
    if (open && d == b + 1) {
      b = d;
      continue;
    }
    if (open)
      out.push_back(OJson::array({dateOf(a * kDay), dateOf(b * kDay)}));
    a = b = d;
    open = true;
  }
  if (open)
    out.push_back(OJson::array({dateOf(a * kDay), dateOf(b * kDay)}));
  return out;
}

OJson toOrdered(const Json& j) {
  return OJson::parse(j.dump());
}

/// Sort key of an address: IPv4 before IPv6, then the address bytes; others last.
std::array<unsigned char, 17> addressKey(const std::string& ip) {
  std::array<unsigned char, 17> k{};
  if (inet_pton(AF_INET, ip.c_str(), k.data() + 1) == 1)
    k[0] = 4;
  else if (inet_pton(AF_INET6, ip.c_str(), k.data() + 1) == 1)
    k[0] = 6;
  else
    k[0] = 9;
  return k;
}

} // namespace

bool LedgerStore::exportSummary(OJson& out, std::string& err) {
  Impl& im = *impl_;
  auto fail = [&] {
    err = path_ + ": " + dbErr(im.db);
    return false;
  };
  // A read transaction: one consistent snapshot while a writer commits.
  std::string e;
  if (!exec(im.db, "BEGIN", e)) {
    err = path_ + ": " + e;
    return false;
  }
  struct EndTxn {
    sqlite3* db;
    ~EndTxn() {
      std::string ig;
      exec(db, "COMMIT", ig);
    }
  } endTxn{im.db};

  // Names.
  std::map<std::string, std::pair<std::string, std::string>> vendors; // id -> name, status
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> products;
  {
    Stmt q(im.db, "SELECT id,name,status FROM vendors");
    while (q.step())
      vendors[q.text(0)] = {q.text(1), q.text(2)};
    if (q.rc() != SQLITE_DONE)
      return fail();
    Stmt p(im.db, "SELECT vendor,id,name,role FROM products");
    while (p.step())
      products[{p.text(0), p.text(1)}] = {p.text(2), p.text(3)};
    if (p.rc() != SQLITE_DONE)
      return fail();
  }
  // Runs: tool versions, inputs, packets, coverage.
  std::vector<std::string> versions, sigs;
  OJson inputs = OJson::array();
  std::uint64_t packets = 0, runs = 0;
  std::int64_t firstPkt = 0, lastPkt = 0;
  std::map<std::string, std::uint64_t> coverage;
  std::set<std::int64_t> covered; // days with captured packets, from every run's packet range
  {
    Stmt q(im.db, "SELECT tool_version,signatures,inputs,packets,first_packet_us,last_packet_us,"
                  "coverage FROM runs WHERE commits>0 ORDER BY id");
    while (q.step()) {
      if (!q.isNull(4) && !q.isNull(5) && q.i64(4) != 0 && q.i64(5) >= q.i64(4)) {
        const std::int64_t a = floorDiv(q.i64(4), kDay * 1'000'000);
        const std::int64_t b = floorDiv(q.i64(5), kDay * 1'000'000);
        for (std::int64_t d = a; d <= b && d - a < 36600; ++d)
          covered.insert(d);
      }
      ++runs;
      auto add = [](std::vector<std::string>& v, const std::string& s) {
        if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end())
          v.push_back(s);
      };
      add(versions, q.text(0));
      add(sigs, q.text(1));
      const Json in = Json::parse(q.text(2), nullptr, false);
      if (in.is_array())
        for (const auto& x : in)
          if (x.is_string())
            inputs.push_back(x.get<std::string>());
      packets += q.u64(3);
      if (!q.isNull(4) && q.i64(4) != 0 && (firstPkt == 0 || q.i64(4) < firstPkt))
        firstPkt = q.i64(4);
      if (!q.isNull(5) && q.i64(5) > lastPkt)
        lastPkt = q.i64(5);
      const Json cov = Json::parse(q.text(6), nullptr, false);
      if (cov.is_object())
        for (const auto& [k, v] : cov.items())
          if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0))
            coverage[k] += v.get<std::uint64_t>();
    }
    if (q.rc() != SQLITE_DONE)
      return fail();
  }
  // Series and their active days.
  std::unordered_map<std::int64_t, SeriesRec> series;
  {
    Stmt q(im.db, "SELECT id,kind,address,vendor,product,detail,first_us,last_us,flows,"
                  "dns_lookups,bytes_to,bytes_from,confidence FROM series");
    while (q.step()) {
      SeriesRec s;
      s.kind = static_cast<int>(q.i64(1));
      s.address = q.text(2);
      s.vendor = q.text(3);
      s.product = q.text(4);
      s.detail = q.text(5);
      s.first_us = q.i64(6);
      s.last_us = q.i64(7);
      s.flows = q.u64(8);
      s.dns = q.u64(9);
      s.up = q.u64(10);
      s.down = q.u64(11);
      s.confidence = static_cast<int>(q.i64(12));
      series.emplace(q.i64(0), std::move(s));
    }
    if (q.rc() != SQLITE_DONE)
      return fail();
  }
  // Days per (kind, address, vendor): the unit the migration view counts.
  using EntryKey = std::tuple<int, std::string, std::string>;
  std::map<EntryKey, std::set<std::int64_t>> days;
  {
    Stmt q(im.db, "SELECT series, period FROM activity");
    std::int64_t last_series = -1;
    std::set<std::int64_t>* cur = nullptr;
    while (q.step()) {
      const std::int64_t sid = q.i64(0);
      if (sid != last_series) {
        auto it = series.find(sid);
        cur = it == series.end()
                  ? nullptr
                  : &days[EntryKey{it->second.kind, it->second.address, it->second.vendor}];
        last_series = sid;
      }
      if (cur != nullptr)
        cur->insert(floorDiv(q.i64(1), kDay));
    }
    if (q.rc() != SQLITE_DONE)
      return fail();
  }
  // Verdicts.
  std::map<std::tuple<int, std::string, std::string, std::string, std::string>, Json> verdicts;
  {
    Stmt q(im.db, "SELECT kind,address,vendor,product,detail,doc FROM verdicts");
    while (q.step()) {
      Json d = Json::parse(q.text(5), nullptr, false);
      if (!d.is_discarded())
        verdicts[{static_cast<int>(q.i64(0)), q.text(1), q.text(2), q.text(3), q.text(4)}] =
            std::move(d);
    }
    if (q.rc() != SQLITE_DONE)
      return fail();
  }
  auto verdict = [&](int kind, const std::string& a, const std::string& v, const std::string& p,
                     const std::string& d) -> const Json* {
    auto it = verdicts.find({kind, a, v, p, d});
    return it == verdicts.end() ? nullptr : &it->second;
  };
  auto vendorName = [&](const std::string& id) {
    auto it = vendors.find(id);
    return it == vendors.end() ? id : it->second.first;
  };
  auto vendorStatus = [&](const std::string& id) {
    auto it = vendors.find(id);
    return it == vendors.end() ? std::string("unknown") : it->second.second;
  };
  auto vendorObj = [&](const std::string& id) {
    return OJson{{"id", id}, {"name", vendorName(id)}, {"status", vendorStatus(id)}};
  };
  auto productObj = [&](const std::string& vid, const std::string& pid) {
    auto it = products.find({vid, pid});
    return OJson{{"id", pid},
                 {"name", it == products.end() ? pid : it->second.first},
                 {"role", it == products.end() ? std::string() : it->second.second}};
  };
  auto iso = [](std::int64_t us) { return us == 0 ? std::string() : alerts::isoTime(us); };

  // Group series into entries.
  struct Agg {
    std::map<std::string, const SeriesRec*> by_product;
    std::int64_t first = 0, last = 0;
    std::uint64_t flows = 0, dns = 0, up = 0, down = 0;
    int confidence = 0;
    std::set<std::string> addresses; // inspection: distinct hosts
    void add(const SeriesRec& s) {
      by_product[s.product] = &s;
      if (first == 0 || (s.first_us != 0 && s.first_us < first))
        first = s.first_us;
      last = std::max(last, s.last_us);
      flows += s.flows;
      dns += s.dns;
      up += s.up;
      down += s.down;
      confidence = std::max(confidence, s.confidence);
      if (!s.address.empty())
        addresses.insert(s.address);
    }
  };
  std::map<std::pair<std::string, std::string>, Agg> clients, webs;             // ip, vendor
  std::map<std::tuple<std::string, std::string, std::string>, Agg> servers;     // ip, v, p
  std::map<std::tuple<std::string, std::string, std::string>, Agg> inspections; // v, p, ca
  for (const auto& [id, s] : series) {
    switch (static_cast<Kind>(s.kind)) {
    case Kind::Client:
      clients[{s.address, s.vendor}].add(s);
      break;
    case Kind::Server:
      servers[{s.address, s.vendor, s.product}].add(s);
      break;
    case Kind::Web:
      webs[{s.address, s.vendor}].add(s);
      break;
    case Kind::Inspection:
      inspections[{s.vendor, s.product, s.detail}].add(s);
      break;
    }
  }
  auto activeDays = [&](Kind k, const std::string& ip, const std::string& v) {
    auto it = days.find(EntryKey{static_cast<int>(k), ip, v});
    return it == days.end() ? OJson::array() : dayRanges(it->second);
  };
  auto evidenceOf = [&](const Json* d) {
    return d != nullptr && d->contains("evidence") ? toOrdered((*d)["evidence"]) : OJson::array();
  };
  auto confName = [&](int series_conf, const Json* d) {
    int c = series_conf;
    if (d != nullptr)
      c = std::max(c, confidenceRank(jstr(*d, "confidence")));
    return std::string(confidenceName(c));
  };

  OJson doc;
  OJson tool;
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
      s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  tool["version"] = joined(versions);
  tool["signatures"] = joined(sigs);
  tool["inputs"] = std::move(inputs);
  tool["packets"] = packets;
  if (firstPkt != 0) {
    tool["first_packet"] = iso(firstPkt);
    tool["last_packet"] = iso(lastPkt);
  }
  tool["covered_days"] = dayRanges(covered);
  tool["ledger"] = OJson{{"schema", kSchemaVersion}, {"runs", runs}};
  doc["vendorwatch"] = std::move(tool);

  // hosts: who uses it (client side), grouped per address, vendors by bytes uploaded.
  struct Total {
    std::uint64_t hosts = 0, flows = 0, dns = 0, up = 0, down = 0;
  };
  std::map<std::string, Total> totals;
  std::map<std::string, std::vector<std::pair<std::string, const Agg*>>> byHost;
  for (const auto& [k, a] : clients)
    byHost[k.first].emplace_back(k.second, &a);
  std::vector<std::pair<std::array<unsigned char, 17>, const std::string*>> order;
  order.reserve(byHost.size());
  for (const auto& entry : byHost)
    order.emplace_back(addressKey(entry.first), &entry.first);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, *a.second) < std::tie(b.first, *b.second);
  });
  OJson hosts = OJson::array();
  for (const auto& ord : order) {
    const std::string& ip = *ord.second;
    auto& vs = byHost[ip];
    std::stable_sort(vs.begin(), vs.end(), [](const auto& x, const auto& y) {
      return x.second->up != y.second->up ? x.second->up > y.second->up : x.first < y.first;
    });
    OJson va = OJson::array();
    for (const auto& [vid, a] : vs) {
      const Json* d = verdict(static_cast<int>(Kind::Client), ip, vid, "", "");
      std::set<std::string> prods;
      for (const auto& [p, _] : a->by_product)
        if (!p.empty())
          prods.insert(p);
      if (d != nullptr && d->contains("products") && (*d)["products"].is_array())
        for (const auto& p : (*d)["products"])
          if (p.is_string())
            prods.insert(p.get<std::string>());
      OJson x;
      x["id"] = vid;
      x["name"] = vendorName(vid);
      x["status"] = vendorStatus(vid);
      x["role"] = "client";
      x["products"] = std::vector<std::string>(prods.begin(), prods.end());
      x["flows"] = a->flows;
      x["dns_lookups"] = a->dns;
      x["bytes_to_vendor"] = a->up;
      x["bytes_from_vendor"] = a->down;
      x["first_seen"] = iso(a->first);
      x["last_seen"] = iso(a->last);
      x["confidence"] = confName(a->confidence, d);
      x["evidence"] = evidenceOf(d);
      if (d != nullptr && d->contains("best"))
        x["best"] = toOrdered((*d)["best"]);
      OJson bp = OJson::object();
      for (const auto& [p, s] : a->by_product)
        bp[p.empty() ? std::string("-") : p] = OJson{{"flows", s->flows},
                                                     {"dns_lookups", s->dns},
                                                     {"bytes_to_vendor", s->up},
                                                     {"bytes_from_vendor", s->down},
                                                     {"first_seen", iso(s->first_us)},
                                                     {"last_seen", iso(s->last_us)}};
      x["by_product"] = std::move(bp);
      x["active_days"] = activeDays(Kind::Client, ip, vid);
      va.push_back(std::move(x));
      Total& t = totals[vid];
      ++t.hosts;
      t.flows += a->flows;
      t.dns += a->dns;
      t.up += a->up;
      t.down += a->down;
    }
    hosts.push_back(OJson{{"ip", ip}, {"vendors", std::move(va)}});
  }
  doc["hosts"] = std::move(hosts);
  OJson vt = OJson::array();
  for (const auto& [id, t] : totals)
    vt.push_back(OJson{{"id", id},
                       {"name", vendorName(id)},
                       {"status", vendorStatus(id)},
                       {"hosts", t.hosts},
                       {"flows", t.flows},
                       {"dns_lookups", t.dns},
                       {"bytes_to_vendor", t.up},
                       {"bytes_from_vendor", t.down}});
  doc["vendors"] = std::move(vt);

  // instances: where it runs.
  OJson inst = OJson::array();
  for (const auto& [k, a] : servers) {
    const auto& [ip, vid, pid] = k;
    const Json* d = verdict(static_cast<int>(Kind::Server), ip, vid, pid, "");
    OJson x;
    x["ip"] = ip;
    x["vendor"] = vendorObj(vid);
    x["product"] = productObj(vid, pid);
    x["flows"] = a.flows;
    x["first_seen"] = iso(a.first);
    x["last_seen"] = iso(a.last);
    x["confidence"] = confName(a.confidence, d);
    x["evidence"] = evidenceOf(d);
    x["clients"] =
        d != nullptr && d->contains("clients") ? toOrdered((*d)["clients"]) : OJson::array();
    x["client_count"] =
        d != nullptr && d->contains("client_count") ? toOrdered((*d)["client_count"]) : OJson(0);
    x["active_days"] = activeDays(Kind::Server, ip, vid);
    inst.push_back(std::move(x));
  }
  doc["instances"] = std::move(inst);

  OJson web = OJson::array();
  for (const auto& [k, a] : webs) {
    const Json* d = verdict(static_cast<int>(Kind::Web), k.first, k.second, "", "");
    OJson x;
    x["ip"] = k.first;
    x["vendor"] = vendorObj(k.second);
    x["flows"] = a.flows;
    x["bytes_to_vendor"] = a.up;
    x["bytes_from_vendor"] = a.down;
    x["first_seen"] = iso(a.first);
    x["last_seen"] = iso(a.last);
    x["evidence"] = evidenceOf(d);
    web.push_back(std::move(x));
  }
  doc["web"] = std::move(web);

  OJson insp = OJson::array();
  for (const auto& [k, a] : inspections) {
    const auto& [vid, pid, ca] = k;
    const Json* d = verdict(static_cast<int>(Kind::Inspection), "", vid, pid, ca);
    std::uint64_t nh = a.addresses.size();
    if (d != nullptr && d->contains("hosts") && (*d)["hosts"].is_number_unsigned())
      nh = std::max<std::uint64_t>(nh, (*d)["hosts"].get<std::uint64_t>());
    insp.push_back(OJson{{"vendor", vendorObj(vid)},
                         {"product", productObj(vid, pid)},
                         {"ca", ca},
                         {"flows", a.flows},
                         {"hosts", nh},
                         {"first_seen", iso(a.first)},
                         {"last_seen", iso(a.last)}});
  }
  doc["inspection"] = std::move(insp);

  OJson cov = OJson::object();
  for (const auto& [k, v] : coverage)
    if (k != "tls_without_sni_share")
      cov[k] = v;
  const auto tls = coverage.count("tls_flows") != 0 ? coverage["tls_flows"] : 0;
  const auto nosni =
      coverage.count("tls_flows_without_sni") != 0 ? coverage["tls_flows_without_sni"] : 0;
  cov["tls_without_sni_share"] =
      tls == 0 ? 0.0 : static_cast<double>(nosni) / static_cast<double>(tls);
  doc["coverage"] = std::move(cov);
  out = std::move(doc);
  return true;
}

} // namespace vw::store
