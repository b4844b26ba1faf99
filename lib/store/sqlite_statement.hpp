// Thin RAII layer over the SQLite C API, used only inside lib/store/.
//
// SqliteDb owns a connection; Statement owns a prepared statement; Transaction is a scope guard that
// rolls back unless commit() succeeded. Errors become Error{Errc::io or Errc::invalid_input, message}
// where the message names the database file and carries SQLite's own text.
//
// Thread safety: none. A connection and its statements belong to one thread at a time (the store
// that owns them enforces this by its own contract).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace redline::sqlite {

class Statement;

// Maps a SQLite result code to an Errc: constraint violations are invalid_input, everything else io.
Errc errc_for(int rc);
// What an operator can do about result code `rc` (" (…)"), empty when nothing specific.
std::string_view what_to_do(int rc);
// "<file>: <what>: <sqlite message> (<what to do>)" for the connection's last failed call with result code `rc`.
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

// A connection. Movable, not copyable.
class SqliteDb {
 public:
  SqliteDb() = default;
  SqliteDb(sqlite3* db, std::filesystem::path path) : m_db(db), m_path(std::move(path)) {}

  // Opens `path` with sqlite3_open_v2 `flags`. The error names the path.
  // Opens `path` (or `name`, a "file:" URI with SQLITE_OPEN_URI, when given; `path` still names it in errors).
  static Result<SqliteDb> open(const std::filesystem::path& path, int flags, const std::string& name = {});

  sqlite3* get() const { return m_db.get(); }
  const std::filesystem::path& path() const { return m_path; }

  // Runs one or more SQL statements without results.
  Status exec(std::string_view sql);
  // Runs a query whose first row's first column is an integer (e.g. "PRAGMA user_version").
  Result<int64_t> query_int(std::string_view sql);
  // Runs a query whose first row's first column is text.
  Result<std::string> query_text(std::string_view sql);

  // A fresh prepared statement.
  Result<Statement> prepare(std::string_view sql);

  // The error for the connection's last failed call, with `what` as context.
  Error error(int rc, std::string_view what) const { return sqlite_error(m_db.get(), rc, what); }

  // Inside a group (SqliteStore::begin_group), transactions are savepoints of the group's transaction.
  bool grouped() const { return m_grouped; }
  void set_grouped(bool grouped) { m_grouped = grouped; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> m_db;
  std::filesystem::path m_path;
  bool m_grouped = false;
};

// A prepared statement with 1-based binding and 0-based column access.
class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* stmt) : m_stmt(stmt) {}

  // A failed bind (an index out of range, text or a blob over SQLite's limit, no memory) is kept, and
  // the next step() or run() returns it instead of running the statement with a parameter missing.
  void bind(int index, int64_t value) { check_bind(sqlite3_bind_int64(m_stmt.get(), index, value), index); }
  void bind(int index, int value) { check_bind(sqlite3_bind_int64(m_stmt.get(), index, value), index); }
  void bind(int index, std::string_view value) {
    check_bind(sqlite3_bind_text64(m_stmt.get(), index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
               index);
  }
  void bind(int index, const char* value) { bind(index, std::string_view(value)); }
  void bind(int index, const std::string& value) { bind(index, std::string_view(value)); }
  void bind(int index, Timestamp value) { bind(index, static_cast<int64_t>(to_epoch_ms(value))); }
  void bind(int index, const std::optional<Timestamp>& value) {
    if (value)
      bind(index, *value);
    else
      bind_null(index);
  }
  void bind_null(int index) { check_bind(sqlite3_bind_null(m_stmt.get(), index), index); }
  void bind_blob(int index, std::string_view bytes) {
    check_bind(sqlite3_bind_blob64(m_stmt.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
  }

  // Advances: true when a row is available, false when done, or an error.
  Result<bool> step();
  // Steps to completion, for statements without results.
  Status run();

  int64_t column_int(int col) const { return sqlite3_column_int64(m_stmt.get(), col); }
  bool column_is_null(int col) const { return sqlite3_column_type(m_stmt.get(), col) == SQLITE_NULL; }
  int column_type(int col) const { return sqlite3_column_type(m_stmt.get(), col); }  // SQLITE_INTEGER…
  std::string column_text(int col) const;
  std::string column_blob(int col) const;
  Timestamp column_time(int col) const { return from_epoch_ms(column_int(col)); }
  std::optional<Timestamp> column_optional_time(int col) const;

  // Makes the statement reusable: resets it and clears its bindings.
  void reset();
  explicit operator bool() const { return m_stmt != nullptr; }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  void check_bind(int rc, int index) {
    if (rc != SQLITE_OK && !m_bind_error) m_bind_error = bind_error(rc, index);
  }
  Error bind_error(int rc, int index) const;

  std::unique_ptr<sqlite3_stmt, Finalizer> m_stmt;
  std::optional<Error> m_bind_error;  // the first failed bind since the last reset()
};

// A borrowed cached statement, reset when the borrow ends. Resetting matters: a statement left
// mid-result keeps its read transaction (and its WAL snapshot) open, so later reads would be stale.
class StatementRef {
 public:
  explicit StatementRef(Statement* stmt) : m_stmt(stmt) {}
  StatementRef(StatementRef&& other) noexcept : m_stmt(other.m_stmt) { other.m_stmt = nullptr; }
  StatementRef& operator=(StatementRef&&) = delete;
  StatementRef(const StatementRef&) = delete;
  ~StatementRef() {
    if (m_stmt != nullptr) m_stmt->reset();
  }
  Statement* operator->() const { return m_stmt; }
  Statement& operator*() const { return *m_stmt; }

 private:
  Statement* m_stmt;
};

// Prepared statements kept for the life of a connection, keyed by their SQL text.
class StatementCache {
 public:
  explicit StatementCache(SqliteDb& db) : m_db(db) {}
  Result<StatementRef> use(std::string_view sql);
  void clear() { m_statements.clear(); }

 private:
  SqliteDb& m_db;
  std::map<std::string, Statement, std::less<>> m_statements;
};

// BEGIN IMMEDIATE … COMMIT, rolled back by the destructor unless commit() succeeded.
// BEGIN IMMEDIATE … COMMIT, rolled back unless committed. Inside a group (SqliteDb::grouped()) a
// savepoint instead, released by commit(): its writes succeed or fail whole, and become durable with
// the group's transaction.
class Transaction {
 public:
  static Result<Transaction> begin(SqliteDb& db);
  Transaction(Transaction&& other) noexcept : m_db(other.m_db), m_nested(other.m_nested) { other.m_db = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Status commit();

 private:
  Transaction(SqliteDb* db, bool nested) : m_db(db), m_nested(nested) {}
  SqliteDb* m_db;
  bool m_nested;
};

}  // namespace redline::sqlite
