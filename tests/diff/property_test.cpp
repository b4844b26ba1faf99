// Property tests: random edits (seeded) of real article text in several scripts. Whatever the edit,
// the ops must reproduce both texts, the body must account for every paragraph, the word counts must
// add up, fingerprints must agree with compare(), and the JSON form must round-trip.
#include <gtest/gtest.h>

#include <random>

#include "diff/compare.hpp"
#include "diff/render.hpp"
#include "diff_test_util.hpp"

namespace redline {
namespace {

using testing::expect_body_reproduces;
using testing::side_of;

struct Sample {
  const char* name;
  const char* headline;
  std::vector<std::string> paragraphs;
};

const std::vector<Sample>& samples() {
  static const std::vector<Sample> k_samples = {
      {"english",
       "Council approves budget after marathon session",
       {"The city council approved next year's budget early on Tuesday, after a debate that lasted more than "
        "eleven hours.",
        "Opposition members said the plan cuts too deeply into school funding, while the mayor's office argued "
        "that the city had no choice.",
        "\"We made hard decisions,\" the mayor told reporters. \"Nobody is happy, and that is usually a sign of a "
        "fair compromise.\"",
        "The budget includes a 3.5% increase in property taxes and freezes hiring in most departments.",
        "A final vote on the tax rate is expected next month."}},
      {"chinese_simplified",
       "巴尔干三国禁飞 俄外长出访受阻",
       {"由于塞尔维亚的邻国保加利亚、北马其顿和黑山关闭领空，俄罗斯外长拉夫罗夫原定对贝尔格莱德的访问恐将无法成行。",
        "俄罗斯外交部发言人扎哈罗娃表示，这是对主权国家外交活动的又一次阻挠。",
        "塞尔维亚是欧洲少数没有对俄罗斯实施制裁的国家之一，但它同时也在申请加入欧盟。",
        "分析人士认为，此事显示巴尔干地区在俄乌战争中面临的两难处境。"}},
      {"chinese_traditional",
       "英相約翰遜挺過「逼宮」 不信任票高於預期",
       {"英國首相約翰遜周一晚間在保守黨議員的不信任投票中驚險過關，但反對他的票數高於預期。",
        "在359名保守黨議員中，有148人投下不信任票，約佔百分之四十一。",
        "根據黨內規定，約翰遜在未來十二個月內不會再面臨類似的挑戰。"}},
      {"japanese",
       "台風が九州に上陸、交通に大きな影響",
       {"大型の台風十号は、きょう午前、鹿児島県に上陸しました。",
        "気象庁によりますと、九州南部では非常に激しい雨が降り、土砂災害の危険性が高まっています。",
        "新幹線は始発から運転を見合わせており、空の便も多くが欠航となっています。"}},
      {"thai",
       "รัฐบาลประกาศมาตรการช่วยเหลือเกษตรกร",
       {"รัฐบาลได้ประกาศมาตรการช่วยเหลือเกษตรกรที่ได้รับผลกระทบจากภัยแล้งในภาคตะวันออกเฉียงเหนือ",
        "นายกรัฐมนตรีกล่าวว่างบประมาณดังกล่าวจะถูกจัดสรรภายในสิ้นเดือนนี้", "ผู้นำเกษตรกรหลายคนยินดีกับมาตรการนี้แต่เห็นว่ายังไม่เพียงพอ"}},
      {"russian",
       "Глава МИД России не смог вылететь в Белград",
       {"Болгария, Северная Македония и Черногория закрыли воздушное пространство для самолёта министра.",
        "В Москве назвали это решение «немыслимым» и пообещали ответить.",
        "Визит должен был состояться в понедельник."}},
  };
  return k_samples;
}

// Splits text into tokens (words, punctuation and the spaces between them) for editing.
std::vector<std::string> pieces(Tokenizer& tokenizer, const std::string& text) {
  std::vector<std::string> out;
  for (const auto& t : tokenizer.tokenize(text)) out.emplace_back(t.text);
  return out;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += p;
  return out;
}

class Editor {
 public:
  Editor(unsigned seed, const Sample& sample) : m_rng(seed) {
    for (const auto& p : sample.paragraphs)
      for (const auto& piece : pieces(m_tokenizer, p))
        if (!piece.empty() && piece != " ") m_pool.push_back(piece);
    m_pool.push_back("，");
    m_pool.push_back("\u201C");
  }

  std::string edit_text(const std::string& text, int edits) {
    auto parts = pieces(m_tokenizer, text);
    for (int e = 0; e < edits; ++e) {
      const size_t at = parts.empty() ? 0 : pick(parts.size());
      switch (pick(5)) {
        case 0:
          if (!parts.empty()) parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(at));
          break;
        case 1:
          parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(at), m_pool[pick(m_pool.size())]);
          break;
        case 2:
          if (!parts.empty()) parts[at] = m_pool[pick(m_pool.size())];
          break;
        case 3:
          if (at + 1 < parts.size()) std::swap(parts[at], parts[at + 1]);
          break;
        default:
          parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(at), "  ");
          break;
      }
    }
    return joined(parts);
  }

  Article edit_article(const Article& a) {
    Article b = a;
    if (pick(3) == 0) b.headline = edit_text(b.headline, 1 + static_cast<int>(pick(3)));
    const size_t paragraph_edits = pick(4);
    for (size_t e = 0; e < paragraph_edits && !b.blocks.empty(); ++e) {
      const size_t at = pick(b.blocks.size());
      switch (pick(5)) {
        case 0:
          b.blocks.erase(b.blocks.begin() + static_cast<std::ptrdiff_t>(at));
          break;
        case 1: {
          Block extra{BlockKind::paragraph, edit_text(a.blocks[pick(a.blocks.size())].text, 12)};
          b.blocks.insert(b.blocks.begin() + static_cast<std::ptrdiff_t>(at), extra);
          break;
        }
        case 2: {
          const Block moved = b.blocks[at];
          b.blocks.erase(b.blocks.begin() + static_cast<std::ptrdiff_t>(at));
          b.blocks.insert(b.blocks.begin() + static_cast<std::ptrdiff_t>(pick(b.blocks.size() + 1)), moved);
          break;
        }
        default:
          b.blocks[at].text = edit_text(b.blocks[at].text, 1 + static_cast<int>(pick(4)));
          break;
      }
    }
    return b;
  }

 private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(m_rng); }

  std::mt19937 m_rng;
  Tokenizer m_tokenizer;
  std::vector<std::string> m_pool;
};

int count_words(Tokenizer& tokenizer, const Article& a) {
  int n = 0;
  const auto add = [&](const std::string& text) {
    for (const auto& t : tokenizer.tokenize(text)) n += t.kind == TokenKind::word ? 1 : 0;
  };
  add(a.headline);
  for (const auto& b : a.blocks) add(b.text);
  return n;
}

class RandomEdits : public ::testing::TestWithParam<size_t> {};

TEST_P(RandomEdits, OpsReproduceTextsAndEverythingAgrees) {
  const Sample& sample = samples()[GetParam()];
  Article original;
  original.headline = sample.headline;
  for (const auto& p : sample.paragraphs) original.blocks.push_back(Block{BlockKind::paragraph, p});
  Tokenizer tokenizer;
  const int original_words = count_words(tokenizer, original);
  int changed = 0;
  for (unsigned seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE(std::string(sample.name) + " seed " + std::to_string(seed));
    Editor editor(seed * 7919u + static_cast<unsigned>(GetParam()), sample);
    const Article edited = editor.edit_article(original);
    const Change c = compare(original, edited);
    changed += c.changed() ? 1 : 0;

    if (!c.headline_ops.empty()) {
      EXPECT_EQ(side_of(c.headline_ops, false), original.headline);
      EXPECT_EQ(side_of(c.headline_ops, true), edited.headline);
    }
    expect_body_reproduces(c, original, edited);
    EXPECT_EQ(c.stats.words_added - c.stats.words_removed, count_words(tokenizer, edited) - original_words);
    EXPECT_EQ(fingerprint(original) == fingerprint(edited), !c.changed());
    EXPECT_EQ(c.has_class("headline"), !c.headline_ops.empty());
    EXPECT_GE(c.stats.similarity, 0.0);
    EXPECT_LE(c.stats.similarity, 1.0);
    EXPECT_FALSE(c.fell_back);

    const auto back = change_from_json(nlohmann::json::parse(to_json(c).dump()));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, c);
    // Comparing a version with itself is never a change; comparing backwards mirrors the counts.
    EXPECT_FALSE(compare(edited, edited).changed());
    const Change reverse = compare(edited, original);
    EXPECT_EQ(reverse.changed(), c.changed());
    EXPECT_EQ(reverse.stats.words_added - reverse.stats.words_removed, c.stats.words_removed - c.stats.words_added);
  }
  EXPECT_GT(changed, 30);  // the edits really change most articles
}

INSTANTIATE_TEST_SUITE_P(Scripts, RandomEdits, ::testing::Range<size_t>(0, 6),
                         [](const auto& param_info) { return std::string(samples()[param_info.param].name); });

}  // namespace
}  // namespace redline
