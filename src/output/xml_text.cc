#include "output/xml_text.h"

#include <fmt/format.h>

#include <cmath>

#include "util/utf8.h"

namespace ocrbatch::output {

std::string xml_escape(std::string_view text) {
  const std::string valid = util::to_valid_utf8(text);
  std::string out;
  out.reserve(valid.size() + valid.size() / 8);
  for (size_t i = 0; i < valid.size(); ++i) {
    const auto c = static_cast<unsigned char>(valid[i]);
    switch (c) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += "&#39;";
        continue;
      case '\t':
        out += "&#9;";
        continue;
      case '\n':
        out += "&#10;";
        continue;
      case '\r':
        out += "&#13;";
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      out += "\xEF\xBF\xBD";
      continue;
    }
    // U+FFFE and U+FFFF are EF BF BE and EF BF BF: well-formed UTF-8, but not XML characters.
    if (c == 0xEF && i + 2 < valid.size() && static_cast<unsigned char>(valid[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(valid[i + 2]) & 0xFE) == 0xBE) {
      out += "\xEF\xBF\xBD";
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

std::string single_language(std::string_view languages) {
  if (languages.empty() || languages.find('+') != std::string_view::npos) return "";
  return std::string(languages);
}

std::string decimal(double value, int places) {
  std::string text = fmt::format("{:.{}f}", value, places);
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

}  // namespace ocrbatch::output
