// read_model_bench URL ARTICLES VERSIONS: PostgresReadModel's queries on a generated store.
//   Fills an empty PostgreSQL database (URL: a libpq URI; its current schema must be empty) with
//   ARTICLES articles on 100 sites and VERSIONS versions each (one outbox row per version, so the
//   migration-6 triggers write one event each and keep the counts), written with SQL in one
//   statement per table; then times each query of the API's read model (median of 20 runs) and
//   prints one line per query: name, rows, milliseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "store/pg_connection.hpp"
#include "store/postgres_store.hpp"
#include "store/store_target.hpp"

using namespace redline;

namespace {

double median_ms(const std::function<size_t()>& run, size_t& rows) {
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    rows = run();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: read_model_bench URL ARTICLES VERSIONS\n");
    return 2;
  }
  const std::string url = argv[1];
  const long articles = std::stol(argv[2]);
  const long versions = std::stol(argv[3]);
  {
    auto store = PostgresStore::open(url, OpenMode::read_write);  // migrates
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().message.c_str());
      return 1;
    }
  }
  auto conn = pg::Connection::open(url, "read_model_bench");
  if (!conn) return 1;
  const auto fill_start = std::chrono::steady_clock::now();
  const std::string n = std::to_string(articles);
  const std::string v = std::to_string(versions);
  const std::string fill =
      "INSERT INTO article (id, key, url, first_seen, last_changed, state) SELECT i, 'k' || i, "
      "'https://www.site' || (i % 100) || '.example/news/' || i, 0, (i * 7919) % 1000000, "
      "CASE WHEN i % 50 = 0 THEN 'deleted' ELSE 'active' END FROM generate_series(1, " +
      n +
      ") i;"
      "INSERT INTO version (article_id, captured_at, url, headline, byline, canonical_url, language, site_name, "
      "blocks, fingerprint) SELECT a, r, 'u', 'Headline ' || a || ' revision ' || r || CASE WHEN a % 1000 = 0 "
      "THEN ' 北京暴雨' ELSE ' river council budget' END, '', '', 'en', '', '[]', 'f' || a || '-' || r "
      "FROM generate_series(1, " +
      n + ") a, generate_series(1, " + v +
      ") r;"
      "INSERT INTO outbox (event_id, article_id, version_id, notifier, payload, state, created_at, next_attempt) "
      "SELECT 'evt-' || id, article_id, id, 'hook', json_build_object('type', 'article.changed', 'data', "
      "json_build_object('classes', json_build_array(CASE WHEN id % 10 = 0 THEN 'headline' ELSE 'body' END)))::text, "
      "CASE WHEN id % 100 = 0 THEN 'pending' ELSE 'delivered' END, captured_at, captured_at FROM version;"
      "ANALYZE";
  if (auto s = (*conn)->exec_script(fill); !s) {
    std::fprintf(stderr, "fill: %s\n", s.error().message.c_str());
    return 1;
  }
  std::printf("filled %ld articles, %ld versions and events in %.1f s\n", articles, articles * versions,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count());

  auto model = open_read_model(StoreTarget{"", url, "bench"});
  if (!model) {
    std::fprintf(stderr, "%s\n", model.error().message.c_str());
    return 1;
  }
  ReadModel& m = **model;
  const auto rows_of = [](const auto& r) -> size_t {
    if (r) return r->items.size();
    std::fprintf(stderr, "%s\n", r.error().message.c_str());
    return 0;
  };
  const auto page = [&](ArticleQuery q) { return [&m, q, rows_of] { return rows_of(m.articles(q)); }; };
  const auto events = [&](EventQuery q) { return [&m, q, rows_of] { return rows_of(m.events(q)); }; };
  ArticleQuery deep;
  deep.after = ArticleCursor{500000, 0};
  ArticleQuery site;
  site.site = "site7.example";
  ArticleQuery hit;
  hit.search = "北京暴雨";
  ArticleQuery miss;
  miss.search = "earthquake";
  EventQuery classes;
  classes.classes = {"headline"};
  EventQuery event_site;
  event_site.site = "www.site42.example";
  EventQuery one_article;
  one_article.article_id = articles / 2;
  const std::vector<std::pair<std::string, std::function<size_t()>>> queries = {
      {"gauges", [&m] { return m.gauges()->articles_by_state.size(); }},
      {"articles first page", page({})},
      {"articles page mid-way (cursor)", page(deep)},
      {"articles ?site=", page(site)},
      {"articles ?q= (1 in 1000)", page(hit)},
      {"articles ?q= (no match)", page(miss)},
      {"events first page", events({})},
      {"events ?classes=headline", events(classes)},
      {"events ?site=", events(event_site)},
      {"events of one article", events(one_article)},
      {"event by id", [&m] { return m.event("evt-1")->has_value() ? size_t{1} : size_t{0}; }},
  };
  for (const auto& [name, run] : queries) {
    size_t rows = 0;
    const double ms = median_ms(run, rows);
    std::printf("%-32s %4zu rows  %9.2f ms\n", name.c_str(), rows, ms);
  }
  return 0;
}
