// Which notifiers hear about a change: the outbox rows to write with a new version.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "store/store.hpp"

namespace redline {

inline constexpr std::string_view k_difflog_notifier = "difflog";

// True when a change with `classes` passes the `wanted` filter: it carries at least one wanted class,
// and when it carries "minor", "minor" itself is wanted (minor edits are quiet unless asked for).
bool classes_notify(const std::vector<std::string>& classes, const std::vector<std::string>& wanted);

// One pending outbox row per [[webhook]] whose filter passes, plus one for the diff log, all with
// the same event id and payload.
std::vector<OutboxEntry> plan_outbox(const Config& config, const std::vector<std::string>& classes,
                                     const std::string& event_id, int64_t article_id, const std::string& payload,
                                     Timestamp now);

// The outbox rows of an article.deleted / redirected / restored event: every notifier gets it,
// whatever its classes, since a vanished article matters to everyone who follows it.
std::vector<OutboxEntry> plan_state_outbox(const Config& config, const std::string& event_id, int64_t article_id,
                                           const std::string& payload, Timestamp now);

}  // namespace redline
