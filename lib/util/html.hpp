// HTML escaping, shared by diff/'s HTML renderer and notify/'s chat and e-mail formats and the feed-archive writer.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace redline {

// Escapes & < > " ' as HTML character references, for text and attribute values.
std::string escape_html(std::string_view text);

}  // namespace redline
