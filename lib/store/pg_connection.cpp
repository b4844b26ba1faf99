#include "store/pg_connection.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>

#include "util/text.hpp"

namespace redline::pg {

// PostgreSQL's text holds neither invalid UTF-8 nor NUL (SQLite stores both): they become U+FFFD, as
// the extractor's own normalization does.
Param text(std::string_view v) {
  std::string out = make_valid_utf8(v);
  for (size_t at = out.find('\0'); at != std::string::npos; at = out.find('\0', at)) out.replace(at, 1, "\xEF\xBF\xBD");
  return Param{std::move(out), false};
}
Param integers(std::span<const int64_t> v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return Param{out + "}", false};
}
Param integers(std::span<const std::optional<int64_t>> v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + (v[i] ? std::to_string(*v[i]) : "NULL");
  return Param{out + "}", false};
}
Param texts(std::span<const std::string_view> v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) {
    out += i ? ",\"" : "\"";
    const Param item = text(v[i]);
    for (char c : *item.value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return Param{out + "}", false};
}
Param integer(int64_t v) { return Param{std::to_string(v), false}; }
Param time(Timestamp t) { return integer(to_epoch_ms(t)); }
Param optional_time(const std::optional<Timestamp>& t) { return t ? time(*t) : null(); }
Param null() { return Param{std::nullopt, false}; }
Param bytes(std::string_view v) { return Param{std::string(v), true}; }

int64_t Rows::affected() const {
  const char* n = PQcmdTuples(m_result.get());
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

std::string Rows::text(int row, int col) const {
  const char* v = PQgetvalue(m_result.get(), row, col);
  return std::string(v, static_cast<size_t>(PQgetlength(m_result.get(), row, col)));
}

int64_t Rows::integer(int row, int col) const {
  if (is_null(row, col)) return 0;
  return std::strtoll(PQgetvalue(m_result.get(), row, col), nullptr, 10);
}

bool Rows::boolean(int row, int col) const {
  return !is_null(row, col) && PQgetvalue(m_result.get(), row, col)[0] == 't';
}

Timestamp Rows::time(int row, int col) const { return from_epoch_ms(integer(row, col)); }

std::optional<Timestamp> Rows::optional_time(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return time(row, col);
}

std::string Rows::bytes(int row, int col) const {
  size_t n = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(m_result.get(), row, col)), &n);
  if (!raw) return {};
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

namespace {

std::string first_line(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  if (auto nl = m.find('\n'); nl != std::string::npos) m.resize(nl);
  return m;
}

std::string where_of(PGconn* conn) {
  const char* host = PQhost(conn);
  const char* port = PQport(conn);
  const char* db = PQdb(conn);
  return std::string(host ? host : "?") + ":" + (port ? port : "?") + "/" + (db ? db : "?");
}

}  // namespace

Connection::Connection(PGconn* conn) : m_conn(conn), m_where(where_of(conn)) {}

Connection::~Connection() { PQfinish(m_conn); }

Result<std::unique_ptr<Connection>> Connection::open(const std::string& url, const std::string& application_name) {
  const char* keys[] = {"dbname", "application_name", "connect_timeout", nullptr};
  const char* values[] = {url.c_str(), application_name.c_str(), "10", nullptr};
  // expand_dbname = 1: "dbname" holds the URI or key=value string; later keys fill in what it lacks.
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (!conn) return make_error(Errc::unavailable, "PostgreSQL: out of memory while connecting");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = "cannot connect to PostgreSQL at " + where_of(conn) + ": " + first_line(PQerrorMessage(conn));
    PQfinish(conn);
    return make_error(Errc::unavailable, std::move(message));
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);  // NOTICEs of IF NOT EXISTS etc.
  return std::unique_ptr<Connection>(new Connection(conn));
}

Error Connection::error_of(const PGresult* r, std::string_view sql) const {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state ? state : "";
  std::string message =
      "PostgreSQL " + m_where + ": " + first_line(r ? PQresultErrorMessage(r) : PQerrorMessage(m_conn));
  if (PQstatus(m_conn) == CONNECTION_BAD || code.starts_with("08") || code == "57P01" || code == "57P02" ||
      code == "57P03")
    return Error{Errc::unavailable, std::move(message)};
  if (code.starts_with("23")) return Error{Errc::invalid_input, std::move(message)};
  (void)sql;
  return Error{Errc::io, std::move(message)};
}

Status Connection::reconnect() {
  const std::string lost = first_line(PQerrorMessage(m_conn));
  PQreset(m_conn);
  m_prepared.clear();
  if (PQstatus(m_conn) != CONNECTION_OK)
    return make_error(Errc::unavailable,
                      "PostgreSQL at " + m_where + " is unreachable: " + first_line(PQerrorMessage(m_conn)));
  // One line per outage: the failed attempts before this one were errors of the statements that
  // needed the server (their callers log them once); this says it is over.
  spdlog::warn("PostgreSQL {}: the connection was lost ({}); connected again", m_where,
               lost.empty() ? "no reason given" : lost);
  return {};
}

Result<Rows> Connection::run_once(std::string_view sql, const std::vector<Param>& params, bool& lost) {
  lost = false;
  std::string key(sql);
  auto it = m_prepared.find(key);
  if (it == m_prepared.end()) {
    std::string name = "s" + std::to_string(m_prepared.size() + 1);
    std::unique_ptr<PGresult, ResultDeleter> prepared(
        PQprepare(m_conn, name.c_str(), key.c_str(), static_cast<int>(params.size()), nullptr));
    if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      lost = PQstatus(m_conn) == CONNECTION_BAD;
      return error_of(prepared.get(), sql);
    }
    it = m_prepared.emplace(std::move(key), std::move(name)).first;
  }
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  std::vector<int> formats(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    values[i] = params[i].value ? params[i].value->data() : nullptr;
    lengths[i] = params[i].value ? static_cast<int>(params[i].value->size()) : 0;
    formats[i] = params[i].binary ? 1 : 0;
  }
  PGresult* r = PQexecPrepared(m_conn, it->second.c_str(), static_cast<int>(params.size()), values.data(),
                               lengths.data(), formats.data(), 0);
  Rows rows(r);
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    lost = PQstatus(m_conn) == CONNECTION_BAD;
    return error_of(r, sql);
  }
  return rows;
}

Result<Rows> Connection::exec(std::string_view sql, const std::vector<Param>& params) {
  if (PQstatus(m_conn) == CONNECTION_BAD && m_depth == 0)
    if (auto s = reconnect(); !s) return s.error();
  bool lost = false;
  auto rows = run_once(sql, params, lost);
  if (rows || !lost || m_depth > 0) return rows;
  if (auto s = reconnect(); !s) return s.error();
  return run_once(sql, params, lost);
}

Status Connection::exec_script(std::string_view sql) {
  if (PQstatus(m_conn) == CONNECTION_BAD && m_depth == 0)
    if (auto s = reconnect(); !s) return s;
  std::unique_ptr<PGresult, ResultDeleter> r(PQexec(m_conn, std::string(sql).c_str()));
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return error_of(r.get(), sql);
  return {};
}

Result<Transaction> Transaction::begin(Connection& conn) {
  const int level = conn.depth() + 1;
  if (auto s = conn.exec_script(level == 1 ? std::string("BEGIN") : "SAVEPOINT sp" + std::to_string(level)); !s)
    return s.error();
  conn.depth() = level;
  return Transaction(conn, level);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_conn(other.m_conn), m_level(other.m_level), m_done(other.m_done) {
  other.m_done = true;
}

Transaction::~Transaction() {
  if (m_done) return;
  const std::string level = std::to_string(m_level);
  if (m_level == 1)
    (void)m_conn->exec_script("ROLLBACK");
  else
    (void)m_conn->exec_script("ROLLBACK TO SAVEPOINT sp" + level + "; RELEASE SAVEPOINT sp" + level);
  m_conn->depth() = m_level - 1;
}

Status Transaction::commit(std::string_view before) {
  m_done = true;
  m_conn->depth() = m_level - 1;
  const std::string level = std::to_string(m_level);
  const std::string commit = before.empty() ? std::string("COMMIT") : std::string(before) + "; COMMIT";
  auto s = m_conn->exec_script(m_level == 1 ? commit : "RELEASE SAVEPOINT sp" + level);
  if (!s && m_level == 1) (void)m_conn->exec_script("ROLLBACK");
  return s;
}

}  // namespace redline::pg
