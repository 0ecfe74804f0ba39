#pragma once

namespace ocrbatch::cli {

// Process exit codes: part of the documented contract.
enum ExitStatus : int {
  kExitSuccess = 0,      // every input succeeded
  kExitSomeFailed = 1,   // some inputs failed; their error records were written
  kExitFatal = 2,        // usage error, fatal setup error, or the output could not be written
  kExitLedgerBusy = 75,  // another run holds the ledger (EX_TEMPFAIL: try again later)
  kExitIncomplete = 75,  // ocrbatch summary: a run or shard did not finish (EX_TEMPFAIL too)
  kExitInterrupted = 130,
};

}  // namespace ocrbatch::cli
