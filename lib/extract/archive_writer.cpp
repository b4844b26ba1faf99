#include "extract/archive_writer.hpp"

#include <string_view>

#include "util/html.hpp"

namespace redline {

namespace {

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

std::string table_row(std::string_view row) {
  std::string out = "<tr>";
  for (;;) {
    const size_t bar = row.find(" | ");
    out += "<td>" + escape_html(row.substr(0, bar)) + "</td>";
    if (bar == std::string_view::npos) break;
    row.remove_prefix(bar + 3);
  }
  return out + "</tr>";
}

}  // namespace

std::string format_archive(Timestamp captured_at, const std::string& url, const Article& article) {
  std::string out = "<!--" + std::to_string(to_epoch_ms(captured_at)) + "-->\n[" + one_line(article.headline) + "](" +
                    one_line(url) + ")\n------\n\n";
  if (!article.authors.empty() || article.published) {
    out += "<div><i>" + escape_html(article.byline()) + "<br>" +
           (article.published ? format_rfc3339(*article.published) : std::string()) + "</i></div>";
  }
  const auto& blocks = article.blocks;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Block& b = blocks[i];
    const bool first_of_run = i == 0 || blocks[i - 1].kind != b.kind;
    const bool last_of_run = i + 1 == blocks.size() || blocks[i + 1].kind != b.kind;
    switch (b.kind) {
      case BlockKind::paragraph:
        out += "<p>" + escape_html(b.text) + "</p>";
        break;
      case BlockKind::heading:
        out += "<h2>" + escape_html(b.text) + "</h2>";
        break;
      case BlockKind::quote:
        out += "<blockquote>" + escape_html(b.text) + "</blockquote>";
        break;
      case BlockKind::caption:
        out += "<div><small>" + escape_html(b.text) + "</small></div>";
        break;
      case BlockKind::list_item:
        out += std::string(first_of_run ? "<ul>" : "") + "<li>" + escape_html(b.text) + "</li>" +
               (last_of_run ? "</ul>" : "");
        break;
      case BlockKind::table:
        out += std::string(first_of_run ? "<table>" : "") + table_row(b.text) + (last_of_run ? "</table>" : "");
        break;
    }
  }
  return out + "\n";
}

std::string archive_file_name(std::string_view article_key, Timestamp captured_at) {
  std::string dir;
  for (char c : article_key.substr(0, 120)) {
    const bool keep =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    dir += keep ? c : '_';
  }
  if (dir.empty() || dir == "." || dir == "..") dir = "_" + dir;
  return dir + "/" + std::to_string(to_epoch_ms(captured_at)) + ".txt";
}

}  // namespace redline
