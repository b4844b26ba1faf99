// compare(): two Article versions → Change. Pure and thread-safe (each call builds its own ICU
// objects). What is compared and how: docs/diff-format.md.
#pragma once

#include <string>
#include <vector>

#include "core/article.hpp"
#include "core/result.hpp"
#include "diff/change.hpp"

namespace redline {

struct CompareOptions {
  // Regular expressions (ICU syntax, which accepts the usual ECMAScript constructs) for volatile text
  // inside the article ("Updated \\d+ minutes ago"): treated as whitespace when comparing, kept in
  // storage. Patterns that do not compile are skipped; check them with validate_compare_options().
  std::vector<std::string> ignore;
};

// Errc::config naming the first `ignore` pattern that does not compile.
Status validate_compare_options(const CompareOptions& options);

Change compare(const Article& old_version, const Article& new_version, const CompareOptions& options = {});

// The comparison key of an article's content: headline, byline, `published` and the body's words,
// normalized the way compare() normalizes them (Unicode form, invisible characters, whitespace,
// `ignore` patterns, paragraph boundaries). Equal fingerprints ⇔ compare() reports no change; the
// caller uses it to skip unchanged captures and to detect reverts. Lower-case hex SHA-256.
std::string fingerprint(const Article& article, const CompareOptions& options = {});

}  // namespace redline
