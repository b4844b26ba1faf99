// Writing feed-archive captures: the inverse of parse_archive() + extract_archive() for what a
// version stores. Used by `redline export --format archive`. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/article.hpp"
#include "core/time.hpp"

namespace redline {

// "<!--EPOCH_MS-->\n[headline](url)\n------\n\n<html>\n": the header div <div><i>authors<br>published</i></div>
// (when either is known), then one element per block: <p>, <h2>, <ul><li> (consecutive items share a list),
// <blockquote>, <div><small> (captions, the feed convention), <table><tr><td> (cells split at " | ").
// extract_archive() of the result gives back the headline, the blocks, the published date and, for
// at most one author, the byline. Text is HTML-escaped; a newline in the headline becomes a space.
std::string format_archive(Timestamp captured_at, const std::string& url, const Article& article);

// Where a version goes in a directory export: "<key>/<EPOCH_MS>.txt", the key with every character
// other than [A-Za-z0-9._-] replaced by '_' ("dw.com:62043662" → "dw.com_62043662"), at most 120 bytes.
std::string archive_file_name(std::string_view article_key, Timestamp captured_at);

}  // namespace redline
