// Inside ApiService: what the handlers share. Used only on the server's thread (the connections are
// opened there on first use). Not part of the module's interface.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "api/api_service.hpp"
#include "store/sqlite_read_model.hpp"
#include "store/sqlite_store.hpp"

namespace redline::api {

struct StatusCache;     // api_status.cpp
struct AtomEntryCache;  // api_atom.cpp

enum class Access { read, write, feed };  // feed: read, and ?token= is accepted too

struct ApiService::State {
  std::shared_ptr<const Config> config;
  const Clock* clock = nullptr;
  Metrics* metrics = nullptr;
  ApiOptions options;
  bool loopback = true;
  std::string base_url;
  Router router;

  std::unique_ptr<SqliteStore> reader;     // read-only Store (versions, outbox, watches)
  std::unique_ptr<SqliteReadModel> model;  // pages, search, events, gauges
  std::unique_ptr<SqliteStore> writer;     // opened on the first write
  // /api/v1/status's snapshot (api_status.cpp).
  std::shared_ptr<StatusCache> status_cache;
  // Rendered Atom entries by event id (api_atom.cpp).
  std::shared_ptr<AtomEntryCache> atom_cache;

  // Opens the read connections on first use; a problem response when the store cannot be opened.
  std::optional<Response> open_readers();
  std::optional<Response> open_writer();
  // nullopt when the request may proceed; else 401/403.
  std::optional<Response> authorize(const RouteRequest& r, Access access) const;

  void add_routes();
  Response status(const RouteRequest& r);  // GET /api/v1/status
  void add_json_routes();
  void add_write_routes();
  void add_feed_routes();
  void add_web_routes();  // the web desk (lib/web)

  // Common answers.
  static Response reply(const nlohmann::json& body, int status = 200);
  // Adds an ETag (of the body) and answers 304 when If-None-Match has it.
  static Response conditional(const RouteRequest& r, Response response);
  static Response store_error(const Error& error);
  // `limit` (1..max, default `fallback`) or a 400 problem.
  static std::optional<Response> read_limit(const RouteRequest& r, size_t fallback, size_t max, size_t& out);

  // The article for a path's {key}: by key or any URL recorded for it.
  Result<std::optional<ArticleRecord>> find_article(const std::string& key);
};

}  // namespace redline::api
