#pragma once
// The lines of `ocrbatch --list`: what discovery found, one line per input, tab-separated
// with the name last, so `cut -f2-` or awk take it apart.

#include <string>

#include "input/input_item.h"

namespace ocrbatch::cli {

// "image\tNAME", "skip\tKIND\tNAME" or "error\tCODE\tNAME", with a newline. The name is
// escaped as on stderr (util::printable), so a tab or newline in it cannot break the format.
std::string list_line(const input::InputItem& item);

}  // namespace ocrbatch::cli
