// What a notifier is: where and how the outbox rows of one notifier name are delivered. Built from the
// configuration by daemon/app/notifiers.cpp; plain values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/time.hpp"
#include "core/webhook_preset.hpp"

namespace redline {

struct WebhookTarget {
  explicit WebhookTarget(std::string url_ = {}, std::vector<std::string> secrets_ = {},
                         Duration timeout_ = std::chrono::seconds(15))
      : url(std::move(url_)), secrets(std::move(secrets_)), timeout(timeout_) {}

  std::string url;
  std::vector<std::string> secrets;  // "whsec_…"; the first signs, the others are for rotation
  Duration timeout = std::chrono::seconds(15);
  WebhookPreset preset = WebhookPreset::standard;
  std::string token;  // matrix (required), ntfy (optional): sent as "Authorization: Bearer <token>"
  std::string room;   // matrix: the room id ("!abc:example.org") or alias; url is then the homeserver
};

// When STARTTLS is used on an smtp:// URL (smtps:// is TLS from the first byte regardless).
enum class StartTls { always, opportunistic, never };
std::string_view to_string(StartTls mode);
std::optional<StartTls> starttls_from_string(std::string_view name);

struct EmailTarget {
  explicit EmailTarget(std::string smtp_url_ = {}, std::string from_ = {}, std::vector<std::string> to_ = {})
      : smtp_url(std::move(smtp_url_)), from(std::move(from_)), to(std::move(to_)) {}

  std::string smtp_url;  // "smtp://host:port" or "smtps://host:port"
  std::string from;      // envelope sender and From: address ("redline@example.org" or "Name <addr>")
  std::vector<std::string> to;
  std::string username;  // empty: no AUTH
  std::string password;
  StartTls starttls = StartTls::always;
  Duration timeout = std::chrono::seconds(30);
};

// Size-based rotation of the diff log files, as spdlog's rotating sink: name → name.1 → … → name.N.
struct Rotation {
  uint64_t max_size = 10u << 20;  // bytes; 0 = never rotate (for logrotate)
  int max_files = 5;              // rotated files kept beside the current one
};

struct DiffLogTarget {
  explicit DiffLogTarget(std::filesystem::path path_ = {}, std::filesystem::path jsonl_path_ = {},
                         Rotation rotation_ = {})
      : path(std::move(path_)), jsonl_path(std::move(jsonl_path_)), rotation(rotation_) {}

  std::filesystem::path path;        // human-readable text
  std::filesystem::path jsonl_path;  // one JSON event per line; empty = none
  Rotation rotation;
};

struct NotifierTarget {
  std::string name;  // OutboxEntry::notifier
  std::variant<WebhookTarget, DiffLogTarget, EmailTarget> sink;
};

}  // namespace redline
