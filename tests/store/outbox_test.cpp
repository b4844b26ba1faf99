// The store contract, outbox: due order per (article, notifier), retry/dead/delivered bookkeeping.
#include <gtest/gtest.h>

#include "store/sqlite_store.hpp"
#include "store/store_fixture.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

class OutboxTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped()) return;
    m_store = open_store();
    ASSERT_TRUE(m_store);
    m_a = m_store->ensure_article("a", "https://example.com/a", at_ms(0))->id;
    m_b = m_store->ensure_article("b", "https://example.com/b", at_ms(0))->id;
  }

  // Adds a version of `article` at `when` with one outbox row per notifier; returns the rows' ids.
  std::vector<int64_t> add(int64_t article, long long when, std::vector<std::string> notifiers) {
    auto id = m_store->add_version(make_version(article, at_ms(when), "t" + std::to_string(when), notifiers));
    EXPECT_TRUE(id.ok()) << id.error().message;
    std::vector<int64_t> ids;
    auto rows = m_store->list_outbox(std::nullopt);  // named: the loop must not outlive a temporary
    EXPECT_TRUE(rows.ok());
    for (const auto& e : *rows)
      if (e.version_id == *id) ids.push_back(e.id);
    EXPECT_EQ(ids.size(), notifiers.size());
    return ids;
  }

  std::vector<int64_t> due_ids(long long now, size_t limit = 100) {
    auto due = m_store->due_outbox(at_ms(now), limit);
    EXPECT_TRUE(due.ok()) << due.error().message;
    std::vector<int64_t> ids;
    if (due)
      for (const auto& e : *due) ids.push_back(e.id);
    return ids;
  }

  std::unique_ptr<Store> m_store;
  int64_t m_a = 0;
  int64_t m_b = 0;
};

TEST_P(OutboxTest, RowsRoundTripAsWritten) {
  NewVersion v = make_version(m_a, at_ms(100), "x");
  OutboxEntry e;
  e.event_id = "msg_2Zq";
  e.notifier = "newsroom-hook";
  e.payload = R"({"headline":"标题","n":1})";
  e.created_at = at_ms(150);
  e.next_attempt = at_ms(200);
  e.state = OutboxState::dead;  // ignored: rows start pending
  e.attempts = 9;
  v.outbox.push_back(e);
  auto vid = m_store->add_version(v);
  ASSERT_TRUE(vid.ok());

  auto rows = m_store->list_outbox(std::nullopt);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const OutboxEntry& r = rows->front();
  EXPECT_GT(r.id, 0);
  EXPECT_EQ(r.event_id, "msg_2Zq");
  EXPECT_EQ(r.article_id, m_a);
  EXPECT_EQ(r.version_id, *vid);
  EXPECT_EQ(r.notifier, "newsroom-hook");
  EXPECT_EQ(r.payload, e.payload);
  EXPECT_EQ(r.state, OutboxState::pending);
  EXPECT_EQ(r.attempts, 0);
  EXPECT_EQ(r.created_at, at_ms(150));
  EXPECT_EQ(r.next_attempt, at_ms(200));
  EXPECT_FALSE(r.delivered_at);
  EXPECT_EQ(r.last_error, "");

  EXPECT_TRUE(due_ids(199).empty());
  EXPECT_EQ(due_ids(200), std::vector<int64_t>{r.id});
}

TEST_P(OutboxTest, DefaultTimesComeFromTheCapture) {
  add(m_a, 70, {"hook"});
  auto rows = m_store->list_outbox(OutboxState::pending);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().created_at, at_ms(70));
  EXPECT_EQ(rows->front().next_attempt, at_ms(70));
}

TEST_P(OutboxTest, OnlyTheOldestPendingRowPerArticleAndNotifierIsDue) {
  auto a1 = add(m_a, 1, {"hook", "difflog"});  // a1[0] hook, a1[1] difflog
  auto b1 = add(m_b, 2, {"hook"});
  auto a2 = add(m_a, 3, {"hook", "difflog"});
  auto b2 = add(m_b, 4, {"hook"});

  EXPECT_EQ(due_ids(1000), (std::vector<int64_t>{a1[0], a1[1], b1[0]}));
  EXPECT_EQ(due_ids(1000, 2), (std::vector<int64_t>{a1[0], a1[1]}));
  // Nothing is due before its time.
  EXPECT_EQ(due_ids(1), (std::vector<int64_t>{a1[0], a1[1]}));
  EXPECT_TRUE(due_ids(0).empty());

  // Delivering a chain's head releases its next row, in creation order.
  ASSERT_TRUE(m_store->mark_delivered(a1[0], at_ms(1001)).ok());
  EXPECT_EQ(due_ids(1000), (std::vector<int64_t>{a1[1], b1[0], a2[0]}));

  // A head waiting for a retry holds back its chain, even though the later row is due.
  ASSERT_TRUE(m_store->mark_retry(b1[0], 1, at_ms(5000), "HTTP 500").ok());
  EXPECT_EQ(due_ids(1000), (std::vector<int64_t>{a1[1], a2[0]}));
  EXPECT_EQ(due_ids(5000), (std::vector<int64_t>{a1[1], b1[0], a2[0]}));

  // A dead head releases the chain too.
  ASSERT_TRUE(m_store->mark_dead(b1[0], 8, "gave up").ok());
  EXPECT_EQ(due_ids(1000), (std::vector<int64_t>{a1[1], a2[0], b2[0]}));
}

TEST_P(OutboxTest, MarksRecordAttemptsErrorsAndTimes) {
  auto ids = add(m_a, 10, {"hook", "chat", "mail"});

  ASSERT_TRUE(m_store->mark_retry(ids[0], 1, at_ms(60'000), "connect: refused").ok());
  ASSERT_TRUE(m_store->mark_retry(ids[0], 2, at_ms(120'000), "HTTP 503").ok());
  ASSERT_TRUE(m_store->mark_delivered(ids[1], at_ms(20)).ok());
  ASSERT_TRUE(m_store->mark_dead(ids[2], 12, "HTTP 410 Gone").ok());

  auto rows = m_store->list_outbox(std::nullopt);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].state, OutboxState::pending);
  EXPECT_EQ((*rows)[0].attempts, 2);
  EXPECT_EQ((*rows)[0].next_attempt, at_ms(120'000));
  EXPECT_EQ((*rows)[0].last_error, "HTTP 503");
  EXPECT_EQ((*rows)[1].state, OutboxState::delivered);
  EXPECT_EQ((*rows)[1].delivered_at, at_ms(20));
  EXPECT_EQ((*rows)[2].state, OutboxState::dead);
  EXPECT_EQ((*rows)[2].attempts, 12);
  EXPECT_EQ((*rows)[2].last_error, "HTTP 410 Gone");

  auto pending = m_store->list_outbox(OutboxState::pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().id, ids[0]);
  EXPECT_EQ(m_store->list_outbox(OutboxState::delivered)->front().id, ids[1]);
  EXPECT_EQ(m_store->list_outbox(OutboxState::dead)->front().id, ids[2]);
}

// A diff log's batch: the pending rows are marked together; a row that is not pending any more is an
// error that leaves the others marked.
TEST_P(OutboxTest, ManyRowsAreMarkedDeliveredTogether) {
  auto ids = add(m_a, 10, {"log", "hook", "chat"});
  ASSERT_TRUE(m_store->mark_all_delivered(std::vector<int64_t>{ids[0], ids[2]}, at_ms(20)).ok());
  ASSERT_TRUE(m_store->mark_all_delivered(std::vector<int64_t>{}, at_ms(20)).ok());
  auto rows = m_store->list_outbox(OutboxState::delivered);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].id, ids[0]);
  EXPECT_EQ((*rows)[1].id, ids[2]);
  EXPECT_EQ((*rows)[1].delivered_at, at_ms(20));

  const auto again = m_store->mark_all_delivered(std::vector<int64_t>{ids[0], ids[1]}, at_ms(30));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::invalid_input) << again.error().message;
  auto pending = m_store->count_pending_outbox();
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(*pending, 0) << "the pending row of the batch is marked all the same";
}

TEST_P(OutboxTest, MarkingAFinishedOrUnknownRowIsAnError) {
  auto ids = add(m_a, 10, {"hook"});
  ASSERT_TRUE(m_store->mark_delivered(ids[0], at_ms(20)).ok());

  auto again = m_store->mark_dead(ids[0], 1, "late");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::invalid_input);
  EXPECT_NE(again.error().message.find("delivered"), std::string::npos) << again.error().message;
  auto retry = m_store->mark_retry(ids[0], 1, at_ms(30), "x");
  ASSERT_FALSE(retry.ok());
  EXPECT_EQ(m_store->list_outbox(std::nullopt)->front().state, OutboxState::delivered);

  auto unknown = m_store->mark_delivered(ids[0] + 100, at_ms(20));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_P(OutboxTest, StateChangesWriteStateAndNotificationsTogether) {
  auto changed = add(m_a, 10, {"hook"});
  StateChange gone;
  gone.article_id = m_a;
  gone.state = "deleted";
  gone.at = at_ms(20);
  OutboxEntry e;
  e.event_id = "evt-deleted";
  e.notifier = "hook";
  e.payload = R"({"type":"article.deleted"})";
  gone.outbox.push_back(e);
  ASSERT_TRUE(m_store->record_state(gone).ok());

  auto article = m_store->find_article("a");
  ASSERT_TRUE(article.ok() && article->has_value());
  EXPECT_EQ((*article)->state, "deleted");
  auto rows = m_store->list_outbox(std::nullopt);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  const OutboxEntry& r = rows->back();
  EXPECT_EQ(r.event_id, "evt-deleted");
  EXPECT_EQ(r.article_id, m_a);
  EXPECT_EQ(r.version_id, 0);
  EXPECT_EQ(r.created_at, at_ms(20));
  EXPECT_EQ(r.next_attempt, at_ms(20));
  // It queues behind the article's earlier event for the same notifier.
  EXPECT_EQ(due_ids(100), std::vector<int64_t>{changed[0]});
  ASSERT_TRUE(m_store->mark_delivered(changed[0], at_ms(30)).ok());
  EXPECT_EQ(due_ids(100), std::vector<int64_t>{r.id});

  // A failing state change changes nothing.
  StateChange back = gone;
  back.state = "active";  // same event id again: refused, so the state stays "deleted"
  auto dup = m_store->record_state(back);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::invalid_input);
  EXPECT_EQ((*m_store->find_article("a"))->state, "deleted");
  EXPECT_EQ(m_store->list_outbox(std::nullopt)->size(), 2u);

  StateChange bogus = gone;
  bogus.outbox.clear();
  bogus.state = "vanished";
  EXPECT_EQ(m_store->record_state(bogus).error().code, Errc::invalid_input);
  bogus.state = "redirected";
  bogus.article_id = m_b + 100;
  EXPECT_EQ(m_store->record_state(bogus).error().code, Errc::not_found);
}

INSTANTIATE_STORE_CONTRACT(OutboxTest);

}  // namespace
}  // namespace redline::testing
