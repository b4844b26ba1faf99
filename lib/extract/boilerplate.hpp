// Block-level boilerplate that survives container selection: section labels such as "Related
// stories" / "Ähnliche Beiträge" / "À lire aussi" (with the link list that follows them), share and
// comment prompts, photo credits and "posted in" footers. Multilingual word lists (en, de, fr, es,
// it, pt, nl). Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "core/article.hpp"

namespace redline {

// True when a short block reads like a label that opens a boilerplate section.
bool is_section_label(std::string_view text);
// True when a short block is a known boilerplate line (credit, share prompt, post footer).
bool is_boilerplate_line(std::string_view text);

// True when a short block asks the reader to do something about the site rather than tells the
// story: subscribe, download the app, follow on social networks, support the site, mind the
// copyright, write to the editor.
bool is_call_to_action(std::string_view text);

// Drops boilerplate lines, and each boilerplate section label together with the short blocks that
// follow it (up to the next heading or long paragraph), calls to action at the end of the body (up
// to four in a row) and headings left at the end of the body.
void drop_boilerplate_blocks(std::vector<Block>& blocks);

}  // namespace redline
