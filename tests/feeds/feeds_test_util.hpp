// Helpers shared by the feeds tests: the hand-written samples and fixed times.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/time.hpp"
#include "feeds/feed_parser.hpp"
#include "util/file.hpp"

namespace redline::testing {

// The bytes of tests/feeds/samples/<name>.
inline std::string sample(const std::string& name) {
  auto bytes = read_file(std::string(REDLINE_SOURCE_DIR "/tests/feeds/samples/") + name);
  EXPECT_TRUE(bytes.ok()) << name;
  return bytes.ok() ? *bytes : std::string();
}

inline Timestamp at(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(Timestamp{});
}

// parse_feed on a sample, failing the test when it does not parse.
inline ParsedFeed parse_sample(const std::string& name, const std::string& url, const std::string& content_type = {}) {
  auto feed = parse_feed(sample(name), url, content_type);
  EXPECT_TRUE(feed.ok()) << name << ": " << (feed ? "" : feed.error().message);
  return feed.ok() ? *feed : ParsedFeed{};
}

}  // namespace redline::testing
