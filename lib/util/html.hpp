// HTML escaping, shared by the diff's HTML renderer and the feed-archive writer. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace redline {

// Escapes & < > " ' for HTML text and attribute values.
std::string escape_html(std::string_view text);

}  // namespace redline
