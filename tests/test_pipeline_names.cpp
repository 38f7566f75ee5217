// The pipelines' one name table: every pipeline prints by name, the names a user may choose
// parse back, and local (bootstrap's --search local) is printed but not chosen.

#include <gtest/gtest.h>

#include "slfit/options.hpp"

namespace slfit {
namespace {

TEST(PipelineNames, EveryPipelinePrintsItsOwnName) {
  EXPECT_STREQ(to_string(Pipeline::De), "de");
  EXPECT_STREQ(to_string(Pipeline::Seed), "seed");
  EXPECT_STREQ(to_string(Pipeline::Local), "local");  // not "de", as two outputs once printed
}

TEST(PipelineNames, ChosenNamesParseBackAndLocalIsNotAChoice) {
  for (const Pipeline p : {Pipeline::De, Pipeline::Seed}) EXPECT_EQ(chosen_pipeline(to_string(p)), p);
  EXPECT_EQ(chosen_pipeline("local"), std::nullopt);
  EXPECT_EQ(chosen_pipeline("DE"), std::nullopt);
  EXPECT_EQ(chosen_pipeline(""), std::nullopt);
  EXPECT_EQ(chosen_pipeline_names(), "de, seed");
}

}  // namespace
}  // namespace slfit
