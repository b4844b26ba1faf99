#include "store/postgres_read_model.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "store/postgres_migrations.hpp"
#include "util/url.hpp"

namespace redline {

namespace {

// The version of postgres_migrations.cpp that added what this reads (events and counts: 6; the
// article's count of versions: 8).
constexpr int k_read_model_schema = 8;

// With a `site` filter, rows are fetched in batches of at least this many and filtered here.
constexpr size_t k_site_batch = 200;

// A statement's parameters, numbered as they are added: the SQL names only those it uses.
class Params {
 public:
  std::string add(pg::Param p) {
    m_values.push_back(std::move(p));
    return "$" + std::to_string(m_values.size());
  }
  const std::vector<pg::Param>& values() const { return m_values; }

 private:
  std::vector<pg::Param> m_values;
};

// A superset of host_matches(url_host(url), suffix): the URL contains the suffix.
std::string url_may_match(std::string_view url_sql, Params& p, const std::string& site) {
  return "strpos(lower(" + std::string(url_sql) + "), lower(" + p.add(pg::text(site)) + ")) > 0 ";
}

bool site_matches(std::string_view url, std::string_view site) {
  return site.empty() || host_matches(url_host(url), site);
}

constexpr std::string_view k_summary_columns =
    "SELECT a.id, a.key, a.url, coalesce((SELECT v.headline FROM version v WHERE v.article_id = a.id "
    "ORDER BY v.captured_at DESC, v.id DESC LIMIT 1), ''), a.state, "
    "a.versions, a.first_seen, c.last_checked, a.last_changed, "
    "c.next_check FROM article a LEFT JOIN article_check c ON c.article_id = a.id ";

ArticleSummary read_summary(const pg::Rows& r, int i) {
  ArticleSummary a;
  a.id = r.integer(i, 0);
  a.key = r.text(i, 1);
  a.url = r.text(i, 2);
  a.headline = r.text(i, 3);
  a.state = r.text(i, 4);
  a.versions = r.integer(i, 5);
  a.first_seen = r.time(i, 6);
  a.last_checked = r.optional_time(i, 7);
  a.last_changed = r.optional_time(i, 8);
  a.next_check = r.optional_time(i, 9);
  return a;
}

constexpr std::string_view k_event_columns =
    "SELECT e.id, e.event_id, e.article_id, coalesce(e.version_id, 0), e.type, e.created_at, e.payload";

EventRecord read_event(const pg::Rows& r, int i) {
  EventRecord e;
  e.seq = r.integer(i, 0);
  e.event_id = r.text(i, 1);
  e.article_id = r.integer(i, 2);
  e.version_id = r.integer(i, 3);
  e.type = r.text(i, 4);
  e.created_at = r.time(i, 5);
  e.payload = r.text(i, 6);
  return e;
}

}  // namespace

Result<std::unique_ptr<PostgresReadModel>> PostgresReadModel::open(const std::string& url, const std::string& node) {
  auto conn = pg::Connection::open(url, "redline " + node + " (api)");
  if (!conn) return conn.error();
  auto schema = pg::schema_version(**conn);
  if (!schema) return schema.error();
  if (*schema < k_read_model_schema)
    return make_error(Errc::io, "store " + (*conn)->where() + " has schema version " + std::to_string(*schema) +
                                    "; the API needs version " + std::to_string(k_read_model_schema) +
                                    " or later: start a node of this version once to migrate it");
  if (auto s = (*conn)->exec_script("SET default_transaction_read_only = on"); !s) return s.error();
  return std::unique_ptr<PostgresReadModel>(new PostgresReadModel(std::move(*conn)));
}

Result<ArticlePage> PostgresReadModel::articles(const ArticleQuery& query) {
  const size_t want = query.limit + 1;
  const size_t batch = query.site.empty() ? want : std::max(want, k_site_batch);
  std::optional<ArticleCursor> after = query.after;
  ArticlePage page;
  for (;;) {
    Params p;
    std::string sql;
    // The matching articles first, from the headlines' trigram index (migration 8; a scan where there
    // is none): left to itself the planner walks the articles in page order probing each one's
    // versions, seconds for a rare word (read_model_bench).
    if (!query.search.empty())
      sql =
          "WITH hit AS MATERIALIZED (SELECT DISTINCT v.article_id FROM version v WHERE lower(v.headline) LIKE "
          "lower(" +
          p.add(pg::text(like_pattern(query.search))) + ")) ";
    sql += k_summary_columns;
    sql += "WHERE true ";
    if (!query.state.empty()) sql += "AND a.state = " + p.add(pg::text(query.state)) + " ";
    if (!query.site.empty()) sql += "AND " + url_may_match("a.url", p, query.site);
    if (after)
      sql += "AND (coalesce(a.last_changed, -1), a.id) < (" + p.add(pg::integer(after->last_changed_ms)) +
             "::bigint, " + p.add(pg::integer(after->id)) + "::bigint) ";
    if (!query.search.empty()) sql += "AND a.id IN (SELECT article_id FROM hit) ";
    sql += "ORDER BY coalesce(a.last_changed, -1) DESC, a.id DESC LIMIT " +
           p.add(pg::integer(static_cast<int64_t>(batch)));
    auto rows = m_conn->exec(sql, p.values());
    if (!rows) return rows.error();
    for (int i = 0; i < rows->size() && page.items.size() < want; ++i) {
      auto a = read_summary(*rows, i);
      after = ArticleCursor{a.last_changed ? to_epoch_ms(*a.last_changed) : -1, a.id};
      if (site_matches(a.url, query.site)) page.items.push_back(std::move(a));
    }
    if (page.items.size() >= want || static_cast<size_t>(rows->size()) < batch) break;
  }
  if (page.items.size() > query.limit) {
    page.items.resize(query.limit);
    const auto& last = page.items.back();
    page.next = ArticleCursor{last.last_changed ? to_epoch_ms(*last.last_changed) : -1, last.id};
  }
  return page;
}

Result<std::optional<ArticleSummary>> PostgresReadModel::article(int64_t id) {
  auto rows = m_conn->exec(std::string(k_summary_columns) + "WHERE a.id = $1", {pg::integer(id)});
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<ArticleSummary>();
  return std::optional<ArticleSummary>(read_summary(*rows, 0));
}

Result<EventPage> PostgresReadModel::events(const EventQuery& query) {
  const size_t want = query.limit + 1;
  const size_t batch = query.site.empty() ? want : std::max(want, k_site_batch);
  int64_t before = query.before_seq.value_or(INT64_MAX);
  EventPage page;
  for (;;) {
    Params p;
    const std::string url_sql = "(SELECT a.url FROM article a WHERE a.id = e.article_id)";
    std::string sql(k_event_columns);
    sql += query.site.empty() ? ", '' FROM event e " : ", " + url_sql + " FROM event e ";
    sql += "WHERE e.id < " + p.add(pg::integer(before)) + "::bigint ";
    if (query.since) sql += "AND e.created_at >= " + p.add(pg::time(*query.since)) + "::bigint ";
    if (query.until) sql += "AND e.created_at < " + p.add(pg::time(*query.until)) + "::bigint ";
    if (query.article_id) sql += "AND e.article_id = " + p.add(pg::integer(*query.article_id)) + "::bigint ";
    if (!query.site.empty()) sql += "AND " + url_may_match(url_sql, p, query.site);
    if (!query.feed.empty())
      sql += "AND e.article_id IN (SELECT w.article_id FROM watch w WHERE w.source = " +
             p.add(pg::text("feed:" + query.feed)) + ") ";
    if (!query.classes.empty()) {
      // data.classes of the envelope, when it is an array (state events have none).
      const std::string classes = "(e.payload::json #> '{data,classes}')";
      sql += "AND EXISTS (SELECT 1 FROM json_array_elements_text(CASE WHEN json_typeof(" + classes +
             ") = 'array' THEN " + classes + " END) j(v) WHERE j.v IN (SELECT json_array_elements_text(" +
             p.add(pg::text(nlohmann::json(query.classes).dump())) + "::json))) ";
    }
    sql += "ORDER BY e.id DESC LIMIT " + p.add(pg::integer(static_cast<int64_t>(batch)));
    auto rows = m_conn->exec(sql, p.values());
    if (!rows) return rows.error();
    for (int i = 0; i < rows->size() && page.items.size() < want; ++i) {
      auto e = read_event(*rows, i);
      before = e.seq;
      if (site_matches(rows->text(i, 7), query.site)) page.items.push_back(std::move(e));
    }
    if (page.items.size() >= want || static_cast<size_t>(rows->size()) < batch) break;
  }
  if (page.items.size() > query.limit) {
    page.items.resize(query.limit);
    page.next = page.items.back().seq;
  }
  return page;
}

Result<std::optional<EventRecord>> PostgresReadModel::event(std::string_view event_id) {
  auto rows = m_conn->exec(std::string(k_event_columns) + " FROM event e WHERE e.event_id = $1", {pg::text(event_id)});
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<EventRecord>();
  return std::optional<EventRecord>(read_event(*rows, 0));
}

Result<StoreGauges> PostgresReadModel::gauges() {
  // One statement, one snapshot: the numbers agree with each other.
  auto rows = m_conn->exec(
      "SELECT name, sum(value)::bigint FROM gauge_count WHERE name IN ('outbox:pending', 'outbox:dead', "
      "'articles:active', 'articles:deleted', 'articles:redirected') GROUP BY name "
      "UNION ALL SELECT 'oldest_pending', (SELECT created_at FROM outbox WHERE state = 'pending' ORDER BY id LIMIT 1) "
      "UNION ALL SELECT 'events', (SELECT coalesce(max(id), 0) FROM event) "
      "UNION ALL SELECT 'bytes', (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c "
      "WHERE c.relkind IN ('r', 'm') AND c.relnamespace = (SELECT n.oid FROM pg_namespace n "
      "WHERE n.nspname = current_schema()))");
  if (!rows) return rows.error();
  StoreGauges g;
  for (const std::string state : {"active", "deleted", "redirected"}) g.articles_by_state[state] = 0;
  for (int i = 0; i < rows->size(); ++i) {
    const std::string name = rows->text(i, 0);
    const int64_t value = rows->integer(i, 1);
    g.set(name, value, rows->is_null(i, 1));
  }
  return g;
}

Result<WatchPage> PostgresReadModel::watches(const WatchQuery& query) {
  auto rows = m_conn->exec(
      "SELECT w.url, w.article_id, a.key, w.every, w.source, w.added_at, a.state, "
      "a.versions, a.first_seen, a.published, a.last_changed, "
      "c.last_checked, c.next_check, a.last_error "
      "FROM watch w JOIN article a ON a.id = w.article_id LEFT JOIN article_check c ON c.article_id = a.id "
      "WHERE w.url > $1 ORDER BY w.url LIMIT $2",
      {pg::text(query.after.value_or("")), pg::integer(static_cast<int64_t>(query.limit) + 1)});
  if (!rows) return rows.error();
  WatchPage page;
  for (int i = 0; i < rows->size(); ++i) {
    WatchSummary w;
    w.url = rows->text(i, 0);
    w.article_id = rows->integer(i, 1);
    w.key = rows->text(i, 2);
    if (!rows->is_null(i, 3)) w.every = Duration(rows->integer(i, 3));
    w.source = rows->text(i, 4);
    w.added_at = rows->time(i, 5);
    w.state = rows->text(i, 6);
    w.versions = rows->integer(i, 7);
    w.first_seen = rows->time(i, 8);
    w.published = rows->optional_time(i, 9);
    if (w.versions > 1) w.last_change = rows->optional_time(i, 10);
    w.last_checked = rows->optional_time(i, 11);
    w.next_check = rows->optional_time(i, 12);
    w.last_error = rows->text(i, 13);
    page.items.push_back(std::move(w));
  }
  if (page.items.size() > query.limit) {
    page.items.resize(query.limit);
    page.next = page.items.back().url;
  }
  return page;
}

}  // namespace redline
