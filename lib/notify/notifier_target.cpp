#include "notify/notifier_target.hpp"

#include <array>

namespace redline {

namespace {

constexpr std::array<std::string_view, 3> k_starttls = {"always", "opportunistic", "never"};

template <typename Enum, size_t N>
std::optional<Enum> from_name(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<Enum>(i);
  return std::nullopt;
}

}  // namespace

std::string_view to_string(StartTls mode) { return k_starttls.at(static_cast<size_t>(mode)); }
std::optional<StartTls> starttls_from_string(std::string_view name) { return from_name<StartTls>(k_starttls, name); }

}  // namespace redline
