#pragma once
// Process-wide set-up done once at the start of main: standard descriptors, the OpenMP thread
// limit, and keeping the libraries' messages off our stderr.

#include <cstdio>

namespace ocrbatch::util {

// Cron, init scripts and `cmd >&-` can start us with descriptor 0, 1 or 2 closed; the next
// open() would then take it, and the ledger's lock file or the log would receive records or
// error lines. Each closed one is pointed at /dev/null: stdin and stdout read-only, so a
// closed stdout still fails every write (exit 2) instead of swallowing the records.
void open_closed_standard_fds();

// An OpenMP runtime (Debian's libtesseract links one) reads OMP_THREAD_LIMIT once, when it
// loads, which is before main runs. If it is unset, set it to 1 and re-execute ourselves so
// each worker's engine uses exactly one thread and -j alone decides the parallelism. Returns
// only if no re-exec was needed or possible.
void ensure_single_threaded_openmp(char** argv);

// libpng, libjpeg and Tesseract print their own warnings straight to file descriptor 2,
// which would break the promise that stderr carries only our diagnostics. This moves the
// real stderr to a private descriptor, returned as a FILE* for our own messages, and
// points descriptor 2 at /dev/null. OCRBATCH_LIBRARY_STDERR=1 keeps the libraries' output,
// for debugging. Returns stderr itself if the switch is not possible.
std::FILE* take_stderr_from_libraries();

}  // namespace ocrbatch::util
