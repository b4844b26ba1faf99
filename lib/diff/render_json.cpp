// The JSON form of a Change (schema: docs/diff-format.md) and its inverse.
#include <array>

#include "core/time.hpp"
#include "diff/render.hpp"

namespace redline {

namespace {

constexpr std::array<std::string_view, 3> k_op_names = {"keep", "del", "ins"};
constexpr std::array<std::string_view, 5> k_fate_names = {"same", "added", "removed", "changed", "moved"};

template <size_t N>
std::optional<size_t> index_of(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == name) return i;
  return std::nullopt;
}

nlohmann::json ops_to_json(const std::vector<WordOp>& ops) {
  auto out = nlohmann::json::array();
  for (const auto& op : ops) {
    nlohmann::json j{{"op", k_op_names[static_cast<size_t>(op.kind)]},
                     {"text", op.text},
                     {"old", op.old_offset},
                     {"new", op.new_offset}};
    if (op.noise) j["noise"] = true;
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json time_or_null(const std::optional<Timestamp>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}

// Parsers throw std::invalid_argument or nlohmann's exceptions; change_from_json() turns them into an Error.
std::vector<WordOp> ops_from_json(const nlohmann::json& array) {
  std::vector<WordOp> ops;
  for (const auto& j : array) {
    const auto kind = index_of(k_op_names, j.at("op").get<std::string>());
    if (!kind) throw std::invalid_argument("unknown op " + j.at("op").get<std::string>());
    ops.push_back(WordOp{static_cast<OpKind>(*kind), j.at("text").get<std::string>(), j.at("old").get<int>(),
                         j.at("new").get<int>(), j.value("noise", false)});
  }
  return ops;
}

std::optional<Timestamp> time_from_json(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  auto t = parse_rfc3339(j.get<std::string>());
  if (!t) throw std::invalid_argument("bad time " + j.get<std::string>());
  return t;
}

nlohmann::json facts_to_json(const ChangeFacts& f) {
  auto numbers = nlohmann::json::array();
  for (const auto& n : f.numbers)
    numbers.push_back({{"old", n.old_value}, {"new", n.new_value}, {"context", n.context}});
  auto quotes = nlohmann::json::array();
  for (const auto& q : f.quotes) quotes.push_back({{"old", q.old_text}, {"new", q.new_text}});
  return {{"numbers", std::move(numbers)}, {"quotes", std::move(quotes)}, {"corrections", f.corrections}};
}

ChangeFacts facts_from_json(const nlohmann::json& j) {
  ChangeFacts f;
  for (const auto& n : j.value("numbers", nlohmann::json::array()))
    f.numbers.push_back(
        NumberFact{n.at("old").get<std::string>(), n.at("new").get<std::string>(), n.value("context", std::string())});
  for (const auto& q : j.value("quotes", nlohmann::json::array()))
    f.quotes.push_back(QuoteFact{q.at("old").get<std::string>(), q.at("new").get<std::string>()});
  f.corrections = j.value("corrections", std::vector<std::string>{});
  return f;
}

}  // namespace

nlohmann::json to_json(const ChangeFacts& facts) { return facts_to_json(facts); }

nlohmann::json to_json(const ChangeStats& s) {
  return {{"words_added", s.words_added},
          {"words_removed", s.words_removed},
          {"paragraphs_added", s.paragraphs_added},
          {"paragraphs_removed", s.paragraphs_removed},
          {"paragraphs_changed", s.paragraphs_changed},
          {"paragraphs_moved", s.paragraphs_moved},
          {"similarity", s.similarity}};
}

nlohmann::json to_json(const Change& change) {
  nlohmann::json out{
      {"classes", change.classes},
      {"summary", change.summary},
      {"stats", to_json(change.stats)},
      {"facts", facts_to_json(change.facts)},
      {"fell_back", change.fell_back},
      {"published", {{"old", time_or_null(change.published_old)}, {"new", time_or_null(change.published_new)}}},
      {"headline", ops_to_json(change.headline_ops)},
      {"byline", ops_to_json(change.byline_ops)}};
  auto body = nlohmann::json::array();
  for (const auto& p : change.body) {
    nlohmann::json j{{"fate", k_fate_names[static_cast<size_t>(p.fate)]}};
    j["old"] = p.old_index >= 0 ? nlohmann::json(p.old_index) : nlohmann::json(nullptr);
    j["new"] = p.new_index >= 0 ? nlohmann::json(p.new_index) : nlohmann::json(nullptr);
    if (!p.ops.empty()) j["ops"] = ops_to_json(p.ops);
    body.push_back(std::move(j));
  }
  out["body"] = std::move(body);
  return out;
}

Result<Change> change_from_json(const nlohmann::json& json) {
  try {
    Change c;
    c.classes = json.at("classes").get<std::vector<std::string>>();
    const auto& s = json.at("stats");
    c.stats.words_added = s.at("words_added").get<int>();
    c.stats.words_removed = s.at("words_removed").get<int>();
    c.stats.paragraphs_added = s.at("paragraphs_added").get<int>();
    c.stats.paragraphs_removed = s.at("paragraphs_removed").get<int>();
    c.stats.paragraphs_changed = s.at("paragraphs_changed").get<int>();
    c.stats.paragraphs_moved = s.at("paragraphs_moved").get<int>();
    c.stats.similarity = s.at("similarity").get<double>();
    c.fell_back = json.value("fell_back", false);
    c.summary = json.value("summary", std::string());
    if (json.contains("facts")) c.facts = facts_from_json(json["facts"]);
    if (json.contains("published")) {
      c.published_old = time_from_json(json["published"].at("old"));
      c.published_new = time_from_json(json["published"].at("new"));
    }
    c.headline_ops = ops_from_json(json.at("headline"));
    c.byline_ops = ops_from_json(json.at("byline"));
    for (const auto& j : json.at("body")) {
      ParagraphDiff p;
      const auto fate = index_of(k_fate_names, j.at("fate").get<std::string>());
      if (!fate) throw std::invalid_argument("unknown fate " + j.at("fate").get<std::string>());
      p.fate = static_cast<ParagraphFate>(*fate);
      p.old_index = j.at("old").is_null() ? -1 : j.at("old").get<int>();
      p.new_index = j.at("new").is_null() ? -1 : j.at("new").get<int>();
      if (j.contains("ops")) p.ops = ops_from_json(j["ops"]);
      c.body.push_back(std::move(p));
    }
    return c;
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_input, std::string("not a change: ") + e.what());
  }
}

std::optional<DiffFormat> diff_format_from_string(std::string_view name) {
  if (name == "text") return DiffFormat::text;
  if (name == "ansi") return DiffFormat::ansi;
  if (name == "html") return DiffFormat::html;
  if (name == "json") return DiffFormat::json;
  return std::nullopt;
}

}  // namespace redline
