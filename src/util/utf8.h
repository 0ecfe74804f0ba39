#pragma once
// UTF-8 checks and the two ways bytes that may not be text are shown: as valid UTF-8 for
// data (JSON, CSV) and escaped for people (stderr, the log).

#include <string>
#include <string_view>

namespace ocrbatch::util {

bool is_valid_utf8(std::string_view bytes);

// `bytes` with every ill-formed sequence replaced by U+FFFD, one per maximal ill-formed
// subpart (the Unicode recommendation, also what Python's "replace" and WHATWG do).
std::string to_valid_utf8(std::string_view bytes);

// `text` made safe for one line on a terminal or in a log: tab, LF and CR become \t, \n and
// \r; other C0 controls, DEL and ill-formed bytes become \xNN; C1 controls, line and
// paragraph separators and bidirectional overrides become \uNNNN. Everything else, valid
// non-ASCII text and backslashes included, is kept, so escaping twice changes nothing.
std::string printable(std::string_view text);

}  // namespace ocrbatch::util
