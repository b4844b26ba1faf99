#include "monitor/archive_import.hpp"

#include <algorithm>
#include <map>
#include <system_error>

#include "diff/compare.hpp"
#include "monitor/identity.hpp"
#include "monitor/site_rules.hpp"
#include "util/file.hpp"
#include "util/url.hpp"

namespace redline {

namespace {

// A line "<!--digits-->" (optionally followed by "\r").
bool is_capture_start(std::string_view line) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  return looks_like_archive(line) && line.ends_with("-->") && line.find("-->") == line.size() - 3;
}

}  // namespace

Result<std::vector<std::filesystem::path>> collect_import_files(const std::vector<std::filesystem::path>& paths) {
  std::vector<std::filesystem::path> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::filesystem::path> found;
      for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec)) found.push_back(it->path());
      if (ec) return make_error(Errc::io, "cannot read directory " + path.string() + ": " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (path == "-" || std::filesystem::exists(path, ec)) {
      files.push_back(path);
    } else {
      return make_error(Errc::not_found, "no such file or directory: " + path.string());
    }
  }
  return files;
}

std::vector<std::string_view> split_captures(std::string_view text) {
  std::vector<std::string_view> out;
  if (!looks_like_archive(text)) return out;
  size_t start = 0;
  size_t pos = text.find('\n');
  while (pos != std::string_view::npos) {
    const size_t line_start = pos + 1;
    const size_t line_end = text.find('\n', line_start);
    const std::string_view line =
        text.substr(line_start, line_end == std::string_view::npos ? text.npos : line_end - line_start);
    if (is_capture_start(line)) {
      out.push_back(text.substr(start, line_start - start));
      start = line_start;
    }
    pos = line_end;
  }
  out.push_back(text.substr(start));
  return out;
}

ArchiveImporter::ArchiveImporter(std::shared_ptr<const Config> config, Store& store, const Clock& clock,
                                 CaptureNotify notify)
    : m_config(config), m_store(store), m_clock(clock), m_pipeline(std::move(config), store, clock), m_notify(notify) {}

void ArchiveImporter::read_files(const std::vector<std::filesystem::path>& files, std::vector<SourcedCapture>& out,
                                 ImportReport& report) const {
  for (const auto& file : files) {
    auto text = read_maybe_gzipped(file);
    if (!text) {
      report.skipped.push_back(file.string() + ": " + text.error().message);
      continue;
    }
    const auto parts = split_captures(*text);
    if (parts.empty()) {
      report.skipped.push_back(file.string() + ": not a feed-archive capture");
      continue;
    }
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string source = parts.size() == 1 ? file.string() : file.string() + " #" + std::to_string(i + 1);
      auto capture = parse_archive(parts[i]);
      if (!capture) {
        report.skipped.push_back(source + ": " + capture.error().message);
        continue;
      }
      out.push_back(SourcedCapture{source, std::move(*capture)});
    }
  }
}

Result<ImportReport> ArchiveImporter::import(std::vector<SourcedCapture> captures, ImportReport report) {
  // Group by article, each group in capture-time order (the file order breaks ties, stably).
  std::map<std::string, std::vector<const SourcedCapture*>> by_article;
  for (const auto& c : captures) by_article[article_key(*m_config, c.capture.url)].push_back(&c);
  report.captures += static_cast<int>(captures.size());
  report.articles += static_cast<int>(by_article.size());
  for (auto& [key, group] : by_article) {
    std::stable_sort(group.begin(), group.end(), [](const SourcedCapture* a, const SourcedCapture* b) {
      return a->capture.captured_at < b->capture.captured_at;
    });
    for (const SourcedCapture* c : group)
      if (auto s = import_one(key, *c, report); !s) return s.error();
  }
  return report;
}

Status ArchiveImporter::import_one(const std::string& key, const SourcedCapture& sourced, ImportReport& report) {
  const ArchiveCapture& capture = sourced.capture;
  if (auto checked = check_http_url(capture.url); !checked) {
    report.skipped.push_back(sourced.source + ": " + checked.error().message);
    return {};
  }
  // A time outside this window is a broken stamp, and one far in the future would make every later real
  // capture look older than the newest version.
  if (capture.captured_at < k_earliest_capture || capture.captured_at > m_clock.now() + k_capture_clock_skew) {
    report.skipped.push_back(sourced.source + ": capture time " + format_rfc3339(capture.captured_at) +
                             " is before 1990 or more than a day ahead of now");
    return {};
  }
  auto content = extract_archive(capture, extract_rules_for(*m_config, capture.url));
  if (!content) {
    report.skipped.push_back(sourced.source + ": extract: " + content.error().message);
    return {};
  }
  if (content->headline.empty() && content->blocks.empty()) {
    report.skipped.push_back(sourced.source + ": no headline and no body text");
    return {};
  }
  auto article = m_store.ensure_article(key, capture.url, capture.captured_at);
  if (!article) return article.error();

  // Where the capture falls in the stored history (read fresh: the daemon may have added versions).
  auto history = m_store.versions(article->id);
  if (!history) return history.error();
  const VersionRecord* in_effect = nullptr;
  for (const auto& v : *history) {
    if (v.captured_at == capture.captured_at) {
      if (v.fingerprint == fingerprint(*content, compare_options_for(*m_config, capture.url))) {
        ++report.already;
      } else {
        report.skipped.push_back(sourced.source + ": a version of " + key + " with the same time (" +
                                 format_rfc3339(capture.captured_at) +
                                 ") and different text is stored already; it is kept");
      }
      return {};
    }
    if (v.captured_at < capture.captured_at) in_effect = &v;
  }
  if (!history->empty() && capture.captured_at < history->back().captured_at) {
    if (in_effect && in_effect->fingerprint == fingerprint(*content, compare_options_for(*m_config, capture.url))) {
      ++report.unchanged;
      return m_store.note_seen(article->id, capture.captured_at);
    }
    report.skipped.push_back(sourced.source + ": older than the newest stored version of " + key +
                             " and different from the version of its time (history is not rewritten)");
    return {};
  }

  auto outcome = m_pipeline.store_capture(*article, *content, capture.captured_at, capture.url, m_notify);
  if (!outcome) return outcome.error();
  switch (outcome->kind) {
    case CheckOutcome::Kind::first_version:
    case CheckOutcome::Kind::changed:
      ++report.versions;
      return {};
    case CheckOutcome::Kind::unchanged:
      ++report.unchanged;
      return m_store.note_seen(article->id, capture.captured_at);
    case CheckOutcome::Kind::failed:
    case CheckOutcome::Kind::not_modified:
    case CheckOutcome::Kind::deleted:  // store_capture() never gives these two
    case CheckOutcome::Kind::redirected:
      break;
  }
  report.skipped.push_back(sourced.source + ": " + outcome->detail);
  return {};
}

}  // namespace redline
