#pragma once

namespace ocrbatch::cli {

// Process exit codes: part of the documented contract.
enum ExitStatus : int {
  kExitSuccess = 0,      // every input succeeded
  kExitSomeFailed = 1,   // some inputs failed; their error records were written
  kExitFatal = 2,        // usage error or fatal setup error; no batch ran
  kExitInterrupted = 130,
};

}  // namespace ocrbatch::cli
