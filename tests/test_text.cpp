// slfit/text.hpp: the one way numbers and lists are written and option numbers are read.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "slfit/text.hpp"

namespace slfit {
namespace {

TEST(Text, ShortestNumberReadsBackExactly) {
  for (const double value : {0.1, 1e-10, 3.0, -2.5e300, 5e-324, 0.30000000000000004, 1.0 / 3}) {
    const std::string text = shortest_number(value);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;  // stod rejects subnormals
  }
  EXPECT_EQ(shortest_number(0.1), "0.1");
  EXPECT_EQ(shortest_number(std::numeric_limits<double>::infinity()), "inf");
}

TEST(Text, JoinPutsTheSeparatorBetweenItemsOnly) {
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(join({"a"}, ", "), "a");
  EXPECT_EQ(join({}, ", "), "");
}

TEST(Text, SplitKeepsEveryFieldEmptyOnesIncluded) {
  EXPECT_EQ(split("a=1,,b=2", ','), (std::vector<std::string>{"a=1", "", "b=2"}));
  EXPECT_EQ(split("", ':'), (std::vector<std::string>{""}));
}

TEST(Text, ParseFiniteNumberTakesTheWholeTextOrNothing) {
  EXPECT_EQ(parse_finite_number("0.5"), 0.5);
  EXPECT_EQ(parse_finite_number("+2"), 2.0);
  EXPECT_EQ(parse_finite_number("-1e-3"), -1e-3);
  for (const char* bad : {"", "+", "+-1", "++1", "1x", " 1", "inf", "nan", "1e999", "0x10", "1,5"})
    EXPECT_FALSE(parse_finite_number(bad).has_value()) << "'" << bad << "'";
}

}  // namespace
}  // namespace slfit
