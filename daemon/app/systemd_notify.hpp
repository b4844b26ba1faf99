// sd_notify(3) wrappers: READY=1, STATUS=…, WATCHDOG=1, RELOADING=1, STOPPING=1. Each is a no-op when
// NOTIFY_SOCKET is unset (not started by systemd).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace redline::app {

void notify_ready(const std::string& status);
void notify_status(const std::string& status);
void notify_reloading();
void notify_stopping();
void notify_watchdog();
// Half of WatchdogSec when systemd set a watchdog for us, else nullopt.
std::optional<std::chrono::milliseconds> watchdog_interval();

}  // namespace redline::app
