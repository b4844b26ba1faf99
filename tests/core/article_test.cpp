#include "core/article.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(Article, JoinsBylineAndBody) {
  Article a;
  a.authors = {"Ann Smith", "李明"};
  a.blocks = {{BlockKind::paragraph, "One."}, {BlockKind::heading, "Two"}, {BlockKind::paragraph, "Three."}};
  EXPECT_EQ(a.byline(), "Ann Smith, 李明");
  EXPECT_EQ(a.body(), "One.\nTwo\nThree.");
}

TEST(Article, BlockKindNamesRoundTrip) {
  for (auto k : {BlockKind::paragraph, BlockKind::heading, BlockKind::list_item, BlockKind::quote, BlockKind::caption,
                 BlockKind::table})
    EXPECT_EQ(block_kind_from_string(to_string(k)), k);
  EXPECT_FALSE(block_kind_from_string("nonsense"));
}

}  // namespace
}  // namespace redline
