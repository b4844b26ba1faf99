// RFC 9457 problem details: every error the API answers is application/problem+json with a
// sentence a human can act on.
#pragma once

#include <string>
#include <string_view>

#include "api/http_types.hpp"

namespace redline::api {

// {"type":"about:blank","title":<reason phrase>,"status":N,"detail":<detail>}
Response problem(int status, std::string_view detail);
std::string_view reason_phrase(int status);

// JSON text with <, >, &, U+2028 and U+2029 written as \u escapes (they only occur inside strings), so
// a response stays inert even where it is pasted into HTML or a script.
std::string inert_json(std::string_view json);

}  // namespace redline::api
