#include "diff/summary.hpp"

#include <cctype>

namespace redline {

namespace {

std::string count_of(int n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// "2 paragraphs added, 1 changed (+40/−12 words)".
std::string body_part(const ChangeStats& s) {
  std::string out;
  const auto add = [&](int n, std::string_view what) {
    if (n == 0) return;
    out += out.empty() ? count_of(n, "paragraph", "paragraphs") : (", " + std::to_string(n));
    out += " ";
    out += what;
  };
  add(s.paragraphs_added, "added");
  add(s.paragraphs_changed, "changed");
  add(s.paragraphs_removed, "removed");
  add(s.paragraphs_moved, "moved");
  if (out.empty()) out = "Body changed";
  if (s.words_added > 0 || s.words_removed > 0)
    out += " (+" + std::to_string(s.words_added) + "/\u2212" + std::to_string(s.words_removed) + " words)";
  return out;
}

std::string numbers_part(const std::vector<NumberFact>& numbers) {
  std::string out = numbers.size() == 1 ? "number changed: " : std::to_string(numbers.size()) + " numbers changed: ";
  for (size_t i = 0; i < numbers.size() && i < 2; ++i) {
    if (i > 0) out += ", ";
    out += numbers[i].old_value + " \u2192 " + numbers[i].new_value;
  }
  if (numbers.size() > 2) out += " and " + std::to_string(numbers.size() - 2) + " more";
  return out;
}

std::string fields_list(const Change& change) {
  std::vector<std::string_view> fields;
  if (change.has_class(k_class_headline)) fields.emplace_back("the headline");
  if (change.has_class(k_class_body)) fields.emplace_back("the body");
  if (change.has_class(k_class_byline)) fields.emplace_back("the byline");
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += i + 1 == fields.size() ? " and " : ", ";
    out += fields[i];
  }
  return out;
}

}  // namespace

std::string summarize(const Change& change) {
  if (!change.changed()) return "No change";
  std::vector<std::string> parts;
  if (change.has_class(k_class_minor)) {
    const std::string fields = fields_list(change);
    if (!fields.empty()) parts.push_back("Typography fixed in " + fields);
    if (change.has_class(k_class_dates)) parts.emplace_back("publication date changed");
  } else {
    if (change.has_class(k_class_headline)) parts.emplace_back("Headline reworded");
    if (change.has_class(k_class_body)) parts.push_back(body_part(change.stats));
    if (change.has_class(k_class_byline)) parts.emplace_back("byline changed");
    if (change.has_class(k_class_dates)) parts.emplace_back("publication date changed");
  }
  const ChangeFacts& f = change.facts;
  if (!f.numbers.empty()) parts.push_back(numbers_part(f.numbers));
  if (!f.quotes.empty())
    parts.push_back(f.quotes.size() == 1 ? std::string("quote changed")
                                         : count_of(static_cast<int>(f.quotes.size()), "", "quotes changed"));
  if (!f.corrections.empty())
    parts.push_back(f.corrections.size() == 1
                        ? std::string("correction note added")
                        : count_of(static_cast<int>(f.corrections.size()), "", "correction notes added"));
  if (change.has_class(k_class_lede)) parts.emplace_back("lede changed");
  if (change.has_class(k_class_silent)) parts.emplace_back("silently (no note, modified date unchanged)");
  if (change.has_class(k_class_revert)) parts.emplace_back("back to an earlier version");

  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(std::toupper(out[0]));
  return out;
}

}  // namespace redline
