#pragma once
// Reading a prepared page, the stage between preprocessing and the record. It talks to the
// engines only through engine/'s interfaces.

#include "engine/engine.h"
#include "preprocess/chain.h"
#include "preprocess/page.h"
#include "recognize/routing.h"

namespace ocrbatch::recognize {

// Recognises a prepared page along `route`: nothing for a blank page; with the page's own
// layout hint and resolution otherwise. When the chain checks orientation and the upright text
// reads with low confidence, the orientation detector (or, where it is unsure, recognition of
// a strip at each candidate rotation) proposes a turn; the turned page is straightened and
// recognised, and kept only if it reads better. Word and line boxes come back in source
// pixels. If the chain changed the page and that reading is doubtful (low confidence, or a
// flood of one- and two-character words), the decoded image is read as it is too, and that
// plain reading is used when it is clearly better; a "fallback" step report says so.
// `timeout_ms` (when positive) is the time left for the page, which its passes share; 0: the
// recogniser's own limit.
record::Result<engine::Recognition> read_page(preprocess::Page& page, const Route& route,
                                              preprocess::Chain& chain,
                                              engine::Recognizer& recognizer,
                                              const engine::CancelCheck& cancel,
                                              int timeout_ms = 0);

}  // namespace ocrbatch::recognize
