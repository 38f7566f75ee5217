// Tests of law files and built-in laws (law_file), group statistics and bound resolution.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "slfit/error.hpp"
#include "slfit/law_io.hpp"

namespace {

namespace fs = std::filesystem;
using slfit::GroupData;
using slfit::InputError;
using slfit::Law;

const char* const kSeedLaw = R"({
  "name": "seed_law",
  "formula": "a * N^b / (P^c + 1e-10) + d",
  "inputs": {"P": "parallel_size", "N": "num_params"},
  "params": [
    {"name": "a", "lower": 1e-6, "upper": 1e3, "init": 1.0},
    {"name": "b", "lower": -0.2, "upper": 0.2},
    {"name": "c", "lower": 0, "upper": "0.5"},
    {"name": "d", "lower": "y_min - 0.5", "upper": "y_max + 0.5"}
  ]
})";

// The message of the InputError that parsing `json` throws.
std::string law_error(const std::string& json, const std::string& source = "laws/x.json") {
  try {
    slfit::parse_law(json, source);
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error for: " << json;
  return {};
}

// A law with one input N and one parameter a, with `top` and `param` spliced into its JSON.
std::string small_law(const std::string& top = "", const std::string& param = "") {
  return R"({"formula": "a * N", "inputs": {"N": "n"}, )" + top +
         R"( "params": [{"name": "a", "lower": 0, "upper": 1)" + param + "}]}";
}

// A law of two parameters, a and b, with `top` among its fields.
std::string two_param_law(const std::string& top) {
  return R"({"formula": "a * N + b", "inputs": {"N": "n"}, )" + top +
         R"( "params": [{"name": "a", "lower": 0, "upper": 1}, {"name": "b", "lower": 0, "upper": 1}]})";
}

void expect_law_error(const std::string& json, const std::string& expected) {
  const std::string message = law_error(json);
  EXPECT_EQ(message.rfind("laws/x.json: ", 0), 0u) << message;
  EXPECT_NE(message.find(expected), std::string::npos) << "expected: " << expected << "\nmessage: " << message;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LawFile, ParsesEveryField) {
  const Law law = slfit::parse_law(kSeedLaw, "laws/seed.json");
  EXPECT_EQ(law.name, "seed_law");
  EXPECT_EQ(law.source, "laws/seed.json");
  EXPECT_EQ(law.formula, "a * N^b / (P^c + 1e-10) + d");
  // Variables follow the order of `inputs` in the file, not the formula.
  EXPECT_EQ(law.variables, (std::vector<std::string>{"P", "N"}));
  EXPECT_EQ(law.columns, (std::vector<std::string>{"parallel_size", "num_params"}));
  EXPECT_EQ(law.target, "loss");
  EXPECT_EQ(law.param_names(), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(slfit::to_string(law.expr, law.variables, law.param_names()), law.formula);
  EXPECT_EQ(law.objective, slfit::ObjectiveSpec{});
  EXPECT_EQ(law.objective.terms, (std::vector<slfit::ObjectiveTerm>{{slfit::Loss::Mse, slfit::ResidualSpace::Linear, 1.0, 1.0}}));
  EXPECT_EQ(law.objective.reduce, slfit::Reduction::Mean);
  EXPECT_EQ(law.objective.ridge, 0.0);

  const auto statistics = slfit::group_statistic_names(law.variables);
  EXPECT_EQ(slfit::evaluate_scalar(law.params[0].lower, {}), 1e-6);
  ASSERT_TRUE(law.params[0].init.has_value());
  EXPECT_EQ(slfit::evaluate_scalar(*law.params[0].init, {}), 1.0);
  EXPECT_FALSE(law.params[1].init.has_value());
  EXPECT_EQ(slfit::to_string(law.params[3].lower, statistics, {}), "y_min - 0.5");
  EXPECT_EQ(slfit::to_string(law.params[3].upper, statistics, {}), "y_max + 0.5");
}

TEST(LawFile, DefaultsAndOptionalFields) {
  const Law law = slfit::parse_law(small_law(R"("description": "ignored", "target": "val",)"), "dir/my_law.json");
  EXPECT_EQ(law.name, "my_law");  // from the file's stem
  EXPECT_EQ(law.target, "val");
  EXPECT_EQ(slfit::parse_law(small_law(), "builtin:thing").name, "thing");
}

TEST(LawFile, Objective) {
  const Law law = slfit::parse_law(
      small_law(R"("objective": {"kind": "huber", "delta": 0.25, "space": "log", "reduce": "sum"},)"), "x.json");
  ASSERT_EQ(law.objective.terms.size(), 1u);
  EXPECT_EQ(law.objective.terms[0].loss, slfit::Loss::Huber);
  EXPECT_EQ(law.objective.terms[0].scale, 0.25);
  EXPECT_EQ(law.objective.terms[0].space, slfit::ResidualSpace::Log);
  EXPECT_EQ(law.objective.reduce, slfit::Reduction::Sum);
  // An inline delta is accepted with mse too (earlier slfit wrote it with every kind); only huber uses it.
  EXPECT_NO_THROW(slfit::parse_law(small_law(R"("objective": {"kind": "mse", "delta": 2},)"), "x.json"));
}

TEST(LawFile, ObjectiveTermsAndRidge) {
  const Law law = slfit::parse_law(two_param_law(R"("objective": {"terms": [{"kind": "mse"},
      {"kind": "soft_l1", "f_scale": 0.5, "space": "relative", "coefficient": 0.1},
      {"kind": "mae", "space": "neglog", "coefficient": 2}], "ridge": {"coefficient": 1e-3, "params": ["b"]}},)"),
                                   "x.json");
  using slfit::Loss, slfit::ResidualSpace;
  EXPECT_EQ(law.objective.terms, (std::vector<slfit::ObjectiveTerm>{{Loss::Mse, ResidualSpace::Linear, 1.0, 1.0},
                                                                    {Loss::SoftL1, ResidualSpace::Relative, 0.5, 0.1},
                                                                    {Loss::Mae, ResidualSpace::NegLog, 1.0, 2.0}}));
  EXPECT_EQ(law.objective.ridge, 1e-3);
  EXPECT_EQ(law.objective.ridge_params, (std::vector<int>{1}));
  EXPECT_FALSE(law.objective.least_squares());
  // A bare number is a ridge on every parameter.
  const Law all = slfit::parse_law(two_param_law(R"("objective": {"kind": "cauchy", "f_scale": 3, "ridge": 0.5},)"), "x.json");
  EXPECT_EQ(all.objective.ridge_params, (std::vector<int>{0, 1}));
  EXPECT_EQ(all.objective.terms[0].scale, 3.0);
}

TEST(LawFileErrors, ObjectiveTermsAndRidge) {
  expect_law_error(small_law(R"("objective": {"kind": "soft_l1", "delta": 1},)"),
                   "x.json: objective: delta: the soft_l1 loss takes 'f_scale'");
  expect_law_error(small_law(R"("objective": {"kind": "huber", "f_scale": 1},)"),
                   "x.json: objective: f_scale: the huber loss takes 'delta'");
  expect_law_error(small_law(R"("objective": {"kind": "mse", "f_scale": 1},)"),
                   "x.json: objective: f_scale: the mse loss has no scale");
  expect_law_error(small_law(R"("objective": {"kind": "arctan", "f_scale": 0},)"),
                   "x.json: objective: f_scale: must be positive and finite");
  expect_law_error(small_law(R"("objective": {"kind": "absolute"},)"),
                   "x.json: objective: kind: 'absolute' is not one of mse, mae, huber, soft_l1, cauchy, arctan");
  expect_law_error(small_law(R"("objective": {"space": "exp"},)"),
                   "x.json: objective: space: 'exp' is not one of linear, log, neglog, relative");
  expect_law_error(small_law(R"("objective": {"terms": []},)"), "x.json: objective: terms: expected a non-empty array");
  expect_law_error(small_law(R"("objective": {"terms": [{"kind": "mse"}], "space": "log"},)"),
                   "x.json: objective: space: with 'terms', give it in each term");
  expect_law_error(small_law(R"("objective": {"terms": [{"kind": "mse", "delta": 1}]},)"),
                   "x.json: objective: terms[0]: delta: the mse loss has no scale");
  expect_law_error(small_law(R"("objective": {"terms": [{"kind": "mae", "coefficient": -1}]},)"),
                   "x.json: objective: terms[0]: coefficient: must be positive and finite");
  expect_law_error(small_law(R"("objective": {"terms": [{"kind": "mae", "weight": 1}]},)"),
                   "x.json: objective: terms[0]: unknown key 'weight'");
  expect_law_error(small_law(R"("objective": {"ridge": -1},)"), "x.json: objective: ridge: must be at least 0 and finite");
  expect_law_error(small_law(R"("objective": {"ridge": {"coefficient": 1, "params": ["z"]}},)"),
                   "x.json: objective: ridge: params: 'z' is not a parameter of law 'x'");
}

TEST(LawFile, UnusedInputsAreAllowed) {
  const Law law = slfit::parse_law(
      R"({"formula": "a * N", "inputs": {"N": "n", "D": "tokens"}, "params": [{"name": "a", "lower": 0, "upper": 1}]})",
      "x.json");
  EXPECT_EQ(law.variables, (std::vector<std::string>{"N", "D"}));
}

TEST(LawFileErrors, InvalidJson) {
  expect_law_error("{\"formula\": ", "invalid JSON (byte 13): parse error at line 1, column 13");
  expect_law_error("[1, 2]", "expected a JSON object, found array");
  expect_law_error(R"({"formula": "a", "formula": "b"})", "duplicate key 'formula'");
  expect_law_error(R"({"formula": "a * N", "inputs": {"N": "n", "N": "m"}})", "duplicate key 'N'");
}

TEST(LawFileErrors, MissingFields) {
  expect_law_error(R"({"inputs": {"N": "n"}, "params": [{"name": "a", "lower": 0, "upper": 1}]})",
                   "laws/x.json: missing required field 'formula'");
  expect_law_error(R"({"formula": "a", "inputs": {}})", "laws/x.json: missing required field 'params'");
  expect_law_error(R"({"formula": "a", "inputs": {}, "params": [{"lower": 0, "upper": 1}]})",
                   "laws/x.json: params[0]: missing required field 'name'");
  expect_law_error(R"({"formula": "a", "inputs": {}, "params": [{"name": "a", "upper": 1}]})",
                   "laws/x.json: params[0] 'a': missing required field 'lower'");
  expect_law_error(R"({"formula": "a", "inputs": {}, "params": [{"name": "a", "lower": 1}]})",
                   "laws/x.json: params[0] 'a': missing required field 'upper'");
}

TEST(LawFileErrors, WrongTypes) {
  expect_law_error(R"({"formula": 3, "inputs": {"N": "n"}, "params": [{"name": "a", "lower": 0, "upper": 1}]})",
                   "laws/x.json: formula: expected a string, found number");
  expect_law_error(R"({"formula": "a", "inputs": ["N"], "params": []})",
                   "laws/x.json: inputs: expected an object mapping names to CSV columns, found array");
  expect_law_error(R"({"formula": "a", "inputs": {"N": 1}, "params": []})",
                   "laws/x.json: inputs: 'N': expected a string, found number");
  expect_law_error(R"({"formula": "a", "inputs": {}, "params": {"a": 1}})",
                   "laws/x.json: params: expected an array, found object");
  expect_law_error(R"({"formula": "a", "inputs": {}, "params": ["a"]})",
                   "laws/x.json: params[0]: expected an object, found string");
  expect_law_error(R"({"formula": "a", "inputs": {}, "params": [{"name": 1, "lower": 0, "upper": 1}]})",
                   "laws/x.json: params[0]: name: expected a string, found number");
  expect_law_error(small_law("", R"(, "init": true)"),
                   "laws/x.json: params[0] 'a': init: expected a number or a formula string, found boolean");
  expect_law_error(small_law(R"("name": null,)"), "laws/x.json: name: expected a string, found null");
  expect_law_error(small_law(R"("target": "",)"), "laws/x.json: target: must not be empty");
  expect_law_error(small_law(R"("objective": "mse",)"), "laws/x.json: objective: expected an object, found string");
}

TEST(LawFileErrors, UnknownKeys) {
  expect_law_error(small_law(R"("formla": "a",)"),
                   "laws/x.json: unknown key 'formla' (expected one of: name, description, formula, inputs, target, "
                   "outputs, params, objective)");
  expect_law_error(small_law("", R"(, "uper": 2)"), "laws/x.json: params[0]: unknown key 'uper'");
  expect_law_error(small_law(R"("objective": {"knd": "mse"},)"), "laws/x.json: objective: unknown key 'knd'");
}

TEST(LawFileErrors, Names) {
  const std::string params = R"("params": [{"name": "a", "lower": 0, "upper": 1}])";
  expect_law_error(R"({"formula": "a", "inputs": {"2N": "n"}, )" + params + "}",
                   "laws/x.json: inputs: '2N' is not a valid name");
  expect_law_error(R"({"formula": "a", "inputs": {"log": "n"}, )" + params + "}",
                   "laws/x.json: inputs: 'log' is a function name");
  expect_law_error(R"({"formula": "a", "inputs": {"y": "n"}, )" + params + "}",
                   "laws/x.json: inputs: 'y' is reserved for the target");
  expect_law_error(R"({"formula": "a", "inputs": {}, "params": [{"name": "a b", "lower": 0, "upper": 1}]})",
                   "laws/x.json: params[0]: name: 'a b' is not a valid name");
  expect_law_error(R"({"formula": "a", "inputs": {}, "params": [{"name": "exp", "lower": 0, "upper": 1}]})",
                   "laws/x.json: params[0]: name: 'exp' is a function name");
}

TEST(LawFileErrors, Parameters) {
  expect_law_error(R"({"formula": "a", "inputs": {}, "params": []})",
                   "laws/x.json: params: a law needs at least one parameter");
  expect_law_error(R"({"formula": "a", "inputs": {}, "params": [{"name": "a", "lower": 0, "upper": 1},
                                                                 {"name": "a", "lower": 0, "upper": 1}]})",
                   "laws/x.json: params[1] 'a': duplicate parameter name");
  expect_law_error(R"({"formula": "N", "inputs": {"N": "n"}, "params": [{"name": "N", "lower": 0, "upper": 1}]})",
                   "laws/x.json: params[0] 'N': the name of an input cannot also name a parameter");
  expect_law_error(R"({"formula": "a * N", "inputs": {"N": "n"}, "params": [{"name": "a", "lower": 0, "upper": 1},
                                                                          {"name": "b", "lower": 0, "upper": 1}]})",
                   "laws/x.json: params[1] 'b': not used in the formula");
}

TEST(LawFileErrors, Bounds) {
  expect_law_error(R"({"formula": "a * N", "inputs": {"N": "n"}, "params": [{"name": "a", "lower": 2, "upper": 1}]})",
                   "laws/x.json: params[0] 'a': lower bound 2 > upper bound 1");
  expect_law_error(
      R"({"formula": "a * N", "inputs": {"N": "n"}, "params": [{"name": "a", "lower": "2^-1", "upper": 0.25}]})",
      "laws/x.json: params[0] 'a': lower bound 0.5 > upper bound 0.25");
  expect_law_error(
      R"({"formula": "a * N", "inputs": {"N": "n"}, "params": [{"name": "a", "lower": 1e400, "upper": 1}]})",
                   "laws/x.json: invalid JSON: number overflow parsing '1e400'");
  expect_law_error(small_law("", R"(, "init": "y_min + Q")"),
                   "laws/x.json: params[0] 'a': init: unknown identifier 'Q' at character 9 (names available: y_min, "
                   "y_max, y_mean, y_range, y_span, N_min, N_max)");
  expect_law_error(
      R"({"formula": "a * N", "inputs": {"N": "n"}, "params": [{"name": "a", "lower": "y_min *", "upper": 1}]})",
      "laws/x.json: params[0] 'a': lower: expected a number, a name or '(', found the end of the expression at "
      "character 8\ny_min *\n       ^");
}

TEST(LawFileErrors, Formula) {
  expect_law_error(R"({"formula": "a * N +", "inputs": {"N": "n"}, "params": [{"name": "a", "lower": 0, "upper": 1}]})",
                   "laws/x.json: formula: expected a number, a name or '(', found the end of the expression at "
                   "character 8\na * N +\n       ^");
  expect_law_error(R"({"formula": "a * M", "inputs": {"N": "n"}, "params": [{"name": "a", "lower": 0, "upper": 1}]})",
                   "laws/x.json: formula: unknown identifier 'M' at character 5 (not an input or a parameter)");
  expect_law_error(R"({"formula": "", "inputs": {"N": "n"}, "params": [{"name": "a", "lower": 0, "upper": 1}]})",
                   "laws/x.json: formula: must not be empty");
}

TEST(LawFileErrors, Objective) {
  expect_law_error(small_law(R"("objective": {"kind": "l1"},)"),
                   "laws/x.json: objective: kind: 'l1' is not one of mse, mae, huber, soft_l1, cauchy, arctan");
  expect_law_error(small_law(R"("objective": {"kind": "huber", "delta": 0},)"),
                   "laws/x.json: objective: delta: must be positive");
  expect_law_error(small_law(R"("objective": {"kind": "huber", "delta": -1},)"),
                   "laws/x.json: objective: delta: must be positive");
  expect_law_error(small_law(R"("objective": {"delta": "1"},)"),
                   "laws/x.json: objective: delta: expected a number, found string");
  expect_law_error(small_law(R"("objective": {"space": "log10"},)"),
                   "laws/x.json: objective: space: 'log10' is not one of linear, log, neglog, relative");
  expect_law_error(small_law(R"("objective": {"reduce": "median"},)"),
                   "laws/x.json: objective: reduce: 'median' is not one of mean, sum");
}

TEST(BuiltinLaws, NamesAndSpecs) {
  EXPECT_EQ(slfit::builtin_law_names(), (std::vector<std::string>{"chinchilla", "parallel_power", "parscale"}));
  for (const auto& name : slfit::builtin_law_names()) {
    const fs::path file = fs::path(SLFIT_SOURCE_DIR) / "host/law/builtin" / (name + ".json");
    EXPECT_EQ(slfit::builtin_law_json(name), read_text(file)) << name;
    const Law law = slfit::load_law(name);
    EXPECT_EQ(law.name, name);
    EXPECT_EQ(law.source, "builtin:" + name);
    EXPECT_EQ(law.target, "loss");
  }
  try {
    slfit::builtin_law_json("nope");
    FAIL();
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "unknown built-in law 'nope' (built-in: chinchilla, parallel_power, parscale)");
  }
}

TEST(BuiltinLaws, ParallelPowerShape) {
  const Law law = slfit::load_law("parallel_power");
  EXPECT_EQ(law.variables, (std::vector<std::string>{"N", "P"}));
  EXPECT_EQ(law.columns, (std::vector<std::string>{"num_params", "parallel_size"}));
  EXPECT_EQ(law.param_names(), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(slfit::to_string(law.expr, law.variables, law.param_names()),
            "a * max(N, 1e-10)^b / (max(P, 1e-10)^c + 1e-10) + d");
}

class LoadLawFile : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("slfit-law-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string load_error(const std::string& name_or_path) {
    try {
      slfit::load_law(name_or_path);
    } catch (const InputError& error) {
      return error.what();
    }
    ADD_FAILURE() << "no error for " << name_or_path;
    return {};
  }

  fs::path dir_;
};

TEST_F(LoadLawFile, ReadsAFile) {
  const fs::path path = dir_ / "power_law.json";
  std::ofstream(path) << small_law();
  const Law law = slfit::load_law(path.string());
  EXPECT_EQ(law.name, "power_law");
  EXPECT_EQ(law.source, path.string());
}

TEST_F(LoadLawFile, ErrorsNameTheSource) {
  const fs::path path = dir_ / "bad.json";
  std::ofstream(path) << "{}";
  EXPECT_EQ(load_error(path.string()), path.string() + ": missing required field 'formula'");
  const std::string missing = (dir_ / "missing.json").string();
  EXPECT_EQ(load_error(missing), missing + ": cannot open: No such file or directory");
  EXPECT_EQ(load_error("missing.json"), "missing.json: cannot open: No such file or directory");
  EXPECT_EQ(load_error(dir_.string()), dir_.string() + ": cannot open: is a directory");
  EXPECT_EQ(load_error("chinchila"),
            "unknown built-in law 'chinchila' (built-in: chinchilla, parallel_power, parscale) and no such file");
}

TEST(OverrideColumns, RemapsInputsAndTarget) {
  Law law = slfit::load_law("parallel_power");
  slfit::override_columns(law, {{"P", "streams"}}, "val_loss");
  EXPECT_EQ(law.columns, (std::vector<std::string>{"num_params", "streams"}));
  EXPECT_EQ(law.target, "val_loss");
  slfit::override_columns(law, {{"N", "params"}});
  EXPECT_EQ(law.columns, (std::vector<std::string>{"params", "streams"}));
  EXPECT_EQ(law.target, "val_loss");
}

TEST(OverrideColumns, RejectsUnknownVariables) {
  Law law = slfit::load_law("parallel_power");
  try {
    slfit::override_columns(law, {{"Q", "x"}});
    FAIL();
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "--map: 'Q' is not an input of law 'parallel_power' (inputs: N, P)");
  }
  EXPECT_THROW(slfit::override_columns(law, {{"N", ""}}), InputError);
}

// The rows of one group of a CSV file with columns group,num_params,parallel_size,loss.
GroupData read_group(const fs::path& csv, const std::string& group) {
  GroupData data;
  data.name = group;
  data.inputs.resize(2);
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    std::string label, n, p, loss;
    std::getline(fields, label, ',');
    std::getline(fields, n, ',');
    std::getline(fields, p, ',');
    std::getline(fields, loss, ',');
    if (label != group) continue;
    data.inputs[0].push_back(std::stod(n));
    data.inputs[1].push_back(std::stod(p));
    data.target.push_back(std::stod(loss));
    data.lines.push_back(number);
  }
  return data;
}

TEST(GroupStatistics, NamesAndValues) {
  EXPECT_EQ(slfit::group_statistic_names({"N", "P"}),
            (std::vector<std::string>{"y_min", "y_max", "y_mean", "y_range", "y_span", "N_min", "N_max", "P_min",
                                      "P_max"}));
  GroupData group{"g", {{4, 1, 2}, {8, 8, 8}}, {2.0, 3.0, 4.0}, {2, 3, 4}, {}, {}};
  EXPECT_EQ(slfit::group_statistics(group), (std::vector<double>{2, 4, 3, 2, 2, 1, 4, 8, 8}));
  // A flat target has no usable scale: y_span falls back to 1.
  group.target = {2.5, 2.5, 2.5};
  EXPECT_EQ(slfit::group_statistics(group), (std::vector<double>{2.5, 2.5, 2.5, 0, 1, 1, 4, 8, 8}));
}

TEST(ResolveBounds, ParallelPowerOnTheParscalePileGroup) {
  const Law law = slfit::load_law("parallel_power");
  const GroupData pile = read_group(fs::path(SLFIT_SOURCE_DIR) / "examples/parscale/train.csv", "pile");
  ASSERT_GT(pile.size(), 1u);
  const double y_min = *std::min_element(pile.target.begin(), pile.target.end());
  const double y_max = *std::max_element(pile.target.begin(), pile.target.end());
  const double y_span = y_max - y_min;
  const double n_max = *std::max_element(pile.inputs[0].begin(), pile.inputs[0].end());

  const slfit::ResolvedBounds bounds = slfit::resolve_bounds(law, pile);
  EXPECT_EQ(bounds.lower, (std::vector<double>{1e-6, -0.2, 0, y_min - 0.5}));
  EXPECT_EQ(bounds.upper, (std::vector<double>{1e3, 0.2, 0.5, y_max + 0.5}));
  ASSERT_EQ(bounds.init.size(), 4u);
  EXPECT_DOUBLE_EQ(bounds.init[0], std::clamp(y_span / std::pow(std::max(n_max, 1.0), 0.05), 1e-6, 1e3));
  EXPECT_EQ(bounds.init[1], -0.05);
  EXPECT_EQ(bounds.init[2], 0.15);
  EXPECT_DOUBLE_EQ(bounds.init[3], y_min - 0.05 * y_span);
}

TEST(ResolveBounds, InitIsClippedOrTheMiddle) {
  const Law law = slfit::parse_law(R"({"name": "clip", "formula": "a * N + b + c", "inputs": {"N": "n"}, "params": [
      {"name": "a", "lower": 0, "upper": "y_max", "init": "y_max + 100"},
      {"name": "b", "lower": "N_min", "upper": "N_max", "init": -5},
      {"name": "c", "lower": "y_min", "upper": "y_max"}]})",
                                   "clip.json");
  const GroupData group{"g", {{10, 20}}, {1.0, 3.0}, {2, 3}, {}, {}};
  const slfit::ResolvedBounds bounds = slfit::resolve_bounds(law, group);
  EXPECT_EQ(bounds.lower, (std::vector<double>{0, 10, 1}));
  EXPECT_EQ(bounds.upper, (std::vector<double>{3, 20, 3}));
  EXPECT_EQ(bounds.init, (std::vector<double>{3, 10, 2}));
}

TEST(ResolveBounds, ChinchillaOnAHandMadeGroup) {
  const Law law = slfit::load_law("chinchilla");
  const GroupData group{"tiny", {{1e8, 1e9}, {2e9, 2e10}}, {3.5, 2.75}, {2, 3}, {}, {}};
  const slfit::ResolvedBounds bounds = slfit::resolve_bounds(law, group);
  EXPECT_EQ(bounds.lower, (std::vector<double>{0, 1e-3, 0, 1e-3, 0}));
  EXPECT_EQ(bounds.upper, (std::vector<double>{2.75, 1e6, 2, 1e6, 2}));
  EXPECT_EQ(bounds.init, (std::vector<double>{1.375, (1e-3 + 1e6) / 2, 1, (1e-3 + 1e6) / 2, 1}));
}

std::string bounds_error(const std::string& param_json, const GroupData& group) {
  const Law law = slfit::parse_law(
      R"({"name": "x", "formula": "d * N", "inputs": {"N": "n"}, "params": [)" + param_json + "]}", "x.json");
  try {
    slfit::resolve_bounds(law, group);
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error for " << param_json;
  return {};
}

TEST(ResolveBounds, ErrorsNameTheParameterAndGroup) {
  const GroupData pile{"pile", {{1, 2}}, {2.0, 3.0}, {2, 3}, {}, {}};
  EXPECT_EQ(bounds_error(R"json({"name": "d", "lower": "y_max", "upper": "y_min"})json", pile),
            "x.json: law 'x', group 'pile': parameter 'd': lower bound 3 > upper bound 2, where y_min = 2 (line 2), "
            "y_max = 3 (line 3)");
  EXPECT_EQ(bounds_error(R"json({"name": "d", "lower": "log(y_min - y_max)", "upper": 1})json", pile),
            "x.json: law 'x', group 'pile': parameter 'd': lower bound is not finite (nan), where y_min = 2 (line 2), "
            "y_max = 3 (line 3)");
  EXPECT_EQ(bounds_error(R"json({"name": "d", "lower": 0, "upper": "1 / (N_max - 2)"})json", pile),
            "x.json: law 'x', group 'pile': parameter 'd': upper bound is not finite (inf), where N_max = 2 (line 3)");
  EXPECT_EQ(bounds_error(R"json({"name": "d", "lower": 0, "upper": 1, "init": "-1 / (y_range - 1)"})json", pile),
            "x.json: law 'x', group 'pile': parameter 'd': initial value is not finite (-inf), where y_range = 1 "
            "(lines 2 and 3)");
}

// law_to_json, the law_spec of fit's JSON that predict reads back: the same law again.
TEST(LawJson, ReadsBackToTheSameLaw) {
  std::vector<Law> laws;
  for (const std::string& name : slfit::builtin_law_names()) laws.push_back(slfit::load_law(name));
  Law mapped = slfit::parse_law(kSeedLaw, "seed.json");
  slfit::override_columns(mapped, {{"N", "size"}}, "final_loss");
  slfit::fix_parameter(mapped, "c", 0.25, "--fix c=0.25");
  mapped.objective.terms = {{slfit::Loss::Huber, slfit::ResidualSpace::Log, 0.5, 1.0}};
  mapped.objective.reduce = slfit::Reduction::Sum;
  laws.push_back(mapped);
  mapped.objective.terms = {{slfit::Loss::Mse, slfit::ResidualSpace::Linear, 1.0, 1.0},
                            {slfit::Loss::Cauchy, slfit::ResidualSpace::NegLog, 0.25, 0.5}};
  mapped.objective.reduce = slfit::Reduction::Mean;
  mapped.objective.ridge = 1e-4;
  mapped.objective.ridge_params = {0, 2};
  laws.push_back(mapped);
  const GroupData group{"g", {{1, 2, 4}, {1e9, 2e9, 4e9}}, {3.0, 2.5, 2.2}, {2, 3, 4}, {}, {}};
  for (const Law& law : laws) {
    const Law back = slfit::parse_law_spec(slfit::law_to_json(law), "back");
    EXPECT_EQ(back.name, law.name);
    EXPECT_EQ(slfit::to_string(back.expr, back.variables, back.param_names()),
              slfit::to_string(law.expr, law.variables, law.param_names()));
    EXPECT_EQ(back.variables, law.variables);
    EXPECT_EQ(back.columns, law.columns);
    EXPECT_EQ(back.target, law.target);
    EXPECT_EQ(back.objective, law.objective);
    if (law.variables.size() != 2) continue;
    const slfit::ResolvedBounds a = slfit::resolve_bounds(law, group), b = slfit::resolve_bounds(back, group);
    EXPECT_EQ(a.lower, b.lower) << law.name;
    EXPECT_EQ(a.upper, b.upper) << law.name;
    EXPECT_EQ(a.init, b.init) << law.name;
  }
  EXPECT_EQ(slfit::law_to_json(mapped)["params"][2], nlohmann::ordered_json({{"name", "c"}, {"fixed", 0.25}}));
}

TEST(LawFile, WithoutInputsTheFormulasOtherNamesAreColumns) {
  const Law law = slfit::parse_law(R"json({"formula": "E + A / max(num_params, 1)^alpha + B * log(tokens) / num_params",
    "params": [{"name": "E", "lower": 0, "upper": 5}, {"name": "A", "lower": 0, "upper": 9},
               {"name": "alpha", "lower": 0, "upper": 2}, {"name": "B", "lower": 0, "upper": 1}]})json",
                                   "plain.json");
  EXPECT_EQ(law.variables, (std::vector<std::string>{"num_params", "tokens"}));  // max and log are calls
  EXPECT_EQ(law.columns, law.variables);
  EXPECT_EQ(law.target, "loss");
  const std::string error = law_error(R"json({"formula": "a * y", "params": [{"name": "a", "lower": 0, "upper": 1}]})json");
  EXPECT_NE(error.find("'y' is reserved for the target"), std::string::npos) << error;
}

}  // namespace
