// `redline check URL`: checks one watched article now, in this process, and says what happened
// (a new version, no change, or why the check failed). The daemon may run at the same time; it keeps
// its own schedule.
#include <boost/asio/io_context.hpp>

#include <iostream>

#include "app/http_options.hpp"
#include "cli/watch_commands.hpp"
#include "core/clock.hpp"
#include "core/exit_code.hpp"
#include "monitor/check_pipeline.hpp"
#include "monitor/identity.hpp"
#include "util/url.hpp"

namespace redline::cli {

namespace {

std::string describe(const CheckOutcome& outcome) {
  using Kind = CheckOutcome::Kind;
  switch (outcome.kind) {
    case Kind::failed:
      return "check failed: " + outcome.detail;
    case Kind::not_modified:
      return "not modified (" + outcome.detail + ")";
    case Kind::unchanged:
      return outcome.detail.empty() ? "no change" : "no change (" + outcome.detail + ")";
    case Kind::first_version:
      return "first version stored";
    case Kind::changed: {
      std::string classes;
      for (const auto& c : outcome.classes) classes += (classes.empty() ? "" : ", ") + c;
      return "changed [" + classes + "]: a new version and its notifications were stored";
    }
    case Kind::deleted:
      return "deleted (" + outcome.detail + " twice in a row)";
    case Kind::redirected:
      return "redirected to another article: " + outcome.detail;
  }
  return "?";
}

}  // namespace

void add_check_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("check", "check a watched article now and store what changed");
  add_config_option(*cmd, ctx);
  auto url = std::make_shared<std::string>();
  cmd->add_option("url", *url, "a watched URL")->required();
  cmd->callback([&ctx, url] {
    ctx.run = [&ctx, url]() -> int {
      const auto loaded = load_cli_config(ctx);
      if (!loaded) return k_exit_config;
      const auto config = std::make_shared<const Config>(*loaded);
      int status = k_exit_ok;
      auto store = open_store_for_writing(*config, status);
      if (!store) return status;
      auto article = store->find_article(*url);
      if (!article) return fail(exit_code_for(article.error().code), article.error().message);
      if (!*article && config_watch(*config, *url)) {
        // Watched in the configuration but never checked by the daemon yet.
        auto created = store->ensure_article(article_key(*config, *url), *url, SystemClock().now());
        if (!created) return fail(exit_code_for(created.error().code), created.error().message);
        *article = *created;
      }
      if (!*article) return fail(k_exit_usage, *url + " is not watched; add it with `redline add " + *url + "`");
      // The argument may be the article's key ("dw.com:62043662"): then its URL is fetched.
      const auto given = check_http_url(*url);
      const std::string fetch_url = given ? *given : (*article)->url;

      boost::asio::io_context io;
      CurlClient http(io, app::curl_options(*config));
      SystemClock clock;
      CheckPipeline pipeline(config, *store, clock);
      std::optional<Result<CheckOutcome>> outcome;
      http.fetch(pipeline.request_for(**article, fetch_url), [&](HttpResponse response) {
        outcome = pipeline.process(**article, response, (*article)->next_check);
      });
      io.run();
      if (!outcome) return fail(k_exit_io, "the check did not complete");
      if (!*outcome) return fail(exit_code_for(outcome->error().code), outcome->error().message);
      std::cout << fetch_url << ": " << ((*outcome)->restored ? "restored; " : "") << describe(**outcome) << "\n";
      return (*outcome)->kind == CheckOutcome::Kind::failed ? k_exit_unavailable : k_exit_ok;
    };
  });
}

}  // namespace redline::cli
