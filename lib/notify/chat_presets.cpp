#include "notify/chat_presets.hpp"

#include <nlohmann/json.hpp>

#include "notify/chat_text.hpp"
#include "notify/diff_markup.hpp"
#include "util/html.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string versions_text(const Event& e) {
  std::string out = "versions ";
  out += e.old_version ? std::to_string(e.old_version->number) : "–";
  out += " → ";
  out += e.new_version ? std::to_string(e.new_version->number) : "–";
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

// Teams' TextBlock Markdown has bold and italic but no strike-through: removals keep the diff's markers.
MarkupStyle teams_style() { return MarkupStyle{"[-", "-]", "**", "**", "\n\n", escape_markdown}; }
// Matrix's HTML subset has <del> and <strong> but no <ins>.
MarkupStyle matrix_html_style() {
  MarkupStyle s = html_style();
  s.added_open = "<strong>";
  s.added_close = "</strong>";
  return s;
}

HttpRequest json_request(std::string url, std::string body, std::string method = "POST") {
  HttpRequest r;
  r.url = std::move(url);
  r.method = std::move(method);
  r.body = std::move(body);
  r.headers.emplace_back("content-type", "application/json");
  return r;
}

}  // namespace

std::string slack_body(const Event& e) {
  const std::string headline = headline_line(e);
  std::string section = "*" + escape_slack(summary_line(e)) + "*  <" + escape_slack(e.url) + "|Open article>";
  const std::string excerpt = diff_excerpt(e, slack_style());
  if (!excerpt.empty()) section += "\n\n" + excerpt;
  const json body = {
      {"text", truncate_code_points(summary_line(e) + ": " + headline, k_slack_section_max)},
      {"blocks",
       json::array({
           {{"type", "header"},
            {"text", {{"type", "plain_text"}, {"text", truncate_code_points(headline, k_slack_header_max)}}}},
           {{"type", "section"},
            {"text", {{"type", "mrkdwn"}, {"text", truncate_code_points(section, k_slack_section_max)}}}},
           {{"type", "context"},
            {"elements", json::array({{{"type", "mrkdwn"}, {"text", escape_slack(versions_text(e) + " · " + e.id)}}})}},
       })},
      {"unfurl_links", false},
  };
  return dump(body);
}

std::string discord_body(const Event& e) {
  const std::string content = "**" + escape_markdown(summary_line(e)) + "**: " + escape_markdown(headline_line(e));
  json embed = {
      {"title", truncate_code_points(headline_line(e), k_discord_title_max)},
      {"url", e.url},
      {"description", truncate_code_points(diff_excerpt(e, markdown_style()), k_discord_description_max)},
      {"fields", json::array({{{"name", "Classes"}, {"value", classes_text(e)}, {"inline", true}},
                              {{"name", "Versions"}, {"value", versions_text(e)}, {"inline", true}}})},
      {"footer", {{"text", e.id}}},
      {"timestamp", format_rfc3339(e.occurred_at)},
  };
  if (embed["description"].get<std::string>().empty()) embed.erase("description");
  const json body = {
      {"content", truncate_code_points(content, k_discord_content_max)},
      {"embeds", json::array({embed})},
      {"allowed_mentions", {{"parse", json::array()}}},  // article text never pings anyone
  };
  return dump(body);
}

std::string mattermost_body(const Event& e) {
  std::string text = "#### " + escape_markdown(headline_line(e)) + "\n**" + escape_markdown(summary_line(e)) +
                     "** · [Open article](" + e.url + ")";
  const std::string excerpt = diff_excerpt(e, markdown_style());
  if (!excerpt.empty()) text += "\n\n" + excerpt;
  return dump(json{{"text", truncate_code_points(text, 16000)}});
}

std::string teams_body(const Event& e) {
  json card_body = json::array({
      {{"type", "TextBlock"}, {"text", headline_line(e)}, {"weight", "Bolder"}, {"size", "Medium"}, {"wrap", true}},
      {{"type", "TextBlock"}, {"text", summary_line(e) + " · " + versions_text(e)}, {"isSubtle", true}, {"wrap", true}},
  });
  const std::string excerpt = diff_excerpt(e, teams_style());
  if (!excerpt.empty()) card_body.push_back({{"type", "TextBlock"}, {"text", excerpt}, {"wrap", true}});
  const json card = {
      {"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
      {"type", "AdaptiveCard"},
      {"version", "1.4"},
      {"body", std::move(card_body)},
      {"actions", json::array({{{"type", "Action.OpenUrl"}, {"title", "Open article"}, {"url", e.url}}})},
  };
  const json body = {
      {"type", "message"},
      {"attachments",
       json::array(
           {{{"contentType", "application/vnd.microsoft.card.adaptive"}, {"contentUrl", nullptr}, {"content", card}}})},
  };
  return dump(body);
}

std::string ntfy_body(const Event& e, std::string_view topic) {
  std::string message = escape_markdown(summary_line(e));
  const std::string excerpt = diff_excerpt(e, markdown_style());
  if (!excerpt.empty()) message += "\n\n" + excerpt;
  json tags = json::array({"newspaper"});
  for (const auto& c : e.classes) tags.push_back(c);
  const json body = {
      {"topic", topic},
      {"title", truncate_utf8(headline_line(e), 250)},
      {"message", truncate_utf8(message, 3800)},  // ntfy's default message limit is 4096 bytes
      {"tags", std::move(tags)},
      {"click", e.url},
      {"markdown", true},
  };
  return dump(body);
}

std::string matrix_body(const Event& e) {
  std::string plain = headline_line(e) + "\n" + summary_line(e) + "\n" + e.url;
  const std::string excerpt = diff_excerpt(e, plain_style());
  if (!excerpt.empty()) plain += "\n\n" + excerpt;
  std::string html = "<p><strong>" + escape_html(headline_line(e)) + "</strong></p>\n<p>" +
                     escape_html(summary_line(e)) + " · <a href=\"" + escape_html(e.url) + "\">Open article</a></p>\n" +
                     diff_excerpt(e, matrix_html_style());
  const json body = {
      {"msgtype", "m.text"},
      {"body", std::move(plain)},
      {"format", "org.matrix.custom.html"},
      {"formatted_body", std::move(html)},
  };
  return dump(body);
}

std::string matrix_send_url(std::string_view homeserver, std::string_view room, std::string_view txn_id) {
  std::string base(homeserver);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/_matrix/client/v3/rooms/" + percent_encode(room) + "/send/m.room.message/" + percent_encode(txn_id);
}

Result<HttpRequest> chat_request(const WebhookTarget& target, const Event& event) {
  switch (target.preset) {
    case WebhookPreset::standard:
      return make_error(Errc::invalid_input, "the standard preset is not a chat format");
    case WebhookPreset::slack:
      return json_request(target.url, slack_body(event));
    case WebhookPreset::discord:
      return json_request(target.url, discord_body(event));
    case WebhookPreset::mattermost:
      return json_request(target.url, mattermost_body(event));
    case WebhookPreset::teams:
      return json_request(target.url, teams_body(event));
    case WebhookPreset::ntfy: {
      // "https://ntfy.sh/topic" → publish JSON to "https://ntfy.sh/" with "topic": "topic".
      std::string url = target.url.substr(0, target.url.find_first_of("?#"));
      while (!url.empty() && url.back() == '/') url.pop_back();
      const size_t slash = url.rfind('/');
      const size_t authority = url.find("://");
      if (slash == std::string::npos || authority == std::string::npos || slash <= authority + 2)
        return make_error(Errc::invalid_input, "ntfy url must end in the topic, e.g. https://ntfy.sh/mytopic");
      HttpRequest r = json_request(url.substr(0, slash + 1), ntfy_body(event, url.substr(slash + 1)));
      if (!target.token.empty()) r.headers.emplace_back("authorization", "Bearer " + target.token);
      return r;
    }
    case WebhookPreset::matrix: {
      if (target.room.empty() || target.token.empty())
        return make_error(Errc::invalid_input, "matrix needs a room and an access token");
      HttpRequest r = json_request(matrix_send_url(target.url, target.room, event.id), matrix_body(event), "PUT");
      r.headers.emplace_back("authorization", "Bearer " + target.token);
      return r;
    }
  }
  return make_error(Errc::invalid_input, "unknown preset");
}

}  // namespace redline
