#include "support/postgres_cluster.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace redline::testing {

namespace {

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

Result<TestDatabase> TestDatabase::create() {
  const char* dir = std::getenv("REDLINE_TEST_PG");
  if (!dir || !*dir)
    return make_error(Errc::unavailable,
                      "no PostgreSQL test cluster: run through ctest (fixture `postgres`), or start one with "
                      "scripts/pg-test-cluster.sh start DIR and set REDLINE_TEST_PG=DIR");
  if (std::string skip = read_line(std::string(dir) + "/skip"); !skip.empty())
    return make_error(Errc::unavailable, skip);
  const std::string server = read_line(std::string(dir) + "/url");
  if (server.empty())
    return make_error(Errc::unavailable, std::string("no PostgreSQL test cluster in ") + dir +
                                             " (scripts/pg-test-cluster.sh start " + dir + ")");
  auto admin = pg::Connection::open(server, "redline-test");
  if (!admin) return admin.error();
  static std::atomic<int> counter{0};
  const std::string schema = "t" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  if (auto s = (*admin)->exec_script("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema); !s)
    return s.error();
  return TestDatabase(server, schema, std::move(*admin));
}

TestDatabase::~TestDatabase() {
  if (m_admin) (void)m_admin->exec_script("DROP SCHEMA IF EXISTS " + m_schema + " CASCADE");
}

std::string TestDatabase::url() const {
  return m_server + (m_server.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + m_schema;
}

Status TestDatabase::exec(const std::string& sql) {
  return m_admin->exec_script("SET search_path = " + m_schema + "; " + sql + "; RESET search_path");
}

}  // namespace redline::testing
