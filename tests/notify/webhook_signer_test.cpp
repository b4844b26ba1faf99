#include "notify/webhook_signer.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

// The Standard Webhooks test vector, as published in the specification's reference libraries
// (standard-webhooks/standard-webhooks, libraries/go/webhook_test.go, TestWebhookSign).
constexpr const char* k_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* k_msg_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr long long k_timestamp = 1614265330;
constexpr const char* k_payload = R"({"test": 2432232314})";
constexpr const char* k_expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const Timestamp k_vector_time = from_epoch_ms(k_timestamp * 1000);

WebhookSigner signer_for(std::vector<std::string> secrets) {
  auto s = WebhookSigner::create(secrets);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return std::move(s).value();
}

TEST(WebhookSigner, MatchesPublishedTestVector) {
  const auto signer = signer_for({k_secret});
  EXPECT_EQ(signer.sign(k_msg_id, k_timestamp, k_payload), k_expected);
}

TEST(WebhookSigner, VerifiesPublishedTestVector) {
  const auto signer = signer_for({k_secret});
  EXPECT_TRUE(signer.verify(k_msg_id, "1614265330", k_expected, k_payload, k_vector_time).ok());
}

TEST(WebhookSigner, HeadersCarryIdSecondsAndSignature) {
  const auto signer = signer_for({k_secret});
  // 789 ms past the second: the header holds whole seconds and the signature covers those.
  const Headers h = signer.headers(k_msg_id, k_vector_time + Duration(789), k_payload);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0], (std::pair<std::string, std::string>{"webhook-id", k_msg_id}));
  EXPECT_EQ(h[1], (std::pair<std::string, std::string>{"webhook-timestamp", "1614265330"}));
  EXPECT_EQ(h[2], (std::pair<std::string, std::string>{"webhook-signature", k_expected}));
  EXPECT_TRUE(signer.verify(h, k_payload, k_vector_time).ok());
}

TEST(WebhookSigner, RotationGivesOneSignaturePerSecretInOrder) {
  const std::string other = generate_webhook_secret();
  const auto both = signer_for({k_secret, other});
  const std::string header = both.sign(k_msg_id, k_timestamp, k_payload);
  const auto space = header.find(' ');
  ASSERT_NE(space, std::string::npos);
  EXPECT_EQ(header.substr(0, space), k_expected);
  EXPECT_EQ(header.substr(space + 1), signer_for({other}).sign(k_msg_id, k_timestamp, k_payload));
  EXPECT_EQ(header.find(' ', space + 1), std::string::npos);

  // A consumer holding only one of the two secrets accepts the rotated header.
  EXPECT_TRUE(signer_for({k_secret}).verify(k_msg_id, "1614265330", header, k_payload, k_vector_time).ok());
  EXPECT_TRUE(signer_for({other}).verify(k_msg_id, "1614265330", header, k_payload, k_vector_time).ok());
  // One holding neither rejects it.
  const auto stranger = signer_for({generate_webhook_secret()});
  EXPECT_FALSE(stranger.verify(k_msg_id, "1614265330", header, k_payload, k_vector_time).ok());
}

TEST(WebhookSigner, BadSecretsAreRejectedWithAClearMessage) {
  struct Case {
    std::string secret;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_"},       // no prefix
      {"whsec_", "empty"},                                  // nothing after it
      {"whsec_not base64!!", "base64"},                     // not base64
      {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "base64"},  // bad length for base64
      {"whsec_c2hvcnQ=", "5 bytes"},                        // "short": too few bytes
      {"whsec_" + std::string(100, 'A'), "75 bytes"},       // too many bytes
  };
  for (const auto& c : cases) {
    auto key = parse_webhook_secret(c.secret);
    ASSERT_FALSE(key.ok()) << c.secret;
    EXPECT_EQ(key.error().code, Errc::config);
    EXPECT_NE(key.error().message.find(c.message_part), std::string::npos) << key.error().message;
  }
  auto set = WebhookSigner::create({k_secret, "whsec_c2hvcnQ="});
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("secret #2"), std::string::npos) << set.error().message;
  EXPECT_FALSE(WebhookSigner::create({}).ok());
}

TEST(WebhookSigner, GeneratedSecretsParseAndDiffer) {
  const std::string a = generate_webhook_secret();
  const std::string b = generate_webhook_secret();
  EXPECT_NE(a, b);
  auto key = parse_webhook_secret(a);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 32u);
}

TEST(WebhookSigner, VerifyRejectsTamperedBodyIdAndSignature) {
  const auto signer = signer_for({k_secret});
  EXPECT_FALSE(signer.verify(k_msg_id, "1614265330", k_expected, R"({"test": 2432232315})", k_vector_time).ok());
  EXPECT_FALSE(signer.verify("msg_other", "1614265330", k_expected, k_payload, k_vector_time).ok());
  EXPECT_FALSE(signer.verify(k_msg_id, "1614265331", k_expected, k_payload, k_vector_time).ok());
  std::string flipped = k_expected;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(signer.verify(k_msg_id, "1614265330", flipped, k_payload, k_vector_time).ok());
  // A v1a entry carrying the right bytes is not a v1 signature.
  const std::string v1a = std::string("v1a,") + (k_expected + 3);
  auto s = signer.verify(k_msg_id, "1614265330", v1a, k_payload, k_vector_time);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("no v1"), std::string::npos);
  // Among unrelated entries, the right one is found.
  const std::string many = std::string("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ") + v1a + "  " + k_expected;
  EXPECT_TRUE(signer.verify(k_msg_id, "1614265330", many, k_payload, k_vector_time).ok());
}

TEST(WebhookSigner, VerifyEnforcesTimestampTolerance) {
  const auto signer = signer_for({k_secret});
  const auto tolerance = std::chrono::minutes(5);
  EXPECT_TRUE(signer.verify(k_msg_id, "1614265330", k_expected, k_payload, k_vector_time + tolerance, tolerance).ok());
  auto old = signer.verify(k_msg_id, "1614265330", k_expected, k_payload,
                           k_vector_time + tolerance + std::chrono::seconds(1), tolerance);
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.error().message.find("too old"), std::string::npos);
  auto future = signer.verify(k_msg_id, "1614265330", k_expected, k_payload,
                              k_vector_time - tolerance - std::chrono::seconds(1), tolerance);
  ASSERT_FALSE(future.ok());
  EXPECT_NE(future.error().message.find("future"), std::string::npos);
  for (const char* bad : {"", "abc", "1614265330.5", "-1", "99999999999999999999"})
    EXPECT_FALSE(signer.verify(k_msg_id, bad, k_expected, k_payload, k_vector_time).ok()) << bad;
}

TEST(WebhookSigner, VerifyHeadersNeedsAllThree) {
  const auto signer = signer_for({k_secret});
  Headers h = signer.headers(k_msg_id, k_vector_time, k_payload);
  for (size_t drop = 0; drop < h.size(); ++drop) {
    Headers missing = h;
    missing.erase(missing.begin() + static_cast<std::ptrdiff_t>(drop));
    EXPECT_FALSE(signer.verify(missing, k_payload, k_vector_time).ok()) << h[drop].first;
  }
  // Header names from the wire may arrive in any case.
  Headers upper = {{"Webhook-Id", h[0].second}, {"WEBHOOK-TIMESTAMP", h[1].second}, {"Webhook-Signature", h[2].second}};
  EXPECT_TRUE(signer.verify(upper, k_payload, k_vector_time).ok());
}

}  // namespace
}  // namespace redline
