// Multi-output laws: the law file's outputs, the stacked points every part of the engine fits on,
// the normalized objective, resampling by rows, and the CSV reader's stacking.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "slfit/csv.hpp"
#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/metrics.hpp"
#include "slfit/objective.hpp"
#include "slfit/resample.hpp"

namespace slfit {
namespace {

// Two outputs sharing the exponent b: u = a * x^b, v = c * x^b + d.
const char* kTwoOutputs = R"({"name": "pair", "inputs": {"x": "x"},
  "outputs": [{"name": "u", "formula": "a * x^b", "target": "y_u"},
              {"name": "v", "formula": "c * x^b + d", "target": "y_v"}],
  "params": [{"name": "a", "lower": 0, "upper": 5}, {"name": "b", "lower": -2, "upper": 2},
             {"name": "c", "lower": 0, "upper": 5}, {"name": "d", "lower": -1, "upper": 1}]})";

std::string with_objective(const std::string& objective) {
  std::string law = kTwoOutputs;
  law.insert(law.rfind('}'), R"(, "objective": )" + objective);
  return law;
}

// Three rows of x with both outputs' targets.
GroupData three_rows() {
  GroupData g;
  g.name = "g";
  g.inputs = {{1.0, 2.0, 4.0}};
  g.lines = {2, 3, 4};
  g.residual_scale = {1.0, 0.5, 2.0};
  stack_outputs(g, {{1.0, 0.8, 0.6}, {3.0, 2.1, 1.7}});
  return g;
}

std::string law_error(const std::string& json) {
  try {
    parse_law(json, "pair.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(MultiOutput, LawFileSharesParametersBetweenOutputs) {
  const Law law = parse_law(kTwoOutputs, "pair.json");
  ASSERT_EQ(law.outputs.size(), 2u);
  EXPECT_EQ(law.num_outputs(), 2u);
  EXPECT_EQ(law.targets(), (std::vector<std::string>{"y_u", "y_v"}));
  EXPECT_EQ(law.param_names(), (std::vector<std::string>{"a", "b", "c", "d"}));  // b once
  EXPECT_EQ(law.num_point_variables(), 3u);  // x, then the two output indicators
  EXPECT_EQ(law.formula, "a * x^b; c * x^b + d");
  const ColumnSelection columns = law_columns(law, "group");
  EXPECT_EQ(columns.outputs, (std::vector<std::string>{"y_u", "y_v"}));
  // Read back from its JSON, the same law.
  const Law back = parse_law_spec(law_to_json(law), "back");
  EXPECT_EQ(back.outputs.size(), 2u);
  EXPECT_EQ(back.outputs[1].formula, "c * x^b + d");
  EXPECT_EQ(back.outputs[1].name, "v");
}

TEST(MultiOutput, LawFileErrors) {
  EXPECT_NE(law_error(R"({"inputs": {"x": "x"}, "formula": "a * x", "outputs": [], "params": [{"name": "a", "lower": 0, "upper": 1}]})")
                .find("pair.json: formula: a law with 'outputs' gives each output its formula and target"),
            std::string::npos);
  EXPECT_NE(law_error(R"({"inputs": {"x": "x"}, "outputs": [{"formula": "a * x", "target": "y"}],
                          "params": [{"name": "a", "lower": 0, "upper": 1}]})")
                .find("outputs: a law of one output gives \"formula\" and \"target\" instead of \"outputs\""),
            std::string::npos);
  EXPECT_NE(law_error(R"({"inputs": {"x": "x"}, "outputs": [{"formula": "a * x", "target": "y"}, {"formula": "a", "target": "y"}],
                          "params": [{"name": "a", "lower": 0, "upper": 1}]})")
                .find("outputs[1]: name: 'y' names two outputs"),
            std::string::npos);
  EXPECT_NE(law_error(R"({"inputs": {"x": "x"}, "outputs": [{"formula": "a * x", "target": "y"}, {"formula": "a * z", "target": "w"}],
                          "params": [{"name": "a", "lower": 0, "upper": 1}]})")
                .find("outputs[1]: formula: unknown identifier 'z'"),
            std::string::npos);
  EXPECT_NE(law_error(R"({"outputs": [{"formula": "a * x", "target": "y"}, {"formula": "a", "target": "w"}],
                          "params": [{"name": "a", "lower": 0, "upper": 1}]})")
                .find("outputs: a law with outputs names its inputs"),
            std::string::npos);
  EXPECT_NE(law_error(R"({"formula": "a * x", "inputs": {"x": "x"}, "objective": {"normalize": "variance"},
                          "params": [{"name": "a", "lower": 0, "upper": 1}]})")
                .find("objective: normalize: normalizes the outputs of a law with \"outputs\"; this law has one"),
            std::string::npos);
  Law law = parse_law(kTwoOutputs, "pair.json");
  EXPECT_THROW(override_columns(law, {}, "loss"), InputError);
}

TEST(MultiOutput, StackingRepeatsEachRowOncePerOutput) {
  const GroupData g = three_rows();
  EXPECT_EQ(g.outputs, 2u);
  EXPECT_EQ(g.rows(), 3u);
  ASSERT_EQ(g.size(), 6u);
  EXPECT_EQ(g.inputs[0], (std::vector<double>{1, 2, 4, 1, 2, 4}));
  EXPECT_EQ(g.inputs[1], (std::vector<double>{1, 1, 1, 0, 0, 0}));  // output u's indicator
  EXPECT_EQ(g.inputs[2], (std::vector<double>{0, 0, 0, 1, 1, 1}));  // output v's
  EXPECT_EQ(g.target, (std::vector<double>{1.0, 0.8, 0.6, 3.0, 2.1, 1.7}));
  EXPECT_EQ(g.lines, (std::vector<std::size_t>{2, 3, 4, 2, 3, 4}));
  EXPECT_EQ(g.residual_scale, (std::vector<double>{1.0, 0.5, 2.0, 1.0, 0.5, 2.0}));
}

TEST(MultiOutput, PredictionsAndObjectiveAreEachOutputsOwn) {
  const Law law = parse_law(kTwoOutputs, "pair.json");
  const GroupData g = three_rows();
  const auto compiled = compile_law(law);
  const std::vector<double> theta = {2.0, -0.5, 1.5, 0.25};
  const std::vector<double> p = predict(*compiled, g, theta);
  ASSERT_EQ(p.size(), 6u);
  double sum = 0.0;
  for (std::size_t i = 0; i < 3; ++i) {
    const double x = g.inputs[0][i];
    EXPECT_DOUBLE_EQ(p[i], 2.0 * std::pow(x, -0.5));
    EXPECT_DOUBLE_EQ(p[3 + i], 1.5 * std::pow(x, -0.5) + 0.25);
    sum += std::pow(p[i] - g.target[i], 2) + std::pow(p[3 + i] - g.target[3 + i], 2);
  }
  // mse over every (row, output): np.mean over the rows x outputs matrix.
  Objective objective(compiled, g, law.objective);
  EXPECT_NEAR(objective.value(theta), sum / 6.0, 1e-15);
  std::vector<double> grad(4);
  objective.value_and_gradient(theta, grad);
  EXPECT_NE(grad[1], 0.0);  // the shared exponent collects both outputs' adjoints
}

TEST(MultiOutput, NormalizedObjectiveDividesEachOutputByItsVariance) {
  const Law law = parse_law(with_objective(R"({"kind": "mse", "normalize": "variance"})"), "pair.json");
  EXPECT_TRUE(law.objective.normalize_outputs);
  EXPECT_FALSE(law.objective.weighted);
  const GroupData g = three_rows();
  const auto compiled = compile_law(law);
  const std::vector<double> theta = {1.0, -0.3, 2.0, 0.5};
  const std::vector<double> p = predict(*compiled, g, theta);
  double want = 0.0;
  for (std::size_t k = 0; k < 2; ++k) {
    double mean = 0.0, variance = 0.0, mse = 0.0;
    for (std::size_t i = 0; i < 3; ++i) mean += g.target[3 * k + i] / 3.0;
    for (std::size_t i = 0; i < 3; ++i) variance += std::pow(g.target[3 * k + i] - mean, 2) / 3.0;
    for (std::size_t i = 0; i < 3; ++i) mse += std::pow(p[3 * k + i] - g.target[3 * k + i], 2) / 3.0;
    want += mse / variance / 2.0;
  }
  EXPECT_NEAR(Objective(compiled, g, law.objective).value(theta), want, 1e-13 * want);
  // The same scaling as the residual scales the CUDA code reads.
  const std::vector<double> scales = residual_scales(law.objective, g);
  EXPECT_EQ(scales[0], scales[2]);
  EXPECT_NE(scales[0], scales[3]);
}

TEST(MultiOutput, ScoresAverageTheOutputsAsSldbench) {
  const std::vector<double> y = {1, 2, 3, 10, 20, 40}, p = {1.1, 2.0, 2.8, 12, 19, 41};
  std::vector<Scores> each;
  const Scores mean = score_outputs(y, p, 2, &each);
  ASSERT_EQ(each.size(), 2u);
  const Scores u = score(std::span(y).subspan(0, 3), std::span(p).subspan(0, 3));
  const Scores v = score(std::span(y).subspan(3, 3), std::span(p).subspan(3, 3));
  EXPECT_DOUBLE_EQ(mean.nmse, (u.nmse + v.nmse) / 2);
  EXPECT_DOUBLE_EQ(mean.nmae, (u.nmae + v.nmae) / 2);
  EXPECT_DOUBLE_EQ(mean.r2, 1 - mean.nmse);
  EXPECT_EQ(mean.n, 3u);
  EXPECT_DOUBLE_EQ(each[1].r2, v.r2);
}

TEST(MultiOutput, ResamplingTakesRowsWithAllTheirOutputs) {
  const GroupData g = three_rows();
  const GroupData r = take_rows(g, {2, 0, 2});
  EXPECT_EQ(r.outputs, 2u);
  EXPECT_EQ(r.rows(), 3u);
  EXPECT_EQ(r.target, (std::vector<double>{0.6, 1.0, 0.6, 1.7, 3.0, 1.7}));
  EXPECT_EQ(r.inputs[2], (std::vector<double>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(leave_one_out(g, 1).target, (std::vector<double>{1.0, 0.6, 3.0, 1.7}));
  EXPECT_EQ(single_stratum(g).rows[0].size(), 3u);
}

TEST(MultiOutput, TheCsvReaderStacksAndDropsARowMissingAnyTarget) {
  const Law law = parse_law(kTwoOutputs, "pair.json");
  const std::string csv = "g,x,y_u,y_v\na,1,1.0,3.0\na,2,0.8,NA\na,4,0.6,1.7\nb,1,2,2\nb,3,1,1\n";
  const Dataset data = parse_dataset(csv, "pair.csv", law_columns(law, "g"), 2, {0, MissingValues::Drop});
  ASSERT_EQ(data.groups.size(), 2u);
  EXPECT_EQ(data.groups[0].rows(), 2u);
  EXPECT_EQ(data.groups[0].target, (std::vector<double>{1.0, 0.6, 3.0, 1.7}));
  EXPECT_EQ(data.groups[0].dropped_lines, (std::vector<std::size_t>{3}));
  // The minimum is of rows, not points: group b's two rows are four points, yet too few for 3.
  try {
    parse_dataset(csv, "pair.csv", law_columns(law, "g"), 3, {0, MissingValues::Drop});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("group 'a' has 2 rows (lines 2, 4)"), std::string::npos) << e.what();
  }
  try {
    parse_dataset("g,x,y_u\na,1,2\n", "pair.csv", law_columns(law, "g"), 1);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no column named 'y_v'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace slfit
