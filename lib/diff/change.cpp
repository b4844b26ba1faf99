#include "diff/change.hpp"

#include <algorithm>

namespace redline {

bool Change::has_class(std::string_view c) const {
  return std::find(classes.begin(), classes.end(), c) != classes.end();
}

}  // namespace redline
