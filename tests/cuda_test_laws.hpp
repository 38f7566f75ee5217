#pragma once
// Laws for the CUDA tests: every built-in law, and custom laws that together use every operator
// and function, data-only, parameter-only and mixed subexpressions, folded constants, x^e from a
// log column (with non-positive bases in the data), and every objective.

#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "cuda/law_program.hpp"
#include "cuda/nvrtc_compiler.hpp"
#include "law/cuda_codegen.hpp"
#include "slfit/law_io.hpp"

namespace slfit::test {

// A law file over parameters a, b, c, d and inputs N, D, declaring only those the formula uses.
inline std::string custom_law_json(const std::string& formula, const std::string& objective) {
  auto uses = [&](const std::string& name) { return std::regex_search(formula, std::regex("\\b" + name + "\\b")); };
  const std::vector<std::pair<std::string, std::string>> params = {
      {"a", R"("lower": 0.1, "upper": 3)"}, {"b", R"("lower": -0.9, "upper": 0.9)"},
      {"c", R"("lower": 0.05, "upper": 2)"}, {"d", R"("lower": -1, "upper": 1)"}};
  std::string inputs, declared;
  for (const char* input : {"N", "D"})
    if (uses(input)) inputs += std::string(inputs.empty() ? "" : ", ") + "\"" + input + "\": \"" + input + "\"";
  for (const auto& [name, bounds] : params)
    if (uses(name)) declared += std::string(declared.empty() ? "" : ", ") + "{\"name\": \"" + name + "\", " + bounds + "}";
  return R"({"name": "custom", "formula": ")" + formula + R"(", "inputs": {)" + inputs +
         R"(}, "target": "loss", "params": [)" + declared + R"(], "objective": )" + objective + "}";
}

// The custom formulas (parameters a, b, c, d; inputs N, D).
inline const std::vector<std::string>& custom_formulas() {
  static const std::vector<std::string> formulas = {
      "a * N^b + d",
      "a / N^c + c / D^b + d",
      "-a * (N - D) / (D + 1) + d * c",
      "exp(-c * N) * a + b",
      "a * log(N) + b * log2(D) + c * log10(N + D) + d",
      "log1p(c * N) * a - d",
      "sqrt(a * N + c) + b",
      "abs(b * N - D) * c + a",
      "tanh(b * (N - 2)) * a + d",
      "sinh(b * N) * a + sinh(D) * c",
      "pow(N, b) * a + pow(c, 2) + d",
      "min(a * N, c * D) + d",
      "max(a * N, c * D) + min(b, d)",
      "max(min(N, 3), 1)^b * a + d",
      "a * (N * D)^b + d",
      "a * N^(b * c) + d * 2^-3",
      "a * (N - 2)^b + d",
      "a * (log(D) + 1)^c + b^2 + d",
      "a * exp(b) * N^c + d - -1e-300",
      "(a + b) * (c + d) * N / (D + 0.5)",
      "a * N^-0.5 + b * D^0.25 + c * (1 + 2 * 3)^d",
      "a * 1e308 * 1e10 / N + d",
      "a",
      "max(N, 1e-10)^b * a / (max(D, 1e-10)^c + 1e-10) + d",
  };
  return formulas;
}

inline const std::vector<std::string>& custom_objectives() {
  static const std::vector<std::string> objectives = {
      R"({"kind": "mse"})", R"({"kind": "huber", "delta": 0.1})", R"({"kind": "mse", "space": "log"})",
      R"({"kind": "huber", "delta": 1e-3, "space": "log", "reduce": "sum"})",
      R"({"kind": "soft_l1", "f_scale": 0.2})", R"({"kind": "cauchy", "f_scale": 0.05, "space": "relative"})",
      R"({"terms": [{"kind": "mse"}, {"kind": "mae", "space": "log", "coefficient": 0.1},
                    {"kind": "arctan", "f_scale": 0.3, "space": "relative", "coefficient": 2}], "ridge": 1e-3})",
      R"({"terms": [{"kind": "huber", "delta": 0.05, "space": "log"}, {"kind": "mse", "coefficient": 0.5}],
          "reduce": "sum", "ridge": {"coefficient": 0.25, "params": ["a"]}})"};
  return objectives;
}

// Every custom law, each formula paired with one objective in turn.
inline std::vector<Law> custom_laws() {
  std::vector<Law> laws;
  const auto& formulas = custom_formulas();
  const auto& objectives = custom_objectives();
  for (std::size_t k = 0; k < formulas.size(); ++k)
    laws.push_back(parse_law(custom_law_json(formulas[k], objectives[k % objectives.size()]),
                             "custom" + std::to_string(k)));
  return laws;
}

// Custom laws whose linear parameters a separable search solves for each candidate (a
// linear-space mse): bases that are 0, data-only or depend on a searched parameter (b^2), one to
// three linear parameters, mean and sum, a term coefficient, a ridge on a linear parameter, pow
// fallbacks and non-finite regions.
inline std::vector<Law> separable_custom_laws() {
  const std::vector<std::pair<std::string, std::string>> laws = {
      {"a * N^b + d", R"({"kind": "mse"})"},
      {"a / N^c + c / D^b + d", R"({"kind": "mse", "reduce": "sum"})"},
      {"exp(-c * N) * a + b", R"({"terms": [{"kind": "mse", "coefficient": 0.5}], "ridge": 1e-3})"},
      {"tanh(b * (N - 2)) * a + d", R"({"kind": "mse", "ridge": {"coefficient": 0.25, "params": ["a"]}})"},
      {"a * (log(D) + 1)^c + b^2 + d", R"({"kind": "mse"})"},
      {"sinh(b * N) * a + sinh(D) * c", R"({"kind": "mse", "reduce": "sum"})"},
      {"pow(N, b) * a + pow(c, 2) + d", R"({"kind": "mse"})"},
      {"max(N, 1e-10)^b * a / (max(D, 1e-10)^c + 1e-10) + d", R"({"kind": "mse"})"},
  };
  std::vector<Law> out;
  for (std::size_t k = 0; k < laws.size(); ++k)
    out.push_back(parse_law(custom_law_json(laws[k].first, laws[k].second), "separable" + std::to_string(k)));
  return out;
}

// Data for the custom laws: N on a grid with repeats, including 0 and negative values (the
// pow fallback); D positive; targets positive (log objectives).
inline GroupData custom_group(int points) {
  GroupData g;
  g.name = "g";
  g.inputs.resize(2);
  for (int i = 0; i < points; ++i) {
    g.inputs[0].push_back(i % 7 - 1.0);           // -1 .. 5
    g.inputs[1].push_back(0.5 + 0.37 * (i % 11)); // 0.5 .. 4.2
    g.target.push_back(1.0 + 0.1 * (i % 5));
    g.lines.push_back(i + 2);
  }
  return g;
}

// A small kernel over the law alone (the DE program adds CUB, which is slow to compile): one
// point's prediction and term per thread, entry point "slfit_probe". The codegen tests compile it;
// the device tests run it on a GPU.
inline NvrtcSource law_probe_source(const GeneratedLaw& law) {
  return {"slfit_probe.cu",
          "#include \"loss_terms.hpp\"\n"
          "#include \"slfit_law.cuh\"\n"
          "extern \"C\" __global__ void slfit_probe(const double* p, const double* K, const double* cols,\n"
          "                                        const double* obs, int n, double* prediction, double* term) {\n"
          "  const int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
          "  if (i >= n) return;\n"
          "  const slfit_law::Scalars s = slfit_law::param_stage(p, K);\n"
          "  prediction[i] = slfit_law::predict(s, cols, n, i);\n"
          "  const double scale = slfit_law::kWeighted ? cols[slfit_law::kScaleColumn * n + i] : 1.0;\n"
          "  term[i] = slfit_law::term(prediction[i], obs[i], scale, cols, n, i);\n"
          "}\n",
          {{"slfit_law.cuh", law.source}, {"loss_terms.hpp", embedded_kernel_file("loss_terms.hpp")},
           {"slfit/host_device.hpp", embedded_kernel_file("slfit/host_device.hpp")}}};
}

// The device draws' kernel, entry point "draws": thread t draws 8 uniforms and one bounded integer
// at addresses that vary every field (stream t % 7, generation t % 501, member t % 1024, purpose
// t / 1024 % 7). The codegen tests compile it; the device tests run it against the host's draws.
inline NvrtcSource philox_draws_source() {
  return {"slfit_philox_test.cu",
          "#include \"slfit/philox.hpp\"\n"
          "extern \"C\" __global__ void draws(unsigned long long seed, double* out, unsigned* below) {\n"
          "  const unsigned t = blockIdx.x * blockDim.x + threadIdx.x;  // member t % 1024, purpose t / 1024\n"
          "  const slfit::DrawSite site{seed, 0x123456789abcull + t % 7, t % 501, t % 1024,\n"
          "                             static_cast<slfit::DrawPurpose>(t / 1024 % 7)};\n"
          "  for (unsigned k = 0; k < 8; ++k) out[t * 8 + k] = slfit::uniform01(site, k * 63);\n"
          "  below[t] = slfit::uniform_below(site, 511, 1 + t % 97);\n"
          "}\n",
          {{"slfit/philox.hpp", embedded_kernel_file("slfit/philox.hpp")},
           {"slfit/host_device.hpp", embedded_kernel_file("slfit/host_device.hpp")}}};
}

}  // namespace slfit::test
