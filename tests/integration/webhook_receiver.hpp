// WebhookReceiver: a real HTTP endpoint on 127.0.0.1 that checks Standard Webhooks signatures the
// way a consumer would, records what it accepted, and can be told to fail.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/local_http_server.hpp"

namespace redline::testing {

struct ReceivedWebhook {
  Headers headers;
  std::string body;
  bool signature_ok = false;
  std::string verify_error;
};

class WebhookReceiver {
 public:
  explicit WebhookReceiver(std::string secret);
  std::string url() const { return m_server.url("/hook"); }
  std::vector<ReceivedWebhook> received() const;
  // Deliveries by webhook-id of the events of `type` ("article.changed"), signed or not.
  std::map<std::string, int> count_by_id(const std::string& type) const;
  // The status to answer with from now on (200 by default), and the body ("" = "ok" or "unavailable").
  void answer(int status, std::string body = "");
  // Answer each delivery this long after it arrived (it is recorded on arrival): a sender that dies
  // meanwhile never learns it was received.
  void delay(Duration d);

 private:
  LocalHttpServer m_server;
  std::string m_secret;
  mutable std::mutex m_mutex;
  std::vector<ReceivedWebhook> m_received;
  int m_status = 200;
  std::string m_body;
  Duration m_delay{0};
};

}  // namespace redline::testing
