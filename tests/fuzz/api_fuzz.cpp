// libFuzzer target: requests to the API (lib/api): the router (path segments, %-escapes, {params} with
// suffixes, 404/405), the query-string parser, and every handler's parameters (limit, cursor, since,
// until, classes, site, state, q, format, from/to, version numbers, JSON bodies of writes), answered by
// the real ApiService over a small real store (one article with two versions). Every answer must be a
// valid HTTP status; JSON answers must parse.
//
// Input: METHOD \0 TARGET \0 HEADERS ("name: value" lines) \0 BODY. Without NULs: the whole input is
// the target of a GET.
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>

#include "api/api_service.hpp"
#include "api/router.hpp"
#include "config/config.hpp"
#include "fuzz/fuzz_input.hpp"
#include "store/sqlite_store.hpp"

namespace {

using namespace redline;

const std::string k_write_token(40, 'w');

std::filesystem::path make_store() {
  const auto dir = std::filesystem::temp_directory_path() / ("redline-api-fuzz-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "redline.db";
  std::filesystem::remove(path);
  auto store = SqliteStore::open(path, OpenMode::read_write);
  if (!store) std::abort();
  const Timestamp t0 = from_epoch_ms(1'760'000'000'000);
  auto article = (*store)->ensure_article("example.com:1", "https://example.com/a-1", t0);
  if (!article) std::abort();
  NewVersion v;
  v.article_id = article->id;
  v.captured_at = t0;
  v.url = "https://example.com/a-1";
  v.content.headline = "Floods close the road";
  v.content.authors = {"Ann Reporter"};
  v.content.blocks = {{BlockKind::paragraph, "Heavy rain flooded the road."}};
  v.fingerprint = "f1";
  auto first = (*store)->add_version(v);
  if (!first) std::abort();
  v.captured_at = t0 + std::chrono::hours(1);
  v.content.headline = "Floods shut the road";
  v.fingerprint = "f2";
  v.change = ChangeRecord{0, 0, *first, 0, {"headline"}, "{}"};
  if (!(*store)->add_version(v)) std::abort();
  return path;
}

struct Fixture {
  Fixture()
      : config(std::make_shared<const Config>(parse_config("[store]\npath = \"" + make_store().string() +
                                                               "\"\n[api]\nlisten = \"127.0.0.1:0\"\n"
                                                               "[[api.token]]\nname = \"w\"\ntoken = \"" +
                                                               k_write_token + "\"\nscope = \"write\"\n",
                                                           "/fuzz/redline.toml", ConfigEnvironment{}))),
        metrics("fuzz"),
        service(config, clock, metrics) {}
  std::shared_ptr<const Config> config;
  SystemClock clock;
  api::Metrics metrics;
  api::ApiService service;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  const std::string_view in = fuzz::as_text(data, size);
  api::Request request;
  if (in.find('\0') == std::string_view::npos) {
    request.method = "GET";
    request.target = std::string(in);
  } else {
    const auto [method, rest] = fuzz::split2(in);
    const auto [target, rest2] = fuzz::split2(rest);
    const auto [headers, body] = fuzz::split2(rest2);
    request.method = std::string(method);
    request.target = std::string(target);
    request.body = std::string(body);
    size_t start = 0;
    while (start < headers.size()) {
      size_t end = headers.find('\n', start);
      if (end == std::string_view::npos) end = headers.size();
      const std::string_view line = headers.substr(start, end - start);
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string value(line.substr(colon + 1));
        if (value == " $WRITE") value = " Bearer " + k_write_token;  // seeds reach the write handlers
        request.headers.emplace_back(std::string(line.substr(0, colon)), value.substr(value.empty() ? 0 : 1));
      }
      start = end + 1;
    }
  }
  // The routing helpers on their own, too.
  (void)api::parse_query(request.target);
  if (auto decoded = api::percent_decode(request.target, false))
    if (api::percent_decode(redline::percent_encode(*decoded), false) != *decoded) std::abort();

  const api::Response response = fixture.service.handle(request);
  if (response.status < 200 || response.status > 599) std::abort();
  const bool json_body =
      response.content_type == "application/json" || response.content_type == "application/problem+json";
  if (json_body && !response.body.empty() && !nlohmann::json::accept(response.body)) std::abort();
  return 0;
}
