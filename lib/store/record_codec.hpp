// JSON encoding of the store's JSON columns (version.byline, version.blocks, change.classes).
// Pure functions; thread-safe. Invalid UTF-8 is replaced (U+FFFD) rather than failing the write.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/article.hpp"
#include "core/result.hpp"

namespace redline::store_codec {

// ["a","b"]
std::string encode_strings(const std::vector<std::string>& items);
Result<std::vector<std::string>> decode_strings(std::string_view json);

// [{"kind":"paragraph","text":"…"}]
std::string encode_blocks(const std::vector<Block>& blocks);
Result<std::vector<Block>> decode_blocks(std::string_view json);

}  // namespace redline::store_codec
