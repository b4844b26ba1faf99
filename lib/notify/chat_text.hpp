// The pieces every chat message and e-mail shares, from one Event: the headline line (old → new when
// it changed), a one-line summary of what happened, and a short excerpt of the word diff restyled for
// the target's markup (Slack mrkdwn, Markdown, HTML, plain text).
//
// Pure functions; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "notify/event.hpp"

namespace redline {

// How one markup language shows removed and added words, and escapes plain text.
struct MarkupStyle {
  std::string_view removed_open, removed_close;
  std::string_view added_open, added_close;
  std::string_view paragraph_separator = "\n\n";
  std::function<std::string(std::string_view)> escape;  // identity when empty

  std::string escaped(std::string_view text) const { return escape ? escape(text) : std::string(text); }
};

// Plain text with the diff's own markers: [-removed-] {+added+}.
MarkupStyle plain_style();
// Markdown as Discord, Mattermost and ntfy render it: ~~removed~~ **added**, Markdown characters escaped.
MarkupStyle markdown_style();
// Slack mrkdwn: ~removed~ *added*, with &, <, > escaped.
MarkupStyle slack_style();
// HTML: <del>removed</del> <ins>added</ins>, text escaped, paragraphs as <p>.
MarkupStyle html_style();

std::string escape_markdown(std::string_view text);  // \ * _ ~ ` | > # [ ] escaped with a backslash
std::string escape_slack(std::string_view text);     // & < > as entities

// "Mayor Resigns → Mayor Resigns Amid Probe" when the headline changed, else the headline (or the URL
// when there is none).
std::string headline_line(const Event& event, std::string_view arrow = " → ");

// "headline, body" (or "none").
std::string classes_text(const Event& event);

// "Article changed: headline, body" / "Article deleted" / …
std::string summary_line(const Event& event);

struct ExcerptLimits {
  size_t max_paragraphs = 3;         // changed paragraphs shown
  size_t max_paragraph_bytes = 400;  // source text per paragraph (before markup), cut at UTF-8 boundaries
};

// The changed paragraphs of the event's diff in `style`, each cut to the limits (markers are never
// cut in half), followed by "(+N more changed paragraphs)" when some were left out. "" when the diff is empty.
std::string diff_excerpt(const Event& event, const MarkupStyle& style, ExcerptLimits limits = {});

}  // namespace redline
