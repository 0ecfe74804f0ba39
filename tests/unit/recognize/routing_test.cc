#include "recognize/routing.h"

#include <gtest/gtest.h>

#include "engine/tesseract/tesseract_backend.h"
#include "preprocess/chain.h"
#include "test_support.h"

namespace ocrbatch::recognize {
namespace {

// Until a text detector exists, every kind of page keeps Tesseract's own layout analysis, and
// the record names that path.
TEST(Routing, EveryPageTakesTesseractsLayoutAndSaysSo) {
  for (const char* sample : {"letter.png", "invoice.jpg", "notice.bmp"}) {
    auto page = preprocess::make_page(test::load_sample(sample));
    preprocess::Chain("auto", nullptr, engine::tesseract::tesseract_limits()).run(page);
    const Route route = choose_route(page);
    EXPECT_EQ(route.layout, LayoutPath::tesseract) << sample;
    const record::EngineUsed used = engine_used(route);
    EXPECT_EQ(used.layout, "tesseract");
    EXPECT_EQ(used.recognizer, "tesseract");
  }
}

}  // namespace
}  // namespace ocrbatch::recognize
