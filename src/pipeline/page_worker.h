#pragma once
// What a worker thread does with one page job, without the thread: check the declared size,
// decode, prepare, recognise, and make the record. Owns the worker's engine (built on its
// first job, so a small batch with a large -j loads only the engines it needs) and its
// preprocessing chain. Unit-testable with a fake engine.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "engine/engine.h"
#include "pdf/pdf_document.h"
#include "pipeline/job.h"
#include "preprocess/chain.h"
#include "recognize/routing.h"

namespace ocrbatch::pipeline {

// --pdf-text: where a PDF page's text comes from.
enum class PdfText {
  automatic,  // its text layer where that reads the page (pdf::text_layer_reads_the_page), else OCR
  ocr,        // always rendered and OCRed
  keep,       // its text layer only, never OCR: a page without one gets an empty record
};

struct PageLimits {
  uint64_t max_pixels = 0;  // width * height declared by the header; 0: no limit
  engine::Limits engine;    // its max_side: the longest side the engine takes
  int pdf_dpi = 0;          // PDF pages are rendered at this resolution; 0: auto
  // The run writes a PDF: each record carries its source page, encoded (record::PageImage).
  bool keep_image = false;
  PdfText pdf_text = PdfText::automatic;
};

// Which path reads each page, and the recogniser of the detector path.
struct PageRouting {
  recognize::RoutingRules rules;
  engine::RecognizerFactory make_detector;  // null: no detector this run
};

class PageWorker {
 public:
  // The detector path's recogniser is made when the worker's first page takes that path.
  PageWorker(engine::RecognizerFactory make_engine, preprocess::Chain chain, PageLimits limits,
             PageRouting routing = {});

  // Builds the engine if this is the first job. Throws what the engine factory throws when the
  // engine cannot be built (engine::SetupError): a setup failure, not the page's.
  void ensure_engine();
  // The record for `job`, or nullopt when `cancel` turned true while the page was being
  // recognised (abandoned: nothing finished to report). An exception while working on the page
  // (memory exhausted on a huge page) becomes the page's ocr_failed record. Call
  // ensure_engine() first.
  std::optional<Outcome> process(Job& job, const engine::CancelCheck& cancel);

 private:
  std::optional<Outcome> read_page(Job& job, const engine::CancelCheck& cancel);
  // Under auto, a page Tesseract's layout read nothing from is read by the detector; what it
  // finds replaces the empty reading, and the route with it.
  void read_again_detected(preprocess::Page& page, const recognize::Route& retry,
                           std::chrono::steady_clock::time_point page_start,
                           recognize::Route& route, record::Result<engine::Recognition>& recognised,
                           const engine::CancelCheck& cancel);
  std::optional<record::Error> check_size(const Job& job) const;
  std::optional<record::Error> check_size(const image::Info& size) const;
  // A PDF page: read from its text layer (set in `kept`, nothing to OCR) or rendered. One
  // deadline covers the reading, the render and the recognition after it.
  record::Result<image::PixPtr> read_pdf(const Job& job, const pdf::StopCheck& stop,
                                         std::optional<record::PageResult>& kept);
  // The job's document: opened once for the pages of one file this worker reads in turn.
  record::Result<const pdf::Document*> pdf_document(const Job& job);

  engine::RecognizerFactory make_engine_;
  preprocess::Chain chain_;
  PageLimits limits_;
  PageRouting routing_;
  std::unique_ptr<engine::Recognizer> engine_;
  std::unique_ptr<engine::Recognizer> detector_;
  // The last PDF this worker opened, and the bytes it reads in place: a file's page jobs share
  // one copy of its bytes, so the pointer tells the same file. Dropped at a job of another
  // file, so a worker holds at most one file beyond its job.
  std::shared_ptr<const std::string> pdf_bytes_;
  std::optional<pdf::Document> pdf_;
};

}  // namespace ocrbatch::pipeline
