// The stylesheet and script of the web desk, compiled into the binary (no CDN, no file to install):
// served as /static/app.css and /static/app.js. The script only adds keyboard navigation and makes
// the version pickers submit themselves; every page works without it.
#pragma once

#include <string_view>

namespace redline::web {

extern const std::string_view k_app_css;
extern const std::string_view k_app_js;
// The tab icon, /static/favicon.svg (linked by every page, so browsers do not ask for /favicon.ico).
extern const std::string_view k_favicon_svg;

}  // namespace redline::web
