#include "notify/chat_text.hpp"

#include "notify/diff_markup.hpp"
#include "util/html.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

// Appends `text` wrapped in open/close; whitespace at its edges stays outside the markers (Markdown
// and mrkdwn do not format "** word**").
void append_marked(std::string& out, std::string_view text, std::string_view open, std::string_view close,
                   const MarkupStyle& style) {
  const std::string_view core = trim(text);
  const size_t begin = core.empty() ? text.size() : static_cast<size_t>(core.data() - text.data());
  const size_t end = begin + core.size();
  out += style.escaped(text.substr(0, begin));
  if (end > begin) out += std::string(open) + style.escaped(text.substr(begin, end - begin)) + std::string(close);
  out += style.escaped(text.substr(end));
}

std::string escape_chars(std::string_view text, std::string_view specials) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (specials.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string escape_markdown(std::string_view text) { return escape_chars(text, "\\*_~`|>#[]"); }

std::string escape_slack(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

MarkupStyle plain_style() { return MarkupStyle{"[-", "-]", "{+", "+}", "\n\n", {}}; }
MarkupStyle markdown_style() { return MarkupStyle{"~~", "~~", "**", "**", "\n\n", escape_markdown}; }
MarkupStyle slack_style() { return MarkupStyle{"~", "~", "*", "*", "\n\n", escape_slack}; }
MarkupStyle html_style() { return MarkupStyle{"<del>", "</del>", "<ins>", "</ins>", "\n", escape_html}; }

std::string headline_line(const Event& e, std::string_view arrow) {
  const std::string old_h = e.old_version ? e.old_version->headline : std::string();
  const std::string new_h = e.new_version ? e.new_version->headline : std::string();
  if (!old_h.empty() && !new_h.empty() && old_h != new_h) return old_h + std::string(arrow) + new_h;
  if (!new_h.empty()) return new_h;
  if (!old_h.empty()) return old_h;
  return e.url;
}

std::string classes_text(const Event& e) {
  if (e.classes.empty()) return "none";
  std::string out;
  for (const auto& c : e.classes) out += (out.empty() ? "" : ", ") + c;
  return out;
}

std::string summary_line(const Event& e) {
  switch (e.type) {
    case EventType::changed:
      return e.summary.empty() ? "Article changed: " + classes_text(e) : e.summary;
    case EventType::deleted:
      return "Article deleted";
    case EventType::redirected:
      return "Article redirected";
    case EventType::restored:
      return "Article restored";
    case EventType::headline_test:
      return e.summary.empty() ? "Headline test" : e.summary;
    case EventType::headline_test_ended:
      return e.summary.empty() ? "Headline test ended" : e.summary;
  }
  return "Article event";
}

std::string diff_excerpt(const Event& e, const MarkupStyle& style, ExcerptLimits limits) {
  size_t dropped = 0;
  const auto paragraphs = changed_paragraphs(parse_diff_markup(e.diff), limits.max_paragraphs, dropped);
  const bool html = style.paragraph_separator == "\n";
  std::string out;
  for (const auto& paragraph : paragraphs) {
    if (!out.empty()) out += style.paragraph_separator;
    if (html) out += "<p>";
    size_t budget = limits.max_paragraph_bytes;
    for (const auto& piece : paragraph) {
      if (budget == 0) break;
      const std::string text = truncate_utf8(piece.text, budget);
      budget = text.size() < piece.text.size() ? 0 : budget - text.size();
      switch (piece.kind) {
        case DiffPiece::Kind::same:
          out += style.escaped(text);
          break;
        case DiffPiece::Kind::removed:
          append_marked(out, text, style.removed_open, style.removed_close, style);
          break;
        case DiffPiece::Kind::added:
          append_marked(out, text, style.added_open, style.added_close, style);
          break;
      }
    }
    if (html) out += "</p>";
  }
  if (dropped > 0) {
    const std::string more = "(+" + std::to_string(dropped) + " more changed paragraph" + (dropped == 1 ? ")" : "s)");
    out += std::string(style.paragraph_separator) + (html ? "<p>" + more + "</p>" : style.escaped(more));
  }
  return out;
}

}  // namespace redline
