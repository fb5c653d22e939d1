// Tests of project-file JSON validation: valid documents pass, broken ones are located.
#include <gtest/gtest.h>

#include "facts/json_check.h"

namespace nodescope::facts {
namespace {

TEST(JsonCheck, ValidDocuments) {
  EXPECT_FALSE(check_json(R"({"name": "x", "deps": {"a": "^1"}, "n": [1, 2.5, null, true]})"));
  EXPECT_FALSE(check_json("[]"));
}

TEST(JsonCheck, LocatesErrors) {
  auto e = check_json("{\n  \"name\": \"x\",\n  \"version\": 1.0.0\n}\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line, 3u);
  EXPECT_FALSE(e->message.empty());

  auto trailing = check_json("{\n  \"a\": 1,\n}\n");
  ASSERT_TRUE(trailing);
  EXPECT_GE(trailing->line, 2u);

  auto truncated = check_json("{\n  \"a\": [1, 2\n");
  ASSERT_TRUE(truncated);
  EXPECT_GE(truncated->line, 1u);

  EXPECT_TRUE(check_json(""));
  EXPECT_TRUE(check_json("{} {}"));
  EXPECT_TRUE(check_json("{\"a\": \"\xff\"}"));
}

}  // namespace
}  // namespace nodescope::facts
