// A realistic article.changed event for the notification tests: a headline change, a changed body
// paragraph, non-ASCII text and characters that every markup must escape.
#pragma once

#include "notify/event.hpp"

namespace redline::testing {

inline Event sample_event() {
  Event e;
  e.id = "evt_k3bq7m2xw4ndh6yzq5r2a7tc";
  e.type = EventType::changed;
  e.occurred_at = from_epoch_ms(1'717'243'200'123);  // 2024-06-01T12:00:00.123Z
  e.article_key = "news.example:12345";
  e.url = "https://www.news.example/politics/mayor-resigns-12345.html";
  e.old_version = EventVersion{3, from_epoch_ms(1'717'239'604'512), "Mayor Resigns"};
  e.new_version = EventVersion{4, from_epoch_ms(1'717'243'200'101), "Mayor Resigns Amid Corruption Probe — Zürich"};
  e.classes = {"headline", "body"};
  e.stats = {{"words_added", 9}, {"words_removed", 2}, {"paragraphs_changed", 1}};
  e.diff =
      "Mayor Resigns {+Amid Corruption Probe — Zürich+}\n\n"
      "The mayor [-said-]{+announced+} on Monday that <she> & her *deputy* would step down.\n\n"
      "Unchanged closing paragraph.\n";
  return e;
}

}  // namespace redline::testing
