// Article: what the extractor makes of a page, and what a version stores.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace redline {

enum class BlockKind { paragraph, heading, list_item, quote, caption, table };

std::string_view to_string(BlockKind kind);
std::optional<BlockKind> block_kind_from_string(std::string_view name);

// One unit of body text. `text` is normalized (whitespace collapsed, entities decoded,
// invisible characters dropped) but otherwise exactly as published.
struct Block {
  BlockKind kind = BlockKind::paragraph;
  std::string text;

  friend bool operator==(const Block&, const Block&) = default;
};

struct Article {
  std::string headline;
  std::vector<std::string> authors;
  std::optional<Timestamp> published;
  std::optional<Timestamp> modified;
  std::string canonical_url;
  std::string language;  // BCP 47, empty when unknown
  std::string site_name;
  std::vector<Block> blocks;

  // Authors joined by ", ".
  std::string byline() const;
  // Block texts joined by "\n".
  std::string body() const;

  friend bool operator==(const Article&, const Article&) = default;
};

}  // namespace redline
