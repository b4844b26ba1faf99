// store_bench: how fast the stores write versions and work through their outbox.
//
//   store_bench [--versions N] [--batch B] [--dir DIR] [--sync off|normal|full] [--deliveries N]
//               [--postgres URL]
//
// Each SQLite run uses a fresh file in DIR (default: a temp dir, removed afterwards). With
// --postgres the same measurements run on PostgreSQL too (each in a fresh schema of that database,
// dropped afterwards), with synchronous_commit off and on in place of SQLite's synchronous settings;
// the server's fsync setting is printed (the test cluster of scripts/pg-test-cluster.sh runs without
// fsync: measure on a real server's settings, docs/performance.md). A version is a
// realistic article (headline, 2 authors, 20 paragraphs of ~400 bytes, ~20 kB raw HTML), its change
// and 2 outbox rows. Prints one line per measurement; the figures are in docs/storage.md and
// docs/performance.md. The last line is end to end: outbox rows delivered per second by the real
// Dispatcher over the real CurlClient to a local receiver (LocalHttpServer answering 204 at once).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/clock.hpp"
#include "http/curl_client.hpp"
#include "notify/dispatcher.hpp"
#include "store/pg_connection.hpp"
#include "store/postgres_store.hpp"
#include "store/sqlite_store.hpp"
#include "support/local_http_server.hpp"

namespace {

using namespace redline;
using Clock = std::chrono::steady_clock;

struct Args {
  int versions = 2000;
  int batch = 50;
  std::filesystem::path dir;
  std::string sync;  // only this synchronous setting; empty = off, normal and full
  int deliveries = 2000;
  std::string postgres;  // a libpq URI; empty: SQLite only
};

// A fresh, empty store named `name` (one measurement each), and the setting it runs with.
struct Backend {
  std::string label;  // "sqlite synchronous=normal", "postgres synchronous_commit=on"
  std::function<std::unique_ptr<Store>(const std::string& name)> fresh;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "store_bench: %s\n", what.c_str());
  std::exit(1);
}

NewVersion make_version(int64_t article, int i, int64_t previous) {
  NewVersion v;
  v.article_id = article;
  v.captured_at = from_epoch_ms(1'700'000'000'000 + i * 1000LL);
  v.url = "https://news.example.com/2024/06/01/story-" + std::to_string(article);
  v.content.headline = "Minister resigns after report on spending, version " + std::to_string(i);
  v.content.authors = {"Jane Doe", "李华"};
  v.content.published = from_epoch_ms(1'699'999'000'000);
  v.content.modified = v.captured_at;
  v.content.language = "en";
  v.content.site_name = "Example News";
  for (int p = 0; p < 20; ++p) {
    std::string text = "Paragraph " + std::to_string(p) + " of revision " + std::to_string(i) + ": ";
    while (text.size() < 400) text += "the quick brown fox jumps over the lazy dog ";
    v.content.blocks.push_back(Block{BlockKind::paragraph, text});
  }
  v.fingerprint = "fp" + std::to_string(i);
  v.raw = "<html><head><title>x</title></head><body>";
  for (const auto& b : v.content.blocks) v.raw += "<p class=\"story-body__text\">" + b.text + "</p>\n" + b.text;
  v.raw += std::to_string(i) + "</body></html>";
  if (previous != 0) {
    ChangeRecord c;
    c.from_version = previous;
    c.classes = {"body"};
    c.stats_json = R"({"paragraphs_changed":1,"words_added":3,"words_removed":2})";
    v.change = c;
  }
  for (const char* notifier : {"newsroom", "difflog"}) {
    OutboxEntry e;
    e.event_id = "evt-" + std::to_string(article) + "-" + std::to_string(i);
    e.notifier = notifier;
    e.payload = std::string(R"({"type":"article.changed","headline":")") + v.content.headline + "\"}";
    v.outbox.push_back(std::move(e));
  }
  return v;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

Backend sqlite_backend(const std::filesystem::path& dir, Synchronous sync, const char* sync_name) {
  return {std::string("sqlite   synchronous=") + sync_name, [dir, sync, sync_name](const std::string& name) {
            const auto path = dir / (name + "-" + sync_name + ".db");
            for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
            auto store = SqliteStore::open(path, OpenMode::read_write, SqliteOptions{.synchronous = sync});
            if (!store) die(store.error().message);
            return std::unique_ptr<Store>(std::move(*store));
          }};
}

// Each measurement in a schema of its own (dropped first), the session's synchronous_commit as given.
Backend postgres_backend(const std::string& server, pg::Connection& admin, const char* commit) {
  return {std::string("postgres synchronous_commit=") + commit, [server, &admin, commit](const std::string& name) {
            const std::string schema = "store_bench_" + name;
            if (auto s = admin.exec_script("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema); !s)
              die(s.error().message);
            const std::string url = server + (server.find('?') == std::string::npos ? "?" : "&") +
                                    "options=-csearch_path%3D" + schema + "%20-csynchronous_commit%3D" + commit;
            auto store = PostgresStore::open(url, OpenMode::read_write);
            if (!store) die(store.error().message);
            return std::unique_ptr<Store>(std::move(*store));
          }};
}

// Versions spread over 50 articles, each with its change from the article's previous version.
void bench_versions(const Args& args, const Backend& backend, int batch) {
  auto store = backend.fresh("versions");
  std::vector<int64_t> articles, previous;
  for (int a = 0; a < 50; ++a) {
    auto r = store->ensure_article("bench:" + std::to_string(a), "https://news.example.com/" + std::to_string(a),
                                   from_epoch_ms(0));
    if (!r) die(r.error().message);
    articles.push_back(r->id);
    previous.push_back(0);
  }
  const auto start = Clock::now();
  int written = 0;
  while (written < args.versions) {
    std::vector<NewVersion> group;
    std::vector<size_t> slots;
    for (int k = 0; k < batch && written + k < args.versions; ++k) {
      const size_t slot = static_cast<size_t>(written + k) % articles.size();
      if (std::find(slots.begin(), slots.end(), slot) != slots.end()) break;  // one per article per batch
      group.push_back(make_version(articles[slot], written + k, previous[slot]));
      slots.push_back(slot);
    }
    if (batch == 1) {
      auto id = store->add_version(group.front());
      if (!id) die(id.error().message);
      previous[slots.front()] = *id;
    } else {
      auto ids = store->add_versions(group);
      if (!ids) die(ids.error().message);
      for (size_t k = 0; k < slots.size(); ++k) previous[slots[k]] = (*ids)[k];
    }
    written += static_cast<int>(group.size());
  }
  const double secs = seconds_since(start);
  std::printf("add_version    %-32s batch=%-3d %6d versions in %7.3f s = %8.0f versions/s\n", backend.label.c_str(),
              batch, written, secs, written / secs);
}

// Marks every pending row delivered, one autocommit transaction per row, walking due_outbox().
void bench_outbox(const Args& args, const Backend& backend) {
  auto store = backend.fresh("outbox");
  std::vector<int64_t> articles;
  for (int a = 0; a < 50; ++a)
    articles.push_back(
        store->ensure_article("bench:" + std::to_string(a), "u" + std::to_string(a), from_epoch_ms(0))->id);
  std::vector<NewVersion> all;
  for (int i = 0; i < args.versions; ++i) all.push_back(make_version(articles[static_cast<size_t>(i) % 50], i, 0));
  for (size_t i = 0; i < all.size(); i += 50) {
    auto ids = store->add_versions(std::span(all).subspan(i, std::min<size_t>(50, all.size() - i)));
    if (!ids) die(ids.error().message);
  }
  const auto now = from_epoch_ms(1'800'000'000'000);
  int marked = 0;
  double query_secs = 0;
  int queries = 0;
  const auto start = Clock::now();
  for (;;) {
    const auto q = Clock::now();
    auto due = store->due_outbox(now, 100);
    query_secs += seconds_since(q);
    ++queries;
    if (!due) die(due.error().message);
    if (due->empty()) break;
    for (const auto& e : *due) {
      if (auto s = store->mark_delivered(e.id, now); !s) die(s.error().message);
      ++marked;
    }
  }
  const double secs = seconds_since(start);
  // The query the dispatcher runs on every wake-up, once the outbox is mostly history.
  for (int i = 0; i < 100; ++i) {
    auto id = store->add_version(make_version(articles[static_cast<size_t>(i) % 50], args.versions + i, 0));
    if (!id) die(id.error().message);
  }
  const auto q = Clock::now();
  size_t found = 0;
  for (int i = 0; i < 100; ++i) found += store->due_outbox(now, 100)->size();
  const double due_ms = 1000 * seconds_since(q) / 100;
  std::printf(
      "mark_delivered %-32s %6d rows in %7.3f s = %8.0f rows/s (incl. %d due_outbox(100) queries, "
      "%.2f ms each)\n",
      backend.label.c_str(), marked, secs, marked / secs, queries, 1000 * query_secs / queries);
  std::printf("due_outbox(100) with %d delivered + 200 pending rows: %.3f ms per call (%zu rows each)\n", marked,
              due_ms, found / 100);
}

// Outbox rows over 100 articles, delivered by the real Dispatcher (up to 8 requests in flight) and
// marked delivered in the store, round after round, until none is pending.
void bench_deliveries(const Args& args, const Backend& backend) {
  auto store = backend.fresh("deliveries");
  redline::testing::LocalHttpServer server;
  server.route("/hook",
               [](const redline::testing::ServerRequest&) { return redline::testing::ServerResponse::text(204, ""); });
  server.start();
  std::vector<int64_t> articles;
  for (int a = 0; a < 100; ++a)
    articles.push_back(
        store->ensure_article("bench:" + std::to_string(a), "u" + std::to_string(a), from_epoch_ms(0))->id);
  std::vector<NewVersion> all;
  for (int i = 0; i < args.deliveries; ++i) {
    NewVersion v = make_version(articles[static_cast<size_t>(i) % articles.size()], i, 0);
    v.raw.clear();
    v.outbox.resize(1);  // the webhook only
    v.outbox.front().notifier = "hook";
    all.push_back(std::move(v));
  }
  for (size_t i = 0; i < all.size(); i += 50) {
    auto ids = store->add_versions(std::span(all).subspan(i, std::min<size_t>(50, all.size() - i)));
    if (!ids) die(ids.error().message);
  }
  boost::asio::io_context io;
  CurlClient http{io};
  SystemClock clock;
  DispatcherOptions options;
  options.batch = 1000;
  auto dispatcher = Dispatcher::create(
      *store, http, clock, io.get_executor(),
      {{"hook",
        WebhookTarget{server.url("/hook"), {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, std::chrono::seconds(10)}}},
      options);
  if (!dispatcher) die(dispatcher.error().message);
  const auto start = Clock::now();
  for (;;) {
    auto pending = store->list_outbox(OutboxState::pending);
    if (!pending) die(pending.error().message);
    if (pending->empty()) break;
    bool finished = false;
    (*dispatcher)->run_once([&] { finished = true; });
    while (!finished) {
      io.restart();
      io.run_for(std::chrono::milliseconds(10));
    }
  }
  const double secs = seconds_since(start);
  const auto delivered = (*dispatcher)->stats().delivered;
  if (delivered != static_cast<uint64_t>(args.deliveries))
    die("delivered " + std::to_string(delivered) + " of " + std::to_string(args.deliveries));
  std::printf("deliveries     %-32s %6llu webhooks in %7.3f s = %8.0f deliveries/s (8 in flight, local receiver)\n",
              backend.label.c_str(), static_cast<unsigned long long>(delivered), secs,
              static_cast<double>(delivered) / secs);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--versions" && i + 1 < argc)
      args.versions = std::atoi(argv[++i]);
    else if (a == "--batch" && i + 1 < argc)
      args.batch = std::atoi(argv[++i]);
    else if (a == "--dir" && i + 1 < argc)
      args.dir = argv[++i];
    else if (a == "--sync" && i + 1 < argc)
      args.sync = argv[++i];
    else if (a == "--deliveries" && i + 1 < argc)
      args.deliveries = std::atoi(argv[++i]);
    else if (a == "--postgres" && i + 1 < argc)
      args.postgres = argv[++i];
    else
      die("usage: store_bench [--versions N] [--batch B] [--dir DIR] [--sync off|normal|full] [--deliveries N] "
          "[--postgres URL]");
  }
  if (args.versions <= 0 || args.batch <= 0 || args.batch > 50) die("--versions > 0, 1 <= --batch <= 50");
  bool own_dir = false;
  if (args.dir.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "redline-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) die("mkdtemp failed");
    args.dir = tmpl;
    own_dir = true;
  }
  std::filesystem::create_directories(args.dir);
  std::printf("store_bench: %d versions (20 paragraphs, ~20 kB raw, 1 change, 2 outbox rows each) in %s\n",
              args.versions, args.dir.c_str());

  std::vector<std::pair<Synchronous, const char*>> syncs = {
      {Synchronous::off, "off"}, {Synchronous::normal, "normal"}, {Synchronous::full, "full"}};
  if (!args.sync.empty()) {
    std::erase_if(syncs, [&](const auto& s) { return args.sync != s.second; });
    if (syncs.empty()) die("--sync must be off, normal or full");
  }
  std::vector<Backend> backends;
  for (const auto& [sync, name] : syncs) backends.push_back(sqlite_backend(args.dir, sync, name));
  std::unique_ptr<pg::Connection> admin;
  if (!args.postgres.empty()) {
    auto conn = pg::Connection::open(args.postgres, "store_bench");
    if (!conn) die(conn.error().message);
    admin = std::move(*conn);
    auto fsync = admin->exec("SHOW fsync");
    if (!fsync) die(fsync.error().message);
    std::printf("postgres: server fsync=%s\n", fsync->text(0, 0).c_str());
    for (const char* commit : {"off", "on"}) backends.push_back(postgres_backend(args.postgres, *admin, commit));
  }
  for (const auto& b : backends) bench_versions(args, b, 1);
  for (const auto& b : backends) bench_versions(args, b, args.batch);
  for (const auto& b : backends) bench_outbox(args, b);
  if (args.deliveries > 0)
    for (const auto& b : backends) bench_deliveries(args, b);
  if (admin)
    for (const char* name : {"versions", "outbox", "deliveries"})
      (void)admin->exec_script(std::string("DROP SCHEMA IF EXISTS store_bench_") + name + " CASCADE");

  if (own_dir) std::filesystem::remove_all(args.dir);
  return 0;
}
