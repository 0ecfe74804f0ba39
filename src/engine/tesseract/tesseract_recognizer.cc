#include "engine/tesseract/tesseract_recognizer.h"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/tesseract/tessdata.h"

namespace ocrbatch::engine::tesseract {
namespace {

using record::ErrorCode;

std::unique_ptr<char*, void (*)(char**)> unique_text(char* text) {
  return {new char*(text), [](char** p) {
            delete[] * p;
            delete p;
          }};
}

double round1(double v) { return std::round(v * 10.0) / 10.0; }

// The cancel hook Tesseract polls between words: its way of letting a caller stop a page.
bool cancel_trampoline(void* cancel_this, int /*words*/) {
  const auto* check = static_cast<const CancelCheck*>(cancel_this);
  return *check && (*check)();
}

// Tesseract's page segmentation mode for a layout hint; 0 for the run's own --psm.
int psm_for(Layout layout) {
  switch (layout) {
    case Layout::configured:
      return 0;
    case Layout::automatic:
      return ::tesseract::PSM_AUTO;
    case Layout::single_block:
      return ::tesseract::PSM_SINGLE_BLOCK;
    case Layout::single_line:
      return ::tesseract::PSM_SINGLE_LINE;
    case Layout::single_word:
      return ::tesseract::PSM_SINGLE_WORD;
    case Layout::sparse:
      return ::tesseract::PSM_SPARSE_TEXT;
  }
  return 0;
}

record::Box box_at(const ::tesseract::ResultIterator& it, ::tesseract::PageIteratorLevel level) {
  int left = 0, top = 0, right = 0, bottom = 0;
  if (!it.BoundingBox(level, &left, &top, &right, &bottom)) return {};
  return {left, top, right - left, bottom - top};
}

// Tesseract gives a baseline left to right; the record's runs in reading order.
record::Baseline baseline_at(const ::tesseract::ResultIterator& it,
                             ::tesseract::PageIteratorLevel level, bool right_to_left) {
  int x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  if (!it.Baseline(level, &x1, &y1, &x2, &y2)) return {};
  if (right_to_left) return {x2, y2, x1, y1};
  return {x1, y1, x2, y2};
}

// Opens the block, paragraph and line the iterator's word starts, so a word always has a line
// to go in, even where Tesseract would start a word before any line.
void open_levels(const ::tesseract::ResultIterator& it, std::vector<record::Block>& blocks) {
  using ::tesseract::RIL_BLOCK, ::tesseract::RIL_PARA, ::tesseract::RIL_TEXTLINE;
  const bool block = blocks.empty() || it.IsAtBeginningOf(RIL_BLOCK);
  const bool paragraph = block || blocks.back().paragraphs.empty() || it.IsAtBeginningOf(RIL_PARA);
  const bool line = paragraph || blocks.back().paragraphs.back().lines.empty() ||
                    it.IsAtBeginningOf(RIL_TEXTLINE);
  if (block) blocks.push_back({box_at(it, RIL_BLOCK), round1(it.Confidence(RIL_BLOCK)), {}});
  auto& paragraphs = blocks.back().paragraphs;
  if (paragraph) paragraphs.push_back({box_at(it, RIL_PARA), round1(it.Confidence(RIL_PARA)), {}});
  if (line)
    paragraphs.back().lines.push_back({box_at(it, RIL_TEXTLINE),
                                       round1(it.Confidence(RIL_TEXTLINE)),
                                       baseline_at(it, RIL_TEXTLINE, !it.ParagraphIsLtr()),
                                       {}});
}

// Lines, paragraphs and blocks with no word (pictures, rules, empty words) are not text.
void drop_empty(std::vector<record::Block>& blocks) {
  for (auto& block : blocks) {
    for (auto& paragraph : block.paragraphs) {
      auto& lines = paragraph.lines;
      lines.erase(std::remove_if(lines.begin(), lines.end(),
                                 [](const record::Line& l) { return l.words.empty(); }),
                  lines.end());
    }
    auto& paragraphs = block.paragraphs;
    paragraphs.erase(std::remove_if(paragraphs.begin(), paragraphs.end(),
                                    [](const record::Paragraph& p) { return p.lines.empty(); }),
                     paragraphs.end());
  }
  blocks.erase(std::remove_if(blocks.begin(), blocks.end(),
                              [](const record::Block& b) { return b.paragraphs.empty(); }),
               blocks.end());
}

}  // namespace

TesseractRecognizer::TesseractRecognizer(const BackendOptions& options)
    : api_(std::make_unique<::tesseract::TessBaseAPI>()),
      timeout_ms_(timeout_ms_for(options.timeout_s)),
      psm_(options.tesseract.psm) {
  const std::string dir = resolve_tessdata(options.tesseract.tessdata_dir);
  // Tesseract's own chatter ("Estimating resolution...") would corrupt our stderr
  // contract: route its debug output away from the start.
  std::vector<std::string> names{"debug_file"};
  std::vector<std::string> values{"/dev/null"};
  const auto oem = options.tesseract.oem < 0
                       ? ::tesseract::OEM_DEFAULT
                       : static_cast<::tesseract::OcrEngineMode>(options.tesseract.oem);
  if (api_->Init(dir.empty() ? nullptr : dir.c_str(), options.lang.c_str(), oem, nullptr, 0, &names,
                 &values, false) != 0) {
    throw SetupError(
        "Tesseract could not load language '" + options.lang + "'" +
        (dir.empty() ? std::string(" from its built-in tessdata folder") : " from " + dir) +
        " (check -l, --tessdata-dir and TESSDATA_PREFIX)");
  }
  for (const auto& [name, value] : options.tesseract.variables) {
    if (!api_->SetVariable(name.c_str(), value.c_str()))
      throw SetupError("unknown or read-only Tesseract variable '" + name + "' (-c " + name + "=" +
                       value + ")");
  }
  // The library's default mode is 6 (one block) while the tesseract CLI uses 3; we set it
  // always so that equal settings give equal text.
  api_->SetPageSegMode(static_cast<::tesseract::PageSegMode>(options.tesseract.psm));
  // Tesseract loads what it can of "eng+xyz" and carries on; a language that did not load
  // is a setup error, not a silent change of results.
  std::vector<std::string> loaded;
  api_->GetLoadedLanguagesAsVector(&loaded);
  for (const auto& want : split_langs(options.lang)) {
    if (std::find(loaded.begin(), loaded.end(), want) == loaded.end())
      throw SetupError("language '" + want + "' not found in " + api_->GetDatapath() +
                       " (install tesseract-ocr-" + want +
                       " or point --tessdata-dir at a folder that has it)");
  }
  lang_ = api_->GetInitLanguagesAsString();
}

TesseractRecognizer::~TesseractRecognizer() { api_->End(); }

std::string TesseractRecognizer::datapath() const { return api_->GetDatapath(); }

std::string TesseractRecognizer::version() {
  return std::string("tesseract ") + ::tesseract::TessBaseAPI::Version();
}

record::Result<Recognition> TesseractRecognizer::recognize(Pix* image, const CancelCheck& cancel,
                                                           const PageHints& hints) {
  const int hinted = psm_for(hints.layout);
  const int psm = hinted > 0 ? hinted : psm_;
  // Changing the mode is a setting, not a reload: a line crop after a page costs no Init.
  if (psm != api_->GetPageSegMode())
    api_->SetPageSegMode(static_cast<::tesseract::PageSegMode>(psm));
  api_->SetImage(image);
  if (hints.dpi > 0) api_->SetSourceResolution(hints.dpi);
  ::tesseract::ETEXT_DESC monitor;
  monitor.cancel = &cancel_trampoline;
  monitor.cancel_this = const_cast<CancelCheck*>(&cancel);
  // Tesseract checks the deadline between words, so the engine stays usable afterwards.
  const int limit_ms = hints.timeout_ms > 0 ? hints.timeout_ms : timeout_ms_;
  if (limit_ms > 0) monitor.set_deadline_msecs(limit_ms);
  const bool failed = api_->Recognize(&monitor) != 0;
  if (limit_ms > 0 && monitor.deadline_exceeded()) {
    api_->Clear();
    return record::Error{ErrorCode::timeout, "recognition took longer than the " +
                                                 std::to_string(timeout_ms_ / 1000.0).substr(0, 5) +
                                                 " s limit (--timeout)"};
  }
  if (failed) {
    api_->Clear();
    if (cancel && cancel()) return record::Error{ErrorCode::ocr_failed, "recognition cancelled"};
    return record::Error{ErrorCode::ocr_failed, "Tesseract could not recognise the page"};
  }

  Recognition out;
  out.layout_mode = hinted;
  auto text = unique_text(api_->GetUTF8Text());
  if (*text != nullptr) out.text = *text;

  // Mean word confidence, computed from the words themselves for a fractional value.
  double confidence_sum = 0;
  std::unique_ptr<::tesseract::ResultIterator> it(api_->GetIterator());
  if (it) {
    do {
      open_levels(*it, out.blocks);
      if (it->Empty(::tesseract::RIL_WORD)) continue;
      const float word_conf = it->Confidence(::tesseract::RIL_WORD);
      confidence_sum += word_conf;
      ++out.words;
      record::Word word;
      auto word_text = unique_text(it->GetUTF8Text(::tesseract::RIL_WORD));
      if (*word_text != nullptr) word.text = *word_text;
      while (!word.text.empty() && (word.text.back() == '\n' || word.text.back() == ' '))
        word.text.pop_back();
      word.confidence = round1(word_conf);
      word.bbox = box_at(*it, ::tesseract::RIL_WORD);
      word.baseline = baseline_at(*it, ::tesseract::RIL_WORD,
                                  it->WordDirection() == ::tesseract::DIR_RIGHT_TO_LEFT);
      out.blocks.back().paragraphs.back().lines.back().words.push_back(std::move(word));
    } while (it->Next(::tesseract::RIL_WORD));
  }
  drop_empty(out.blocks);
  out.confidence = out.words > 0 ? round1(confidence_sum / out.words) : 0;
  api_->Clear();
  return out;
}

}  // namespace ocrbatch::engine::tesseract
