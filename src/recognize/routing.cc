#include "recognize/routing.h"

#include <sstream>

namespace ocrbatch::recognize {
namespace {

// The names are part of the output contract.
const char* name(LayoutPath layout) {
  switch (layout) {
    case LayoutPath::tesseract:
      return "tesseract";
    case LayoutPath::dnn:
      return "dnn";
  }
  return "";
}

const char* name(Reader reader) {
  switch (reader) {
    case Reader::tesseract:
      return "tesseract";
    case Reader::ppocr:
      return "ppocr";
  }
  return "";
}

// A grey page whose text runs are this short against its text block reads better from
// detected lines than from Tesseract's layout: receipts (0.26-0.55 in SROIE), where books and
// articles run 0.55-0.87 (bench/ACCURACY.md, "Routing").
constexpr double kShortLines = 0.5;
// A photo is a scene (signs, shop fronts) when its text runs are this short against the text
// block, or when no character-sized text was measured at all: camera scenes run 0.01-0.28 in
// ICDAR 2015. A photographed or unevenly lit page of running text runs 0.32-0.9 (generated
// degraded book pages) and reads far better after Tesseract's preparation (CER 3.5% against
// 35.7% from the detector: bench/ACCURACY.md, "Routing").
constexpr double kSceneFill = 0.3;

// PP-OCR's recogniser reads Chinese, and English scene text better than Tesseract does; for
// other Latin languages its dictionary lacks their letters.
Reader reader_for(const RoutingRules& rules, bool scene) {
  switch (rules.reader) {
    case ReaderChoice::tesseract:
      return Reader::tesseract;
    case ReaderChoice::ppocr:
      return Reader::ppocr;
    case ReaderChoice::automatic:
      break;
  }
  return wants_ppocr(rules.lang) || (scene && rules.lang == "eng") ? Reader::ppocr
                                                                   : Reader::tesseract;
}

bool camera_or_grey(const preprocess::Analysis& a) {
  return a.kind == preprocess::Kind::photo || a.kind == preprocess::Kind::grey;
}

}  // namespace

bool wants_ppocr(const std::string& lang) {
  std::istringstream in(lang);
  std::string part;
  while (std::getline(in, part, '+'))
    if (part == "chi_sim" || part == "chi_tra" || part == "jpn" || part == "chi_sim_vert" ||
        part == "chi_tra_vert" || part == "jpn_vert")
      return true;
  return false;
}

Route choose_route(const preprocess::Page& page, const RoutingRules& rules) {
  Route tesseract;
  if (rules.mode == EngineMode::tesseract || !rules.detector_ready) return tesseract;
  const bool cjk = wants_ppocr(rules.lang);
  const auto& analysis = page.analysis;
  // Chinese and Japanese pages of running text read column by column; everything else the
  // detector reads (forms, receipts, photos) row by row.
  const bool rows = !cjk || (analysis && analysis->sparse);
  if (rules.mode == EngineMode::dnn) {
    const bool scene = analysis && analysis->kind == preprocess::Kind::photo;
    Route route{LayoutPath::dnn, reader_for(rules, scene), rows, cjk};
    route.whole_line = analysis && analysis->line && route.reader == Reader::ppocr;
    return route;
  }
  // auto: without a classification (--preprocess none) the page is read as Tesseract would.
  if (!analysis || analysis->blank) return tesseract;
  const auto& a = *analysis;
  if (cjk) {
    Route route{LayoutPath::dnn, reader_for(rules, false), rows, cjk};
    route.whole_line = a.line && route.reader == Reader::ppocr;
    return route;
  }
  // A scene; or a camera or grey image with no character-sized text to measure: a word or a
  // sign cut from a photo (PP-OCR read 14 of the 20 ICDAR word crops, Tesseract 4).
  if ((a.kind == preprocess::Kind::photo && a.line_fill < kSceneFill) ||
      (camera_or_grey(a) && a.text_height <= 0))
    return Route{LayoutPath::dnn, reader_for(rules, true), rows};
  if (a.line) return tesseract;
  if (a.sparse) return Route{LayoutPath::dnn, reader_for(rules, false), rows};
  if (a.kind == preprocess::Kind::grey && a.line_fill < kShortLines)
    return Route{LayoutPath::dnn, reader_for(rules, false), rows};
  return tesseract;
}

std::optional<Route> retry_route(const preprocess::Page& page, const RoutingRules& rules,
                                 int words_read) {
  if (rules.mode != EngineMode::automatic || !rules.detector_ready || words_read > 0)
    return std::nullopt;
  if (!page.analysis || page.analysis->blank || !camera_or_grey(*page.analysis))
    return std::nullopt;
  return Route{LayoutPath::dnn, reader_for(rules, true), true, wants_ppocr(rules.lang)};
}

record::EngineUsed engine_used(const Route& route) {
  return record::EngineUsed{name(route.layout), name(route.reader)};
}

}  // namespace ocrbatch::recognize
