#include "web/diff_view.hpp"

#include "web/page.hpp"

namespace redline::web {

namespace {

enum class Side { both, old_side, new_side };

// The ops of one field; on one side only the ops of that side are drawn.
std::string ops_html(const std::vector<WordOp>& ops, Side side) {
  std::string out;
  for (const WordOp& op : ops) {
    if (op.noise) {  // drawn as the new text, never as an edit
      if (op.kind != OpKind::del) out += esc(op.text);
      continue;
    }
    switch (op.kind) {
      case OpKind::keep:
        out += esc(op.text);
        break;
      case OpKind::del:
        if (side != Side::new_side) out += "<del class=\"edit\">" + esc(op.text) + "</del>";
        break;
      case OpKind::ins:
        if (side != Side::old_side) out += "<ins class=\"edit\">" + esc(op.text) + "</ins>";
        break;
    }
  }
  return out;
}

std::string_view fate_class(ParagraphFate fate) {
  switch (fate) {
    case ParagraphFate::same:
      return "same";
    case ParagraphFate::added:
      return "added";
    case ParagraphFate::removed:
      return "removed";
    case ParagraphFate::changed:
      return "changed";
    case ParagraphFate::moved:
      return "moved";
  }
  return "same";
}

std::string fate_label(const ParagraphDiff& p) {
  switch (p.fate) {
    case ParagraphFate::same:
      return "";
    case ParagraphFate::added:
      return "added";
    case ParagraphFate::removed:
      return "removed";
    case ParagraphFate::changed:
      return "changed";
    case ParagraphFate::moved:
      return "moved from ¶" + std::to_string(p.old_index + 1);
  }
  return "";
}

const std::string& block_text(const Article& a, int index) {
  static const std::string empty;
  return index >= 0 && static_cast<size_t>(index) < a.blocks.size() ? a.blocks[static_cast<size_t>(index)].text : empty;
}

// One paragraph as drawn on `side` (both: the inline redline).
std::string paragraph_text(const ParagraphDiff& p, const Article& old_version, const Article& new_version, Side side) {
  switch (p.fate) {
    case ParagraphFate::same:
    case ParagraphFate::moved:
      return esc(side == Side::old_side ? block_text(old_version, p.old_index) : block_text(new_version, p.new_index));
    case ParagraphFate::added:
      if (side == Side::old_side) return "";
      return "<ins class=\"edit\">" + esc(block_text(new_version, p.new_index)) + "</ins>";
    case ParagraphFate::removed:
      if (side == Side::new_side) return "";
      return "<del class=\"edit\">" + esc(block_text(old_version, p.old_index)) + "</del>";
    case ParagraphFate::changed:
      return ops_html(p.ops, side);
  }
  return "";
}

std::string paragraph_html(const ParagraphDiff& p, const Article& old_version, const Article& new_version) {
  std::string out = "<div class=\"para " + std::string(fate_class(p.fate)) + "\">";
  const std::string label = fate_label(p);
  if (!label.empty()) out += "<span class=\"fate\">" + esc(label) + "</span>";
  out += "<p>" + paragraph_text(p, old_version, new_version, Side::both) + "</p></div>\n";
  return out;
}

std::string side_row(const ParagraphDiff& p, const Article& old_version, const Article& new_version) {
  const std::string label = fate_label(p);
  const std::string fate = label.empty() ? "" : "<span class=\"fate\">" + esc(label) + "</span>";
  const std::string cls = std::string(fate_class(p.fate));
  std::string out = "<div class=\"side\">";
  out += "<div class=\"old-col para " + cls + "\">" + fate + "<p>" +
         paragraph_text(p, old_version, new_version, Side::old_side) + "</p></div>";
  out += "<div class=\"new-col para " + cls + "\">" + fate + "<p>" +
         paragraph_text(p, old_version, new_version, Side::new_side) + "</p></div>";
  out += "</div>\n";
  return out;
}

}  // namespace

std::optional<DiffView> diff_view_from_string(std::string_view name) {
  if (name.empty() || name == "inline") return DiffView::inline_view;
  if (name == "side") return DiffView::side;
  if (name == "changes") return DiffView::changes;
  return std::nullopt;
}

std::string_view to_string(DiffView view) {
  switch (view) {
    case DiffView::inline_view:
      return "inline";
    case DiffView::side:
      return "side";
    case DiffView::changes:
      return "changes";
  }
  return "inline";
}

std::string headline_html(const Change& change, const Article& new_version) {
  if (change.headline_ops.empty()) return esc(new_version.headline);
  return ops_html(change.headline_ops, Side::both);
}

std::string diff_body_html(const Change& change, const Article& old_version, const Article& new_version,
                           DiffView view) {
  std::string out;
  if (!change.byline_ops.empty())
    out += "<p class=\"byline\">By " + ops_html(change.byline_ops, Side::both) + "</p>\n";
  else if (!new_version.byline().empty())
    out += "<p class=\"byline\">By " + esc(new_version.byline()) + "</p>\n";
  const auto& body = change.body;
  if (view == DiffView::side) {
    out +=
        "<div class=\"side side-head\" aria-hidden=\"true\"><div><strong>Before</strong></div>"
        "<div><strong>After</strong></div></div>\n";
    for (const auto& p : body) out += side_row(p, old_version, new_version);
    return out;
  }
  if (view == DiffView::inline_view) {
    for (const auto& p : body) out += paragraph_html(p, old_version, new_version);
    return out;
  }
  // changes: the edited paragraphs and one paragraph either side.
  std::vector<bool> show(body.size(), false);
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i].fate == ParagraphFate::same) continue;
    show[i] = true;
    if (i > 0) show[i - 1] = true;
    if (i + 1 < body.size()) show[i + 1] = true;
  }
  bool any = false;
  for (size_t i = 0; i < body.size(); ++i) {
    if (!show[i]) continue;
    if ((i > 0 && !show[i - 1]) || (!any && i > 0)) out += "<p class=\"gap\">… unchanged paragraphs …</p>\n";
    any = true;
    out += paragraph_html(body[i], old_version, new_version);
  }
  if (!any) out += "<p class=\"muted\">No paragraph of the body changed.</p>\n";
  return out;
}

}  // namespace redline::web
