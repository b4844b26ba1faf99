#include "store/sqlite_statement.hpp"

#include <cstring>

namespace redline::sqlite {

Errc errc_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return Errc::invalid_input;
    default:
      return Errc::io;
  }
}

std::string_view what_to_do(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return " (another process held the write lock past the busy timeout; run it again)";
    case SQLITE_FULL:
      return " (free disk space or raise the size cap, then run it again; nothing half-written was kept)";
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return " (check the permissions of the file and its folder)";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return " (restore the store from a backup, see docs/operations.md)";
    default:
      return "";
  }
}

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  std::string message;
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  if (file != nullptr && *file != '\0') {
    message += file;
    message += ": ";
  }
  message += what;
  message += ": ";
  // sqlite3_errmsg describes the connection's most recent failure; fall back to the code's text.
  const char* detail = db != nullptr && sqlite3_errcode(db) != SQLITE_OK ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  message += detail;
  message += what_to_do(rc);
  return make_error(errc_for(rc), std::move(message));
}

Result<SqliteDb> SqliteDb::open(const std::filesystem::path& path, int flags, const std::string& name) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(name.empty() ? path.c_str() : name.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw, path);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) {
    std::string detail = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    // "unable to open database file" says nothing of why; the system's error does.
    if (const int err = raw != nullptr ? sqlite3_system_errno(raw) : 0; err != 0)
      detail += std::string(": ") + std::strerror(err);
    return make_error(Errc::io, "cannot open store " + path.string() + ": " + detail);
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Status SqliteDb::exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(rc, text.substr(0, text.find_first_of("(;\n")));
  return {};
}

Result<Statement> SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(m_db.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &raw, nullptr);
  Statement stmt(raw);
  if (rc != SQLITE_OK) return error(rc, "prepare");
  return stmt;
}

Result<int64_t> SqliteDb::query_int(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return make_error(Errc::internal, "query returned no row: " + std::string(sql));
  return stmt->column_int(0);
}

Result<std::string> SqliteDb::query_text(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return make_error(Errc::internal, "query returned no row: " + std::string(sql));
  return stmt->column_text(0);
}

namespace {

// The statement's SQL up to its first parenthesis or line break ("INSERT INTO versions"), for errors.
std::string statement_name(sqlite3_stmt* stmt, const char* fallback) {
  const char* sql = sqlite3_sql(stmt);
  std::string what = sql != nullptr ? std::string(sql) : std::string(fallback);
  what = what.substr(0, what.find_first_of("(\n"));
  while (!what.empty() && what.back() == ' ') what.pop_back();
  return what;
}

}  // namespace

Error Statement::bind_error(int rc, int index) const {
  return sqlite_error(sqlite3_db_handle(m_stmt.get()), rc,
                      statement_name(m_stmt.get(), "bind") + ": parameter " + std::to_string(index));
}

Result<bool> Statement::step() {
  if (m_bind_error) return *m_bind_error;
  const int rc = sqlite3_step(m_stmt.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(sqlite3_db_handle(m_stmt.get()), rc, statement_name(m_stmt.get(), "step"));
}

Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return {};
  }
}

std::string Statement::column_text(int col) const {
  const auto* text = sqlite3_column_text(m_stmt.get(), col);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(m_stmt.get(), col)));
}

std::string Statement::column_blob(int col) const {
  const void* data = sqlite3_column_blob(m_stmt.get(), col);
  if (data == nullptr) return {};
  return std::string(static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(m_stmt.get(), col)));
}

std::optional<Timestamp> Statement::column_optional_time(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_time(col);
}

void Statement::reset() {
  sqlite3_reset(m_stmt.get());
  sqlite3_clear_bindings(m_stmt.get());
  m_bind_error.reset();
}

Result<StatementRef> StatementCache::use(std::string_view sql) {
  auto it = m_statements.find(sql);
  if (it == m_statements.end()) {
    auto stmt = m_db.prepare(sql);
    if (!stmt) return stmt.error();
    it = m_statements.emplace(std::string(sql), std::move(*stmt)).first;
  }
  return StatementRef(&it->second);
}

Result<Transaction> Transaction::begin(SqliteDb& db) {
  if (db.grouped()) {
    // After some errors (SQLITE_FULL, SQLITE_IOERR…) SQLite rolls the whole group back: write nothing
    // more outside it, so that the group fails as a whole.
    if (sqlite3_get_autocommit(db.get()) != 0)
      return make_error(Errc::io, "store " + db.path().string() + ": a failed write rolled back the group");
    auto s = db.exec("SAVEPOINT redline_write");
    if (!s) return s.error();
    return Transaction(&db, true);
  }
  auto s = db.exec("BEGIN IMMEDIATE");
  if (!s) return s.error();
  return Transaction(&db, false);
}

Transaction::~Transaction() {
  // After some errors (SQLITE_FULL, SQLITE_IOERR…) SQLite has already rolled back; don't roll back twice.
  if (m_db == nullptr || sqlite3_get_autocommit(m_db->get()) != 0) return;
  if (m_nested)
    (void)m_db->exec("ROLLBACK TO redline_write; RELEASE redline_write");
  else
    (void)m_db->exec("ROLLBACK");
}

Status Transaction::commit() {
  auto s = m_db->exec(m_nested ? "RELEASE redline_write" : "COMMIT");
  if (!s) return s;  // the destructor rolls back
  m_db = nullptr;
  return {};
}

}  // namespace redline::sqlite
