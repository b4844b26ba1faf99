// diff_bench: time and peak memory of compare() on typical and worst-case inputs, and how often the
// cost cap falls back to "paragraph replaced". Not a test; run it from an optimized build:
//   cmake --build build/release --target diff_bench && build/release/tests/bench/diff_bench
// Each case runs in a new process (this program, executed again with --case N), so that its first,
// cold run is what a one-shot `redline compare` pays, and its peak RSS (the process's high-water mark,
// reset after the inputs are built) is its own.
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "diff/compare.hpp"
#include "diff/facets.hpp"
#include "diff/summary.hpp"
#include "diff/tokenize.hpp"

namespace {

using redline::Article;
using redline::Block;
using redline::BlockKind;

// A vocabulary of English-looking words with a Zipf-like frequency, so the diff sees common words.
class Words {
 public:
  explicit Words(unsigned seed) : m_rng(seed) {
    const char* syllables[] = {"ka", "lo", "mi", "ter", "an", "sto", "ri", "ven", "pa", "dus", "el", "quo", "na", "fi"};
    for (int i = 0; i < 5000; ++i) {
      std::string w;
      for (int s = 0, n = 1 + i % 3; s < n; ++s) w += syllables[(i * 7 + s * 13 + i / 14) % 14];
      m_vocab.push_back(w + std::to_string(i % 97));
    }
  }
  std::string word() {
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
    return m_vocab[static_cast<size_t>(std::pow(u, 3.0) * static_cast<double>(m_vocab.size() - 1))];
  }
  std::mt19937& rng() { return m_rng; }

 private:
  std::mt19937 m_rng;
  std::vector<std::string> m_vocab;
};

// `words` words in paragraphs of 40–120 words, sentences ending in '.'.
std::vector<std::vector<std::string>> english(Words& w, int words) {
  std::vector<std::vector<std::string>> paragraphs;
  while (words > 0) {
    const int n = std::min(words, std::uniform_int_distribution<int>(40, 120)(w.rng()));
    std::vector<std::string> p;
    for (int i = 0; i < n; ++i) p.push_back(w.word() + (i % 15 == 14 || i == n - 1 ? "." : ""));
    paragraphs.push_back(std::move(p));
    words -= n;
  }
  return paragraphs;
}

Article to_article(const std::vector<std::vector<std::string>>& paragraphs, const char* sep) {
  Article a;
  a.headline = "Benchmark article";
  for (const auto& p : paragraphs) {
    std::string text;
    for (const auto& t : p) text += (text.empty() ? "" : sep) + t;
    a.blocks.push_back(Block{BlockKind::paragraph, text});
  }
  return a;
}

// Real Chinese sentences, shuffled into paragraphs until `chars` code points.
std::vector<std::vector<std::string>> chinese(std::mt19937& rng, int chars) {
  static const std::vector<std::string> k_sentences = {
      "由于塞尔维亚的邻国保加利亚、北马其顿和黑山关闭领空，俄罗斯外长拉夫罗夫原定对贝尔格莱德的访问恐将无法成行。",
      "俄罗斯外交部发言人扎哈罗娃表示，这是对主权国家外交活动的又一次阻挠。",
      "塞尔维亚是欧洲少数没有对俄罗斯实施制裁的国家之一，但它同时也在申请加入欧盟。",
      "分析人士认为，此事显示巴尔干地区在俄乌战争中面临的两难处境。",
      "德国经济部长哈贝克周二在柏林与中国商务部长王文涛会晤，会谈的中心议题是关于公平竞争。",
      "欧委会负责欧洲的贸易政策，最终的决定还必须经由二十七个欧盟成员国表决。",
      "韩国联合参谋本部表示，韩国与美国在当地时间凌晨陆续向东部海域发射共八枚地对地导弹。",
      "华盛顿和首尔官员最近还警告说，朝鲜似乎准备恢复二零一七年以来的首次核武器试验。",
      "警方在市中心周围部署了大批警力，其中包括特种部队，并正在调查可疑人员是否与犯罪行为存在联系。",
      "法国反恐检察官办公室已着手进行调查，总统表示将尽一切努力找到嫌犯。"};
  std::vector<std::vector<std::string>> paragraphs;
  int total = 0;
  while (total < chars) {
    std::vector<std::string> p;
    int len = 0;
    while (len < 200 && total + len < chars) {
      const std::string& s = k_sentences[rng() % k_sentences.size()];
      p.push_back(s);
      len += redline::count_code_points(s);
    }
    total += len;
    paragraphs.push_back(std::move(p));
  }
  return paragraphs;
}

struct Case {
  std::string name;
  Article old_version;
  Article new_version;
};

struct Outcome {
  double min_ms = 0, median_ms = 0, max_ms = 0;
  double min_cpu_ms = 0;  // CPU time of the fastest run: less disturbed by other load on the machine
  double max_cpu_ms = 0;  // CPU time of the slowest run (the first, cold one)
  long peak_kb = 0;
  bool fell_back = false;
  bool changed = false;
};

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// A field of /proc/self/status in kB ("VmHWM", "VmRSS"), or -1.
long status_kb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field + ":", 0) == 0) return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  return -1;
}

// Runs `c` `repeats` times in this process; the first run is the cold one.
Outcome measure(const Case& c, int repeats) {
  // Forget the high-water mark of building the inputs (Linux: "5" resets VmHWM to VmRSS).
  std::ofstream("/proc/self/clear_refs") << "5";
  const long base_kb = status_kb("VmRSS");
  std::vector<double> ms;
  double min_cpu = 1e18, max_cpu = 0;
  redline::Change change;
  for (int i = 0; i < repeats; ++i) {
    const double cpu_start = cpu_ms();
    const auto start = std::chrono::steady_clock::now();
    change = redline::compare(c.old_version, c.new_version);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    min_cpu = std::min(min_cpu, cpu_ms() - cpu_start);
    max_cpu = std::max(max_cpu, cpu_ms() - cpu_start);
  }
  std::sort(ms.begin(), ms.end());
  return Outcome{ms.front(),       ms[ms.size() / 2], ms.back(), min_cpu, max_cpu, status_kb("VmHWM") - base_kb,
                 change.fell_back, change.changed()};
}

// Runs case `index` in a new process of this program and returns what it measured.
Outcome measure_in_new_process(size_t index) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    const std::string arg = std::to_string(index);
    execl("/proc/self/exe", "diff_bench", "--case", arg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  Outcome o{};
  if (read(fds[0], &o, sizeof o) != static_cast<ssize_t>(sizeof o)) std::fprintf(stderr, "case %zu failed\n", index);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return o;
}

// Words (space-separated) or, for text without spaces, characters.
int count_words(const Article& a) {
  int spaces = 0;
  int chars = 0;
  for (const auto& b : a.blocks) {
    spaces += static_cast<int>(std::count(b.text.begin(), b.text.end(), ' ')) + 1;
    chars += redline::count_code_points(b.text);
  }
  return spaces > static_cast<int>(a.blocks.size()) ? spaces : chars;
}

// What the facets and the summary add to compare(), measured side by side in the same rounds: each
// round times compare() (which includes them) and then add_facets() + summarize() alone on the same
// change with its facets taken off again. Prints the medians and the share of compare() without them.
void facets_cost(const std::string& name, const Article& a, const Article& b, int rounds) {
  std::vector<double> full;
  std::vector<double> facets;
  std::string classes;
  for (int i = 0; i < rounds; ++i) {
    const double t0 = cpu_ms();
    const redline::Change change = redline::compare(a, b);
    const double t1 = cpu_ms();
    redline::Change bare = change;
    std::erase_if(bare.classes, [](const std::string& c) {
      return c == "correction" || c == "silent" || c == "numbers" || c == "quotes" || c == "lede";
    });
    bare.facts = {};
    bare.summary.clear();
    const double t2 = cpu_ms();
    redline::add_facets(bare, a, b);
    bare.summary = redline::summarize(bare);
    const double t3 = cpu_ms();
    if (bare != change) std::fprintf(stderr, "facets differ when recomputed\n");
    full.push_back(t1 - t0);
    facets.push_back(t3 - t2);
    if (i == 0)
      for (const auto& c : change.classes) classes += (classes.empty() ? "" : ",") + c;
  }
  std::sort(full.begin(), full.end());
  std::sort(facets.begin(), facets.end());
  const double f = full[full.size() / 2];
  const double x = facets[facets.size() / 2];
  std::printf("%-44s compare() %7.2f ms, of which facets+summary %6.3f ms = %5.1f %% on top of the rest [%s]\n",
              name.c_str(), f, x, 100.0 * x / (f - x), classes.c_str());
}

// `a` with a dated figure and a quotation at the start of every paragraph; `edit_every`-th paragraphs
// get another figure and another quoted word (0: none).
Article with_numbers_and_quotes(const Article& a, int edit_every) {
  Article out = a;
  for (size_t i = 0; i < out.blocks.size(); ++i) {
    const bool edit = edit_every > 0 && i % static_cast<size_t>(edit_every) == 0;
    out.blocks[i].text = "In " + std::to_string(1990 + i % 30) + ", " + std::to_string(i + (edit ? 7 : 0)) +
                         " people said \u201c" + (edit ? "we changed our minds" : "we stand by this") + "\u201d. " +
                         out.blocks[i].text;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Words words(42);
  std::vector<Case> cases;
  {  // typical edit: 10 000 words, 1 % of them replaced
    auto paragraphs = english(words, 10'000);
    Case c{"typical: 10k words, 1% edited", to_article(paragraphs, " "), {}};
    for (auto& p : paragraphs)
      for (auto& w : p)
        if (words.rng()() % 100 == 0) w = words.word();
    c.new_version = to_article(paragraphs, " ");
    cases.push_back(std::move(c));
  }
  {  // full rewrite: 50 000 words, nothing in common but the vocabulary
    cases.push_back({"rewrite: 50k words, all new", to_article(english(words, 50'000), " "),
                     to_article(english(words, 50'000), " ")});
  }
  {  // Chinese: 20 000 characters, 40 scattered edits (a word replaced, a clause deleted, a comma added)
    auto paragraphs = chinese(words.rng(), 20'000);
    Case c{"chinese: 20k chars, 40 edits", to_article(paragraphs, ""), {}};
    for (int e = 0; e < 40; ++e) {
      auto& p = paragraphs[words.rng()() % paragraphs.size()];
      auto& s = p[words.rng()() % p.size()];
      const std::string repl[] = {"欧盟", "法新社", "，", "路透社报道"};
      const size_t at = (words.rng()() % (s.size() / 3)) * 3;  // sentences are all 3-byte characters
      s.replace(at, e % 3 == 0 ? 6 : 3, repl[e % 4]);
    }
    c.new_version = to_article(paragraphs, "");
    cases.push_back(std::move(c));
  }
  {  // worst case for the word level: one 20 000-word paragraph with every 3 words reversed
    auto flat = english(words, 20'000);
    std::vector<std::string> all;
    for (auto& p : flat) all.insert(all.end(), p.begin(), p.end());
    Case c{"worst: 20k-word paragraph, shuffled", to_article({all}, " "), {}};
    for (size_t i = 0; i + 3 <= all.size(); i += 3) std::swap(all[i], all[i + 2]);
    c.new_version = to_article({all}, " ");
    cases.push_back(std::move(c));
  }
  {  // long single paragraph, ordinary edit: the cap must not bite
    auto flat = english(words, 10'000);
    std::vector<std::string> all;
    for (auto& p : flat) all.insert(all.end(), p.begin(), p.end());
    Case c{"long paragraph: 10k words, 1% edited", to_article({all}, " "), {}};
    for (auto& w : all)
      if (words.rng()() % 100 == 0) w = words.word();
    c.new_version = to_article({all}, " ");
    cases.push_back(std::move(c));
  }
  {  // worst case for the paragraph level: 5 000 one-sentence paragraphs, every one edited
    std::vector<std::vector<std::string>> small;
    for (int i = 0; i < 5000; ++i) small.push_back({words.word(), words.word(), words.word(), words.word() + "."});
    Case c{"worst: 5000 short paragraphs, all edited", to_article(small, " "), {}};
    for (auto& p : small) p[1] = words.word();
    c.new_version = to_article(small, " ");
    cases.push_back(std::move(c));
  }

  if (argc == 3 && std::string(argv[1]) == "--case") {  // the child of measure_in_new_process()
    const Outcome o = measure(cases.at(std::strtoul(argv[2], nullptr, 10)), 5);
    return write(STDOUT_FILENO, &o, sizeof o) == static_cast<ssize_t>(sizeof o) ? 0 : 1;
  }
  std::printf("%-42s %7s %8s %8s %8s %8s %8s %8s %9s\n", "case", "size", "min ms", "med ms", "max ms", "cpu min",
              "cpu max", "peak MB", "fallback");
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const Outcome o = measure_in_new_process(i);
    std::printf("%-42s %7d %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %9s\n", c.name.c_str(), count_words(c.old_version),
                o.min_ms, o.median_ms, o.max_ms, o.min_cpu_ms, o.max_cpu_ms, static_cast<double>(o.peak_kb) / 1024.0,
                o.fell_back ? "yes" : "no");
  }

  // How often does the cap fire on ordinary edits? 500 random realistic edits of 1 500-word articles.
  int fell_back = 0;
  int runs = 0;
  double total_cpu = 0;
  for (int r = 0; r < 500; ++r) {
    auto paragraphs = english(words, 1500);
    const Article a = to_article(paragraphs, " ");
    const int edits = 1 + static_cast<int>(words.rng()() % 30);
    for (int e = 0; e < edits; ++e) {
      auto& p = paragraphs[words.rng()() % paragraphs.size()];
      const size_t at = words.rng()() % p.size();
      switch (words.rng()() % 4) {
        case 0:
          p.erase(p.begin() + static_cast<std::ptrdiff_t>(at));
          break;
        case 1:
          p.insert(p.begin() + static_cast<std::ptrdiff_t>(at), words.word());
          break;
        case 2:
          std::rotate(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(at), p.end());
          break;
        default:
          p[at] = words.word();
      }
      if (p.empty()) p.push_back("x");
    }
    const Article b = to_article(paragraphs, " ");
    const double start = cpu_ms();
    const redline::Change change = redline::compare(a, b);
    total_cpu += cpu_ms() - start;
    fell_back += change.fell_back ? 1 : 0;
    ++runs;
  }
  std::printf("\nfallback on ordinary edits (1-30 edits incl. clause rotations, 1.5k-word articles): %d of %d\n",
              fell_back, runs);
  std::printf("mean CPU time of those compare() calls: %.2f ms\n", total_cpu / runs);

  std::printf("\nfacets and summary (CPU time, median of 21 rounds, side by side in each round):\n");
  for (const Case& c : cases)
    facets_cost(c.name, c.old_version, c.new_version, c.name.rfind("typical", 0) == 0 ? 21 : 5);
  facets_cost("typical + a figure and a quote per paragraph", with_numbers_and_quotes(cases[0].old_version, 0),
              with_numbers_and_quotes(cases[0].new_version, 10), 21);
  return 0;
}
