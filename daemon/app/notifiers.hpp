// Builds the outbox dispatcher from the configuration.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "http/curl_client.hpp"
#include "notify/dispatcher.hpp"
#include "notify/mail_sender.hpp"
#include "store/store.hpp"

namespace redline::app {

// One target per [[webhook]] and [[email]], plus the diff log ("difflog").
std::vector<NotifierTarget> notifier_targets(const Config& config);

// `mail` sends the [[email]] notifiers' messages; it may be null only when there are none.
Result<std::unique_ptr<Dispatcher>> make_dispatcher(const Config& config, OutboxStore& store, HttpClient& http,
                                                    Clock& clock, boost::asio::any_io_executor executor,
                                                    MailSender* mail);

}  // namespace redline::app
