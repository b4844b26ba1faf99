// Text, ANSI and HTML renderers (JSON is in render_json.cpp).
#include "diff/render.hpp"

#include <cstdio>

#include "core/time.hpp"
#include "util/html.hpp"

namespace redline {

namespace {

// How each renderer marks deleted and inserted text, and escapes the rest.
struct Style {
  std::string_view del_open, del_close, ins_open, ins_close;
  bool html = false;
};

constexpr Style k_text_style{"[-", "-]", "{+", "+}", false};
constexpr Style k_ansi_style{"\x1b[31m", "\x1b[m", "\x1b[32m", "\x1b[m", false};
constexpr Style k_html_style{"<del>", "</del>", "<ins>", "</ins>", true};

std::string plain(const Style& style, std::string_view text) {
  return style.html ? escape_html(text) : std::string(text);
}

std::string deleted(const Style& style, std::string_view text) {
  return std::string(style.del_open) + plain(style, text) + std::string(style.del_close);
}

std::string inserted(const Style& style, std::string_view text) {
  return std::string(style.ins_open) + plain(style, text) + std::string(style.ins_close);
}

std::string render_ops(const Style& style, const std::vector<WordOp>& ops) {
  std::string out;
  for (const auto& op : ops) {
    if (op.kind == OpKind::keep) {
      out += plain(style, op.text);
    } else if (op.noise) {
      if (op.kind == OpKind::ins) out += plain(style, op.text);
    } else {
      out += op.kind == OpKind::del ? deleted(style, op.text) : inserted(style, op.text);
    }
  }
  return out;
}

std::string block_text(const Article& article, int index) {
  if (index < 0 || static_cast<size_t>(index) >= article.blocks.size()) return {};
  return article.blocks[static_cast<size_t>(index)].text;
}

std::string format_date(const std::optional<Timestamp>& t) { return t ? format_rfc3339(*t) : std::string("(none)"); }

// One body entry, without the paragraph's markup.
std::string render_paragraph(const Style& style, const ParagraphDiff& p, const Article& old_version,
                             const Article& new_version) {
  switch (p.fate) {
    case ParagraphFate::same:
      return plain(style, block_text(new_version, p.new_index));
    case ParagraphFate::moved:
      return plain(style, block_text(new_version, p.new_index));
    case ParagraphFate::added:
      return inserted(style, block_text(new_version, p.new_index));
    case ParagraphFate::removed:
      return deleted(style, block_text(old_version, p.old_index));
    case ParagraphFate::changed:
      return render_ops(style, p.ops);
  }
  return {};
}

std::string render_lines(const Change& change, const Article& old_version, const Article& new_version,
                         const Style& style, bool colour) {
  const std::string hunk_open = colour ? "\x1b[36m" : "";
  const std::string hunk_close = colour ? "\x1b[m" : "";
  std::string out = "# ";
  out += change.headline_ops.empty() ? new_version.headline : render_ops(style, change.headline_ops);
  out += '\n';
  if (!change.byline_ops.empty()) out += "by " + render_ops(style, change.byline_ops) + '\n';
  if (change.has_class(k_class_dates))
    out += "published " + deleted(style, format_date(change.published_old)) +
           inserted(style, format_date(change.published_new)) + '\n';
  if (!change.changed()) {
    out += "(no change)\n";
    return out;
  }
  // Hunks: changed entries plus one unchanged paragraph of context on each side.
  const size_t n = change.body.size();
  std::vector<char> shown(n, 0);
  for (size_t k = 0; k < n; ++k) {
    if (change.body[k].fate == ParagraphFate::same) continue;
    shown[k] = 1;
    if (k > 0) shown[k - 1] = 1;
    if (k + 1 < n) shown[k + 1] = 1;
  }
  for (size_t k = 0; k < n; ++k) {
    if (!shown[k]) continue;
    const ParagraphDiff& p = change.body[k];
    if (k == 0 || !shown[k - 1]) {
      const bool old_side = p.new_index < 0;
      out += '\n' + hunk_open + "@@ " + (old_side ? "old ¶" : "¶") +
             std::to_string((old_side ? p.old_index : p.new_index) + 1) + " @@" + hunk_close + '\n';
    }
    if (p.fate == ParagraphFate::moved) out += "(moved from ¶" + std::to_string(p.old_index + 1) + ") ";
    out += render_paragraph(style, p, old_version, new_version);
    out += '\n';
  }
  return out;
}

constexpr std::string_view k_html_head = R"(<!DOCTYPE html>
<html lang="%LANG%">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%TITLE%</title>
<style>
body{max-width:42em;margin:0 auto;padding:1em;font:1.05em/1.6 system-ui,-apple-system,"Noto Sans CJK SC",sans-serif;color:#1b1b1b;background:#fff;overflow-wrap:break-word}
header{font-size:.85em;color:#555;border-bottom:1px solid #ddd;margin-bottom:1em}
.classes span{display:inline-block;border:1px solid #999;border-radius:.3em;padding:0 .4em;margin-right:.3em}
del{background:#ffe0e0;color:#8b0000}
ins{background:#dcf5dc;color:#064d06;text-decoration:none;border-bottom:1px solid #4a4}
.added,.removed,.moved{border-left:.25em solid;padding-left:.6em}
.added{border-color:#4a4}.removed{border-color:#c44}.moved{border-color:#48c}
.note{font-size:.8em;color:#48c}
</style>
</head>
<body>
)";

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

std::string html_tag(const Article& article, int index) {
  if (index < 0 || static_cast<size_t>(index) >= article.blocks.size()) return "p";
  switch (article.blocks[static_cast<size_t>(index)].kind) {
    case BlockKind::heading:
      return "h2";
    case BlockKind::quote:
      return "blockquote";
    default:
      return "p";
  }
}

std::string html_fragment(const Change& change, const Article& old_version, const Article& new_version) {
  const Style& style = k_html_style;
  std::string out = "<header>\n<p class=\"classes\">";
  if (change.classes.empty()) out += "<span>no change</span>";
  for (const auto& c : change.classes) out += "<span>" + escape_html(c) + "</span>";
  const ChangeStats& s = change.stats;
  char similarity[32];
  std::snprintf(similarity, sizeof similarity, "%.1f", s.similarity * 100.0);
  out += "</p>\n<p class=\"stats\">+" + std::to_string(s.words_added) + " / −" + std::to_string(s.words_removed) +
         " words · paragraphs: " + std::to_string(s.paragraphs_added) + " added, " +
         std::to_string(s.paragraphs_removed) + " removed, " + std::to_string(s.paragraphs_changed) + " changed, " +
         std::to_string(s.paragraphs_moved) + " moved · " + similarity + " % similar</p>\n";
  if (!new_version.canonical_url.empty())
    out += "<p><a href=\"" + escape_html(new_version.canonical_url) + "\">" + escape_html(new_version.canonical_url) +
           "</a></p>\n";
  out += "</header>\n<article>\n<h1>";
  out += change.headline_ops.empty() ? escape_html(new_version.headline) : render_ops(style, change.headline_ops);
  out += "</h1>\n";
  if (!change.byline_ops.empty()) {
    out += "<p class=\"byline\">" + render_ops(style, change.byline_ops) + "</p>\n";
  } else if (!new_version.authors.empty()) {
    out += "<p class=\"byline\">" + escape_html(new_version.byline()) + "</p>\n";
  }
  if (change.has_class(k_class_dates)) {
    out += "<p class=\"dates\">" + deleted(style, format_date(change.published_old)) +
           inserted(style, format_date(change.published_new)) + "</p>\n";
  } else if (new_version.published) {
    out += "<p class=\"dates\">" + escape_html(format_rfc3339(*new_version.published)) + "</p>\n";
  }
  if (change.body.empty()) {
    for (const auto& block : new_version.blocks)
      if (!block.text.empty()) out += "<p>" + escape_html(block.text) + "</p>\n";
  }
  for (const auto& p : change.body) {
    const bool old_side = p.new_index < 0;
    const std::string tag = old_side ? html_tag(old_version, p.old_index) : html_tag(new_version, p.new_index);
    std::string cls;
    if (p.fate == ParagraphFate::added) cls = " class=\"added\"";
    if (p.fate == ParagraphFate::removed) cls = " class=\"removed\"";
    if (p.fate == ParagraphFate::moved) cls = " class=\"moved\"";
    out += "<" + tag + cls + ">";
    if (p.fate == ParagraphFate::moved)
      out += "<span class=\"note\">moved from paragraph " + std::to_string(p.old_index + 1) + ":</span> ";
    out += render_paragraph(style, p, old_version, new_version);
    out += "</" + tag + ">\n";
  }
  out += "</article>\n";
  return out;
}

std::string render_html(const Change& change, const Article& old_version, const Article& new_version) {
  std::string out(k_html_head);
  out = replace_all(out, "%LANG%", escape_html(new_version.language.empty() ? "und" : new_version.language));
  out = replace_all(out, "%TITLE%", escape_html(new_version.headline));
  return out + html_fragment(change, old_version, new_version) + "</body>\n</html>\n";
}

}  // namespace

std::string render_html_fragment(const Change& change, const Article& old_version, const Article& new_version) {
  return html_fragment(change, old_version, new_version);
}

std::string render(const Change& change, const Article& old_version, const Article& new_version, DiffFormat format) {
  switch (format) {
    case DiffFormat::text:
      return render_lines(change, old_version, new_version, k_text_style, false);
    case DiffFormat::ansi:
      return render_lines(change, old_version, new_version, k_ansi_style, true);
    case DiffFormat::html:
      return render_html(change, old_version, new_version);
    case DiffFormat::json:
      return to_json(change).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  return {};
}

}  // namespace redline
