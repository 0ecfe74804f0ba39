#pragma once
// The engine interfaces: what the rest of ocrbatch knows of an OCR engine. Workers own one
// recogniser (and orientation detector) each and never share it.

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "record/record.h"

struct Pix;

namespace ocrbatch::engine {

// The per-page limit in whole milliseconds: 0 stays "no limit", and any positive limit is at
// least 1 ms, so --timeout 0.0005 cannot turn into "no limit" by truncation.
int timeout_ms_for(double timeout_s);

struct Recognition {
  std::string text;
  double confidence = 0;
  int words = 0;
  // The layout tree, in the pixels of the image given; callers that gave a prepared image map
  // it back to the source.
  std::vector<record::Block> blocks;
  // The engine's own number for the layout a hint asked for, which the record reports as
  // `psm`; 0 when the image was read with the engine's run-wide setting.
  int layout_mode = 0;
  // Degrees clockwise the engine itself turned the text to read it (the DNN path's own
  // direction vote finds pages upside down); 0 when it read the image as given.
  int rotation = 0;
};

// How the text of an image is laid out, as far as the caller knows: each engine maps it to
// its own way of finding the text.
enum class Layout {
  configured,    // the engine's run-wide setting
  automatic,     // a page: full layout analysis
  single_block,  // one uniform block of text (a strip of a page)
  single_line,   // one line of text (a crop of a detected line)
  single_word,   // one word
  sparse,        // short pieces of text scattered over the page, in no particular order
};

// Who reads the lines an engine with its own text detector finds.
enum class LineReader {
  own,        // the engine's own recogniser
  tesseract,  // Tesseract, one line at a time
};

// Per-image settings that preprocessing and recognition may choose.
struct PageHints {
  Layout layout = Layout::configured;
  int dpi = 0;         // effective resolution of the image given; 0: what the image header says
  int timeout_ms = 0;  // time limit for this call; 0: the engine's own (BackendOptions::timeout_s)
  LineReader lines = LineReader::own;  // for engines that detect lines themselves
  // For engines that detect lines: the script may be set in vertical lines, so tall lines are
  // text, not a page lying turned by 90 degrees.
  bool vertical_text = false;
};

// Polled by the engine while it works; true asks it to give up on the current page.
using CancelCheck = std::function<bool()>;

// Reads an image: a page, with the engine's own layout analysis, or a crop.
class Recognizer {
 public:
  virtual ~Recognizer() = default;
  virtual record::Result<Recognition> recognize(Pix* image, const CancelCheck& cancel,
                                                const PageHints& hints = {}) = 0;
  // The language spec actually loaded, reported in every page record.
  virtual const std::string& lang() const = 0;
  // The per-page time limit in milliseconds; 0: none. A page recognised in several passes
  // shares it between them.
  virtual int timeout_ms() const { return 0; }
};

// Thrown when an engine cannot be set up at all (missing language or model folder, bad
// setting): a fatal configuration error, not a per-file one.
class SetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using RecognizerFactory = std::function<std::unique_ptr<Recognizer>()>;

// Orientation of the text in an image.
struct Orientation {
  int rotation = 0;       // degrees clockwise that make the text upright: 0, 90, 180, 270
  double confidence = 0;  // the detector's confidence; for Tesseract's OSD below ~2 is a guess
};

class OrientationDetector {
 public:
  virtual ~OrientationDetector() = default;
  // Fails when the image has too little text to judge.
  virtual record::Result<Orientation> detect(Pix* image) = 0;
};

using OrientationDetectorFactory = std::function<std::unique_ptr<OrientationDetector>()>;

// What an engine takes and what suits it, for the worker's size check and the steps that size
// a page.
struct Limits {
  std::string engine;      // who sets them, as messages name it
  int max_side = 0;        // the longest image side it takes, in pixels; 0: no limit
  double text_height = 0;  // the text height it reads best (median character height, pixels);
                           // 0: no preference
};

// What the ledger's settings fingerprint needs from an engine: everything of its own that
// changes a page's record, each part in a fixed order.
struct Fingerprint {
  std::vector<std::string> settings;   // version first, then "name=value" settings
  std::vector<std::string> variables;  // "NAME=VALUE" tuning variables, sorted
  std::vector<std::pair<std::string, std::string>> models;  // model name, content hash
};

// An engine for the whole run, one per run: it knows its version, settings and models, and
// makes each worker's own recogniser and orientation detector.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;     // as the backend table and records name it
  virtual std::string version() const = 0;  // e.g. "tesseract 5.3.0"
  // `orientation`: the run checks orientation, so the detector's models count too.
  virtual Fingerprint fingerprint(bool orientation) const = 0;
  virtual Limits limits() const = 0;
  // Per-worker instances, callable from any thread. Throw SetupError when the engine cannot be
  // set up.
  virtual std::unique_ptr<Recognizer> make_recognizer() = 0;
  virtual std::unique_ptr<OrientationDetector> make_orientation_detector() = 0;
};

}  // namespace ocrbatch::engine
