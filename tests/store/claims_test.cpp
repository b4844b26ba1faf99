// Leased claims on PostgreSQL (WorkClaims): two claimers never get the same row, an expired lease
// hands the work over, a renewed one does not, and outbox claims deliver each event to one claimer.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <map>
#include <set>
#include <thread>

#include "store/postgres_migrations.hpp"
#include "store/postgres_store.hpp"
#include "store/store_fixture.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

class ClaimsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = TestDatabase::create();
    if (!db) GTEST_SKIP() << db.error().message;
    m_db.emplace(std::move(*db));
  }

  std::unique_ptr<PostgresStore> open() {
    auto s = PostgresStore::open(m_db->url(), OpenMode::read_write);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s ? std::move(*s) : nullptr;
  }

  // `n` articles whose checks are due at at_ms(0..n-1).
  std::vector<int64_t> due_articles(PostgresStore& store, int n) {
    std::vector<std::pair<std::string, std::string>> keys;
    for (int i = 0; i < n; ++i) keys.emplace_back("k" + std::to_string(i), "https://example.com/" + std::to_string(i));
    auto articles = store.ensure_articles(keys, at_ms(0));
    EXPECT_TRUE(articles.ok());
    std::vector<CheckRecord> checks;
    std::vector<int64_t> ids;
    for (int i = 0; i < n; ++i) {
      checks.push_back({(*articles)[i].id, at_ms(0), at_ms(i), "", "", "", "", "", true});
      ids.push_back((*articles)[i].id);
    }
    EXPECT_TRUE(store.record_checks(checks).ok());
    return ids;
  }

  std::optional<TestDatabase> m_db;
};

TEST_F(ClaimsTest, TwoConcurrentClaimersNeverGetTheSameCheck) {
  auto setup = open();
  ASSERT_TRUE(setup);
  const auto ids = due_articles(*setup, 2000);
  std::vector<int64_t> got[2];
  std::thread claimers[2];
  // Both claimers connect, then each takes its first batch before either goes on: without the second
  // meeting point one thread could drain all 2 000 before the other has run its first query.
  std::barrier meet(2);
  for (int c = 0; c < 2; ++c)
    claimers[c] = std::thread([&, c] {
      auto store = open();
      if (!store) return meet.arrive_and_drop();
      meet.arrive_and_wait();  // both connected
      const std::string node = "node-" + std::to_string(c);
      for (bool first = true;; first = false) {
        auto batch = store->claim_checks(node, at_ms(5000), 30s, 50);
        if (!batch.ok()) {
          ADD_FAILURE() << batch.error().message;
          if (first) meet.arrive_and_drop();
          return;
        }
        got[c].insert(got[c].end(), batch->begin(), batch->end());
        if (first) meet.arrive_and_wait();  // both hold a first batch
        if (batch->empty()) break;
      }
    });
  for (auto& t : claimers) t.join();
  std::set<int64_t> all(got[0].begin(), got[0].end());
  for (int64_t id : got[1]) EXPECT_TRUE(all.insert(id).second) << "article " << id << " claimed twice";
  EXPECT_EQ(all, std::set<int64_t>(ids.begin(), ids.end()));
  EXPECT_EQ(got[0].size() + got[1].size(), 2000u);
  EXPECT_GT(got[0].size(), 0u);  // both took part
  EXPECT_GT(got[1].size(), 0u);
}

TEST_F(ClaimsTest, AnExpiredLeaseHandsTheCheckOverAndARenewedOneDoesNot) {
  auto a = open();
  auto b = open();
  ASSERT_TRUE(a && b);
  const auto ids = due_articles(*a, 10);
  auto first = a->claim_checks("a", at_ms(100), 30s, 100);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 10u);
  EXPECT_EQ(first->front(), ids.front());                                  // oldest due first
  EXPECT_TRUE(b->claim_checks("b", at_ms(100) + 29s, 30s, 100)->empty());  // leased
  // a renews five of them (it still works on those), then dies: the other five are b's after expiry.
  EXPECT_EQ(*a->renew_checks("a", std::span(*first).subspan(0, 5), at_ms(100) + 20s, 30s), 5);
  auto taken = b->claim_checks("b", at_ms(100) + 31s, 30s, 100);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(std::set<int64_t>(taken->begin(), taken->end()), std::set<int64_t>(first->begin() + 5, first->end()));
  // b's leases are no longer a's to renew; a's renewed five expire at +50 s.
  EXPECT_EQ(*a->renew_checks("a", std::span(*first).subspan(5), at_ms(100) + 32s, 30s), 0);
  EXPECT_EQ(b->claim_checks("b", at_ms(100) + 51s, 30s, 100)->size(), 5u);
  // A recorded check ends its lease; its next check is not due yet, so nobody claims it.
  ASSERT_TRUE(b->record_check({ids[0], at_ms(100) + 52s, at_ms(100) + 900s, "", "", "", "", "", true}));
  EXPECT_TRUE(a->claim_checks("a", at_ms(100) + 200s, 30s, 100)->size() == 9u);
  // Released leases are free at once.
  ASSERT_TRUE(a->release_checks("a", ids));
  EXPECT_EQ(b->claim_checks("b", at_ms(100) + 201s, 30s, 100)->size(), 9u);
}

TEST_F(ClaimsTest, EachOriginIsClaimedByOneLiveNodeAndMovesOnlyWhenItsOwnerLeftAndItsLeasesEnded) {
  std::unique_ptr<PostgresStore> stores[3] = {open(), open(), open()};
  const std::string names[3] = {"a", "b", "c"};
  ASSERT_TRUE(stores[0] && stores[1] && stores[2]);
  std::vector<std::pair<std::string, std::string>> keys;
  for (int i = 0; i < 48; ++i)
    keys.emplace_back("k" + std::to_string(i), "https://o" + std::to_string(i % 12) + ".example/" + std::to_string(i));
  auto articles = stores[0]->ensure_articles(keys, at_ms(0));
  ASSERT_TRUE(articles.ok());
  std::map<int64_t, std::string> origin_of;
  std::vector<PlannedCheck> planned;
  for (size_t i = 0; i < articles->size(); ++i) {
    const std::string origin = "https://o" + std::to_string(i % 12) + ".example";
    origin_of[(*articles)[i].id] = origin;
    planned.push_back({(*articles)[i].id, origin, at_ms(0)});
  }
  ASSERT_TRUE(stores[0]->plan_checks(planned));
  ASSERT_TRUE(stores[1]->plan_checks(planned));  // every node plans: the first plan stays
  for (int n = 0; n < 3; ++n) ASSERT_TRUE(stores[n]->heartbeat(names[n], at_ms(0)));
  EXPECT_EQ(*stores[0]->live_nodes(at_ms(1000), 30s), (std::vector<std::string>{"a", "b", "c"}));

  // Each node claims the checks of the origins it owns: every origin goes to one node.
  auto claim_all = [&](Timestamp now, std::map<std::string, std::string>& owner_of_origin) {
    std::set<int64_t> seen;
    for (int n = 0; n < 3; ++n) {
      auto got = stores[n]->claim_checks(names[n], now, 30s, 100);
      EXPECT_TRUE(got.ok());
      for (int64_t id : *got) {
        EXPECT_TRUE(seen.insert(id).second) << id << " claimed twice";
        auto [it, fresh] = owner_of_origin.emplace(origin_of[id], names[n]);
        EXPECT_EQ(it->second, names[n]) << origin_of[id] << " claimed by two nodes";
      }
    }
    return seen;
  };
  std::map<std::string, std::string> owners;
  EXPECT_EQ(claim_all(at_ms(1000), owners).size(), 48u);
  std::set<std::string> owning;
  for (const auto& [origin, node] : owners) owning.insert(node);
  EXPECT_EQ(owning.size(), 3u) << "every node owns some of the 12 origins";

  // c leaves while its checks still run: the others take its origins only after c's leases end.
  ASSERT_TRUE(stores[2]->leave("c"));
  EXPECT_EQ(*stores[0]->live_nodes(at_ms(1000), 30s), (std::vector<std::string>{"a", "b"}));
  std::vector<int64_t> ids;
  for (const auto& [id, origin] : origin_of) ids.push_back(id);
  ASSERT_TRUE(stores[0]->release_checks("a", ids));
  ASSERT_TRUE(stores[1]->release_checks("b", ids));
  std::map<std::string, std::string> later;
  const auto without_c = claim_all(at_ms(2000), later);
  for (int64_t id : without_c)
    EXPECT_NE(owners[origin_of[id]], "c") << origin_of[id] << " taken before c's leases ended";
  ASSERT_TRUE(stores[2]->release_checks("c", ids));  // c's work ended
  std::map<std::string, std::string> after;
  const auto rest = claim_all(at_ms(3000), after);
  EXPECT_EQ(without_c.size() + rest.size(), 48u);
  for (const auto& [origin, node] : after) {
    EXPECT_EQ(owners[origin], "c") << origin;
    EXPECT_NE(node, "c");
  }
}

// a sees b's heartbeat as too old (b was paused longer than a lease), b counts itself alive: both
// believe they own b's origins. Claiming at the same moment, they still never lease one origin
// together: the second claim waits on the origin rows the first locked and sees its hold.
TEST_F(ClaimsTest, NodesThatDisagreeAboutWhoIsAliveNeverLeaseOneOriginTogether) {
  auto a = open();
  auto b = open();
  ASSERT_TRUE(a && b);
  const Timestamp now = at_ms(0) + 120s;
  ASSERT_TRUE(b->heartbeat("b", now - 90s));  // stale for a (lease 30 s)
  ASSERT_TRUE(a->heartbeat("a", now));
  // An origin b wins in its own view (a alive): a wins every origin in a's.
  std::string origin;
  for (int i = 0; origin.empty() && i < 64; ++i) {
    const std::string o = "https://o" + std::to_string(i) + ".example";
    auto mine = b->owns_origin("b", o, now, 30s);
    ASSERT_TRUE(mine.ok());
    if (*mine) origin = o;
  }
  ASSERT_FALSE(origin.empty());
  ASSERT_TRUE(*a->owns_origin("a", origin, now, 30s));
  std::vector<std::pair<std::string, std::string>> keys;
  for (int i = 0; i < 40; ++i) keys.emplace_back("k" + std::to_string(i), origin + "/" + std::to_string(i));
  auto articles = a->ensure_articles(keys, at_ms(0));
  ASSERT_TRUE(articles.ok());
  std::vector<PlannedCheck> planned;
  std::vector<int64_t> ids;
  for (size_t i = 0; i < articles->size(); ++i) {
    planned.push_back({(*articles)[i].id, origin, at_ms(static_cast<int64_t>(i))});
    ids.push_back((*articles)[i].id);
  }
  ASSERT_TRUE(a->plan_checks(planned));
  // Each claims 3 checks of the origin at the same moment, 30 times: the rows differ (SKIP LOCKED),
  // so only the origin's hold can keep the two apart.
  int contested = 0;
  for (int round = 0; round < 30; ++round) {
    size_t got[2] = {0, 0};
    std::barrier start(2);
    std::thread claimers[2];
    PostgresStore* stores[2] = {a.get(), b.get()};
    const char* names[2] = {"a", "b"};
    for (int n = 0; n < 2; ++n)
      claimers[n] = std::thread([&, n] {
        start.arrive_and_wait();
        auto claimed = stores[n]->claim_checks(names[n], now, 30s, 3);
        EXPECT_TRUE(claimed.ok()) << (claimed.ok() ? "" : claimed.error().message);
        if (claimed) got[n] = claimed->size();
      });
    for (auto& t : claimers) t.join();
    EXPECT_TRUE(got[0] == 0 || got[1] == 0)
        << origin << " leased by a (" << got[0] << ") and b (" << got[1] << ") in round " << round;
    EXPECT_EQ(got[0] + got[1], 3u) << "round " << round;
    ASSERT_TRUE(a->release_checks("a", ids));
    ASSERT_TRUE(b->release_checks("b", ids));
    auto alone = b->claim_checks("b", now, 30s, 3);  // b alone takes the origin: it believes it owns it
    ASSERT_TRUE(alone.ok());
    contested += alone->empty() ? 0 : 1;
    ASSERT_TRUE(b->release_checks("b", ids));
  }
  EXPECT_EQ(contested, 30);
}

TEST_F(ClaimsTest, OutboxClaimsGiveEachEventToOneClaimerAndRetryAfterExpiry) {
  auto a = open();
  auto b = open();
  ASSERT_TRUE(a && b);
  std::vector<std::pair<std::string, std::string>> keys;
  for (int i = 0; i < 40; ++i) keys.emplace_back("k" + std::to_string(i), "https://example.com/" + std::to_string(i));
  auto articles = a->ensure_articles(keys, at_ms(0));
  ASSERT_TRUE(articles.ok());
  for (const auto& art : *articles) ASSERT_TRUE(a->add_version(make_version(art.id, at_ms(10), "x", {"hook"})).ok());
  auto to_a = a->claim_outbox("a", at_ms(100), 30s, 25);
  auto to_b = b->claim_outbox("b", at_ms(100), 30s, 25);
  ASSERT_TRUE(to_a.ok() && to_b.ok());
  EXPECT_EQ(to_a->size(), 25u);
  EXPECT_EQ(to_b->size(), 15u);
  std::set<std::string> events;
  for (const auto& e : *to_a) events.insert(e.event_id);
  for (const auto& e : *to_b) EXPECT_TRUE(events.insert(e.event_id).second) << e.event_id << " claimed twice";
  EXPECT_EQ(events.size(), 40u);
  // b delivers its rows; a dies with its 25 in flight: after the lease they go to b, same event ids.
  for (const auto& e : *to_b) ASSERT_TRUE(b->mark_delivered(e.id, at_ms(200)));
  EXPECT_TRUE(b->claim_outbox("b", at_ms(100) + 29s, 30s, 100)->empty());
  auto again = b->claim_outbox("b", at_ms(100) + 31s, 30s, 100);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 25u);
  for (size_t i = 0; i < again->size(); ++i) EXPECT_EQ((*again)[i].event_id, (*to_a)[i].event_id);
  // A retry releases the lease: the row is claimable again when it is due.
  ASSERT_TRUE(b->mark_retry(again->front().id, 1, at_ms(100) + 40s, "503"));
  auto retried = a->claim_outbox("a", at_ms(100) + 41s, 30s, 100);
  ASSERT_TRUE(retried.ok());
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ(retried->front().event_id, again->front().event_id);
}

TEST_F(ClaimsTest, ANewerSchemaIsRefusedNamingBothVersionsAndAnUnreachableServerIsUnavailable) {
  ASSERT_TRUE(open());  // migrated to the newest version
  ASSERT_TRUE(m_db->exec("INSERT INTO redline_schema (version) VALUES (99)"));
  for (auto mode : {OpenMode::read_write, OpenMode::read_only}) {
    auto s = PostgresStore::open(m_db->url(), mode);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Errc::io);  // exit 74
    EXPECT_NE(s.error().message.find("99"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find(std::to_string(pg::latest_schema_version())), std::string::npos)
        << s.error().message;
  }
  // Port 1 on 127.0.0.1: nothing listens.
  auto down = PostgresStore::open("postgresql://redline@127.0.0.1:1/redline?connect_timeout=2", OpenMode::read_write);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, Errc::unavailable);  // exit 69
  EXPECT_NE(down.error().message.find("127.0.0.1:1"), std::string::npos) << down.error().message;
}

TEST_F(ClaimsTest, TwoNodesMigratingAtOnceMigrateOnce) {
  std::vector<std::thread> nodes;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i)
    nodes.emplace_back([&] {
      auto s = PostgresStore::open(m_db->url(), OpenMode::read_write);
      EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
      if (s) ++opened;
    });
  for (auto& t : nodes) t.join();
  EXPECT_EQ(opened.load(), 4);
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->schema_version(), pg::latest_schema_version());
}

}  // namespace
}  // namespace redline::testing
