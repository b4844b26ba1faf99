// A thin layer over libpq for PostgresStore: one connection, parameters and results as text
// (bytea as binary), statements prepared once per session, errors as Result.
//
// Errors: a server that cannot be reached (at connect, or a connection lost outside a transaction
// that a reset cannot bring back) is Errc::unavailable; constraint violations (SQLSTATE class 23)
// are Errc::invalid_input; everything else is Errc::io. Messages name the server (host:port/db),
// never the password.
//
// A connection lost outside a transaction is re-opened once (PQreset) and the statement retried;
// inside a transaction the error is returned (the transaction is gone with the session).
//
// Thread safety: none; one Connection per thread.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace redline::pg {

struct Param {
  std::optional<std::string> value;  // nullopt: NULL
  bool binary = false;               // bytea
};

Param text(std::string_view v);  // invalid UTF-8 and NUL become U+FFFD
Param integer(int64_t v);
Param time(Timestamp t);  // epoch milliseconds
Param optional_time(const std::optional<Timestamp>& t);
Param null();
Param bytes(std::string_view v);
// Array literals for set-based statements ($1::bigint[], $1::text[] with unnest()).
Param integers(std::span<const int64_t> v);
Param integers(std::span<const std::optional<int64_t>> v);  // nullopt: NULL
Param texts(std::span<const std::string_view> v);           // each item as text() repairs it; never NULL

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};

// The rows of one statement (text format).
class Rows {
 public:
  explicit Rows(PGresult* r) : m_result(r) {}
  int size() const { return PQntuples(m_result.get()); }
  int64_t affected() const;  // rows an INSERT/UPDATE/DELETE changed
  bool is_null(int row, int col) const { return PQgetisnull(m_result.get(), row, col) != 0; }
  std::string text(int row, int col) const;
  int64_t integer(int row, int col) const;  // 0 when NULL
  bool boolean(int row, int col) const;
  Timestamp time(int row, int col) const;
  std::optional<Timestamp> optional_time(int row, int col) const;
  std::string bytes(int row, int col) const;  // a bytea column

 private:
  std::unique_ptr<PGresult, ResultDeleter> m_result;
};

class Connection {
 public:
  // `url`: a libpq connection URI or key=value string. `application_name` shows in pg_stat_activity.
  static Result<std::unique_ptr<Connection>> open(const std::string& url, const std::string& application_name);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement (prepared on first use in this session).
  Result<Rows> exec(std::string_view sql, const std::vector<Param>& params = {});
  // Runs a script of statements without parameters (migrations, BEGIN/COMMIT).
  Status exec_script(std::string_view sql);

  bool in_transaction() const { return m_depth > 0; }
  // A statement of the open transaction failed: it can only roll back (to a savepoint).
  bool transaction_failed() const { return PQtransactionStatus(m_conn) == PQTRANS_INERROR; }
  // Transaction depth bookkeeping for pg::Transaction.
  int& depth() { return m_depth; }
  const std::string& where() const { return m_where; }  // "host:port/dbname"

 private:
  explicit Connection(PGconn* conn);
  Result<Rows> run_once(std::string_view sql, const std::vector<Param>& params, bool& lost);
  Error error_of(const PGresult* r, std::string_view sql) const;
  Status reconnect();

  PGconn* m_conn;
  std::string m_where;
  std::unordered_map<std::string, std::string> m_prepared;  // SQL -> statement name
  int m_depth = 0;
};

// BEGIN … COMMIT, or a SAVEPOINT when one is open already (a store group); rolls back on destruction
// unless committed.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& conn);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  // `before`: statements without parameters sent with the COMMIT (one round trip); outermost only.
  Status commit(std::string_view before = {});
  bool outermost() const { return m_level == 1; }

 private:
  Transaction(Connection& conn, int level) : m_conn(&conn), m_level(level) {}
  Connection* m_conn;
  int m_level;
  bool m_done = false;
};

}  // namespace redline::pg
