#include "cli/input_list.h"

#include "util/utf8.h"

namespace ocrbatch::cli {

std::string list_line(const input::InputItem& item) {
  const std::string name = util::printable(item.name);
  switch (item.kind) {
    case input::InputItem::Kind::image:
      return "image\t" + name + "\n";
    case input::InputItem::Kind::skipped:
      return "skip\t" + std::string(record::to_string(item.skip)) + "\t" + name + "\n";
    case input::InputItem::Kind::error:
      return "error\t" + std::string(record::to_string(item.error->code)) + "\t" + name + "\n";
  }
  return "";
}

}  // namespace ocrbatch::cli
