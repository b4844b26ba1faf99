// Article identity: which stored article a URL belongs to.
#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"

namespace redline {

// "<site match>:<id>" when a [[site]] id rule matches the URL (DW's "/a-(\d+)" gives "dw.com:61992878",
// so a slug change keeps the article), else the canonical form of the URL (tracking parameters,
// fragment and default port removed).
std::string article_key(const Config& config, std::string_view url);

}  // namespace redline
