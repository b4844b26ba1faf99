// The webhook presets by name: the one list the configuration checks `preset` against and the
// notifier builds its requests from. Plain values.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace redline {

// How a webhook's request is formatted. `standard` is the signed Standard Webhooks JSON (the stored
// payload, byte for byte); the others are chat formats built from the same event (see notify/chat_presets.hpp).
enum class WebhookPreset { standard, slack, discord, mattermost, teams, ntfy, matrix };

// The names, in the enum's order.
inline constexpr std::array<std::string_view, 7> k_webhook_preset_names = {"standard", "slack", "discord", "mattermost",
                                                                           "teams",    "ntfy",  "matrix"};

inline std::string_view to_string(WebhookPreset preset) {
  return k_webhook_preset_names.at(static_cast<size_t>(preset));
}

inline std::optional<WebhookPreset> webhook_preset_from_string(std::string_view name) {
  for (size_t i = 0; i < k_webhook_preset_names.size(); ++i)
    if (k_webhook_preset_names[i] == name) return static_cast<WebhookPreset>(i);
  return std::nullopt;
}

}  // namespace redline
