#pragma once
// Which engine path reads a page: whose layout analysis finds the text, and whose recogniser
// reads it, chosen per page from what preprocessing learnt about it.

#include <optional>
#include <string>

#include "preprocess/page.h"
#include "record/record.h"

namespace ocrbatch::recognize {

// Part of the ledger's settings fingerprint: raise it whenever the rules of choose_route, or
// what the detector path does with a page, change.
constexpr int kRoutingVersion = 3;

// Who finds the lines and blocks of a page.
enum class LayoutPath {
  tesseract,  // Tesseract's own page layout analysis, on the prepared page
  dnn,        // PP-OCR's DB text detector, on the decoded page
};

// Who reads the text.
enum class Reader {
  tesseract,
  ppocr,  // PP-OCR's recogniser (Chinese and English), on detected lines only
};

struct Route {
  LayoutPath layout = LayoutPath::tesseract;
  Reader reader = Reader::tesseract;
  // Detected lines are read row by row across the page (forms, receipts, photos), rather than
  // column by column (pages of running text).
  bool rows = false;
  // The script may be set in vertical lines (Chinese, Japanese): a tall detected line is text,
  // not a sign that the page lies turned by 90 degrees.
  bool vertical_text = false;
  // The image is one line of text, read whole by PP-OCR's recogniser without detection.
  bool whole_line = false;
};

// --engine
enum class EngineMode { automatic, tesseract, dnn };
// --recognizer
enum class ReaderChoice { automatic, tesseract, ppocr };

struct RoutingRules {
  EngineMode mode = EngineMode::tesseract;
  ReaderChoice reader = ReaderChoice::automatic;
  std::string lang = "eng";     // the -l spec
  bool detector_ready = false;  // the DNN models were found and load
};

// Whether -l names a script PP-OCR's recogniser reads and Tesseract reads poorly: chi_sim,
// chi_tra or jpn (alone or with other languages).
bool wants_ppocr(const std::string& lang);

// The path for a page, from its classification (page.analysis; none with --preprocess none)
// and the run's rules. With --engine auto, the rules are the measured ones in the man page
// (ENGINES): documents keep Tesseract's layout; photos, sparse pages (forms, scattered text),
// grey pages of short lines (receipts) and Chinese or Japanese go to the detector.
Route choose_route(const preprocess::Page& page, const RoutingRules& rules);

// Under --engine auto, a camera or grey page that Tesseract's layout read no word from (a
// scene whose signs fill much of the picture, a word cut from a photo) is read again by the
// detector, along the route this gives; nullopt when it is not to be (another engine mode,
// no detector, a bilevel scan, a blank page, or words were read).
std::optional<Route> retry_route(const preprocess::Page& page, const RoutingRules& rules,
                                 int words_read);

// What the record says of a route: "engine":{"layout":"tesseract","recognizer":"tesseract"}.
record::EngineUsed engine_used(const Route& route);

}  // namespace ocrbatch::recognize
