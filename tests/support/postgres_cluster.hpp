// The PostgreSQL of the tests: scripts/pg-test-cluster.sh starts one temporary cluster per ctest run
// (the `postgres` ctest fixture) in the directory named by REDLINE_TEST_PG; every test case that
// needs PostgreSQL gets an empty schema of its own in it (so cases may run in parallel), dropped
// when the TestDatabase goes.
//
// create() fails with a reason to skip when the cluster was not started (the test binary run
// outside ctest: start one with `scripts/pg-test-cluster.sh start DIR` and set REDLINE_TEST_PG=DIR)
// or when the PostgreSQL binaries are absent (the script says so).
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "store/pg_connection.hpp"

namespace redline::testing {

class TestDatabase {
 public:
  static Result<TestDatabase> create();
  TestDatabase(TestDatabase&&) noexcept = default;
  TestDatabase& operator=(TestDatabase&&) noexcept = default;
  ~TestDatabase();

  // A libpq URI whose connections see only this case's schema.
  std::string url() const;
  const std::string& schema() const { return m_schema; }
  // The cluster's base URI (the "postgres" database, default search path).
  const std::string& server_url() const { return m_server; }
  // Runs SQL in this case's schema (test set-up and inspection).
  Status exec(const std::string& sql);

 private:
  TestDatabase(std::string server, std::string schema, std::unique_ptr<pg::Connection> admin)
      : m_server(std::move(server)), m_schema(std::move(schema)), m_admin(std::move(admin)) {}
  std::string m_server;
  std::string m_schema;
  std::unique_ptr<pg::Connection> m_admin;
};

}  // namespace redline::testing
