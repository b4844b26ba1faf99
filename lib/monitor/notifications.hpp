// Which notifiers hear about a change: the outbox rows to write with a new version.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "store/store.hpp"

namespace redline {

inline constexpr std::string_view k_difflog_notifier = "difflog";

// Where an event comes from, for the per-notifier `sites` and `feeds` filters.
struct EventOrigin {
  std::string url;   // the article's URL (its host is matched against `sites`)
  std::string feed;  // the [[feed]] that listed the article; "" when none (or not known)
};

// True when `origin` passes a notifier's filters: `sites` empty or one of them host-suffix-matches the
// URL's host; `feeds` empty or naming origin.feed (so a non-empty `feeds` never passes an event
// without feed).
bool origin_matches(const EventOrigin& origin, const std::vector<std::string>& sites,
                    const std::vector<std::string>& feeds);

// True when a change with `classes` passes the `wanted` filter: it carries at least one wanted class,
// and when it carries "minor", "minor" itself is wanted (minor edits are quiet unless asked for).
bool classes_notify(const std::vector<std::string>& classes, const std::vector<std::string>& wanted);

// One pending outbox row per [[webhook]] and [[email]] whose filters (classes, sites, feeds) pass, plus
// one for the diff log (which records every change), all with the same event id and payload.
std::vector<OutboxEntry> plan_outbox(const Config& config, const std::vector<std::string>& classes,
                                     const EventOrigin& origin, const std::string& event_id, int64_t article_id,
                                     const std::string& payload, Timestamp now);

// The outbox rows of an article.deleted / redirected / restored event: every notifier whose `sites`
// and `feeds` filters pass gets it, whatever its classes (a vanished article matters to everyone who
// follows it), plus the diff log.
std::vector<OutboxEntry> plan_state_outbox(const Config& config, const EventOrigin& origin, const std::string& event_id,
                                           int64_t article_id, const std::string& payload, Timestamp now);

}  // namespace redline
