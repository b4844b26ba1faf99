// The recognizers behind the facets (diff/facts.hpp) and add_facets() on small pairs.
#include <gtest/gtest.h>

#include "diff/compare.hpp"
#include "diff/facts.hpp"
#include "diff/render.hpp"
#include "diff_test_util.hpp"

namespace redline {
namespace {

using namespace diff_detail;
using testing::make_article;

std::vector<std::string> keys(const std::vector<NumberSpan>& spans) {
  std::vector<std::string> out;
  for (const auto& s : spans) out.push_back(s.key);
  return out;
}

TEST(Facts, NumbersInEveryScriptAndFormat) {
  EXPECT_EQ(keys(find_numbers("12 dead, 3,5 Mio. Euro, 1 000 people, 2024.")),
            (std::vector<std::string>{"12", "3,5", "1 000", "2024"}));
  EXPECT_EQ(keys(find_numbers("死者は１２人")), (std::vector<std::string>{"12"}));
  EXPECT_EQ(keys(find_numbers("قتل ١٥ شخصا")), (std::vector<std::string>{"15"}));
  // A space joins only a three-digit group: "in 2024 500 people" is two numbers.
  EXPECT_EQ(keys(find_numbers("in 2024 500 people")), (std::vector<std::string>{"2024", "500"}));
  const std::string text = "Toll rises to 15";
  const auto spans = find_numbers(text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(text.substr(spans[0].begin, spans[0].end - spans[0].begin), "15");
}

TEST(Facts, QuotesOfEveryStyle) {
  for (const std::string text :
       {"He said “we will win” today", "Er sagte: „wir werden gewinnen“.", "Il a dit « nous gagnerons ».",
        "Er sagte »wir gewinnen«.", "彼は「勝つ」と述べた", "He said \"we will win\" today", "他说『会赢』"}) {
    const auto q = find_quotes(text);
    ASSERT_EQ(q.size(), 1u) << text;
    EXPECT_FALSE(q[0].key.empty());
  }
  // Re-wrapped or re-punctuated: the same key.
  EXPECT_EQ(find_quotes("“We  will, win”")[0].key, find_quotes("« We will win »")[0].key);
  EXPECT_TRUE(find_quotes("an “unclosed quote").empty());
}

TEST(Facts, CorrectionNotesByOpeningWords) {
  for (const char* note :
       {"Correction: An earlier version misstated the toll.", "An earlier version of this article said 12.",
        "Korrektur: In einer früheren Version hieß es …", "Rectificatif : une erreur s'est glissée.",
        "Corrección: la cifra era 15.", "更正：本文此前有误。", "【訂正】人数を訂正しました。",
        "Update: Police confirmed the toll.", "Sprostowanie: podaliśmy błędną liczbę.",
        "Исправление: в тексте была ошибка.", "تصحيح: ورد خطأ في الرقم.", "(Editor's note: this story was amended.)",
        "Noot van de redactie: de titel is aangepast."})
    EXPECT_TRUE(is_correction_note(note)) << note;
  for (const char* text : {"Correction of the figures was demanded by the opposition.", "Updated 5 minutes ago",
                           "Updates on the storm follow below.", "訂正される見通しだ。", "Update: 14:05"})
    EXPECT_FALSE(is_correction_note(text)) << text;
}

TEST(Facts, UpdatedLines) {
  for (const char* line :
       {"Updated 5 minutes ago", "Aktualisiert am 3. Mai 2024, 14:05 Uhr", "更新：2024年5月3日 14:05",
        "Mis à jour le 3 mai 2024 à 14h05", "Обновлено 3 мая 2024, 14:05"})
    EXPECT_TRUE(is_updated_line(line)) << line;
  for (const char* text : {"Update: 12 killed, police say", "Updated figures show 12 dead.", "更新：死亡人数升至15人"})
    EXPECT_FALSE(is_updated_line(text)) << text;
}

TEST(Facets, NumberChangeCarriesItsEvidence) {
  const Article a = make_article("Storm kills 12 in the north", {"The storm hit at dawn.", "Rescue teams are out."});
  const Article b = make_article("Storm kills 15 in the north", {"The storm hit at dawn.", "Rescue teams are out."});
  const Change c = compare(a, b);
  EXPECT_TRUE(c.has_class("numbers"));
  ASSERT_EQ(c.facts.numbers.size(), 1u);
  EXPECT_EQ(c.facts.numbers[0].old_value, "12");
  EXPECT_EQ(c.facts.numbers[0].new_value, "15");
  EXPECT_EQ(c.facts.numbers[0].context, "Storm kills 15 in the north");
  EXPECT_FALSE(c.has_class("lede"));
  EXPECT_FALSE(c.has_class("silent")) << "no modified date: never silent";
}

TEST(Facets, SilentNeedsAModifiedDateThatDidNotMove) {
  Article a = make_article("Minister resigns", {"The minister resigned on Monday.", "More to follow."});
  Article b = make_article("Minister resigns", {"The minister resigned on Monday evening.", "More to follow."});
  EXPECT_FALSE(compare(a, b).has_class("silent"));
  a.modified = b.modified = parse_rfc3339("2024-05-03T10:00:00Z");
  EXPECT_TRUE(compare(a, b).has_class("silent"));
  b.modified = parse_rfc3339("2024-05-03T11:00:00Z");
  EXPECT_FALSE(compare(a, b).has_class("silent"));
}

TEST(Facets, FactsRoundTripThroughJson) {
  Article a = make_article("Storm kills 12", {"He said “we are ready”.", "Rescue teams are out."});
  Article b = make_article("Storm kills 15", {"He said “we are not ready”.", "Rescue teams are out.",
                                              "Correction: An earlier version misnamed the town."});
  const Change c = compare(a, b);
  for (const char* f : {"numbers", "quotes", "correction", "lede"}) EXPECT_TRUE(c.has_class(f)) << f;
  ASSERT_EQ(c.facts.quotes.size(), 1u);
  EXPECT_EQ(c.facts.quotes[0].old_text, "we are ready");
  EXPECT_EQ(c.facts.quotes[0].new_text, "we are not ready");
  ASSERT_EQ(c.facts.corrections.size(), 1u);
  const auto back = change_from_json(to_json(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c);
  EXPECT_EQ(to_json(c)["facts"]["numbers"][0]["new"], "15");
}

}  // namespace
}  // namespace redline
