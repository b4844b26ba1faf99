// lease_bench: how many due checks per second concurrent claimers lease from PostgreSQL
// (PostgresStore::claim_checks, FOR UPDATE SKIP LOCKED), and that none is claimed twice.
//
//   scripts/pg-test-cluster.sh start /tmp/pgb
//   build/release/tests/bench/lease_bench "$(cat /tmp/pgb/url)" [articles=200000] [claimers=8] [batch=100] [origins=0]
//   scripts/pg-test-cluster.sh stop /tmp/pgb
//
// It creates a schema of its own (dropped at the end), plants `articles` due checks, then starts
// `claimers` threads, each with its own connection, claiming batches until nothing is due. With
// origins > 0 the checks are spread over that many origins and the claimers are live nodes, so each
// claims only the origins it owns (rendezvous hashing in the claim, docs/scale-out.md).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres_store.hpp"

using namespace redline;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lease_bench URL [articles] [claimers] [batch] [origins]\n");
    return 2;
  }
  const std::string server = argv[1];
  const int articles = argc > 2 ? std::atoi(argv[2]) : 200'000;
  const int claimers = argc > 3 ? std::atoi(argv[3]) : 8;
  const size_t batch = argc > 4 ? static_cast<size_t>(std::atoi(argv[4])) : 100;
  const int origins = argc > 5 ? std::atoi(argv[5]) : 0;
  const std::string schema = "lease_bench";
  auto admin = pg::Connection::open(server, "lease_bench");
  if (!admin) {
    std::fprintf(stderr, "%s\n", admin.error().message.c_str());
    return 69;
  }
  if (auto s = (*admin)->exec_script("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema); !s) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    return 74;
  }
  const std::string url =
      server + (server.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
  {
    auto store = PostgresStore::open(url, OpenMode::read_write);
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().message.c_str());
      return 74;
    }
    // Planted in SQL: the bench measures claiming, not ensure_article.
    const std::string n = std::to_string(articles);
    if (auto s = (*admin)->exec_script(
            "SET search_path = " + schema +
            "; INSERT INTO article (id, key, url, first_seen) SELECT i, 'k' || i, 'https://e.example/' || i, 0 "
            "FROM generate_series(1, " +
            n +
            ") i; INSERT INTO article_check (article_id, last_checked, next_check) "
            "SELECT i, 0, i FROM generate_series(1, " +
            n + ") i; " +
            (origins > 0 ? "UPDATE article_check SET origin = 'https://o' || (article_id % " + std::to_string(origins) +
                               ") || '.example'; INSERT INTO node (name, started, last_seen) SELECT 'node-' || c, 0, " +
                               std::to_string(int64_t{10} * articles) + " FROM generate_series(0, " +
                               std::to_string(claimers - 1) + ") c; "
                         : std::string()) +
            "ANALYZE article_check; RESET search_path");
        !s) {
      std::fprintf(stderr, "%s\n", s.error().message.c_str());
      return 74;
    }
  }
  std::vector<std::vector<int64_t>> got(static_cast<size_t>(claimers));
  std::atomic<int> failures{0};
  const Timestamp now = from_epoch_ms(int64_t{10} * articles);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < claimers; ++c)
    threads.emplace_back([&, c] {
      auto store = PostgresStore::open(url, OpenMode::read_write);
      if (!store) {
        ++failures;
        return;
      }
      const std::string node = "node-" + std::to_string(c);
      for (;;) {
        auto claimed = (*store)->claim_checks(node, now, 30s, batch);
        if (!claimed) {
          ++failures;
          std::fprintf(stderr, "%s\n", claimed.error().message.c_str());
          return;
        }
        if (claimed->empty()) return;
        got[static_cast<size_t>(c)].insert(got[static_cast<size_t>(c)].end(), claimed->begin(), claimed->end());
      }
    });
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::set<int64_t> all;
  size_t total = 0;
  size_t twice = 0;
  for (const auto& g : got) {
    total += g.size();
    for (int64_t id : g) twice += all.insert(id).second ? 0 : 1;
  }
  std::printf(
      "lease_bench: %d due checks on %d origins, %d claimers, batch %zu: %zu claimed in %.2f s = %.0f claims/s; "
      "claimed twice: %zu; missed: %zu; errors: %d\n",
      articles, origins, claimers, batch, total, seconds, static_cast<double>(total) / seconds, twice,
      static_cast<size_t>(articles) - all.size(), failures.load());
  for (int c = 0; c < claimers; ++c) std::printf("  node-%d: %zu\n", c, got[static_cast<size_t>(c)].size());
  // LEASE_BENCH_KEEP=1 keeps the schema (with its leases) for EXPLAIN ANALYZE in psql.
  if (!std::getenv("LEASE_BENCH_KEEP")) (void)(*admin)->exec_script("DROP SCHEMA " + schema + " CASCADE");
  return twice == 0 && all.size() == static_cast<size_t>(articles) && failures == 0 ? 0 : 1;
}
