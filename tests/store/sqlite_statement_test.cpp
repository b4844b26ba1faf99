// The SQLite wrapper's own contract: a failed bind is an error, never a statement run with a parameter missing.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "store/sqlite_statement.hpp"

namespace redline::sqlite {
namespace {

SqliteDb memory_db() {
  auto db = SqliteDb::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  EXPECT_TRUE(db.ok()) << db.error().message;
  EXPECT_TRUE(db->exec("CREATE TABLE t (a INTEGER, b TEXT)").ok());
  return std::move(*db);
}

int64_t count(SqliteDb& db, std::string_view sql) {
  auto n = db.query_int(sql);
  return n.ok() ? *n : -1;
}

TEST(SqliteStatement, BindingAnIndexOutOfRangeFailsTheStep) {
  SqliteDb db = memory_db();
  auto insert = db.prepare("INSERT INTO t (a, b) VALUES (?1, ?2)");
  ASSERT_TRUE(insert.ok()) << insert.error().message;
  insert->bind(1, 7);
  insert->bind(3, "lost");  // there is no ?3: SQLITE_RANGE
  const Status run = insert->run();
  ASSERT_FALSE(run.ok()) << "the row went in with b missing";
  EXPECT_NE(run.error().message.find("parameter 3"), std::string::npos) << run.error().message;
  EXPECT_EQ(count(db, "SELECT count(*) FROM t"), 0);

  // reset() forgets the failure: the statement is usable again.
  insert->reset();
  insert->bind(1, 8);
  insert->bind(2, "kept");
  EXPECT_TRUE(insert->run().ok());
  EXPECT_EQ(count(db, "SELECT count(*) FROM t"), 1);
}

TEST(SqliteStatement, TextOverTheLengthLimitFailsTheStep) {
  SqliteDb db = memory_db();
  sqlite3_limit(db.get(), SQLITE_LIMIT_LENGTH, 100);
  auto insert = db.prepare("INSERT INTO t (a, b) VALUES (1, ?1)");
  ASSERT_TRUE(insert.ok()) << insert.error().message;
  insert->bind(1, std::string(1000, 'x'));  // SQLITE_TOOBIG
  EXPECT_FALSE(insert->run().ok()) << "the row went in with b NULL";
  EXPECT_EQ(count(db, "SELECT count(*) FROM t WHERE b IS NULL"), 0);
}

}  // namespace
}  // namespace redline::sqlite
