// The web review desk's routes (lib/web, docs/web.md) on the API's router, with the API's access rules.
#include "api/api_state.hpp"
#include "util/crypto.hpp"
#include "web/desk.hpp"

namespace redline::api {

void ApiService::State::add_web_routes() {
  if (csrf_key.empty()) csrf_key = random_bytes(32);
  using Page = web::WebResponse (*)(web::WebSources&, const web::WebRequest&);
  auto page = [this](Page render) {
    return [this, render](const RouteRequest& r) {
      web::Session session;
      if (auto denied = authorize_page(r, session)) return *denied;
      const web::WebRequest request = desk_request(r, std::move(session));
      if (auto failed = open_readers()) return *failed;
      web::WebSources sources{*reader, *model, *config};
      if (!options.read_only && metrics) sources.feeds = metrics->feeds();
      return from_page(web::finish(render(sources, request), request));
    };
  };
  router.add("GET", "/", page(web::timeline_page));
  router.add("GET", "/a/{key}", page(web::article_page));
  router.add("GET", "/a/{key}/diff", page(web::diff_page));
  router.add("GET", "/a/{key}/v/{n}", page(web::version_page));
  router.add("GET", "/watches", page(web::watches_page));
  router.add("GET", "/static/{name}", [](const RouteRequest& r) {
    const web::WebRequest request{r.params, r.query, r.request.header("accept-encoding"), {}, {}};
    return from_page(web::static_asset(request, r.params.at("name")));
  });
  add_desk_routes();
}

}  // namespace redline::api
