#pragma once

#include <string>

namespace ocrbatch::util {

// A random (version 4) UUID in its 36-character form, from the kernel's random source: the
// id of one run, so records, log lines and metrics of a sharded night can be joined.
std::string random_uuid();

}  // namespace ocrbatch::util
