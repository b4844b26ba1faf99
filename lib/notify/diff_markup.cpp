#include "notify/diff_markup.hpp"

#include <algorithm>

namespace redline {

namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Pieces of one paragraph's text.
DiffParagraph parse_paragraph(std::string_view text) {
  DiffParagraph out;
  const auto add = [&out](DiffPiece::Kind kind, std::string_view s) {
    if (s.empty()) return;
    if (!out.empty() && out.back().kind == kind) {
      out.back().text += s;
    } else {
      out.push_back(DiffPiece{kind, std::string(s)});
    }
  };
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t del = text.find("[-", pos);
    const size_t ins = text.find("{+", pos);
    const size_t open = std::min(del, ins);
    if (open == std::string_view::npos) {
      add(DiffPiece::Kind::same, text.substr(pos));
      break;
    }
    const bool removal = open == del;
    const size_t close = text.find(removal ? "-]" : "+}", open + 2);
    if (close == std::string_view::npos) {  // unterminated: plain text
      add(DiffPiece::Kind::same, text.substr(pos));
      break;
    }
    add(DiffPiece::Kind::same, text.substr(pos, open - pos));
    add(removal ? DiffPiece::Kind::removed : DiffPiece::Kind::added, text.substr(open + 2, close - open - 2));
    pos = close + 2;
  }
  return out;
}

}  // namespace

std::vector<DiffParagraph> parse_diff_markup(std::string_view diff) {
  std::vector<DiffParagraph> out;
  size_t pos = 0;
  while (pos <= diff.size()) {
    size_t end = diff.find("\n\n", pos);
    if (end == std::string_view::npos) end = diff.size();
    std::string_view chunk = diff.substr(pos, end - pos);
    while (!chunk.empty() && chunk.front() == '\n') chunk.remove_prefix(1);
    while (!chunk.empty() && chunk.back() == '\n') chunk.remove_suffix(1);
    if (!chunk.empty()) out.push_back(parse_paragraph(chunk));
    if (end == diff.size()) break;
    pos = end + 2;
  }
  return out;
}

bool has_changes(const DiffParagraph& paragraph) {
  return std::any_of(paragraph.begin(), paragraph.end(),
                     [](const DiffPiece& p) { return p.kind != DiffPiece::Kind::same; });
}

std::vector<DiffParagraph> changed_paragraphs(const std::vector<DiffParagraph>& paragraphs, size_t max_paragraphs,
                                              size_t& dropped) {
  std::vector<DiffParagraph> out;
  dropped = 0;
  for (const auto& p : paragraphs) {
    if (!has_changes(p)) continue;
    if (out.size() < max_paragraphs) {
      out.push_back(p);
    } else {
      ++dropped;
    }
  }
  return out;
}

std::string truncate_utf8(std::string_view text, size_t max_bytes, std::string_view ellipsis) {
  if (text.size() <= max_bytes) return std::string(text);
  if (ellipsis.size() > max_bytes) ellipsis = {};
  size_t cut = max_bytes - ellipsis.size();
  while (cut > 0 && is_continuation(text[cut])) --cut;  // text[cut] starts the first dropped code point
  return std::string(text.substr(0, cut)) + std::string(ellipsis);
}

size_t utf8_char_count(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(c); }));
}

std::string truncate_code_points(std::string_view text, size_t max_chars, std::string_view ellipsis) {
  if (utf8_char_count(text) <= max_chars) return std::string(text);
  const size_t keep = max_chars > utf8_char_count(ellipsis) ? max_chars - utf8_char_count(ellipsis) : 0;
  size_t chars = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    if (!is_continuation(text[pos])) {
      if (chars == keep) break;
      ++chars;
    }
    ++pos;
  }
  return std::string(text.substr(0, pos)) +
         (keep == 0 && max_chars < utf8_char_count(ellipsis) ? std::string() : std::string(ellipsis));
}

}  // namespace redline
