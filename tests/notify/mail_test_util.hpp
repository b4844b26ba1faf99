// Decoding helpers for tests that inspect e-mails: headers, MIME parts, quoted-printable, encoded-words.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/crypto.hpp"

namespace redline::testing {

// The header's (unfolded) value, or nullopt. Looks only at the header block (before the first blank line).
inline std::optional<std::string> mail_header(std::string_view message, std::string_view name) {
  const std::string_view head = message.substr(0, message.find("\r\n\r\n"));
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    const std::string_view line = head.substr(pos, end - pos);
    if (line.size() > name.size() && line[name.size()] == ':' && line.substr(0, name.size()) == name) {
      std::string value(line.substr(name.size() + 1));
      while (end + 2 < head.size() && (head[end + 2] == ' ' || head[end + 2] == '\t')) {  // folded
        const size_t next = std::min(head.find("\r\n", end + 2), head.size());
        value += std::string(head.substr(end + 2, next - end - 2));
        end = next;
      }
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      return value;
    }
    pos = end + 2;
  }
  return std::nullopt;
}

inline std::string decode_quoted_printable(std::string_view qp) {
  std::string out;
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] == '=' && i + 2 < qp.size() && qp[i + 1] == '\r' && qp[i + 2] == '\n') {
      i += 2;  // soft break
    } else if (qp[i] == '=' && i + 2 < qp.size()) {
      out += static_cast<char>(std::stoi(std::string(qp.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (qp[i] == '\r' && i + 1 < qp.size() && qp[i + 1] == '\n') {
      out += '\n';
      ++i;
    } else {
      out += qp[i];
    }
  }
  return out;
}

// Decodes a header made of "=?UTF-8?B?…?=" words separated by folding white space (or returns it as is).
inline std::string decode_encoded_words(std::string_view value) {
  if (value.find("=?UTF-8?B?") == std::string_view::npos) return std::string(value);
  std::string out;
  size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string_view::npos) {
    const size_t end = value.find("?=", pos + 10);
    out += base64_decode(value.substr(pos + 10, end - pos - 10)).value_or("?");
    pos = end + 2;
  }
  return out;
}

// The decoded body of the MIME part with this Content-Type prefix ("text/plain"), or nullopt.
inline std::optional<std::string> mime_part(std::string_view message, std::string_view type) {
  const size_t at = message.find("Content-Type: " + std::string(type));
  if (at == std::string_view::npos) return std::nullopt;
  const size_t body = message.find("\r\n\r\n", at);
  const size_t end = message.find("\r\n--", body);
  return decode_quoted_printable(message.substr(body + 4, end - body - 4));
}

}  // namespace redline::testing
