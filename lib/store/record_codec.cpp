#include "store/record_codec.hpp"

#include <nlohmann/json.hpp>

#include "util/text.hpp"

namespace redline::store_codec {

namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Appends `text` as a JSON string: UTF-8 kept as is, '"', '\\' and control characters escaped, invalid
// UTF-8 replaced by U+FFFD (as dump() does). Several times faster than building a json value.
void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x80) {  // kept when valid UTF-8
      const size_t start = i;
      if (next_code_point(text, i) != 0xFFFD || text.substr(start, i - start) == "\xEF\xBF\xBD") continue;
      out.append(text.substr(run, start - run));
      append_utf8(out, 0xFFFD);
      run = i;
      continue;
    }
    if (b >= 0x20 && b != '"' && b != '\\') {
      ++i;
      continue;
    }
    out.append(text.substr(run, i - run));
    switch (b) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        static constexpr char k_hex[] = "0123456789abcdef";
        out += "\\u00";
        out += k_hex[b >> 4];
        out += k_hex[b & 15];
      }
    }
    run = ++i;
  }
  out.append(text.substr(run));
  out += '"';
}

Result<json> parse_array(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_array())
    return make_error(Errc::io, "not a JSON array: " + std::string(text.substr(0, 80)));
  return j;
}

// Reads a JSON string at `pos` (at its opening quote) into `out` and moves past it; false when the
// text there is not a string in the subset encode_blocks writes (any escape JSON allows is read).
bool read_json_string(std::string_view text, size_t& pos, std::string& out) {
  if (pos >= text.size() || text[pos] != '"') return false;
  ++pos;
  out.clear();
  size_t run = pos;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') {
      out.append(text.substr(run, pos - run));
      ++pos;
      return true;
    }
    if (static_cast<unsigned char>(c) < 0x20) return false;
    if (c != '\\') {
      ++pos;
      continue;
    }
    out.append(text.substr(run, pos - run));
    if (pos + 1 >= text.size()) return false;
    const char e = text[pos + 1];
    pos += 2;
    switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        const auto hex4 = [&](size_t at, char32_t& v) {
          if (at + 4 > text.size()) return false;
          v = 0;
          for (size_t k = at; k < at + 4; ++k) {
            const char h = text[k];
            const int d = h >= '0' && h <= '9'   ? h - '0'
                          : h >= 'a' && h <= 'f' ? h - 'a' + 10
                          : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                 : -1;
            if (d < 0) return false;
            v = v * 16 + static_cast<char32_t>(d);
          }
          return true;
        };
        char32_t cp = 0;
        if (!hex4(pos, cp)) return false;
        pos += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair
          char32_t low = 0;
          if (pos + 6 > text.size() || text[pos] != '\\' || text[pos + 1] != 'u' || !hex4(pos + 2, low) ||
              low < 0xDC00 || low > 0xDFFF)
            return false;
          pos += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return false;
        }
        append_utf8(out, cp);
        break;
      }
      default:
        return false;
    }
    run = pos;
  }
  return false;
}

// decode_blocks for the exact form encode_blocks (and nlohmann's dump before it) writes, without
// building a json value; nullopt for anything else, which the general parser then reads.
std::optional<std::vector<Block>> decode_blocks_fast(std::string_view text) {
  std::vector<Block> out;
  size_t pos = 0;
  const auto take = [&](std::string_view literal) {
    if (text.substr(pos, literal.size()) != literal) return false;
    pos += literal.size();
    return true;
  };
  if (!take("[")) return std::nullopt;
  if (take("]")) return pos == text.size() ? std::optional(std::move(out)) : std::nullopt;
  std::string kind;
  do {
    Block block;
    if (!take("{\"kind\":") || !read_json_string(text, pos, kind) || !take(",\"text\":") ||
        !read_json_string(text, pos, block.text) || !take("}"))
      return std::nullopt;
    const auto k = block_kind_from_string(kind);
    if (!k) return std::nullopt;
    block.kind = *k;
    out.push_back(std::move(block));
  } while (take(","));
  if (!take("]") || pos != text.size()) return std::nullopt;
  return out;
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
  size_t size = 2;
  for (const auto& b : blocks) size += b.text.size() + 32;
  std::string out;
  out.reserve(size);
  out += '[';
  for (const auto& b : blocks) {
    if (out.size() > 1) out += ',';
    out += "{\"kind\":";
    append_json_string(out, to_string(b.kind));
    out += ",\"text\":";
    append_json_string(out, b.text);
    out += '}';
  }
  out += ']';
  return out;
}

Result<std::vector<Block>> decode_blocks(std::string_view text) {
  if (auto fast = decode_blocks_fast(text)) return std::move(*fast);
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
