#include "cli/input_list.h"

#include <gtest/gtest.h>

namespace ocrbatch::cli {
namespace {

using input::InputItem;

TEST(ListLine, SaysWhatEachInputIsWithTheNameLast) {
  EXPECT_EQ(list_line(InputItem::make_image("a.zip::x.png", "", image::Format::png)),
            "image\ta.zip::x.png\n");
  EXPECT_EQ(list_line(InputItem::make_skipped("r.pdf", record::SkipKind::pdf)),
            "skip\tpdf\tr.pdf\n");
  EXPECT_EQ(list_line(InputItem::make_error("gone.png", record::ErrorCode::not_found, "gone")),
            "error\tnot_found\tgone.png\n");
}

TEST(ListLine, ATabOrNewlineInANameCannotBreakTheLine) {
  EXPECT_EQ(list_line(InputItem::make_skipped("a\tb\nc", record::SkipKind::other)),
            "skip\tother\ta\\tb\\nc\n");
}

}  // namespace
}  // namespace ocrbatch::cli
