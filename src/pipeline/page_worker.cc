#include "pipeline/page_worker.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "image/image.h"
#include "image/page_image.h"
#include "recognize/page_reader.h"

namespace ocrbatch::pipeline {

using record::ErrorCode;
using record::ErrorResult;
using record::PageResult;

PageWorker::PageWorker(engine::RecognizerFactory make_engine, preprocess::Chain chain,
                       PageLimits limits, PageRouting routing)
    : make_engine_(std::move(make_engine)),
      chain_(std::move(chain)),
      limits_(std::move(limits)),
      routing_(std::move(routing)) {
  if (!routing_.make_detector) routing_.rules.detector_ready = false;
}

// Refuses a page whose header declares more pixels than allowed, or a side the engine
// cannot take, before its pixels are decoded. A header that cannot be read is left to the
// decoder to report.
std::optional<record::Error> PageWorker::check_size(const Job& job) const {
  const auto head =
      image::header(*job.bytes, job.format, {job.page - 1, job.page_offset, limits_.pdf_dpi});
  if (!head) return std::nullopt;
  return check_size(head.value());
}

std::optional<record::Error> PageWorker::check_size(const image::Info& h) const {
  const uint64_t pixels = static_cast<uint64_t>(h.width) * static_cast<uint64_t>(h.height);
  const std::string size = std::to_string(h.width) + "x" + std::to_string(h.height);
  if (limits_.max_pixels > 0 && pixels > limits_.max_pixels)
    return record::Error{ErrorCode::too_large, "image is " + size + " (" + std::to_string(pixels) +
                                                   " pixels), over the --max-pixels limit of " +
                                                   std::to_string(limits_.max_pixels)};
  const int max_side = limits_.engine.max_side;
  if (max_side > 0 && (h.width > max_side || h.height > max_side))
    return record::Error{ErrorCode::too_large, "image is " + size + "; " + limits_.engine.engine +
                                                   " takes at most " + std::to_string(max_side) +
                                                   " pixels a side"};
  return std::nullopt;
}

void PageWorker::ensure_engine() {
  if (!engine_) engine_ = make_engine_();
}

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The text of a page read from its layout tree: words apart by a space, one line per line.
std::string text_of(const std::vector<record::Block>& blocks) {
  std::string text;
  for (const auto& block : blocks)
    for (const auto& paragraph : block.paragraphs)
      for (const auto& line : paragraph.lines) {
        for (size_t i = 0; i < line.words.size(); ++i) {
          if (i > 0) text += ' ';
          text += line.words[i].text;
        }
        text += '\n';
      }
  return text;
}

// The job's record, with the job's place among its input's records.
Outcome outcome_of(const Job& job, record::Record record) {
  Outcome outcome{std::move(record), job.key, job.page, job.pages, false};
  outcome.part = job.part;
  outcome.parts = job.parts;
  outcome.quiet = job.quiet;
  return outcome;
}

Outcome failure(const Job& job, record::Error error) {
  return outcome_of(job, ErrorResult{job.source, job.pages > 1 ? job.page : 0, std::move(error)});
}

}  // namespace

std::optional<Outcome> PageWorker::process(Job& job, const engine::CancelCheck& cancel) {
  try {
    return read_page(job, cancel);
  } catch (const std::exception& e) {
    return failure(job, {ErrorCode::ocr_failed, std::string("internal error: ") + e.what()});
  }
}

void PageWorker::read_again_detected(preprocess::Page& page, const recognize::Route& retry,
                                     std::chrono::steady_clock::time_point page_start,
                                     recognize::Route& route,
                                     record::Result<engine::Recognition>& recognised,
                                     const engine::CancelCheck& cancel) {
  const auto start = std::chrono::steady_clock::now();
  // The page's time limit covers both readings.
  const int limit_ms = engine_->timeout_ms();
  const auto spent_ms = std::chrono::duration<double, std::milli>(start - page_start).count();
  if (limit_ms > 0 && spent_ms >= limit_ms) return;
  const int remaining_ms = limit_ms > 0 ? std::max(1, limit_ms - static_cast<int>(spent_ms)) : 0;
  if (!detector_) detector_ = routing_.make_detector();
  const int rotation = page.done.rotation;
  auto again = recognize::read_page(page, retry, chain_, *detector_, cancel, remaining_ms);
  record::StepReport report;
  report.step = "detector";
  report.values.emplace_back("words", again ? again->words : 0);
  if (!again || again->words == 0) {
    // Nothing more found: Tesseract's empty reading stands, as it was.
    page.done.rotation = rotation;
    report.notes.emplace_back("result", again ? "found no text either" : again.error().message);
  } else {
    // The text now comes from the decoded image, as on the detector's route.
    report.applied = true;
    report.notes.emplace_back("result", "Tesseract's layout found no text; read by the detector");
    page.done.skew.reset();
    page.done.scale.reset();
    page.done.psm = 0;
    route = retry;
    recognised = std::move(again);
  }
  report.ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  page.done.steps.push_back(std::move(report));
}

record::Result<const pdf::Document*> PageWorker::pdf_document(const Job& job) {
  if (pdf_ && pdf_bytes_ == job.bytes) return &*pdf_;
  pdf_.reset();
  pdf_bytes_.reset();
  auto doc = pdf::Document::open(*job.bytes);
  if (!doc) return doc.error();
  pdf_.emplace(std::move(doc.value()));
  pdf_bytes_ = job.bytes;
  return &*pdf_;
}

namespace {

// A black-and-white scan is read from its own pixels where they are the page at this
// resolution, and rendered black and white where not; any other page is rendered grey.
record::Result<image::PixPtr> render_pdf_page(const pdf::Document& doc, int index, int dpi,
                                              const pdf::StopCheck& stop,
                                              const pdf::PageScan* scan) {
  if (scan == nullptr || !pdf::renders_bilevel(*scan)) return doc.render(index, dpi, stop);
  auto stored = doc.stored_bilevel_image(index, dpi, stop);
  if (!stored) return stored.error();
  if (stored.value()) return std::move(stored.value());
  return doc.render(index, dpi, stop, true);
}

}  // namespace

record::Result<image::PixPtr> PageWorker::read_pdf(const Job& job, const pdf::StopCheck& stop,
                                                   std::optional<PageResult>& kept) {
  const auto opened = pdf_document(job);
  if (!opened) return opened.error();
  const pdf::Document& doc = *opened.value();
  const int index = image::pdf_page_index({job.page - 1, job.page_offset});
  // The pass that finds the page's images and text layer is needed for any choice but a
  // given resolution with OCR.
  std::optional<pdf::PageScan> scan;
  if (limits_.pdf_dpi == 0 || limits_.pdf_text != PdfText::ocr) {
    auto scanned = doc.scan(index, stop);
    if (!scanned) return scanned.error();
    scan = std::move(scanned.value());
  }
  const int dpi = limits_.pdf_dpi > 0 ? limits_.pdf_dpi : pdf::auto_dpi(*scan);
  const bool from_layer =
      limits_.pdf_text == PdfText::keep ||
      (limits_.pdf_text == PdfText::automatic && pdf::text_layer_reads_the_page(*scan));
  if (from_layer) {
    const image::Info size = pdf::rendered_size(scan->size, dpi);
    PageResult page;
    page.width = size.width;
    page.height = size.height;
    page.dpi = dpi;
    page.blocks = pdf::text_layout(*scan, dpi);
    page.text = text_of(page.blocks);
    page.words = static_cast<int>(scan->words.size());
    // The document's own words: nothing was guessed.
    page.confidence = page.words > 0 ? 100 : 0;
    page.engine = {"pdf", "pdf"};
    page.text_source = "pdf";
    kept = std::move(page);
    // A searchable PDF of it still shows the page: rendered, not read.
    if (!limits_.keep_image) return image::PixPtr();
    if (auto refused = check_size(size)) return *refused;
    return render_pdf_page(doc, index, dpi, stop, &*scan);
  }
  auto size = doc.page_size(index);
  if (!size) return size.error();
  if (auto refused = check_size(pdf::rendered_size(size.value(), dpi))) return *refused;
  return render_pdf_page(doc, index, dpi, stop, scan ? &*scan : nullptr);
}

std::optional<Outcome> PageWorker::read_page(Job& job, const engine::CancelCheck& cancel) {
  const auto failed = [&](record::Error error) { return failure(job, std::move(error)); };
  const auto start = Clock::now();
  // One time limit for the whole page: reading a PDF page, rendering it, recognising it.
  const int limit_ms = engine_->timeout_ms();
  const auto remaining_ms = [&]() -> int {
    if (limit_ms <= 0) return 0;
    return std::max(1, limit_ms - static_cast<int>(ms_since(start)));
  };
  std::optional<PageResult> kept;
  record::Result<image::PixPtr> decoded = image::PixPtr();
  if (job.format == image::Format::pdf) {
    const auto stop = [&] {
      return (cancel && cancel()) || (limit_ms > 0 && ms_since(start) >= limit_ms);
    };
    decoded = read_pdf(job, stop, kept);
    if (cancel && cancel()) return std::nullopt;
    if (!decoded && decoded.error().code == ErrorCode::timeout)
      return failed({ErrorCode::timeout, "reading the PDF page took longer than the " +
                                             std::to_string(limit_ms / 1000.0).substr(0, 5) +
                                             " s limit (--timeout)"});
  } else {
    pdf_.reset();
    pdf_bytes_.reset();
    if (auto refused = check_size(job)) return failed(*refused);
    decoded =
        image::decode(*job.bytes, job.format, {job.page - 1, job.page_offset, limits_.pdf_dpi});
  }
  if (!decoded) return failed(decoded.error());
  std::shared_ptr<const record::PageImage> source_image;
  if (limits_.keep_image && decoded.value()) {
    // From the decoded source, before any step changes it: the tree's boxes are in its pixels.
    auto encoded = image::page_image(decoded.value().get(), job.format, job.bytes);
    if (!encoded) return failed(encoded.error());
    source_image = std::move(encoded.value());
  }
  if (kept) {
    kept->source = std::move(job.source);
    kept->page = job.page;
    kept->pages = job.pages;
    kept->image = std::move(source_image);
    kept->lang = engine_->lang();
    kept->duration_ms = ms_since(start);
    return outcome_of(job, std::move(*kept));
  }
  job.bytes.reset();  // the encoded copy is no longer needed by this job
  preprocess::Page prepared = preprocess::make_page(std::move(decoded.value()));
  chain_.classify(prepared);
  recognize::Route route = recognize::choose_route(prepared, routing_.rules);
  engine::Recognizer* reader = engine_.get();
  if (route.layout == recognize::LayoutPath::dnn) {
    // The detector reads the decoded page: the steps prepare pages for Tesseract only.
    if (!detector_) detector_ = routing_.make_detector();
    reader = detector_.get();
  } else {
    chain_.prepare(prepared);
  }
  auto recognised = recognize::read_page(prepared, route, chain_, *reader, cancel, remaining_ms());
  if (cancel && cancel()) return std::nullopt;
  if (!recognised) return failed(recognised.error());
  if (route.layout == recognize::LayoutPath::tesseract) {
    if (auto retry = recognize::retry_route(prepared, routing_.rules, recognised->words))
      read_again_detected(prepared, *retry, start, route, recognised, cancel);
    if (cancel && cancel()) return std::nullopt;
  }

  PageResult page;
  page.source = std::move(job.source);
  page.page = job.page;
  page.pages = job.pages;
  page.width = prepared.source_width;
  page.height = prepared.source_height;
  page.dpi = prepared.source_dpi;
  page.text = std::move(recognised->text);
  page.confidence = recognised->confidence;
  page.words = recognised->words;
  page.blocks = std::move(recognised->blocks);
  page.preprocess = std::move(prepared.done);
  page.image = std::move(source_image);
  page.lang = engine_->lang();
  page.engine = recognize::engine_used(route);
  if (job.format == image::Format::pdf) page.text_source = "ocr";
  page.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return outcome_of(job, std::move(page));
}

}  // namespace ocrbatch::pipeline
