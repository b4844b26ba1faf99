// The store contract: round trips of articles, versions and changes; numbering; add_version atomicity.
#include "store/sqlite_store.hpp"

#include <gtest/gtest.h>

#include "store/store_fixture.hpp"
#include "util/crypto.hpp"

namespace redline::testing {
namespace {

using namespace std::chrono_literals;

class ArticleStoreTest : public StoreContractTest {};

TEST_P(ArticleStoreTest, EnsureArticleCreatesOnceAndRecordsUrls) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto a = store->ensure_article("example:1", "https://example.com/a?x=1", at_ms(0));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_GT(a->id, 0);
  EXPECT_EQ(a->key, "example:1");
  EXPECT_EQ(a->url, "https://example.com/a?x=1");
  EXPECT_EQ(a->first_seen, at_ms(0));
  EXPECT_EQ(a->state, "active");
  EXPECT_FALSE(a->last_checked);
  EXPECT_EQ(a->version_count, 0);

  auto again = store->ensure_article("example:1", "https://example.com/moved", at_ms(5000));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, a->id);
  EXPECT_EQ(again->first_seen, at_ms(0));

  auto other = store->ensure_article("example:2", "https://example.com/b", at_ms(1));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id, a->id);

  for (const char* query : {"example:1", "https://example.com/a?x=1", "https://example.com/moved"}) {
    auto found = store->find_article(query);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value()) << query;
    EXPECT_EQ((*found)->id, a->id) << query;
  }
  auto missing = store->find_article("https://example.com/never");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  auto list = store->list_articles();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].key, "example:1");
  EXPECT_EQ((*list)[1].key, "example:2");
}

TEST_P(ArticleStoreTest, EmptyKeyIsRejected) {
  auto store = open_store();
  auto a = store->ensure_article("", "https://example.com/", at_ms(0));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Errc::invalid_input);
}

TEST_P(ArticleStoreTest, RecordCheckKeepsLastGoodValidatorsOnError) {
  auto store = open_store();
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  ASSERT_TRUE(a.ok());

  CheckRecord ok;
  ok.article_id = a->id;
  ok.checked_at = at_ms(1000);
  ok.next_check = at_ms(61'000);
  ok.url = "https://example.com/a-redirected";
  ok.etag = "\"v1\"";
  ok.last_modified = "Tue, 01 Oct 2024 10:00:00 GMT";
  ok.body_hash = "abc123";
  ASSERT_TRUE(store->record_check(ok).ok());

  auto after_ok = store->find_article("https://example.com/a-redirected");
  ASSERT_TRUE(after_ok.ok() && after_ok->has_value());
  const ArticleRecord& r = **after_ok;
  EXPECT_EQ(r.id, a->id);
  EXPECT_EQ(r.url, ok.url);
  EXPECT_EQ(r.last_checked, at_ms(1000));
  EXPECT_EQ(r.next_check, at_ms(61'000));
  EXPECT_EQ(r.etag, ok.etag);
  EXPECT_EQ(r.last_modified, ok.last_modified);
  EXPECT_EQ(r.body_hash, "abc123");
  EXPECT_EQ(r.last_error, "");

  CheckRecord failed;
  failed.article_id = a->id;
  failed.checked_at = at_ms(2000);
  failed.next_check = at_ms(3000);
  failed.error = "HTTP 503";
  ASSERT_TRUE(store->record_check(failed).ok());
  auto after_fail = store->find_article("k");
  ASSERT_TRUE(after_fail.ok() && after_fail->has_value());
  EXPECT_EQ((*after_fail)->last_error, "HTTP 503");
  EXPECT_EQ((*after_fail)->last_checked, at_ms(2000));
  EXPECT_EQ((*after_fail)->next_check, at_ms(3000));
  EXPECT_EQ((*after_fail)->etag, ok.etag);
  EXPECT_EQ((*after_fail)->body_hash, "abc123");
  EXPECT_EQ((*after_fail)->url, ok.url);

  CheckRecord unknown = ok;
  unknown.article_id = a->id + 100;
  auto s = store->record_check(unknown);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::not_found);
}

TEST_P(ArticleStoreTest, VersionRoundTripKeepsEveryFieldIncludingChinese) {
  auto store = open_store();
  auto a = store->ensure_article("xinhua:42", "https://news.example.cn/2024/42.html", at_ms(0));
  ASSERT_TRUE(a.ok());

  NewVersion v;
  v.article_id = a->id;
  v.captured_at = at_ms(123);
  v.url = "https://news.example.cn/2024/42.html?from=rss";
  v.content.headline = "国务院发布新规：“数据安全”细则出台";
  v.content.authors = {"王小明", "李华", "O'Brien, \"Pat\""};
  v.content.published = from_epoch_ms(1'717'200'000'000);
  v.content.modified = from_epoch_ms(1'717'203'600'123);
  v.content.canonical_url = "https://news.example.cn/2024/42.html";
  v.content.language = "zh-Hans";
  v.content.site_name = "新华网";
  v.content.blocks = {{BlockKind::heading, "第一部分"},
                      {BlockKind::paragraph, "记者6月1日从国务院获悉，……\t引号“”与 emoji 🎉。"},
                      {BlockKind::list_item, "要点一"},
                      {BlockKind::quote, "“这是引用。”"},
                      {BlockKind::caption, "图为会议现场"},
                      {BlockKind::table, "列1 | 列2"},
                      {BlockKind::paragraph, ""}};
  v.fingerprint = "sha256:deadbeef";
  v.raw = "<html><body>原始页面</body></html>";

  auto id = store->add_version(v);
  ASSERT_TRUE(id.ok()) << id.error().message;

  auto versions = store->versions(a->id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  const VersionRecord& r = versions->front();
  EXPECT_EQ(r.id, *id);
  EXPECT_EQ(r.article_id, a->id);
  EXPECT_EQ(r.number, 1);
  EXPECT_EQ(r.captured_at, at_ms(123));
  EXPECT_EQ(r.url, v.url);
  EXPECT_EQ(r.content, v.content);
  EXPECT_EQ(r.fingerprint, v.fingerprint);
  ASSERT_FALSE(r.raw_sha256.empty());
  auto raw = store->get_raw(r.raw_sha256);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->has_value());
  EXPECT_EQ(**raw, v.raw);

  // A version without dates or authors comes back without them.
  NewVersion bare;
  bare.article_id = a->id;
  bare.captured_at = at_ms(456);
  ASSERT_TRUE(store->add_version(bare).ok());
  auto latest = store->latest_version(a->id);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->number, 2);
  EXPECT_EQ((*latest)->content, Article{});
  EXPECT_EQ((*latest)->raw_sha256, "");
}

TEST_P(ArticleStoreTest, InvalidUtf8IsStoredNotFatal) {
  auto store = open_store();
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  NewVersion v = make_version(a->id, at_ms(1), std::string("bad \xff\xfe bytes"));
  auto id = store->add_version(v);
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto versions = store->versions(a->id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_NE(versions->front().content.blocks.at(0).text.find("bytes"), std::string::npos);
}

TEST_P(ArticleStoreTest, RawBytesAreStoredOncePerContent) {
  auto store = open_store();
  std::string page(100'000, 'x');
  page += "tail";
  auto h1 = store->put_raw(page);
  auto h2 = store->put_raw(page);
  auto h3 = store->put_raw("other");
  ASSERT_TRUE(h1.ok() && h2.ok() && h3.ok());
  EXPECT_EQ(*h1, *h2);
  EXPECT_NE(*h1, *h3);
  EXPECT_EQ(h1->size(), 64u);
  auto back = store->get_raw(*h1);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ(**back, page);
  auto none = store->get_raw(std::string(64, '0'));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  // One row per distinct content, compressed.
  EXPECT_EQ(query_int("SELECT count(*) FROM raw_blob"), 2);
  EXPECT_LT(query_int("SELECT sum(length(data)) FROM raw_blob"), 1000);
}

TEST_P(ArticleStoreTest, VersionsAreNumberedByCaptureTime) {
  auto store = open_store();
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  auto b = store->ensure_article("other", "https://example.com/b", at_ms(0));
  // Written out of order: numbering follows captured_at, not insertion.
  auto v30 = store->add_version(make_version(a->id, at_ms(30), "thirty"));
  auto v10 = store->add_version(make_version(a->id, at_ms(10), "ten"));
  auto v20 = store->add_version(make_version(a->id, at_ms(20), "twenty"));
  ASSERT_TRUE(store->add_version(make_version(b->id, at_ms(15), "b")).ok());
  ASSERT_TRUE(v30.ok() && v10.ok() && v20.ok());

  auto versions = store->versions(a->id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].id, *v10);
  EXPECT_EQ((*versions)[1].id, *v20);
  EXPECT_EQ((*versions)[2].id, *v30);
  for (size_t i = 0; i < versions->size(); ++i) EXPECT_EQ((*versions)[i].number, static_cast<int64_t>(i + 1));

  auto latest = store->latest_version(a->id);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->id, *v30);
  EXPECT_EQ((*latest)->number, 3);

  auto article = store->find_article("k");
  ASSERT_TRUE(article.ok() && article->has_value());
  EXPECT_EQ((*article)->last_changed, at_ms(30));
  EXPECT_EQ((*article)->version_count, 3);
  auto list = store->list_articles();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].version_count, 3);
  EXPECT_EQ((*list)[1].version_count, 1);

  auto none = store->latest_version(b->id + 1);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  // The cheap form of latest_version().
  EXPECT_EQ(store->latest_version_id(a->id).value(), *v30);
  EXPECT_EQ(store->latest_version_id(b->id + 1).value(), 0);
}

TEST_P(ArticleStoreTest, ACheckContextHoldsTheLatestVersionTheEarlierFingerprintsTheTestAndTheSource) {
  auto store = open_store();
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  auto b = store->ensure_article("other", "https://example.com/b", at_ms(0));
  ASSERT_TRUE(a.ok() && b.ok());
  auto empty = store->check_context(a->id);
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_FALSE(empty->latest);
  EXPECT_TRUE(empty->earlier_fingerprints.empty());
  EXPECT_FALSE(empty->headline_test);
  EXPECT_FALSE(empty->watch_source);

  auto v30 = store->add_version(make_version(a->id, at_ms(30), "thirty"));
  ASSERT_TRUE(store->add_version(make_version(a->id, at_ms(10), "ten")).ok());
  ASSERT_TRUE(store->add_version(make_version(a->id, at_ms(20), "ten")).ok());  // a revert: one fingerprint
  ASSERT_TRUE(store->add_version(make_version(b->id, at_ms(15), "b")).ok());
  ASSERT_TRUE(*store->add_watch({"https://example.com/a", a->id, std::nullopt, "feed:world", at_ms(1), {}, {}}));
  ASSERT_TRUE(store->record_headline_test(a->id, std::string(R"({"v":["A","B"]})"), {}, at_ms(40)));

  auto context = store->check_context(a->id);
  ASSERT_TRUE(context.ok()) << context.error().message;
  ASSERT_TRUE(context->latest);
  EXPECT_EQ(context->latest->id, *v30);
  EXPECT_EQ(context->latest->number, 3);
  EXPECT_EQ(context->latest->content.blocks.at(0).text, "thirty");
  // The latest version's own fingerprint and other articles' are not earlier ones.
  EXPECT_EQ(context->earlier_fingerprints, std::vector<std::string>{"fp-ten"});
  EXPECT_EQ(context->headline_test.value_or(""), R"({"v":["A","B"]})");
  EXPECT_EQ(context->watch_source.value_or(""), "feed:world");

  // The same with the article, found by URL or key, in one read.
  for (const std::string key_or_url : {"https://example.com/a", "k"}) {
    auto found = store->find_article_for_check(key_or_url);
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_TRUE(found->has_value()) << key_or_url;
    EXPECT_EQ((*found)->article.id, a->id);
    EXPECT_EQ((*found)->article.version_count, 3);
    ASSERT_TRUE((*found)->context.latest);
    EXPECT_EQ((*found)->context.latest->id, *v30);
    EXPECT_EQ((*found)->context.latest->number, 3);
    EXPECT_EQ((*found)->context.earlier_fingerprints, context->earlier_fingerprints);
    EXPECT_EQ((*found)->context.headline_test, context->headline_test);
    EXPECT_EQ((*found)->context.watch_source, context->watch_source);
  }
  auto unknown = store->find_article_for_check("https://example.com/nowhere");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  auto fresh = store->ensure_article("new", "https://example.com/new", at_ms(0));
  auto without = store->find_article_for_check("https://example.com/new");
  ASSERT_TRUE(fresh.ok() && without.ok() && without->has_value());
  EXPECT_EQ((*without)->article.id, fresh->id);
  EXPECT_FALSE((*without)->context.latest);

  auto other = store->check_context(b->id);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other->latest);
  EXPECT_TRUE(other->earlier_fingerprints.empty());
  EXPECT_FALSE(other->headline_test);
  EXPECT_FALSE(other->watch_source);
}

TEST_P(ArticleStoreTest, AVersionExpectingAnotherLatestIsAConflictAndWritesNothingEvenInAGroup) {
  auto store = open_store();
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  ASSERT_TRUE(a.ok());
  NewVersion first = make_version(a->id, at_ms(10), "one", {"log"});
  first.expected_latest = 0;
  auto v1 = store->add_version(first);
  ASSERT_TRUE(v1.ok()) << v1.error().message;

  // Another process stored v1 since this writer read "no version": refused.
  NewVersion late = make_version(a->id, at_ms(20), "late", {"log"});
  late.expected_latest = 0;
  auto refused = store->add_version(late);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::conflict);
  EXPECT_NE(refused.error().message.find("latest version is " + std::to_string(*v1)), std::string::npos)
      << refused.error().message;

  // In a group the refusal leaves the group usable; the right expectation is written.
  ASSERT_TRUE(store->begin_group().ok());
  late.change = make_change(*v1);
  late.expected_latest = *v1 + 1000;
  EXPECT_EQ(store->add_version(late).error().code, Errc::conflict);
  late.expected_latest = *v1;
  auto v2 = store->add_version(late);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  // An older capture written after it does not make it stale for a writer that expects it.
  NewVersion older = make_version(a->id, at_ms(5), "older");
  ASSERT_TRUE(store->add_version(older).ok());
  NewVersion next = make_version(a->id, at_ms(30), "three");
  next.change = make_change(*v2);
  next.expected_latest = *v2;
  ASSERT_TRUE(store->add_version(next).ok());
  ASSERT_TRUE(store->commit_group().ok());
  EXPECT_EQ(store->versions(a->id).value().size(), 4u);
  EXPECT_EQ(store->list_outbox(std::nullopt).value().size(), 2u);  // none of the refused ones
}

TEST_P(ArticleStoreTest, AGroupCommitsItsWritesTogetherAndEachWriteStillFailsAlone) {
  auto store = open_store();
  auto reader = open_store();
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(store->begin_group().ok());
  EXPECT_EQ(store->begin_group().error().code, Errc::internal);  // groups do not nest
  auto v1 = store->add_version(make_version(a->id, at_ms(10), "one"));
  ASSERT_TRUE(v1.ok()) << v1.error().message;
  auto again = store->add_version(make_version(a->id, at_ms(10), "same time"));  // fails, alone
  EXPECT_FALSE(again.ok());
  ASSERT_TRUE(store->rekey_article(a->id, "new-key").value());
  auto v2 = store->add_version(make_version(a->id, at_ms(20), "two"));
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(store->latest_version_id(a->id).value(), *v2);  // the group sees its own writes
  EXPECT_EQ(reader->latest_version_id(a->id).value(), 0);   // others see none before the commit
  ASSERT_TRUE(store->commit_group().ok());
  auto versions = reader->versions(a->id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].content.blocks[0].text, "one");
  EXPECT_EQ((*versions)[1].content.blocks[0].text, "two");
  EXPECT_TRUE(reader->find_article("new-key").value().has_value());
}

TEST_P(ArticleStoreTest, AGroupNeverCommittedLeavesNothing) {
  int64_t article_id = 0;
  {
    auto store = open_store();
    auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
    ASSERT_TRUE(a.ok());
    article_id = a->id;
    ASSERT_TRUE(store->begin_group().ok());
    ASSERT_TRUE(store->add_version(make_version(article_id, at_ms(10), "lost", {"log"})).ok());
  }  // closed without commit_group(), as a crash would
  auto store = open_store();
  EXPECT_EQ(store->latest_version_id(article_id).value(), 0);
  EXPECT_TRUE(store->list_outbox(std::nullopt).value().empty());
}

TEST_P(ArticleStoreTest, ChangesRoundTripWithStoreFilledIds) {
  auto store = open_store();
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  auto v1 = store->add_version(make_version(a->id, at_ms(1), "one"));
  ASSERT_TRUE(v1.ok());
  NewVersion second = make_version(a->id, at_ms(2), "two");
  second.change = make_change(*v1, {"headline", "body", "minor"});
  second.change->to_version = 999;  // ignored: the store fills it
  auto v2 = store->add_version(second);
  ASSERT_TRUE(v2.ok()) << v2.error().message;

  auto changes = store->changes(a->id);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  const ChangeRecord& c = changes->front();
  EXPECT_GT(c.id, 0);
  EXPECT_EQ(c.article_id, a->id);
  EXPECT_EQ(c.from_version, *v1);
  EXPECT_EQ(c.to_version, *v2);
  EXPECT_EQ(c.classes, (std::vector<std::string>{"headline", "body", "minor"}));
  EXPECT_EQ(c.stats_json, R"({"words_added":1})");
}

TEST_P(ArticleStoreTest, SameCaptureTimeIsAnErrorNotAnOverwrite) {
  auto store = open_store();
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  ASSERT_TRUE(store->add_version(make_version(a->id, at_ms(5), "original", {"hook"})).ok());
  NewVersion dup = make_version(a->id, at_ms(5), "overwrite?");
  dup.outbox.push_back(OutboxEntry{});
  dup.outbox.back().event_id = "fresh-event";
  dup.outbox.back().notifier = "hook";
  auto r = store->add_version(dup);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_input);
  EXPECT_NE(r.error().message.find("already has a version"), std::string::npos) << r.error().message;

  auto versions = store->versions(a->id);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ(versions->front().content.blocks.at(0).text, "original");
  auto outbox = store->list_outbox(std::nullopt);
  ASSERT_TRUE(outbox.ok());
  EXPECT_EQ(outbox->size(), 1u);
}

TEST_P(ArticleStoreTest, DuplicateOutboxEventRollsBackTheWholeVersion) {
  auto store = open_store();
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  auto v1 = store->add_version(make_version(a->id, at_ms(1), "one", {"hook"}));
  ASSERT_TRUE(v1.ok());

  NewVersion bad = make_version(a->id, at_ms(2), "two", {"hook", "difflog"});
  bad.change = make_change(*v1);
  bad.raw = "<html>never stored</html>";
  bad.outbox.push_back(bad.outbox.front());  // same (event_id, notifier) twice
  auto r = store->add_version(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_input);
  EXPECT_NE(r.error().message.find("already exists"), std::string::npos) << r.error().message;

  auto versions = store->versions(a->id);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 1u);
  auto changes = store->changes(a->id);
  ASSERT_TRUE(changes.ok());
  EXPECT_TRUE(changes->empty());
  auto outbox = store->list_outbox(std::nullopt);
  ASSERT_TRUE(outbox.ok());
  EXPECT_EQ(outbox->size(), 1u);
  auto article = store->find_article("k");
  EXPECT_EQ((*article)->last_changed, at_ms(1));
  auto raw = store->get_raw(sha256_hex(bad.raw));
  ASSERT_TRUE(raw.ok());
  EXPECT_FALSE(raw->has_value());

  // The same event id reused by a later version is refused too.
  NewVersion reuse = make_version(a->id, at_ms(3), "three");
  reuse.outbox.push_back(outbox->front());
  auto r2 = store->add_version(reuse);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(store->versions(a->id)->size(), 1u);

  // Without the duplicate the same version goes in whole.
  bad.outbox.pop_back();
  auto ok = store->add_version(bad);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(store->versions(a->id)->size(), 2u);
  EXPECT_EQ(store->changes(a->id)->size(), 1u);
  EXPECT_EQ(store->list_outbox(std::nullopt)->size(), 3u);
}

TEST_P(ArticleStoreTest, ChangeMustComeFromAVersionOfTheSameArticle) {
  auto store = open_store();
  auto a = store->ensure_article("a", "https://example.com/a", at_ms(0));
  auto b = store->ensure_article("b", "https://example.com/b", at_ms(0));
  auto va = store->add_version(make_version(a->id, at_ms(1), "a1"));
  ASSERT_TRUE(va.ok());
  NewVersion vb = make_version(b->id, at_ms(1), "b1");
  vb.change = make_change(*va);
  auto r = store->add_version(vb);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::invalid_input);
  EXPECT_TRUE(store->versions(b->id)->empty());

  auto unknown = store->add_version(make_version(b->id + 10, at_ms(1), "x"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_P(ArticleStoreTest, AddVersionsIsAllOrNothing) {
  auto store = open_store();
  auto a = store->ensure_article("k", "https://example.com/a", at_ms(0));
  std::vector<NewVersion> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(make_version(a->id, at_ms(i), "v" + std::to_string(i), {"hook"}));
  batch.push_back(make_version(a->id, at_ms(2), "duplicate time"));
  auto bad = store->add_versions(batch);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(store->versions(a->id)->empty());
  EXPECT_TRUE(store->list_outbox(std::nullopt)->empty());

  batch.pop_back();
  auto ids = store->add_versions(batch);
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  ASSERT_EQ(ids->size(), 5u);
  auto versions = store->versions(a->id);
  ASSERT_EQ(versions->size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ((*versions)[i].id, (*ids)[i]);
}

TEST_P(ArticleStoreTest, HeadlineTestStateIsWrittenReplacedAndEndedWithItsOutboxRows) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const int64_t a = store->ensure_article("a", "https://example.com/a", at_ms(0))->id;
  const int64_t b = store->ensure_article("b", "https://example.com/b", at_ms(0))->id;
  EXPECT_FALSE(*store->headline_test(a));  // none runs
  const auto row = [](std::string event) {
    OutboxEntry e;
    e.event_id = std::move(event);
    e.notifier = "hook";
    e.payload = R"({"type":"article.headline_test"})";
    e.created_at = at_ms(10);
    e.next_attempt = at_ms(10);
    return e;
  };
  const std::vector<OutboxEntry> started{row("evt_start")};
  ASSERT_TRUE(store->record_headline_test(a, std::string(R"({"v":["A","B"],"h":"标题"})"), started, at_ms(10)));
  EXPECT_EQ(store->headline_test(a)->value_or(""), R"({"v":["A","B"],"h":"标题"})");
  EXPECT_FALSE(*store->headline_test(b));                                                      // one row per article
  ASSERT_TRUE(store->record_headline_test(a, std::string("{\"v\":[\"A\"]}"), {}, at_ms(20)));  // replaced
  EXPECT_EQ(store->headline_test(a)->value_or(""), "{\"v\":[\"A\"]}");
  // A used (event_id, notifier) rolls the whole write back: the state stays as it was.
  auto dup = store->record_headline_test(a, std::string("{}"), started, at_ms(30));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::invalid_input);
  EXPECT_EQ(store->headline_test(a)->value_or(""), "{\"v\":[\"A\"]}");
  // Ended: the row goes, the end event's row is written.
  ASSERT_TRUE(store->record_headline_test(a, std::nullopt, std::vector<OutboxEntry>{row("evt_end")}, at_ms(40)));
  EXPECT_FALSE(*store->headline_test(a));
  auto rows = store->list_outbox(std::nullopt);
  ASSERT_TRUE(rows.ok());
  std::vector<std::string> events;
  for (const auto& e : *rows) {
    EXPECT_EQ(e.article_id, a);
    events.push_back(e.event_id);
  }
  EXPECT_EQ(events, (std::vector<std::string>{"evt_start", "evt_end"}));
  auto unknown = store->record_headline_test(a + b + 100, std::string("{}"), {}, at_ms(50));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

INSTANTIATE_STORE_CONTRACT(ArticleStoreTest);

}  // namespace
}  // namespace redline::testing
