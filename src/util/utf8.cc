#include "util/utf8.h"

#include <fmt/format.h>

#include <cstdint>

namespace ocrbatch::util {
namespace {

// One decoded character: `length` bytes from the start; `code` is -1 for an ill-formed
// subpart of `length` bytes.
struct Decoded {
  int32_t code;
  size_t length;
};

Decoded decode(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t lead = byte(i);
  if (lead < 0x80) return {lead, 1};
  size_t need;
  int32_t code;
  uint8_t low = 0x80, high = 0xBF;  // bounds of the second byte (Unicode table 3-7)
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1, code = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2, code = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3, code = lead & 0x07;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return {-1, 1};
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) return {-1, k};
    const uint8_t b = byte(i + k);
    if (k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF)) return {-1, k};
    code = (code << 6) | (b & 0x3F);
  }
  return {code, need + 1};
}

bool needs_escape(int32_t code) {
  return code < 0x20 || code == 0x7F || (code >= 0x80 && code <= 0x9F) || code == 0x2028 ||
         code == 0x2029 || (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const Decoded d = decode(bytes, i);
    if (d.code < 0) return false;
    i += d.length;
  }
  return true;
}

std::string to_valid_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    const Decoded d = decode(bytes, i);
    if (d.code < 0)
      out += "\xEF\xBF\xBD";
    else
      out.append(bytes, i, d.length);
    i += d.length;
  }
  return out;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    if (d.code < 0) {
      for (size_t k = 0; k < d.length; ++k)
        out += fmt::format("\\x{:02x}", static_cast<uint8_t>(text[i + k]));
    } else if (d.code == '\t') {
      out += "\\t";
    } else if (d.code == '\n') {
      out += "\\n";
    } else if (d.code == '\r') {
      out += "\\r";
    } else if (d.code < 0x80 && needs_escape(d.code)) {
      out += fmt::format("\\x{:02x}", d.code);
    } else if (needs_escape(d.code)) {
      out += fmt::format("\\u{:04x}", d.code);
    } else {
      out.append(text, i, d.length);
    }
    i += d.length;
  }
  return out;
}

}  // namespace ocrbatch::util
