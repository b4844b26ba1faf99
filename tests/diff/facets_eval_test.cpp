// The labelled evaluation set of the facets (tests/diff/data/facets/*.txt, format in its README.md):
// hand-written edit pairs in twelve languages, each labelled with the facets it truly has. Prints
// precision and recall per facet and fails below P 0.95 / R 0.90 for any facet.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/time.hpp"
#include "diff/compare.hpp"
#include "diff/render.hpp"

namespace redline {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> k_facets = {"correction", "silent", "numbers", "quotes", "lede"};
const std::vector<std::string> k_languages = {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "zh", "ja", "ar"};

struct Case {
  std::string id;
  std::string file;
  int line = 0;
  std::set<std::string> expected;
  Article old_version;
  Article new_version;
};

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::optional<BlockKind> kind_of(const std::string& tag) {
  if (tag == "P") return BlockKind::paragraph;
  if (tag == "Q") return BlockKind::quote;
  if (tag == "S") return BlockKind::heading;
  if (tag == "C") return BlockKind::caption;
  return std::nullopt;
}

// Replaces the first occurrence of `from` in the headline or a block (in that order); false when absent.
bool substitute(Article& a, const std::string& from, const std::string& to, bool all) {
  bool done = false;
  const auto in = [&](std::string& text) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
      done = true;
      if (!all) return true;
    }
    return false;
  };
  if (in(a.headline)) return true;
  for (auto& b : a.blocks)
    if (in(b.text)) return true;
  return done;
}

// Applies one line of a case; an error message when the line is not understood.
std::string apply(Case& c, bool& in_edits, const std::string& line) {
  const auto colon = line.find(':');
  if (line.rfind("~", 0) == 0) {
    // "~ old => new" (first occurrence) or "~~ old => new" (every occurrence)
    in_edits = true;
    const bool all = line.rfind("~~", 0) == 0;
    const std::string rest = line.substr(all ? 2 : 1);
    const auto arrow = rest.find("=>");
    if (arrow == std::string::npos) return "an edit needs \"=>\"";
    const std::string from = trim(rest.substr(0, arrow));
    const std::string to = trim(rest.substr(arrow + 2));
    if (!substitute(c.new_version, from, to, all)) return "edit text not found: " + from;
    return {};
  }
  if (line.rfind("+", 0) == 0 || line.rfind("-", 0) == 0) {
    // "+ P: text" appends, "+N P: text" inserts before block N, "- N" removes block N.
    in_edits = true;
    std::istringstream in(line.substr(1));
    if (line[0] == '-') {
      size_t n = 0;
      if (!(in >> n) || n >= c.new_version.blocks.size()) return "bad block number";
      c.new_version.blocks.erase(c.new_version.blocks.begin() + static_cast<long>(n));
      return {};
    }
    std::string head = line.substr(1, colon == std::string::npos ? 0 : colon - 1);
    std::istringstream hs(head);
    std::string first;
    std::string second;
    hs >> first >> second;
    size_t at = c.new_version.blocks.size();
    std::string tag = first;
    if (!second.empty()) {
      at = std::stoul(first);
      tag = second;
    }
    const auto kind = kind_of(tag);
    if (!kind || colon == std::string::npos || at > c.new_version.blocks.size()) return "bad insertion";
    c.new_version.blocks.insert(c.new_version.blocks.begin() + static_cast<long>(at),
                                Block{*kind, trim(line.substr(colon + 1))});
    return {};
  }
  if (colon == std::string::npos) return "not a field line";
  const std::string key = trim(line.substr(0, colon));
  const std::string value = trim(line.substr(colon + 1));
  if (key == "modified" || key == "old.modified" || key == "new.modified") {
    const auto t = parse_rfc3339(value);
    if (!t) return "bad date " + value;
    if (key != "new.modified") c.old_version.modified = t;
    if (key != "old.modified") c.new_version.modified = t;
    return {};
  }
  if (in_edits) return "field lines come before the edits";
  if (key == "H") {
    c.old_version.headline = c.new_version.headline = value;
    return {};
  }
  const auto kind = kind_of(key);
  if (!kind) return "unknown field " + key;
  c.old_version.blocks.push_back(Block{*kind, value});
  c.new_version.blocks.push_back(Block{*kind, value});
  return {};
}

std::vector<Case> load_cases(std::vector<std::string>& errors) {
  std::vector<Case> cases;
  const fs::path dir = fs::path(REDLINE_SOURCE_DIR) / "tests/diff/data/facets";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line;
    int n = 0;
    bool in_edits = false;
    while (std::getline(in, line)) {
      ++n;
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      if (line.rfind("===", 0) == 0) {
        // "=== id | facet facet" ("-" for none)
        const auto bar = line.find('|');
        Case c;
        c.id = trim(line.substr(3, bar == std::string::npos ? std::string::npos : bar - 3));
        c.file = path.filename().string();
        c.line = n;
        std::istringstream labels(bar == std::string::npos ? std::string() : line.substr(bar + 1));
        for (std::string f; labels >> f;) {
          if (f == "-") continue;
          if (std::find(k_facets.begin(), k_facets.end(), f) == k_facets.end())
            errors.push_back(c.file + ":" + std::to_string(n) + ": unknown facet " + f);
          c.expected.insert(f);
        }
        cases.push_back(std::move(c));
        in_edits = false;
        continue;
      }
      if (cases.empty()) {
        errors.push_back(path.filename().string() + ":" + std::to_string(n) + ": line before the first case");
        continue;
      }
      if (const std::string err = apply(cases.back(), in_edits, line); !err.empty())
        errors.push_back(path.filename().string() + ":" + std::to_string(n) + ": " + err);
    }
  }
  return cases;
}

TEST(FacetsEval, PrecisionAndRecallPerFacet) {
  std::vector<std::string> errors;
  const std::vector<Case> cases = load_cases(errors);
  for (const auto& e : errors) ADD_FAILURE() << e;
  ASSERT_TRUE(errors.empty());
  ASSERT_GE(cases.size(), 150u);

  std::map<std::string, int> per_language;
  std::set<std::string> ids;
  for (const auto& c : cases) {
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate case id " << c.id;
    ++per_language[c.id.substr(0, c.id.find('-'))];
  }
  for (const auto& lang : k_languages) EXPECT_GE(per_language[lang], 10) << "too few cases in " << lang;

  std::map<std::string, int> tp;
  std::map<std::string, int> fp;
  std::map<std::string, int> fn;
  for (const auto& c : cases) {
    const Change change = compare(c.old_version, c.new_version);
    EXPECT_TRUE(change.changed()) << c.file << ":" << c.line << " " << c.id << ": the pair does not differ";
    std::set<std::string> got;
    for (const auto& f : k_facets)
      if (change.has_class(f)) got.insert(f);
    for (const auto& f : k_facets) {
      const bool want = c.expected.count(f) > 0;
      const bool have = got.count(f) > 0;
      if (want && have) ++tp[f];
      if (!want && have) ++fp[f];
      if (want && !have) ++fn[f];
    }
    if (got != c.expected) {
      std::string want_s;
      std::string got_s;
      for (const auto& f : c.expected) want_s += f + " ";
      for (const auto& f : got) got_s += f + " ";
      std::printf("  miss %s:%d %s: want [%s] got [%s]  %s\n", c.file.c_str(), c.line, c.id.c_str(), want_s.c_str(),
                  got_s.c_str(), change.summary.c_str());
    }
  }
  std::printf("%zu pairs in %zu languages\n%-11s %5s %5s %5s %9s %6s\n", cases.size(), per_language.size(), "facet",
              "tp", "fp", "fn", "precision", "recall");
  for (const auto& f : k_facets) {
    const int positives = tp[f] + fn[f];
    const double precision = tp[f] + fp[f] == 0 ? 1.0 : static_cast<double>(tp[f]) / (tp[f] + fp[f]);
    const double recall = positives == 0 ? 0.0 : static_cast<double>(tp[f]) / positives;
    std::printf("%-11s %5d %5d %5d %9.3f %6.3f\n", f.c_str(), tp[f], fp[f], fn[f], precision, recall);
    EXPECT_GE(positives, 15) << "too few positive examples of " << f;
    EXPECT_GE(precision, 0.95) << f;
    EXPECT_GE(recall, 0.90) << f;
  }
}

}  // namespace
}  // namespace redline
