// api_bench_store STORE ARTICLES VERSIONS [WATCHES]: builds the store tests/bench/api-bench.sh serves.
//   ARTICLES articles of ~2 KB each, VERSIONS per article in all (the first, then changes that edit a
//   paragraph or the headline, compared by diff/ as the monitor would, with the webhook envelope of
//   each change recorded in the outbox, hence in the event table), through the Store API, 500
//   articles per transaction; their outbox rows are then marked delivered, so the daemon has nothing
//   to send. WATCHES (optional) run-time watches added with SQL in one transaction (articles with a
//   next check a year away, so the daemon plans them and fetches nothing).
// Prints the time taken and the first article's key.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "notify/event.hpp"
#include "store/sqlite_store.hpp"

using namespace redline;

namespace {

const char* const k_words[] = {"river", "council",  "minister", "flood",   "road",  "budget",    "election", "report",
                               "city",  "official", "police",   "weather", "court", "hospital",  "school",   "bridge",
                               "water", "energy",   "price",    "protest", "talks", "agreement", "vote",     "storm"};

std::string sentence(std::mt19937& rng, int words) {
  std::string s;
  for (int i = 0; i < words; ++i) {
    s += (i ? " " : "");
    s += k_words[rng() % std::size(k_words)];
  }
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s + ".";
}

Article make_article(std::mt19937& rng, int n) {
  Article a;
  a.headline = sentence(rng, 7);
  a.headline.pop_back();
  a.authors = {"Reporter " + std::to_string(n % 97)};
  a.language = "en";
  a.site_name = "Bench News";
  for (int p = 0; p < 8; ++p) a.blocks.push_back({BlockKind::paragraph, sentence(rng, 18) + " " + sentence(rng, 20)});
  return a;
}

int exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "api_bench_store: %s\n", err ? err : "?");
    sqlite3_free(err);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: api_bench_store STORE ARTICLES VERSIONS [WATCHES]\n");
    return 64;
  }
  const std::string path = argv[1];
  const int articles = std::stoi(argv[2]);
  const int versions = std::stoi(argv[3]);
  const long watches = argc > 4 ? std::stol(argv[4]) : 0;
  const auto started = std::chrono::steady_clock::now();
  const Timestamp t0 = from_epoch_ms(1'764'000'000'000);  // 2025-11-24

  if (articles > 0) {
    auto opened = SqliteStore::open(path, OpenMode::read_write);
    if (!opened) {
      std::fprintf(stderr, "api_bench_store: %s\n", opened.error().message.c_str());
      return 1;
    }
    auto& store = **opened;
    std::mt19937 rng(42);
    for (int base = 0; base < articles; base += 500) {
      if (!store.begin_group()) return 1;
      for (int n = base; n < std::min(articles, base + 500); ++n) {
        const std::string url = "https://news.bench.test/article-" + std::to_string(n);
        auto record = store.ensure_article("news.bench.test:" + std::to_string(n), url, t0);
        if (!record) return 1;
        Article content = make_article(rng, n);
        Article previous;
        int64_t previous_id = 0;
        for (int v = 0; v < versions; ++v) {
          NewVersion nv;
          nv.article_id = record->id;
          nv.captured_at = t0 + std::chrono::minutes(n) + std::chrono::hours(v);
          nv.url = url;
          if (v > 0) {
            previous = content;
            if (v % 2 == 1)
              content.blocks[static_cast<size_t>(rng() % content.blocks.size())].text = sentence(rng, 22);
            else
              content.headline = sentence(rng, 6) + " " + std::to_string(v);
          }
          nv.content = content;
          nv.fingerprint = std::to_string(n) + ":" + std::to_string(v);
          if (v > 0) {
            const Change change = compare(previous, content);
            Event event;
            event.id = make_event_id();
            event.occurred_at = nv.captured_at;
            event.article_key = record->key;
            event.url = url;
            event.old_version = EventVersion{v, nv.captured_at - std::chrono::hours(1), previous.headline};
            event.new_version = EventVersion{v + 1, nv.captured_at, content.headline};
            event.classes = change.classes;
            event.diff = render(change, previous, content, DiffFormat::text);
            nv.change = ChangeRecord{0, 0, previous_id, 0, change.classes, "{}"};
            OutboxEntry row;
            row.event_id = event.id;
            row.notifier = "newsroom";
            row.payload = render_event(event);
            nv.outbox.push_back(std::move(row));
          }
          auto id = store.add_version(nv);
          if (!id) {
            std::fprintf(stderr, "api_bench_store: %s\n", id.error().message.c_str());
            return 1;
          }
          previous_id = *id;
        }
      }
      if (!store.commit_group()) return 1;
    }
  }

  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 1;
  sqlite3_busy_timeout(db, 10000);
  const std::string now = std::to_string(to_epoch_ms(t0));
  const std::string later = std::to_string(to_epoch_ms(t0) + 400LL * 86'400'000);
  int rc = exec(db, "UPDATE outbox SET state = 'delivered', delivered_at = " + now + " WHERE state = 'pending'");
  if (watches > 0) {
    const std::string w = std::to_string(watches);
    rc = rc || exec(db, "BEGIN");
    rc = rc || exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + w +
                            ") INSERT INTO article (key, url, first_seen) SELECT 'watch.bench.test:' || i, "
                            "'https://watch.bench.test/w-' || i, " +
                            now + " FROM n");
    rc = rc || exec(db,
                    "INSERT INTO article_url (url, article_id, first_seen) SELECT url, id, first_seen FROM article "
                    "WHERE key >= 'watch.bench.test:' AND key < 'watch.bench.test;'");
    rc = rc || exec(db, "INSERT INTO article_check (article_id, last_checked, next_check) SELECT id, " + now + ", " +
                            later + " FROM article WHERE key >= 'watch.bench.test:' AND key < 'watch.bench.test;'");
    rc = rc || exec(db, "INSERT INTO watch (url, article_id, every, source, added_at) SELECT url, id, " +
                            std::to_string(400LL * 86'400'000) + ", 'cli', " + now +
                            " FROM article WHERE key >= 'watch.bench.test:' AND key < 'watch.bench.test;'");
    rc = rc || exec(db, "UPDATE counter SET value = value + 1 WHERE name = 'watches'");
    rc = rc || exec(db, "COMMIT");
  }
  sqlite3_close(db);
  if (rc) return 1;
  std::printf("store %s: %d articles, %d versions, %ld watches in %.1f s; first key news.bench.test:0\n", path.c_str(),
              articles, articles * versions, watches,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return 0;
}
