#include "integration/webhook_receiver.hpp"

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "notify/webhook_signer.hpp"

namespace redline::testing {

WebhookReceiver::WebhookReceiver(std::string secret) : m_secret(std::move(secret)) {
  m_server.route("/hook", [this](const ServerRequest& req) {
    ReceivedWebhook hook{req.headers, req.body, false, ""};
    auto signer = WebhookSigner::create({m_secret});
    if (!signer) {
      hook.verify_error = signer.error().message;
    } else if (auto s = signer->verify(req.headers, req.body, SystemClock().now()); !s) {
      hook.verify_error = s.error().message;
    } else {
      hook.signature_ok = true;
    }
    std::lock_guard lock(m_mutex);
    m_received.push_back(std::move(hook));
    auto answer = ServerResponse::text(m_status, !m_body.empty() ? m_body : m_status < 300 ? "ok" : "unavailable");
    return answer.with_delay(m_delay);
  });
  m_server.start();
}

std::vector<ReceivedWebhook> WebhookReceiver::received() const {
  std::lock_guard lock(m_mutex);
  return m_received;
}

std::map<std::string, int> WebhookReceiver::count_by_id(const std::string& type) const {
  std::map<std::string, int> out;
  for (const auto& r : received()) {
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (body.is_discarded() || body.value("type", "") != type) continue;
    for (const auto& [name, value] : r.headers)
      if (name == "webhook-id") ++out[value];
  }
  return out;
}

void WebhookReceiver::delay(Duration d) {
  std::lock_guard lock(m_mutex);
  m_delay = d;
}

void WebhookReceiver::answer(int status, std::string body) {
  std::lock_guard lock(m_mutex);
  m_status = status;
  m_body = std::move(body);
}

}  // namespace redline::testing
