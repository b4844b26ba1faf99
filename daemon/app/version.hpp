// `--version` of both programs: redline's own version, the versions of the libraries it runs with
// (as they report themselves at run time where they can) and the store schema it writes.
#pragma once

#include <string>

namespace redline::app {

// "<program> <version>\n" then one "<library> <version>" line each, and "store schema <n>".
std::string version_text(const std::string& program);

}  // namespace redline::app
