#pragma once
// Standard base64 (RFC 4648, with padding): how the output carries bytes that are not text.

#include <optional>
#include <string>
#include <string_view>

namespace ocrbatch::util {

std::string base64_encode(std::string_view bytes);

// Nothing if `text` is not padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace ocrbatch::util
