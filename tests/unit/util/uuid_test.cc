#include "util/uuid.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace ocrbatch::util {
namespace {

TEST(RandomUuid, IsAVersion4UuidInCanonicalForm) {
  const std::regex form("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 100; ++i) {
    const std::string id = random_uuid();
    EXPECT_TRUE(std::regex_match(id, form)) << id;
  }
}

TEST(RandomUuid, DiffersEveryTime) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(random_uuid());
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace ocrbatch::util
