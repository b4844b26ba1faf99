// The configuration's rules for one URL, in the shapes extract/ and diff/ take.
#pragma once

#include <string_view>

#include "config/config.hpp"
#include "diff/compare.hpp"
#include "extract/extractor.hpp"

namespace redline {

// The [[site]] drop_text rules of the site that matches `url` (none when no site matches).
ExtractRules extract_rules_for(const Config& config, std::string_view url);

// The global [diff] ignore patterns plus those of the matching [[site]].
CompareOptions compare_options_for(const Config& config, std::string_view url);

}  // namespace redline
