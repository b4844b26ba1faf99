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
  // One U+FFFD per maximal subpart (ICU's repair): the cut-off "\xE4\xB8" is one.
  EXPECT_EQ(decoded->at(0).text, "a\uFFFD(b\uFFFDc\uFFFD");
}

TEST(RecordCodec, BlocksDecodeEveryJsonEscapeAndOtherLayouts) {
  // \u escapes (a surrogate pair among them) and \/ as other writers put them.
  auto escaped = store_codec::decode_blocks(
      R"([{"kind":"paragraph","text":"a\u00e9\ud83d\ude42\/\u4e2d\"\\\n"},{"kind":"heading","text":""}])");
  ASSERT_TRUE(escaped) << escaped.error().message;
  ASSERT_EQ(escaped->size(), 2u);
  EXPECT_EQ(escaped->at(0).text, "a\u00e9\U0001F642/\u4e2d\"\\\n");
  EXPECT_EQ(escaped->at(1).kind, BlockKind::heading);
  // Spaces and keys in another order: read by the general parser.
  auto spaced = store_codec::decode_blocks(R"( [ {"text": "x", "kind": "quote"} ] )");
  ASSERT_TRUE(spaced) << spaced.error().message;
  EXPECT_EQ(spaced->at(0).kind, BlockKind::quote);
  EXPECT_EQ(spaced->at(0).text, "x");
  EXPECT_TRUE(store_codec::decode_blocks("[]"));
  for (const char* bad : {R"([{"kind":"paragraph","text":"unterminated}])", R"([{"kind":"nonsense","text":"x"}])",
                          R"([{"kind":"paragraph","text":"\ud83d alone"}])", R"([{"kind":"paragraph"}])", "[", "",
                          R"([{"kind":"paragraph","text":"x"}] trailing)"})
    EXPECT_FALSE(store_codec::decode_blocks(bad)) << bad;
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
