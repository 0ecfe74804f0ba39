#pragma once
// Keeps a run from writing over what it reads: an output path that is one of the inputs, or
// that lies inside a folder the run walks, is refused before any work starts.

#include "cli/options.h"

namespace ocrbatch::cli {

// Throws UsageError naming the option, the path and the input it collides with. Compares by
// device and inode, so another spelling of the same file (../x, a symlink) is caught too.
// Outputs that are devices or FIFOs (/dev/stdout, /dev/null) are never a collision.
void check_outputs_are_not_inputs(const RunConfig& config);

}  // namespace ocrbatch::cli
