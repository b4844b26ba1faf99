// A fresh self-signed certificate (its own CA) for 127.0.0.1 and localhost, valid for a day, for the
// test servers that speak TLS. Clients trust it by using `cert_pem` as their CA bundle.
#pragma once

#include <string>

namespace redline::testing {

struct SelfSignedCertificate {
  std::string cert_pem;
  std::string key_pem;
};

// Throws std::runtime_error when OpenSSL fails.
SelfSignedCertificate make_self_signed_certificate();

}  // namespace redline::testing
