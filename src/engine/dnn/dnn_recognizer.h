#pragma once
// The DNN path as a recogniser: PP-OCR's DB detector finds the text lines of an image, each
// line is cut out and read by a line reader (Tesseract with a single-line layout, or PP-OCR's
// own recogniser), and the lines are put in reading order. One object per worker thread; the
// nets inside are loaded once and used by that thread only. No OpenCV here.

#include <memory>
#include <string>

#include "engine/dnn/model_files.h"
#include "engine/engine.h"

namespace ocrbatch::engine::dnn {

struct DnnSettings {
  ModelFiles files;
  std::string lang;    // the language spec reported in records
  int timeout_ms = 0;  // per page; 0: no limit
  // PP-OCR lines read with less confidence than this (0..1) are dropped: on camera photos
  // they are mostly texture read as text.
  float min_line_confidence = 0.5f;
  // Vote over the lines with the direction classifier, and read a page found upside down
  // with its lines turned.
  bool check_direction = true;
};

class DnnRecognizer final : public Recognizer {
 public:
  // Detected lines are read by PP-OCR's recogniser, or, when a call's hints ask for
  // LineReader::tesseract, by a recogniser from `make_line_reader` (made on first use, called
  // with Layout::single_line). A call whose hints say Layout::single_line, read by PP-OCR,
  // reads the whole image as one line, with no detection. Throws SetupError when the nets
  // cannot be loaded.
  DnnRecognizer(DnnSettings settings, RecognizerFactory make_line_reader);
  ~DnnRecognizer() override;
  DnnRecognizer(const DnnRecognizer&) = delete;
  DnnRecognizer& operator=(const DnnRecognizer&) = delete;

  record::Result<Recognition> recognize(Pix* image, const CancelCheck& cancel,
                                        const PageHints& hints = {}) override;
  const std::string& lang() const override { return settings_.lang; }
  int timeout_ms() const override { return settings_.timeout_ms; }

  struct Nets;

 private:
  DnnSettings settings_;
  RecognizerFactory make_line_reader_;
  std::unique_ptr<Recognizer> line_reader_;
  std::unique_ptr<Nets> nets_;
};

}  // namespace ocrbatch::engine::dnn
