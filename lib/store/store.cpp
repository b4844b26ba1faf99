#include "store/store.hpp"

#include <array>

namespace redline {

namespace {
constexpr std::array<std::string_view, 3> k_state_names = {"pending", "delivered", "dead"};
}  // namespace

std::string_view to_string(OutboxState s) { return k_state_names.at(static_cast<size_t>(s)); }

std::optional<OutboxState> outbox_state_from_string(std::string_view name) {
  for (size_t i = 0; i < k_state_names.size(); ++i)
    if (k_state_names[i] == name) return static_cast<OutboxState>(i);
  return std::nullopt;
}

Result<std::vector<int64_t>> Store::add_versions(std::span<const NewVersion> versions) {
  std::vector<int64_t> ids;
  ids.reserve(versions.size());
  for (const auto& v : versions) {
    auto id = add_version(v);
    if (!id) return id.error();
    ids.push_back(*id);
  }
  return ids;
}

Status Store::record_state(const StateChange&) {
  return make_error(Errc::internal, "this store does not record article states");
}

Result<int> Store::retry_outbox(std::string_view, std::string_view, Timestamp) {
  return make_error(Errc::internal, "this store has no operator outbox actions");
}

Result<int> Store::drop_outbox(std::string_view, std::string_view, Timestamp) {
  return make_error(Errc::internal, "this store has no operator outbox actions");
}

Status Store::note_seen(int64_t, Timestamp) {
  return make_error(Errc::internal, "this store does not record sightings");
}

}  // namespace redline
