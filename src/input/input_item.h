#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "image/image.h"
#include "record/record.h"

namespace ocrbatch::input {

// One thing discovery found: the encoded bytes of an image file, an error about an input,
// or a file it skipped because it is not an image (with the reason, decided where it is
// skipped).
struct InputItem {
  enum class Kind { image, error, skipped };
  Kind kind = Kind::image;
  std::string name;  // path as given, or "archive::entry"
  std::shared_ptr<const std::string> bytes;
  image::Format format = image::Format::unknown;
  int page = 0;  // only this page (1-based) of a multi-page image, as in "scan.tif#3"; 0: all
  std::optional<record::Error> error;
  record::SkipKind skip = record::SkipKind::other;  // for Kind::skipped

  static InputItem make_image(std::string name, std::string bytes, image::Format format);
  static InputItem make_error(std::string name, record::ErrorCode code, std::string message);
  static InputItem make_skipped(std::string name, record::SkipKind why);
};

// Receives items in discovery order. Returns false to stop discovery (interrupt).
using ItemSink = std::function<bool(InputItem)>;

}  // namespace ocrbatch::input
