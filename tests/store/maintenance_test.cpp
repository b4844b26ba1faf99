// The store contract, maintenance: the operator's outbox actions, sightings, and garbage collection.
#include <gtest/gtest.h>

#include "store/sqlite_store.hpp"
#include "store/store_fixture.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

class MaintenanceTest : public StoreContractTest {
 protected:
  void SetUp() override {
    StoreContractTest::SetUp();
    if (IsSkipped()) return;
    m_store = open_store();
    ASSERT_TRUE(m_store);
    m_a = m_store->ensure_article("a", "https://example.com/a", at_ms(0))->id;
  }

  OutboxEntry row(const std::string& event_id, const std::string& notifier) {
    auto rows = m_store->list_outbox(std::nullopt);
    EXPECT_TRUE(rows.ok());
    for (const auto& e : *rows)
      if (e.event_id == event_id && e.notifier == notifier) return e;
    ADD_FAILURE() << "no row " << event_id << "/" << notifier;
    return {};
  }

  std::unique_ptr<Store> m_store;
  int64_t m_a = 0;
};

TEST_P(MaintenanceTest, RetryRevivesDeadAndPendingRowsOfOneEvent) {
  ASSERT_TRUE(m_store->add_version(make_version(m_a, at_ms(100), "x", {"hook", "difflog"})).ok());
  const std::string event = "evt-" + std::to_string(m_a) + "-" + std::to_string(to_epoch_ms(at_ms(100)));
  const int64_t hook = row(event, "hook").id;
  const int64_t log = row(event, "difflog").id;
  ASSERT_TRUE(m_store->mark_dead(hook, 7, "gave up").ok());
  ASSERT_TRUE(m_store->mark_delivered(log, at_ms(150)).ok());

  auto n = m_store->retry_outbox(event, "", at_ms(5000));
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);  // the delivered row is left alone
  const OutboxEntry revived = row(event, "hook");
  EXPECT_EQ(revived.state, OutboxState::pending);
  EXPECT_EQ(revived.attempts, 0);
  EXPECT_EQ(revived.last_error, "");
  EXPECT_EQ(revived.created_at, at_ms(5000));  // max_age starts again
  EXPECT_EQ(revived.next_attempt, at_ms(5000));
  EXPECT_EQ(row(event, "difflog").state, OutboxState::delivered);
  auto due = m_store->due_outbox(at_ms(5000), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().id, hook);

  // Everything delivered: nothing to retry is an error that says so; unknown events are not_found.
  ASSERT_TRUE(m_store->mark_delivered(hook, at_ms(5100)).ok());
  auto again = m_store->retry_outbox(event, "", at_ms(6000));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::invalid_input);
  EXPECT_NE(again.error().message.find("already delivered"), std::string::npos) << again.error().message;
  auto unknown = m_store->retry_outbox("no-such-event", "", at_ms(6000));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_P(MaintenanceTest, DropMarksPendingRowsDeadAndKeepsThemListable) {
  ASSERT_TRUE(m_store->add_version(make_version(m_a, at_ms(100), "x", {"hook", "difflog"})).ok());
  const std::string event = "evt-" + std::to_string(m_a) + "-" + std::to_string(to_epoch_ms(at_ms(100)));

  auto n = m_store->drop_outbox(event, "hook", at_ms(200));
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 1);
  const OutboxEntry dropped = row(event, "hook");
  EXPECT_EQ(dropped.state, OutboxState::dead);
  EXPECT_EQ(dropped.last_error.rfind("dropped by operator", 0), 0u) << dropped.last_error;
  EXPECT_EQ(row(event, "difflog").state, OutboxState::pending);
  EXPECT_EQ(m_store->list_outbox(OutboxState::dead)->size(), 1u);

  // Dropping it twice says why nothing changed; a dropped row can be retried.
  auto twice = m_store->drop_outbox(event, "hook", at_ms(300));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, Errc::invalid_input);
  auto other = m_store->drop_outbox(event, "nobody", at_ms(300));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, Errc::not_found);
  EXPECT_EQ(*m_store->retry_outbox(event, "hook", at_ms(400)), 1);
  EXPECT_EQ(row(event, "hook").state, OutboxState::pending);
}

TEST_P(MaintenanceTest, NoteSeenOnlyMovesLastCheckedForward) {
  CheckRecord check;
  check.article_id = m_a;
  check.checked_at = at_ms(1000);
  check.next_check = at_ms(9000);
  check.etag = "\"v1\"";
  check.body_hash = "hash";
  ASSERT_TRUE(m_store->record_check(check).ok());

  ASSERT_TRUE(m_store->note_seen(m_a, at_ms(500)).ok());
  auto a = m_store->find_article("a");
  EXPECT_EQ((*a)->last_checked, at_ms(1000));
  ASSERT_TRUE(m_store->note_seen(m_a, at_ms(2000)).ok());
  a = m_store->find_article("a");
  EXPECT_EQ((*a)->last_checked, at_ms(2000));
  EXPECT_EQ((*a)->next_check, at_ms(9000));  // the daemon's schedule and validators are untouched
  EXPECT_EQ((*a)->etag, "\"v1\"");
  EXPECT_EQ((*a)->body_hash, "hash");
  EXPECT_EQ(m_store->note_seen(999, at_ms(1)).error().code, Errc::not_found);
}

TEST_P(MaintenanceTest, GcDeletesOnlyRawBlobsNoRecentVersionNeeds) {
  // v1 (old, raw "A"), v2 (old, raw "B"), v3 (recent, raw "B" again: shared content), v4 (recent, "C").
  const auto add = [&](long long when, const std::string& text, const std::string& raw) {
    NewVersion v = make_version(m_a, at_ms(when), text);
    v.raw = raw;
    auto id = m_store->add_version(v);
    EXPECT_TRUE(id.ok()) << id.error().message;
  };
  add(100, "one", std::string(5000, 'A'));
  add(200, "two", std::string(5000, 'B'));
  add(1000, "three", std::string(5000, 'B'));
  add(1100, "four", std::string(5000, 'C'));
  const std::string orphan = *m_store->put_raw("orphan bytes");

  GcOptions options;
  options.raw_before = at_ms(500);
  options.dry_run = true;
  auto dry = m_store->collect_garbage(options);
  ASSERT_TRUE(dry.ok()) << dry.error().message;
  EXPECT_EQ(dry->raw_blobs, 2);  // "A" and the orphan; "B" is still needed by v3
  EXPECT_EQ(dry->versions_unlinked, 1);
  EXPECT_GT(dry->raw_bytes, 0);
  EXPECT_TRUE(m_store->get_raw(orphan)->has_value());  // a dry run changes nothing

  options.dry_run = false;
  auto done = m_store->collect_garbage(options);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->raw_blobs, 2);
  EXPECT_FALSE(m_store->get_raw(orphan)->has_value());
  auto versions = m_store->versions(m_a);
  ASSERT_EQ(versions->size(), 4u);  // versions are never deleted
  EXPECT_EQ((*versions)[0].raw_sha256, "");
  EXPECT_EQ((*versions)[0].content.blocks.front().text, "one");
  EXPECT_EQ(*m_store->get_raw((*versions)[1].raw_sha256).value(), std::string(5000, 'B'));
  EXPECT_EQ(*m_store->get_raw((*versions)[2].raw_sha256).value(), std::string(5000, 'B'));
  EXPECT_EQ(*m_store->get_raw((*versions)[3].raw_sha256).value(), std::string(5000, 'C'));
  EXPECT_EQ(m_store->collect_garbage(options)->raw_blobs, 0);  // idempotent
  EXPECT_EQ(*m_store->integrity_check(), "ok");
}

TEST_P(MaintenanceTest, GcDeletesOldDeliveredRowsOnlyAndCanVacuum) {
  // 600 delivered rows (more than one batch), some recent, plus a pending and a dead one.
  for (int i = 0; i < 600; ++i)
    ASSERT_TRUE(m_store->add_version(make_version(m_a, at_ms(i), "v" + std::to_string(i), {"hook"})).ok());
  ASSERT_TRUE(m_store->add_version(make_version(m_a, at_ms(700), "p", {"hook"})).ok());
  ASSERT_TRUE(m_store->add_version(make_version(m_a, at_ms(701), "d", {"other"})).ok());
  auto rows = *m_store->list_outbox(OutboxState::pending);
  for (const auto& e : rows) {
    if (e.notifier == "other") {
      ASSERT_TRUE(m_store->mark_dead(e.id, 1, "x").ok());
    } else if (e.created_at < at_ms(600)) {
      ASSERT_TRUE(m_store->mark_delivered(e.id, e.created_at + 10ms).ok());
    }
  }
  GcOptions options;
  options.delivered_before = at_ms(510);  // rows 0..499 were delivered before it
  options.vacuum = true;
  auto report = m_store->collect_garbage(options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->outbox_rows, 500);
  if (is_sqlite()) {  // VACUUM rewrites the file; PostgreSQL's plain VACUUM keeps the space for reuse
    EXPECT_LT(report->file_bytes_after, report->file_bytes_before);
    EXPECT_EQ(report->free_bytes_after, 0);
  }
  EXPECT_EQ(m_store->list_outbox(OutboxState::delivered)->size(), 100u);
  EXPECT_EQ(m_store->list_outbox(OutboxState::pending)->size(), 1u);
  EXPECT_EQ(m_store->list_outbox(OutboxState::dead)->size(), 1u);
  EXPECT_EQ(m_store->versions(m_a)->size(), 602u);
  EXPECT_EQ(*m_store->integrity_check(), "ok");
}

TEST_P(MaintenanceTest, ReadOnlyStoreCanDryRunButNotCollect) {
  m_store.reset();
  auto ro = open_store(OpenMode::read_only);
  ASSERT_TRUE(ro);
  GcOptions options;
  options.raw_before = at_ms(0);
  options.dry_run = true;
  EXPECT_TRUE(ro->collect_garbage(options).ok());
  options.dry_run = false;
  auto s = ro->collect_garbage(options);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("read-only"), std::string::npos) << s.error().message;
  EXPECT_FALSE(ro->retry_outbox("e", "", at_ms(0)).ok());
}

INSTANTIATE_STORE_CONTRACT(MaintenanceTest);

}  // namespace
}  // namespace redline::testing
