// WorkSource: which watches' checks the Monitor starts, and when.
//
// The Monitor keeps one slot per watch (its URL, article, schedule and validators) and asks its work
// source which slot to start next. Two sources, chosen by the store the daemon runs on:
//   LocalSchedule  one node owns the store (SQLite): due times live in a min-heap in memory, planned
//                  from the stored next check at load and from each check's result; nobody else checks.
//   ClaimedWork    several nodes share the store (PostgreSQL, WorkClaims): the store's next_check is the
//                  plan. Each tick the node claims due checks of the origins it owns with a lease
//                  ([node] lease), starts them as room frees, heartbeats and renews the leases of what
//                  it still holds every lease/3 (queued, running, or waiting for its bookkeeping to be
//                  written: writing it ends the lease), and gives them back and leaves when it stops.
//                  docs/scale-out.md.
// Both are used from the Monitor's thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace redline {

class WorkSource {
 public:
  virtual ~WorkSource() = default;

  // A watch new to this monitor (load, add_watch): its slot, article, URL, and when its first check is
  // due by this node's plan (the stored next check when it is ahead, else a time spread over catch_up).
  struct NewWatch {
    uint32_t slot = 0;
    int64_t article_id = 0;
    std::string_view url;
    Timestamp first{};
  };
  virtual Status add(std::span<const NewWatch> watches) = 0;
  // The watch in `slot` was removed (from the configuration or the store).
  virtual void remove(uint32_t slot) = 0;
  // The next check of a slot, as its check's bookkeeping records it.
  virtual void plan(uint32_t slot, Timestamp at) = 0;
  // Once per Monitor::tick(), before starting: `room` checks could start now.
  virtual void tick(Timestamp now, size_t room) = 0;
  // The next slot to start (due by `now`, and `startable`), taken from the source; nullopt when none.
  virtual std::optional<uint32_t> take(Timestamp now, const std::function<bool(uint32_t)>& startable) = 0;
  // When the next check is due, as far as this node knows; nullopt when nothing is planned.
  virtual std::optional<Timestamp> next_due(const std::function<bool(uint32_t)>& startable) const = 0;
  // The check of `article_id` ended. `recorded`: its bookkeeping is in the batch the monitor writes next.
  virtual void ended(int64_t article_id, bool recorded) = 0;
  // The batch of bookkeeping was written (`ok`) or failed; its checks are no longer this node's work.
  virtual void written(std::span<const CheckRecord> records, bool ok) = 0;
  // The node stops: work taken and not written is given back.
  virtual void stop() = 0;
  // When this node took the origin of `article_id`'s check over from another node, if it may have:
  // HttpRequest::origin_taken_at.
  virtual std::optional<Timestamp> origin_taken_at(int64_t article_id) const = 0;
};

// One node, its own plan: today's in-memory schedule.
class LocalSchedule final : public WorkSource {
 public:
  Status add(std::span<const NewWatch> watches) override;
  void remove(uint32_t slot) override;
  void plan(uint32_t slot, Timestamp at) override;
  void tick(Timestamp, size_t) override {}
  std::optional<uint32_t> take(Timestamp now, const std::function<bool(uint32_t)>& startable) override;
  std::optional<Timestamp> next_due(const std::function<bool(uint32_t)>& startable) const override;
  void ended(int64_t, bool) override {}
  void written(std::span<const CheckRecord>, bool) override {}
  void stop() override {}
  std::optional<Timestamp> origin_taken_at(int64_t) const override { return std::nullopt; }

 private:
  struct Due {
    Timestamp at;
    uint32_t slot;
    bool operator>(const Due& other) const { return at > other.at; }
  };
  // Entries left behind by a reschedule or a removal stay in the heap: an entry counts while its time
  // is the slot's current one.
  mutable std::priority_queue<Due, std::vector<Due>, std::greater<>> m_due;
  std::vector<Timestamp> m_at;  // per slot; max: not planned
};

// Several nodes on one store: due checks are claimed from it (WorkClaims).
class ClaimedWork final : public WorkSource {
 public:
  struct Options {
    std::string node;
    Duration lease = std::chrono::seconds(30);
    size_t batch = 0;  // checks claimed at most per tick; 0: the monitor's room
    // A claimed check that no watch of this node matches goes back with its next check this far ahead.
    Duration orphan_delay = std::chrono::minutes(10);
  };
  ClaimedWork(WorkClaims& claims, const Clock& clock, Options options);

  Status add(std::span<const NewWatch> watches) override;
  void remove(uint32_t slot) override;
  void plan(uint32_t, Timestamp) override {}  // the store has it: the check's bookkeeping
  void tick(Timestamp now, size_t room) override;
  std::optional<uint32_t> take(Timestamp now, const std::function<bool(uint32_t)>& startable) override;
  std::optional<Timestamp> next_due(const std::function<bool(uint32_t)>& startable) const override;
  void ended(int64_t article_id, bool recorded) override;
  void written(std::span<const CheckRecord> records, bool ok) override;
  void stop() override;
  std::optional<Timestamp> origin_taken_at(int64_t article_id) const override;

  size_t held() const { return m_held.size(); }

 private:
  void renew(Timestamp now);
  void set_aside(Timestamp now);
  // Store errors come in bursts (the server restarting): logged once until a call succeeds.
  void note(const Status& s, std::string_view what);
  // m_held with the count per origin.
  void hold(int64_t article_id);
  void drop(int64_t article_id);

  WorkClaims& m_claims;
  const Clock& m_clock;
  Options m_options;
  std::unordered_map<int64_t, uint32_t> m_slot_of;  // article → slot of its watch
  std::vector<int64_t> m_article_of;                // slot → article (0: none)
  std::queue<int64_t> m_queue;                      // claimed, not started
  std::unordered_set<int64_t> m_held;               // claimed, not yet written or given up
  std::vector<int64_t> m_orphans;                   // claimed, no watch here
  // Origins by number, and per origin the checks held and when this node took it over: claimed a
  // check of it while holding none (another node may have fetched from it a moment before; the
  // hand-over rule waits only for that node's leases to end).
  std::unordered_map<std::string, uint32_t> m_origin_number;
  std::unordered_map<int64_t, uint32_t> m_origin_of;  // article → origin number
  std::vector<uint32_t> m_held_of;                    // per origin
  std::vector<Timestamp> m_taken_at;                  // per origin; zero: never
  Timestamp m_renewed{};
  bool m_failing = false;
};

}  // namespace redline
