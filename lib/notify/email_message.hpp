// The e-mail for one event: an RFC 5322 message, multipart/alternative with a text/plain part (the
// word diff with the diff's own [-removed-] {+added+} markers) and a text/html part (a redline: <del>,
// <ins>), both UTF-8 and quoted-printable, lines ending in CRLF.
//
// Headers: Date (the event's time, so every retry sends the same bytes), From, To (display names that
// are not ASCII as RFC 2047 encoded-words), Subject
// ("[redline] <headline line>", RFC 2047 encoded-words when not ASCII), Message-ID
// "<evt_…@<from's domain>>" (the event id, so receivers and mail archives can drop duplicates of a
// retried delivery), MIME-Version, Auto-Submitted: auto-generated, X-Redline-Event-Id. CR and LF in
// header values (from article text) are replaced with spaces: no header injection.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "notify/event.hpp"

namespace redline {

struct EmailAddresses {
  std::string from;
  std::vector<std::string> to;
};

std::string render_email(const Event& event, const EmailAddresses& addresses);

// "Sat, 01 Jun 2024 12:00:00 +0000".
std::string format_email_date(Timestamp t);

// `text` unchanged when it is printable ASCII, else RFC 2047 "=?UTF-8?B?…?=" encoded-words of at most
// 75 characters each, separated by CRLF + space (folded), split only at UTF-8 boundaries.
std::string encode_header_words(std::string_view text);

// Quoted-printable (RFC 2045): "\n" becomes a CRLF line break, lines are at most 76 characters with
// soft breaks, '=', non-ASCII bytes, control characters and whitespace before a line end are encoded.
std::string quoted_printable(std::string_view text);

// A mailbox for From or To: "Name <addr@host>" with a display name that is not ASCII becomes
// "=?UTF-8?B?…?= <addr@host>" (RFC 2047 section 5: an encoded-word may stand for a phrase; quotes around
// the name are dropped first); ASCII mailboxes and bare addresses are unchanged. Control characters become spaces.
std::string encode_mailbox(std::string_view mailbox);

// The bare address of "Name <addr@host>" or "addr@host".
std::string email_address_of(std::string_view mailbox);

}  // namespace redline
