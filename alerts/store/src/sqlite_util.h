#pragma once
// Thin RAII helpers over the SQLite C API (private to alerts/store).
#include <cstdint>
#include <sqlite3.h>
#include <string>
#include <string_view>

namespace vw::store::sql {

/// A prepared statement; reset() after each use keeps it cached.
class Stmt {
public:
  Stmt() = default;
  Stmt(sqlite3* db, std::string_view sql) { prepare(db, sql); }
  ~Stmt() {
    if (st_ != nullptr)
      sqlite3_finalize(st_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : st_(o.st_), rc_(o.rc_) { o.st_ = nullptr; }

  bool prepare(sqlite3* db, std::string_view sql) {
    if (st_ != nullptr)
      sqlite3_finalize(st_);
    st_ = nullptr;
    rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &st_, nullptr);
    return rc_ == SQLITE_OK;
  }
  bool ok() const {
    return st_ != nullptr && (rc_ == SQLITE_OK || rc_ == SQLITE_ROW || rc_ == SQLITE_DONE);
  }
  int rc() const { return rc_; }
  sqlite3_stmt* get() const { return st_; }

  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& bind(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, std::string_view v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bindNull(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }

  /// SQLITE_ROW -> true (a row is ready); SQLITE_DONE -> false with rc()==SQLITE_DONE.
  bool step() {
    rc_ = sqlite3_step(st_);
    return rc_ == SQLITE_ROW;
  }
  /// Runs to completion; true on SQLITE_DONE.
  bool run() {
    while (step()) {
    }
    const bool good = rc_ == SQLITE_DONE;
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
    return good;
  }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }

  std::int64_t i64(int c) const { return sqlite3_column_int64(st_, c); }
  std::uint64_t u64(int c) const {
    const auto v = sqlite3_column_int64(st_, c);
    return v < 0 ? 0 : static_cast<std::uint64_t>(v);
  }
  std::string text(int c) const {
    const auto* p = sqlite3_column_text(st_, c);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(st_, c)));
  }
  bool isNull(int c) const { return sqlite3_column_type(st_, c) == SQLITE_NULL; }

private:
  sqlite3_stmt* st_ = nullptr;
  int rc_ = SQLITE_OK;
};

} // namespace vw::store::sql
