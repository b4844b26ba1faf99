#include "app/version.hpp"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <sqlite3.h>
#include <unicode/uversion.h>
#include <zstd.h>

#include <boost/version.hpp>
#include <cstdlib>

#include "store/migrations.hpp"

namespace redline::app {

namespace {

// libxml2 reports "20914" for 2.9.14.
std::string libxml2_version() {
  const int n = std::atoi(xmlParserVersion);
  return std::to_string(n / 10000) + "." + std::to_string(n / 100 % 100) + "." + std::to_string(n % 100);
}

std::string icu_version() {
  UVersionInfo v;
  u_getVersion(v);
  char text[U_MAX_VERSION_STRING_LENGTH];
  u_versionToString(v, text);
  return text;
}

}  // namespace

std::string version_text(const std::string& program) {
  std::string out = program + " " + REDLINE_VERSION + "\n";
  out += std::string("libcurl ") + curl_version_info(CURLVERSION_NOW)->version + "\n";
  out += std::string("SQLite ") + sqlite3_libversion() + "\n";
  out += "libxml2 " + libxml2_version() + "\n";
  out += "ICU " + icu_version() + "\n";
  out += std::string("zstd ") + ZSTD_versionString() + "\n";
  out += "Boost " + std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) + "." +
         std::to_string(BOOST_VERSION % 100) + " (headers)\n";
  out += "store schema " + std::to_string(sqlite::latest_schema_version());
  return out;
}

}  // namespace redline::app
