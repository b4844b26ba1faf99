// General body rules, each on a small hand-written page: ruby annotations, Unicode composition, …
#include <gtest/gtest.h>

#include <string>

#include "extract/blocks.hpp"
#include "extract/boilerplate.hpp"
#include "extract/extractor.hpp"

namespace redline {
namespace {

Article extract(const std::string& html) {
  auto a = extract_page(PageInput{html, "https://example.com/story", "text/html; charset=utf-8"});
  EXPECT_TRUE(a.ok());
  return a.ok() ? *a : Article{};
}

std::string prose(const std::string& topic, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "<p>The " + topic + " report, part " + std::to_string(i) +
           ", explains in some detail what happened, why it matters, and what comes next for the town.</p>";
  return out;
}

bool has(const Article& a, const std::string& text) { return a.body().find(text) != std::string::npos; }

TEST(BodyRules, RubyAnnotationsAreNotText) {
  // Furigana (<rt>) and the fallback parentheses (<rp>) are reading aids, not the sentence.
  const auto a = extract(
      "<html><body><article><p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもへの<ruby>虐待<rt>ぎゃくたい</rt></"
      "ruby>"
      "をなくすための<ruby>法律<rt>ほうりつ</rt></"
      "ruby>ができて、親が子どもを教育するために、たたいたり蹴ったりする体罰を"
      "禁止することになりました。</p></article></body></html>");
  EXPECT_TRUE(has(a, "子どもへの虐待をなくすための法律ができて、")) << a.body();
  EXPECT_FALSE(has(a, "ぎゃくたい")) << a.body();
  EXPECT_FALSE(has(a, "(")) << a.body();
}

TEST(BodyRules, TextIsComposedToNfc) {
  // U+09DF (য়) is a composition exclusion: NFC spells it U+09AF U+09BC. A decomposed "é" composes.
  const auto a = extract(
      "<html><body><article><p>কুষ্টি\u09DFা-১ (দৌলতপুর) আসনের সংসদ সদস্য café"
      " d\u00E9j\u0061\u0300 vu, with enough text around it to be an article paragraph.</p>"
      "</article></body></html>");
  EXPECT_TRUE(has(a, "কুষ্টি\u09AF\u09BCা-১")) << a.body();
  EXPECT_TRUE(has(a, "d\u00E9j\u00E0 vu")) << a.body();
  EXPECT_EQ(to_nfc("plain ASCII"), "plain ASCII");
  EXPECT_EQ(to_nfc("e\u0301"), "\u00E9");
}

TEST(BodyRules, AFormToFillInIsNotTheArticle) {
  // A short post beside a comment form with more text: a looser pass must not take the form.
  std::string form = "<form id=\"commentform\" class=\"comment-form\"><h3>Leave a reply</h3><textarea></textarea>";
  for (int i = 0; i < 8; ++i)
    form += "<p><label>Field " + std::to_string(i) +
            ": your answer here will be published, unless you tick the box, as described in our rules</label>"
            "<input type=\"text\"></p>";
  form += "</form>";
  const auto a = extract(
      "<html><body><div id=\"content\"><div class=\"post\"><h2>A short post</h2>"
      "<p>I know I am tired and should maybe not say this.</p><p>- Then do not say it.</p>"
      "<p>- Ok.</p></div>" +
      form + "</div></body></html>");
  EXPECT_TRUE(has(a, "I know I am tired")) << a.body();
  EXPECT_FALSE(has(a, "your answer here")) << a.body();
}

TEST(BodyRules, APageWrappedInAFormKeepsItsArticle) {
  // ASP.NET pages put everything in one <form>: a big form is the page, not a form to fill in.
  const auto a = extract("<html><body><form id=\"aspnetForm\"><input type=\"text\" name=\"q\"><article>" +
                         prose("council", 40) + "</article></form></body></html>");
  EXPECT_TRUE(has(a, "The council report, part 39")) << a.body();
}

TEST(BodyRules, TheLeadBetweenHeadlineAndBodyIsKept) {
  // The lead sits in the article's header, apart from the body's container, under a "teaser" class.
  const std::string lead =
      "Residents of the old town will pay less for water from March, the council decided on "
      "Monday after a long debate.";
  const auto a = extract(
      "<html><head><title>Water gets cheaper</title></head><body><div class=\"page\">"
      "<div class=\"article-head\"><h1>Water gets cheaper</h1><div class=\"teaser-text\"><p>" +
      lead + "</p></div></div><div class=\"main\"><div class=\"text\">" + prose("water", 6) +
      "</div></div><div class=\"more\"><h2>More news</h2><p class=\"teaser\"><a href=\"/b\">Another story about "
      "the new bridge over the river, which opens next week for cars and bikes alike.</a></p></div>"
      "</div></body></html>");
  ASSERT_FALSE(a.blocks.empty());
  EXPECT_EQ(a.blocks.front().text, lead) << a.body();
  EXPECT_TRUE(has(a, "The water report, part 5")) << a.body();
  EXPECT_FALSE(has(a, "new bridge")) << a.body();
}

TEST(BodyRules, AHeaderParagraphIsTheLeadButNotACaption) {
  const auto a = extract(
      "<html><head><title>Robots use energy</title></head><body><article><header><h1>Robots use energy</h1>"
      "<div class=\"lead-asset\"><figure><img src=\"a.jpg\"><figcaption>A robot in a lab, photographed for this "
      "story by our staff photographer.</figcaption></figure></div>"
      "<p>The computing power required for landmarks in AI rose 300,000-fold from 2012 to 2018.</p></header>"
      "<section class=\"body\">" +
      prose("energy", 6) + "</section></article></body></html>");
  ASSERT_FALSE(a.blocks.empty());
  EXPECT_TRUE(has(a, "rose 300,000-fold")) << a.body();
  EXPECT_FALSE(has(a, "staff photographer")) << a.body();
}

TEST(BodyRules, CaptionsOutsideFigcaptionAreDropped) {
  // WordPress and many CMSs caption images with a class, not <figcaption>; an id is often a slug
  // of the text and says nothing ("…-grundlegende-…" is not a legend).
  const auto a =
      extract("<html><body><article>" + prose("harbour", 3) +
              "<div class=\"wp-caption aligncenter\"><img src=\"a.jpg\"><p class=\"wp-caption-text\">The harbour at "
              "dawn. Photo: Agency / Jane Doe</p></div><p><span class=\"media__credit\">Jane Doe/Agency</span></p>" +
              prose("port", 3) + "<h3 id=\"the-caption-of-this-heading-is-a-slug\">A heading that is text</h3>" +
              prose("dock", 2) + "</article></body></html>");
  EXPECT_TRUE(has(a, "The port report, part 2")) << a.body();
  EXPECT_TRUE(has(a, "A heading that is text")) << a.body();
  EXPECT_FALSE(has(a, "Photo: Agency")) << a.body();
  EXPECT_FALSE(has(a, "Jane Doe/Agency")) << a.body();
}

TEST(BodyRules, FigureLabelsAndCopyrightLinesAreCaptions) {
  const auto a = extract("<html><body><article>" + prose("snow", 3) +
                         "<div class=\"imginline\"><img src=\"a.png\"><span>Abbildung: Vergleich auf dem "
                         "Gletscher</span></div><div class=\"media__description-copyright\"><p>Foto und Text mit "
                         "freundlicher Genehmigung</p></div>" +
                         prose("ice", 3) + "</article></body></html>");
  EXPECT_TRUE(has(a, "The ice report, part 2")) << a.body();
  EXPECT_FALSE(has(a, "Abbildung:")) << a.body();
  EXPECT_FALSE(has(a, "freundlicher Genehmigung")) << a.body();
}

TEST(BodyRules, DisclosuresAreNotTheArticle) {
  // An affiliate disclosure above a short post: a disclosure is about the page, not the article.
  const auto a = extract(
      "<html><body><div class=\"post-content\"><section class=\"editorial-disclosure\"><p>This post contains "
      "references to products from one or more of our advertisers. We may receive compensation when you click on "
      "links to those products, and this compensation may impact how and where products appear on this site, "
      "including the order in which they appear. Please view our advertising policy page for more.</p></section>"
      "<div class=\"article-body-content\"><p>The airline has a new date for when it will be a full member of the "
      "alliance, after the pandemic delayed it.</p><p>It had planned to join in the summer, according to a "
      "statement on Tuesday.</p></div></div></body></html>");
  EXPECT_TRUE(has(a, "has a new date")) << a.body();
  EXPECT_FALSE(has(a, "advertising policy")) << a.body();
}

TEST(BodyRules, CallsToActionAtTheEndAreDropped) {
  const auto a = extract("<html><body><article>" + prose("match", 3) +
                         "<p>Fans who subscribe to the club's channel saw the goal first.</p>" + prose("game", 2) +
                         "<p>The coach said the team will play on.</p>"
                         "<p>For the latest stories download the News app for iOS and Android.</p>"
                         "<p>Follow us on Twitter and Instagram @news. Send us a message on WhatsApp.</p>"
                         "</article></body></html>");
  EXPECT_TRUE(has(a, "The game report, part 1")) << a.body();
  EXPECT_FALSE(has(a, "download the News app")) << a.body();
  EXPECT_FALSE(has(a, "Follow us on Twitter")) << a.body();
  // Only the run at the very end goes: the block before it and one inside the body stay.
  EXPECT_TRUE(has(a, "The coach said the team will play on.")) << a.body();
  EXPECT_TRUE(has(a, "Fans who subscribe")) << a.body();
  EXPECT_TRUE(is_call_to_action("Abonnieren Sie kostenlos unseren Newsletter."));
  EXPECT_FALSE(is_call_to_action("The river rose by two metres overnight."));
}

TEST(BodyRules, TheLeadIsFoundUnderARewordedHeadline) {
  // <title> and <h1> differ in a word or two; the lead's class is a local word (perex, bajada), in
  // a header that the strict pass strips.
  const std::string lead = "The authorities met in the town hall on Monday to agree on a plan for the winter.";
  const auto a = extract(
      "<html><head><meta property=\"og:title\" content=\"Child sick? What employers now need to know\"></head><body>"
      "<div class=\"entry-header\"><h1>Child sick: what employers need to know</h1>"
      "<div class=\"field-perex\"><p>" +
      lead + "</p></div></div><div class=\"text\">" + prose("winter", 6) + "</div></body></html>");
  ASSERT_FALSE(a.blocks.empty());
  EXPECT_EQ(a.blocks.front().text, lead) << a.body();
  EXPECT_TRUE(has(a, "The winter report, part 5")) << a.body();
}

TEST(BodyRules, AnInlineDatelineIsPartOfItsSentence) {
  const auto a = extract(
      "<html><body><article><p><span class=\"dateline\">KOBE &#8211; </span>A total of 6,000 "
      "surgical masks have been lost at a hospital in Kobe, it was learned Tuesday.</p>" +
      prose("mask", 4) + "<div class=\"dateline\">Feb 18, 2020</div></article></body></html>");
  EXPECT_TRUE(has(a, "KOBE – A total of 6,000")) << a.body();
  EXPECT_FALSE(has(a, "Feb 18, 2020")) << a.body();
}

TEST(BodyRules, ASentenceEndsARelatedLinksSection) {
  const auto a = extract(
      "<html><body><article>" + prose("mask", 4) +
      "<h3>Related stories</h3><ul><li><a href=\"/a\">Do masks offer protection? It depends</a>"
      "</li><li><a href=\"/b\">Hoarding sends mask prices soaring</a></li></ul>"
      "<p>The incident has occurred at a time when Japan is seeing a shortage of face masks amid the spread of the "
      "virus.</p>"
      "</article></body></html>");
  EXPECT_TRUE(has(a, "The incident has occurred")) << a.body();
  EXPECT_FALSE(has(a, "Hoarding sends")) << a.body();
}

TEST(BodyRules, TheStandfirstInTheHeadlineBoxIsKept) {
  // No <header>: the <h1> and its standfirst share a small box apart from the body's container.
  const std::string lead = "The demand for renewable energy is rising, and consumers can already buy the new gas.";
  const auto a = extract(
      "<html><head><title>A new gas for the old heating</title></head><body><div class=\"topic-box\">"
      "<h1>A new gas for the old heating</h1><p>" +
      lead + "</p></div><div class=\"post\">" + prose("gas", 6) + "</div></body></html>");
  ASSERT_FALSE(a.blocks.empty());
  EXPECT_EQ(a.blocks.front().text, lead) << a.body();
}

TEST(BodyRules, LabelsAndLinesInMoreLanguagesAndCases) {
  // Labels compare case-folded, Latin-1 capitals included ("Ähnliche", "À lire aussi").
  EXPECT_TRUE(is_section_label("Ähnliche Beiträge"));
  EXPECT_TRUE(is_section_label("À LIRE AUSSI"));
  EXPECT_TRUE(is_section_label("Zobacz także"));
  EXPECT_TRUE(is_boilerplate_line("Beitragsbild: Titelseite der FAZ vom 2.4.2019, Ausriss."));
  EXPECT_TRUE(is_boilerplate_line("(Credit: Clayton Aldern / Grist)"));
  EXPECT_TRUE(is_boilerplate_line("Ten tekst przeczytasz w mniej niż minutę"));
  EXPECT_TRUE(is_boilerplate_line("Du musst Eingeloggt sein um Kommentare zu schreiben!"));
  EXPECT_TRUE(is_call_to_action("Zapraszamy też do subskrypcji tygodnika."));
  EXPECT_FALSE(is_boilerplate_line("Die Lesezeichen des Autors liegen im Regal."));
  EXPECT_FALSE(is_section_label("Ähnliche Beiträge gab es schon 2019, sagt der Verband."));
}

TEST(BodyRules, LabelsFoldBeyondLatin1) {
  // Capitals outside Latin-1 (Polish Ą, Ż, Ę) and ß/ẞ fold like the rest (ICU case folding).
  EXPECT_TRUE(is_section_label("POWIĄZANE ARTYKUŁY"));
  EXPECT_TRUE(is_section_label("ZOBACZ TAKŻE:"));
  EXPECT_TRUE(is_section_label("NAJCZĘŚCIEJ CZYTANE"));
  EXPECT_TRUE(is_boilerplate_line("ZUM VERGRÖSSERN klicken"));
  EXPECT_TRUE(is_boilerplate_line("Zum Vergrößern klicken"));
  EXPECT_FALSE(is_section_label("POWIĄZANE ARTYKUŁY O WYBORACH W POLSCE I ICH SKUTKACH DLA RZĄDU W WARSZAWIE"));
}

TEST(BodyRules, TheLeadUnderAnH2HeadlineInANestedBox) {
  // No <h1>: the headline is an <h2>; the standfirst sits two boxes away from it.
  const std::string lead = "Temperatures fall all over the country, and the snow will return in a few hours.";
  const auto a = extract(
      "<html><head><title>Cold air from the north</title></head><body>"
      "<div class=\"top\"><div class=\"row\"><h2>Cold air from the north</h2></div>"
      "<div class=\"row\"><div class=\"col\"><p>" +
      lead + "</p></div></div></div><div class=\"post\">" + prose("cold", 6) + "</div></body></html>");
  ASSERT_FALSE(a.blocks.empty());
  EXPECT_EQ(a.blocks.front().text, lead) << a.body();
}

TEST(BodyRules, TheBodysFirstParagraphCutOffWithTheHeadlineIsKept) {
  // The first paragraph after the headline sits in a box of its own that the scorer strips; the
  // body lacks it, so it goes first. A comment form's text after the headline is no lead.
  const std::string first =
      "After a week of attacks on the press, the president of the assembly told reporters to "
      "leave the building at once, and after a short protest they did so in silence.";
  const auto a = extract(
      "<html><head><title>The assembly sends reporters away</title></head><body>"
      "<div class=\"top\"><h1>The assembly sends reporters away</h1></div>"
      "<div class=\"promo-row\"><p>" +
      first + "</p></div><div class=\"text\">" + prose("press", 6) + "</div></body></html>");
  ASSERT_FALSE(a.blocks.empty());
  EXPECT_EQ(a.blocks.front().text, first) << a.body();
}

}  // namespace
}  // namespace redline
