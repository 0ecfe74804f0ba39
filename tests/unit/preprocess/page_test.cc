#include "preprocess/page.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <cmath>

namespace ocrbatch::preprocess {
namespace {

TEST(Affine, QuarterTurnsMoveCornersAsLeptonicaDoes) {
  // 90 clockwise: the top-left corner of a 100 x 50 image goes to the top-right of 50 x 100.
  double x = 0, y = 0;
  Affine::rotate_orth(1, 100, 50).map(0, 0, &x, &y);
  EXPECT_DOUBLE_EQ(x, 49);
  EXPECT_DOUBLE_EQ(y, 0);
  Affine::rotate_orth(2, 100, 50).map(0, 0, &x, &y);
  EXPECT_DOUBLE_EQ(x, 99);
  EXPECT_DOUBLE_EQ(y, 49);
  Affine::rotate_orth(3, 100, 50).map(0, 0, &x, &y);
  EXPECT_DOUBLE_EQ(x, 0);
  EXPECT_DOUBLE_EQ(y, 99);
}

TEST(Affine, ComposesAndInverts) {
  const Affine t = Affine::scale(2)
                       .then(Affine::rotate_about(0.1, 300, 200))
                       .then(Affine::rotate_orth(1, 600, 400));
  double x = 0, y = 0, bx = 0, by = 0;
  t.map(123, 45, &x, &y);
  t.inverse().map(x, y, &bx, &by);
  EXPECT_NEAR(bx, 123, 1e-9);
  EXPECT_NEAR(by, 45, 1e-9);
}

TEST(Page, BoxesMapBackToSourcePixels) {
  Page page = make_page(image::PixPtr(pixCreate(400, 200, 8)));
  transform(page, image::PixPtr(pixCreate(800, 400, 8)), Affine::scale(2));
  const record::Box box = to_source(page, {100, 60, 40, 20});
  EXPECT_EQ(box.x, 50);
  EXPECT_EQ(box.y, 30);
  EXPECT_EQ(box.w, 20);
  EXPECT_EQ(box.h, 10);
  // Then turned upside down: the same word is now near the opposite corner.
  transform(page, image::PixPtr(pixCreate(800, 400, 8)), Affine::rotate_orth(2, 800, 400));
  const record::Box turned = to_source(page, {659, 319, 40, 20});
  EXPECT_NEAR(turned.x, 50, 1);
  EXPECT_NEAR(turned.y, 30, 1);
}

// The whole tree maps back like a word box, baselines included: scaled, then turned upside
// down, a baseline running left to right in the working image runs right to left on the source.
TEST(Page, TheLayoutTreeMapsBackToSourcePixels) {
  Page page = make_page(image::PixPtr(pixCreate(400, 200, 8)));
  transform(page, image::PixPtr(pixCreate(800, 400, 8)), Affine::scale(2));
  const auto tree = [] {
    record::Line line{{100, 60, 40, 20}, 90, {100, 78, 140, 78}, {}};
    line.words.push_back({"word", 90, {100, 60, 40, 20}, {100, 78, 140, 78}});
    record::Paragraph paragraph{{100, 60, 40, 20}, 90, {line}};
    return std::vector<record::Block>{{{90, 50, 60, 40}, 90, {paragraph}}};
  };
  auto scaled = tree();
  to_source(page, scaled);
  const auto& line = scaled[0].paragraphs[0].lines[0];
  EXPECT_EQ(scaled[0].bbox.x, 45);
  EXPECT_EQ(scaled[0].bbox.w, 30);
  EXPECT_EQ(scaled[0].paragraphs[0].bbox.y, 30);
  EXPECT_EQ(line.bbox.x, 50);
  EXPECT_EQ(line.words[0].bbox.h, 10);
  EXPECT_EQ(line.baseline.x1, 50);
  EXPECT_EQ(line.baseline.y1, 39);
  EXPECT_EQ(line.baseline.x2, 70);
  EXPECT_EQ(line.words[0].baseline.x2, 70);

  transform(page, image::PixPtr(pixCreate(800, 400, 8)), Affine::rotate_orth(2, 800, 400));
  auto turned = tree();
  to_source(page, turned);
  const auto& back = turned[0].paragraphs[0].lines[0];
  EXPECT_NEAR(back.bbox.x, 330, 1);
  EXPECT_NEAR(back.bbox.y, 160, 1);
  EXPECT_NEAR(back.baseline.x1, 350, 1);  // the text's start, now on the right
  EXPECT_NEAR(back.baseline.x2, 330, 1);
  EXPECT_NEAR(back.baseline.y1, 161, 1);
  EXPECT_NEAR(back.words[0].baseline.x1, 350, 1);
}

TEST(Page, BaselinesAreClippedToTheSource) {
  Page page = make_page(image::PixPtr(pixCreate(100, 100, 8)));
  const record::Baseline clipped = baseline_to_source(page, record::Baseline{-5, 90, 140, 120});
  EXPECT_EQ(clipped.x1, 0);
  EXPECT_EQ(clipped.x2, 100);
  EXPECT_EQ(clipped.y2, 100);
}

TEST(Page, BoxesAreClippedToTheSource) {
  Page page = make_page(image::PixPtr(pixCreate(100, 100, 8)));
  const record::Box box = to_source(page, {90, 90, 50, 50});
  EXPECT_EQ(box.x + box.w, 100);
  EXPECT_EQ(box.y + box.h, 100);
}

}  // namespace
}  // namespace ocrbatch::preprocess
