#include "store/record_codec.hpp"

#include <nlohmann/json.hpp>

namespace redline::store_codec {

namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Result<json> parse_array(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_array())
    return make_error(Errc::io, "not a JSON array: " + std::string(text.substr(0, 80)));
  return j;
}

}  // namespace

std::string encode_strings(const std::vector<std::string>& items) { return dump(json(items)); }

Result<std::vector<std::string>> decode_strings(std::string_view text) {
  auto j = parse_array(text);
  if (!j) return j.error();
  std::vector<std::string> out;
  out.reserve(j->size());
  for (const auto& item : *j) {
    if (!item.is_string()) return make_error(Errc::io, "JSON array holds a non-string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string encode_blocks(const std::vector<Block>& blocks) {
  json out = json::array();
  for (const auto& b : blocks) out.push_back(json{{"kind", to_string(b.kind)}, {"text", b.text}});
  return dump(out);
}

Result<std::vector<Block>> decode_blocks(std::string_view text) {
  auto j = parse_array(text);
  if (!j) return j.error();
  std::vector<Block> out;
  out.reserve(j->size());
  for (const auto& item : *j) {
    if (!item.is_object()) return make_error(Errc::io, "block is not a JSON object");
    auto kind_it = item.find("kind");
    auto text_it = item.find("text");
    if (kind_it == item.end() || !kind_it->is_string() || text_it == item.end() || !text_it->is_string())
      return make_error(Errc::io, "block lacks a string \"kind\" or \"text\"");
    auto kind = block_kind_from_string(kind_it->get<std::string>());
    if (!kind) return make_error(Errc::io, "unknown block kind " + kind_it->get<std::string>());
    out.push_back(Block{*kind, text_it->get<std::string>()});
  }
  return out;
}

}  // namespace redline::store_codec
