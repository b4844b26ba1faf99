#include "store/record_codec.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/raw_pack.hpp"

namespace redline {
namespace {

std::vector<Block> sample_blocks() {
  return {{BlockKind::heading, "Quotes \" and \\ backslashes"},
          {BlockKind::paragraph, std::string("tab\tnew\nline\rbell\x07 nul") + '\0' + " del\x7f end"},
          {BlockKind::quote, "「中文」、Ελληνικά, emoji 🙂, U+FFFD \xEF\xBF\xBD kept"},
          {BlockKind::list_item, ""}};
}

TEST(RecordCodec, BlocksEncodeAsNlohmannWouldAndRoundTrip) {
  const auto blocks = sample_blocks();
  const std::string encoded = store_codec::encode_blocks(blocks);
  nlohmann::json expected = nlohmann::json::array();
  for (const auto& b : blocks) expected.push_back({{"kind", to_string(b.kind)}, {"text", b.text}});
  EXPECT_EQ(nlohmann::json::parse(encoded), expected);
  auto decoded = store_codec::decode_blocks(encoded);
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->size(), blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    EXPECT_EQ((*decoded)[i].kind, blocks[i].kind);
    EXPECT_EQ((*decoded)[i].text, blocks[i].text);
  }
}

TEST(RecordCodec, InvalidUtf8BecomesReplacementCharacters) {
  const std::string encoded = store_codec::encode_blocks({{BlockKind::paragraph,
                                                           "a\xC3(b\xFF"
                                                           "c\xE4\xB8"}});
  auto decoded = store_codec::decode_blocks(encoded);
  ASSERT_TRUE(decoded) << encoded;
  EXPECT_EQ(decoded->at(0).text, "a\uFFFD(b\uFFFDc\uFFFD\uFFFD");
}

TEST(RawPack, PacksAndUnpacks) {
  const std::string page = "<html><body>" + std::string(10000, 'x') + "原始页面</body></html>";
  const PackedRaw packed = pack_raw(page);
  EXPECT_EQ(packed.sha256.size(), 64u);
  EXPECT_EQ(packed.size, static_cast<int64_t>(page.size()));
  EXPECT_LT(packed.zstd.size(), page.size() / 10);
  EXPECT_EQ(unpack_raw(packed.zstd, packed.size), page);
  EXPECT_EQ(pack_raw(page, "given").sha256, "given");  // a hash the caller has is not computed again
  EXPECT_FALSE(unpack_raw(packed.zstd, packed.size + 1));
  EXPECT_FALSE(unpack_raw("not zstd", 8));
}

}  // namespace
}  // namespace redline
