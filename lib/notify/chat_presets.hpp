// Chat presets: one event formatted for Slack, Discord, Mattermost, Microsoft Teams, ntfy or Matrix.
// Each message carries the headline (old → new when it changed), a summary with the change classes, a
// short excerpt of the word diff in the service's markup, and a link to the article.
//
//   slack       POST {"text", "blocks": [header, section (mrkdwn), context]}   (incoming webhook)
//   discord     POST {"content" ≤ 2000, "embeds": [{"title" ≤ 256, "url", "description" ≤ 4096, …}],
//               "allowed_mentions": {"parse": []}}   (lengths in characters; total embed text ≤ 6000)
//   mattermost  POST {"text": Markdown}   (incoming webhook)
//   teams       POST {"type": "message", "attachments": [{"contentType":
//               "application/vnd.microsoft.card.adaptive", "content": AdaptiveCard 1.4}]}   (workflow webhook)
//   ntfy        POST JSON publish {"topic", "title", "message", "tags", "click", "markdown": true} to the
//               server root, the topic being the URL's last path segment; optional Bearer token
//   matrix      PUT {homeserver}/_matrix/client/v3/rooms/{room}/send/m.room.message/{event id}
//               {"msgtype": "m.text", "body", "format": "org.matrix.custom.html", "formatted_body"};
//               Bearer token; the event id as transaction id makes a retry idempotent
// Every text is cut at UTF-8 boundaries to stay within the service's limits.
//
// Pure functions; thread-safe.
#pragma once

#include "core/result.hpp"
#include "http/http_client.hpp"
#include "notify/event.hpp"
#include "notify/notifier_target.hpp"

namespace redline {

// Discord's documented limits (characters).
inline constexpr size_t k_discord_content_max = 2000;
inline constexpr size_t k_discord_title_max = 256;
inline constexpr size_t k_discord_description_max = 4096;
inline constexpr size_t k_discord_embed_total_max = 6000;
// Slack: header text ≤ 150 characters, section text ≤ 3000.
inline constexpr size_t k_slack_header_max = 150;
inline constexpr size_t k_slack_section_max = 3000;

// The request (method, URL, Content-Type and Authorization headers, body) for a chat preset; the
// caller adds timeouts and the user agent. Errc::invalid_input for WebhookPreset::standard or a target
// the preset cannot use (matrix without room or token, ntfy URL without a topic).
Result<HttpRequest> chat_request(const WebhookTarget& target, const Event& event);

// The individual bodies, for tests and docs.
std::string slack_body(const Event& event);
std::string discord_body(const Event& event);
std::string mattermost_body(const Event& event);
std::string teams_body(const Event& event);
std::string ntfy_body(const Event& event, std::string_view topic);
std::string matrix_body(const Event& event);

// "https://hs.example/_matrix/client/v3/rooms/%21abc%3Aexample.org/send/m.room.message/evt_…".
std::string matrix_send_url(std::string_view homeserver, std::string_view room, std::string_view txn_id);

}  // namespace redline
