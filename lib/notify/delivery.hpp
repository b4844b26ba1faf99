// Delivery: one attempt of one payload to one named notifier, whatever its kind, and what came of it.
// The Dispatcher uses it for the outbox; `redline webhook test` for a sample event.
//
//   webhook, preset standard   POST of the stored payload byte for byte, application/json, signed per
//                              Standard Webhooks with a fresh webhook-timestamp/-signature per attempt
//   webhook, chat preset       the request chat_request() builds from the parsed payload (webhook-id
//                              header added; also signed when the webhook has secrets)
//   email                      render_email() handed to the MailSender
//   difflog                    an entry in the text file and a line in the JSON-lines file (diff_log.hpp)
// Redirects are never followed. Outcomes are classified by classify_response() / classify_mail_result();
// a payload that does not parse is dead.
//
// Threading: as the Dispatcher's: one thread (the executor's) calls everything and receives every
// completion. Lifetime: the HttpClient, MailSender and Clock must outlive the Delivery and every
// pending completion.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "http/http_client.hpp"
#include "notify/diff_log.hpp"
#include "notify/mail_sender.hpp"
#include "notify/notifier_target.hpp"
#include "notify/retry_policy.hpp"
#include "notify/webhook_signer.hpp"

namespace redline {

struct DeliveryOptions {
  std::string user_agent = std::string("redline/") + REDLINE_VERSION;
};

class Delivery {
 public:
  using Callback = std::function<void(AttemptOutcome)>;

  // Errc::config when a target is invalid (bad secret, empty URL or path, missing e-mail fields,
  // duplicate name, an e-mail target without a MailSender, a matrix preset without room or token).
  static Result<std::unique_ptr<Delivery>> create(std::vector<NotifierTarget> targets, HttpClient& http,
                                                  MailSender* mail, Clock& clock, boost::asio::any_io_executor executor,
                                                  DeliveryOptions options = {});

  bool knows(std::string_view notifier) const;
  // True for notifiers written to synchronously (the diff log): use deliver_now().
  bool is_local(std::string_view notifier) const;
  // True when every notifier is local (no webhook, no e-mail).
  bool only_local() const;

  // The diff log: writes now and returns the outcome. Requires is_local(notifier).
  AttemptOutcome deliver_now(std::string_view notifier, std::string_view payload) const;
  // deliver_now() for many payloads, written together (one fsync per file); one outcome each.
  std::vector<AttemptOutcome> deliver_now(std::string_view notifier, std::span<const std::string_view> payloads) const;

  // Webhooks and e-mail: starts one attempt; `done` runs exactly once on the executor, never inside
  // deliver(). Requires knows(notifier) && !is_local(notifier).
  void deliver(std::string_view notifier, const std::string& event_id, const std::string& payload, Callback done);

 private:
  struct Webhook {
    WebhookTarget target;
    std::optional<WebhookSigner> signer;
  };

  Delivery(HttpClient& http, MailSender* mail, Clock& clock, boost::asio::any_io_executor executor,
           DeliveryOptions options)
      : m_http(http), m_mail(mail), m_clock(clock), m_executor(std::move(executor)), m_options(std::move(options)) {}

  void send_webhook(const Webhook& hook, const std::string& event_id, const std::string& payload, Callback done);
  void send_email(const EmailTarget& target, const std::string& payload, Callback done);
  void fail_later(Callback done, std::string reason);

  HttpClient& m_http;
  MailSender* m_mail;
  Clock& m_clock;
  boost::asio::any_io_executor m_executor;
  DeliveryOptions m_options;
  std::map<std::string, Webhook, std::less<>> m_webhooks;
  std::map<std::string, EmailTarget, std::less<>> m_emails;
  std::map<std::string, DiffLog, std::less<>> m_difflogs;
};

}  // namespace redline
