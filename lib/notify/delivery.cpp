#include "notify/delivery.hpp"

#include <boost/asio/post.hpp>

#include "notify/chat_presets.hpp"
#include "notify/email_message.hpp"
#include "notify/event.hpp"

namespace redline {

namespace {

constexpr size_t k_max_reply_body = 64u << 10;  // the receiver's reply is only kept for error messages

Status check_target(const std::string& name, const NotifierTarget& t) {
  if (const auto* w = std::get_if<WebhookTarget>(&t.sink)) {
    if (w->url.empty()) return make_error(Errc::config, "webhook \"" + name + "\": url is empty");
    if (w->preset == WebhookPreset::matrix && (w->room.empty() || w->token.empty()))
      return make_error(Errc::config, "webhook \"" + name + "\": the matrix preset needs room and token");
  } else if (const auto* m = std::get_if<EmailTarget>(&t.sink)) {
    if (m->smtp_url.empty() || m->from.empty() || m->to.empty())
      return make_error(Errc::config, "email \"" + name + "\": smtp_url, from and to are required");
  } else if (std::get<DiffLogTarget>(t.sink).path.empty()) {
    return make_error(Errc::config, "diff log \"" + name + "\": path is empty");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Delivery>> Delivery::create(std::vector<NotifierTarget> targets, HttpClient& http,
                                                   MailSender* mail, Clock& clock,
                                                   boost::asio::any_io_executor executor, DeliveryOptions options) {
  std::unique_ptr<Delivery> d(new Delivery(http, mail, clock, std::move(executor), std::move(options)));
  for (auto& t : targets) {
    if (t.name.empty()) return make_error(Errc::config, "a notifier needs a name");
    if (d->knows(t.name)) return make_error(Errc::config, "notifier \"" + t.name + "\" is defined twice");
    if (auto s = check_target(t.name, t); !s) return s.error();
    if (auto* w = std::get_if<WebhookTarget>(&t.sink)) {
      Webhook hook{std::move(*w), std::nullopt};
      // A standard webhook is always signed; a chat preset only when secrets are given.
      if (hook.target.preset == WebhookPreset::standard || !hook.target.secrets.empty()) {
        auto signer = WebhookSigner::create(hook.target.secrets);
        if (!signer) return make_error(Errc::config, "webhook \"" + t.name + "\": " + signer.error().message);
        hook.signer = std::move(*signer);
      }
      d->m_webhooks.emplace(t.name, std::move(hook));
    } else if (auto* m = std::get_if<EmailTarget>(&t.sink)) {
      if (mail == nullptr) return make_error(Errc::config, "email \"" + t.name + "\": no mail sender configured");
      d->m_emails.emplace(t.name, std::move(*m));
    } else {
      d->m_difflogs.emplace(t.name, DiffLog(std::move(std::get<DiffLogTarget>(t.sink))));
    }
  }
  return d;
}

bool Delivery::knows(std::string_view notifier) const {
  return m_webhooks.count(notifier) || m_emails.count(notifier) || m_difflogs.count(notifier);
}

bool Delivery::is_local(std::string_view notifier) const { return m_difflogs.count(notifier) != 0; }

bool Delivery::only_local() const { return m_webhooks.empty() && m_emails.empty(); }

namespace {
AttemptOutcome outcome_of_append(const Status& s) {
  AttemptOutcome outcome;
  if (s.ok()) {
    outcome.verdict = Verdict::delivered;
  } else {
    outcome.verdict = s.error().code == Errc::invalid_input ? Verdict::dead : Verdict::retry;
    outcome.reason = s.error().message;
  }
  return outcome;
}
}  // namespace

AttemptOutcome Delivery::deliver_now(std::string_view notifier, std::string_view payload) const {
  return outcome_of_append(m_difflogs.find(notifier)->second.append(payload));
}

std::vector<AttemptOutcome> Delivery::deliver_now(std::string_view notifier,
                                                  std::span<const std::string_view> payloads) const {
  std::vector<AttemptOutcome> out;
  out.reserve(payloads.size());
  for (const Status& s : m_difflogs.find(notifier)->second.append_all(payloads)) out.push_back(outcome_of_append(s));
  return out;
}

void Delivery::deliver(std::string_view notifier, const std::string& event_id, const std::string& payload,
                       Callback done) {
  if (auto w = m_webhooks.find(notifier); w != m_webhooks.end())
    return send_webhook(w->second, event_id, payload, std::move(done));
  if (auto m = m_emails.find(notifier); m != m_emails.end()) return send_email(m->second, payload, std::move(done));
  fail_later(std::move(done), "unknown notifier \"" + std::string(notifier) + "\"");
}

void Delivery::fail_later(Callback done, std::string reason) {
  boost::asio::post(m_executor, [done = std::move(done), reason = std::move(reason)] {
    done(AttemptOutcome{Verdict::dead, reason, std::nullopt});
  });
}

void Delivery::send_webhook(const Webhook& hook, const std::string& event_id, const std::string& payload,
                            Callback done) {
  const WebhookTarget& target = hook.target;
  HttpRequest request;
  if (target.preset == WebhookPreset::standard) {
    request.url = target.url;
    request.method = "POST";
    request.body = payload;
    request.headers.emplace_back("content-type", "application/json");
  } else {
    auto event = parse_event(payload);
    if (!event) return fail_later(std::move(done), event.error().message);
    auto built = chat_request(target, *event);
    if (!built) return fail_later(std::move(done), built.error().message);
    request = std::move(*built);
  }
  if (hook.signer) {
    Headers signature = hook.signer->headers(event_id, m_clock.now(), request.body);
    request.headers.insert(request.headers.begin(), signature.begin(), signature.end());
  } else {
    request.headers.emplace_back("webhook-id", event_id);  // lets a receiver drop duplicates
  }
  request.headers.emplace_back("user-agent", m_options.user_agent);
  request.timeout = target.timeout;
  request.connect_timeout = std::min(request.connect_timeout, target.timeout);
  request.max_body = k_max_reply_body;
  request.max_redirects = 0;
  m_http.fetch(std::move(request), [this, done = std::move(done)](HttpResponse response) {
    done(classify_response(response, m_clock.now()));
  });
}

void Delivery::send_email(const EmailTarget& target, const std::string& payload, Callback done) {
  auto event = parse_event(payload);
  if (!event) return fail_later(std::move(done), event.error().message);
  MailRequest request;
  request.smtp_url = target.smtp_url;
  request.envelope_from = email_address_of(target.from);
  for (const auto& to : target.to) request.to.push_back(email_address_of(to));
  request.username = target.username;
  request.password = target.password;
  request.starttls = target.starttls;
  request.timeout = target.timeout;
  request.message = render_email(*event, EmailAddresses{target.from, target.to});
  m_mail->send(std::move(request), [done = std::move(done)](MailResult result) { done(classify_mail_result(result)); });
}

}  // namespace redline
