#pragma once
// Which engine path reads a page: whose layout analysis finds the text, and whose recogniser
// reads it, chosen per page from what preprocessing learnt about it.

#include "preprocess/page.h"
#include "record/record.h"

namespace ocrbatch::recognize {

// Who finds the lines and blocks of a page.
enum class LayoutPath {
  tesseract,  // Tesseract's own page layout analysis, on the whole page
};

// Who reads the text.
enum class Reader {
  tesseract,
};

struct Route {
  LayoutPath layout = LayoutPath::tesseract;
  Reader reader = Reader::tesseract;
};

// The path for a prepared page, from its classification (page.analysis). Every page takes
// Tesseract's layout analysis for now; the rules that send photos, forms, receipts and sparse
// pages to a text detector belong here.
Route choose_route(const preprocess::Page& page);

// What the record says of a route: "engine":{"layout":"tesseract","recognizer":"tesseract"}.
record::EngineUsed engine_used(const Route& route);

}  // namespace ocrbatch::recognize
