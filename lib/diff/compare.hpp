// compare(): two Article versions → Change. Pure and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/article.hpp"
#include "diff/change.hpp"

namespace redline {

struct CompareOptions {
  // Regexes (ECMAScript) for volatile text inside the article: removed before comparing, kept in storage.
  std::vector<std::string> ignore;
};

Change compare(const Article& old_version, const Article& new_version, const CompareOptions& options = {});

// The comparison key of an article's content: headline, byline and body, normalized the way compare()
// normalizes them (Unicode form, invisible characters, whitespace, `ignore` patterns). Two articles
// with equal fingerprints are the same version. Lower-case hex SHA-256.
std::string fingerprint(const Article& article, const CompareOptions& options = {});

}  // namespace redline
