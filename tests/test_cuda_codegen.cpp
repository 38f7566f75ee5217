// The CUDA code generator and NVRTC, without a device: every law's generated code compiles for
// sm_90 and sm_80, the cache works, and no user text reaches the generated source.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>

#include "cuda/cuda_de_program.hpp"
#include "cuda/nvrtc_compiler.hpp"
#include "cuda_test_batch.hpp"
#include "cli_runner.hpp"
#include "cuda_test_laws.hpp"
#include "law/cuda_codegen.hpp"
#include "slfit/error.hpp"
#include "slfit/objective.hpp"

namespace slfit {
namespace {

// A fresh cache directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("slfit-cuda-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(CudaCodegen, ExactLiteralsRoundTrip) {
  for (double v : {0.0, -0.0, 1.0, 0.1, -2.5e-300, 1e308, 4.9406564584124654e-324, 1e-10, 123456789.125}) {
    const std::string text = exact_literal(v);
    std::string digits = text;
    if (digits.front() == '(') digits = digits.substr(1, digits.size() - 2);
    const double back = std::strtod(digits.c_str(), nullptr);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(back), std::bit_cast<std::uint64_t>(v)) << text;
  }
  EXPECT_EQ(exact_literal(std::numeric_limits<double>::infinity()), "from_bits(0x7ff0000000000000ull)");
  EXPECT_EQ(exact_literal(-std::numeric_limits<double>::infinity()), "from_bits(0xfff0000000000000ull)");
}

TEST(CudaCodegen, DeviceColumnsMatchTheCpuProgram) {
  // The law's own columns are what BoundProgram computes: predict() through them on the CPU and
  // a recomputation from device_columns must agree (the pow-base columns are the raw bases).
  for (const Law& law : test::custom_laws()) {
    const auto compiled = compile_law(law);
    const GeneratedLaw gen = generate_cuda_law(*compiled, law.objective);
    const GroupData group = test::custom_group(23);
    const std::vector<double> cols = device_columns(*compiled, law.objective, gen.columns, group);
    ASSERT_EQ(cols.size(), gen.columns.size() * group.size());
    for (std::size_t c = compiled->columns.size(); c < gen.columns.size(); ++c) EXPECT_FALSE(gen.columns[c].spec.log);
    for (std::size_t c = 0; c < gen.columns.size(); ++c) {
      const Node& node = compiled->expr.nodes[gen.columns[c].spec.node];
      if (node.op != Op::Var) continue;
      for (std::size_t i = 0; i < group.size(); ++i) {
        const double x = group.inputs[node.index][i];
        const double want = gen.columns[c].spec.log ? std::log(x) : x;
        const double got = cols[c * group.size() + i];
        EXPECT_TRUE(got == want || (std::isnan(got) && std::isnan(want))) << law.formula;
      }
    }
  }
}

TEST(CudaCodegen, TheDeviceDrawsKernelCompilesWithTheHeadersItCarries) {
  // The device test of Philox (tests/test_cuda_device.cpp) compiles this source on the GPU
  // machine; a header it forgets to carry must fail here, not in a rare GPU session.
  NvrtcCompiler compiler{std::filesystem::path()};
  for (const char* arch : {"sm_90", "sm_80"}) {
    const Cubin cubin = compiler.compile(test::philox_draws_source(), arch);
    EXPECT_FALSE(cubin.image.empty()) << arch;
  }
}

TEST(CudaCodegen, EveryLawCompilesForSm90AndSm80) {
  NvrtcCompiler compiler{std::filesystem::path()};  // no cache: compile every time
  std::vector<Law> laws = test::custom_laws();
  for (const std::string& name : builtin_law_names()) laws.push_back(load_law(name));
  ASSERT_GE(laws.size(), 23u);
  for (const Law& law : laws) {
    const auto compiled = compile_law(law);
    for (std::size_t o = 0; o <= test::custom_objectives().size(); ++o) {
      Law variant = law;
      // The objectives in turn, then the first again with each residual scaled (weighted).
      const std::string& objective = test::custom_objectives()[o % test::custom_objectives().size()];
      variant.objective = parse_law(test::custom_law_json("a", objective), "objective").objective;
      variant.objective.weighted = o == test::custom_objectives().size();
      const GeneratedLaw gen = generate_cuda_law(*compiled, variant.objective);
      for (const char* arch : {"sm_90", "sm_80"}) {
        Cubin cubin;
        ASSERT_NO_THROW(cubin = compiler.compile(test::law_probe_source(gen), arch)) << law.formula << "\n" << gen.source;
        EXPECT_GT(cubin.image.size(), 0u);
        EXPECT_FALSE(cubin.from_cache);
      }
    }
  }
}

TEST(CudaCodegen, DeProgramLinksForEveryBuiltinLaw) {
  NvrtcCompiler compiler{std::filesystem::path()};
  for (const std::string& name : builtin_law_names()) {
    const Law law = load_law(name);
    const GeneratedLaw gen = generate_cuda_law(*compile_law(law), law.objective);
    for (const char* arch : {"sm_90", "sm_80"}) {
      Cubin cubin;
      try {
        cubin = build_law_program(gen, arch, compiler);
      } catch (const std::exception& e) {
        FAIL() << law.name << " " << arch << ": " << e.what();
      }
      // Every entry point the backend looks up is in the linked image.
      for (const char* kernel : {"slfit_de", "slfit_evaluate", "slfit_objective"})
        EXPECT_NE(cubin.image.find(kernel), std::string::npos) << kernel;
    }
  }
}

// Each function's register count in a CUBIN: the EIATTR_REGCOUNT attributes (0x2f) of its
// .nv.info sections, (symbol index, count) pairs naming the function through the symbol table.
std::map<std::string, int> register_counts(const std::string& image) {
  const auto read = [&](std::size_t at, auto value) {
    std::memcpy(&value, image.data() + at, sizeof value);
    return value;
  };
  struct Section {
    std::uint32_t name, type;
    std::uint64_t offset, size;
    std::uint32_t link;
  };
  const auto section_table = read(0x28, std::uint64_t{});
  const auto entry_size = read(0x3A, std::uint16_t{}), count = read(0x3C, std::uint16_t{});
  const auto names_index = read(0x3E, std::uint16_t{});
  std::vector<Section> sections;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = section_table + i * entry_size;
    sections.push_back({read(at, std::uint32_t{}), read(at + 4, std::uint32_t{}), read(at + 24, std::uint64_t{}),
                        read(at + 32, std::uint64_t{}), read(at + 40, std::uint32_t{})});
  }
  const auto string_at = [&](const Section& table, std::uint32_t offset) {
    return std::string(image.c_str() + table.offset + offset);
  };
  const auto symbols = std::find_if(sections.begin(), sections.end(), [](const Section& s) { return s.type == 2; });
  EXPECT_NE(symbols, sections.end());
  std::map<std::string, int> counts;
  if (symbols == sections.end()) return counts;
  for (const Section& s : sections) {
    if (string_at(sections[names_index], s.name).rfind(".nv.info", 0) != 0) continue;
    for (std::size_t at = s.offset; at + 4 <= s.offset + s.size;) {
      const auto format = static_cast<unsigned char>(image[at]), attribute = static_cast<unsigned char>(image[at + 1]);
      if (format != 4) {  // a value of 2 bytes (format 3), 1 (2) or none (1)
        at += format == 3 ? 4 : 2;
        continue;
      }
      const auto size = read(at + 2, std::uint16_t{});
      if (attribute == 0x2f && size == 8) {
        const auto symbol = read(at + 4, std::uint32_t{});
        const auto name = read(symbols->offset + symbol * 24, std::uint32_t{});
        counts[string_at(sections[symbols->link], name)] = static_cast<int>(read(at + 8, std::uint32_t{}));
      }
      at += 4 + size;
    }
  }
  return counts;
}

TEST(CudaCodegen, RegisterCapIsParsedFromItsVariable) {
  EXPECT_EQ(parse_register_cap(nullptr), kDefaultRegisterCap);
  EXPECT_EQ(parse_register_cap(""), kDefaultRegisterCap);
  EXPECT_EQ(parse_register_cap("0"), 0);
  EXPECT_EQ(parse_register_cap("64"), 64);
  EXPECT_EQ(parse_register_cap("255"), 255);
  for (const char* bad : {"23", "256", "-1", "64x", "x", "99999999999999999999"}) {
    try {
      parse_register_cap(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("SLFIT_CUDA_MAX_REGISTERS: '") + bad + "'"), std::string::npos)
          << e.what();
    }
  }
}

// The cap reaches every function of a linked program: the law's (its own module), the DE kernel
// (__maxnreg__, its launch bounds would override --maxrregcount) and the others.
TEST(CudaCodegen, EveryFunctionOfEveryProgramHoldsTheRegisterCap) {
  const int cap = device_register_cap();
  if (cap == 0) GTEST_SKIP() << "SLFIT_CUDA_MAX_REGISTERS=0: no cap";
  NvrtcCompiler compiler{std::filesystem::path()};
  for (const std::string& name : builtin_law_names()) {
    const Law law = load_law(name);
    const GeneratedLaw gen = generate_cuda_law(*compile_law(law), law.objective);
    const std::map<std::string, int> counts = register_counts(build_law_program(gen, "sm_90", compiler).image);
    for (const char* kernel : {"slfit_de", "slfit_evaluate", "slfit_objective", "slfit_law_energy"})
      EXPECT_TRUE(counts.contains(kernel)) << name << ": " << kernel;
    for (const auto& [function, registers] : counts)
      EXPECT_LE(registers, cap) << name << ": " << function;
  }
}

TEST(CudaCodegen, MultiOutputExampleLawsCompileAndLink) {
  // The bundled domain_mixture laws: five outputs on stacked points, normalized by variance.
  NvrtcCompiler compiler{std::filesystem::path()};
  for (const char* file : {"shared_exponents.json", "own_domain.json"}) {
    const Law law = load_law(test::source_dir() + "/examples/sldbench/domain_mixture/" + file);
    ASSERT_EQ(law.outputs.size(), 5u);
    const GeneratedLaw gen = generate_cuda_law(*compile_law(law), law.objective);
    EXPECT_NO_THROW(compiler.compile(test::law_probe_source(gen), "sm_90")) << file;
    EXPECT_NO_THROW(build_law_program(gen, "sm_90", compiler)) << file;
  }
}

TEST(CudaCodegen, LawModuleOfAnyLawLinksWithTheOneKernelModule) {
  // The kernel module is compiled once; every custom law's module (every operator, objective,
  // parameter count) links against it, so a law never needs the kernels recompiled.
  NvrtcCompiler compiler{std::filesystem::path()};
  for (const Law& law : test::custom_laws()) {
    const GeneratedLaw gen = generate_cuda_law(*compile_law(law), law.objective);
    EXPECT_NO_THROW(build_law_program(gen, "sm_90", compiler)) << law.formula;
  }
}

TEST(CudaCodegen, SeparableProgramsLinkAndHoldTheRegisterCap) {
  // The projected objective's module (kernels/projected_energy.cuh over the law's parts) of the
  // custom separable laws, the bundled multi-output laws and every built-in law (these also
  // weighted, and for sm_80): every entry point linked, every function under the register cap.
  NvrtcCompiler compiler{std::filesystem::path()};
  struct Variant {
    Law law;
    const char* arch;
  };
  std::vector<Variant> variants;
  for (const Law& law : test::separable_custom_laws()) variants.push_back({law, "sm_90"});
  for (const char* file : {"shared_exponents.json", "own_domain.json"})
    variants.push_back({load_law(test::source_dir() + "/examples/sldbench/domain_mixture/" + file), "sm_90"});
  for (const std::string& name : builtin_law_names()) {
    Law law = load_law(name);
    variants.push_back({law, "sm_90"});
    variants.push_back({law, "sm_80"});
    law.objective.weighted = true;
    variants.push_back({law, "sm_90"});
  }
  const int cap = device_register_cap();
  for (const auto& [law, arch] : variants) {
    const std::string what = law.formula + (law.objective.weighted ? " (weighted), " : ", ") + arch;
    ASSERT_TRUE(separable_objective(law.objective)) << what;
    const SeparablePrograms programs(law, separate_linear_params(law));
    const GeneratedLaw gen = generate_cuda_separable_law(programs, law.objective);
    EXPECT_TRUE(gen.separable);
    EXPECT_EQ(gen.searched_params, static_cast<int>(programs.form.nonlinear.size())) << what;
    EXPECT_EQ(gen.constants_per_problem(), gen.constants.size() + 2 * programs.form.linear.size());
    Cubin cubin;
    try {
      cubin = build_law_program(gen, arch, compiler);
    } catch (const std::exception& e) {
      FAIL() << what << ": " << e.what() << "\n" << gen.source;
    }
    const std::map<std::string, int> counts = register_counts(cubin.image);
    for (const char* kernel : {"slfit_de", "slfit_evaluate", "slfit_objective", "slfit_law_energy"})
      EXPECT_TRUE(counts.contains(kernel)) << what << ": " << kernel;
    if (cap == 0) continue;
    for (const auto& [function, registers] : counts) EXPECT_LE(registers, cap) << what << ": " << function;
  }
}

TEST(CudaCodegen, DeBlockSizesCoverThePopulationInWholeWarps) {
  DEOptions de;
  de.popsize = 1;
  EXPECT_EQ(de_block_threads(de, 2), 32);    // max(5, 2) members
  de.popsize = 20;
  EXPECT_EQ(de_block_threads(de, 4), 96);    // 80 members: three warps, not four
  EXPECT_EQ(de_block_threads(de, 5), 128);
  EXPECT_EQ(de_block_threads(de, 8), 160);
  EXPECT_EQ(de_block_threads(de, 40), 256);  // 800 members: strided over 256 threads
}

TEST(CudaCodegen, CacheHitsAndKeys) {
  TempDir dir;
  NvrtcCompiler compiler(dir.path());
  const Law law = load_law("parallel_power");
  const GeneratedLaw gen = generate_cuda_law(*compile_law(law), law.objective);
  const NvrtcSource source = test::law_probe_source(gen);

  const Cubin first = compiler.compile(source, "sm_90");
  EXPECT_FALSE(first.from_cache);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / (first.key + ".cubin")));
  const Cubin second = compiler.compile(source, "sm_90");
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(second.image, first.image);

  // The key changes with the architecture and with any source text.
  EXPECT_NE(nvrtc_cache_key(source, "sm_80"), first.key);
  NvrtcSource changed = source;
  changed.headers[0].second += "\n";
  EXPECT_NE(nvrtc_cache_key(changed, "sm_90"), first.key);
  const Cubin other = compiler.compile(source, "sm_80");
  EXPECT_FALSE(other.from_cache);
  EXPECT_NE(other.image, first.image);

  // A damaged entry is recompiled, and rewritten.
  {
    std::ofstream damage(dir.path() / (first.key + ".cubin"), std::ios::binary | std::ios::trunc);
    damage << "slfit-cubin\n" << first.key << "\n999\nshort";
  }
  const Cubin again = compiler.compile(source, "sm_90");
  EXPECT_FALSE(again.from_cache);
  EXPECT_EQ(again.image, first.image);
  EXPECT_TRUE(compiler.compile(source, "sm_90").from_cache);
}

TEST(CudaCodegen, CacheDirectoryFollowsXdg) {
  const char* old = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", "/tmp/slfit-xdg", 1);
  EXPECT_EQ(default_cache_directory(), std::filesystem::path("/tmp/slfit-xdg/slfit"));
  unsetenv("XDG_CACHE_HOME");
  if (const char* home = std::getenv("HOME")) {
    EXPECT_EQ(default_cache_directory(), std::filesystem::path(home) / ".cache" / "slfit");
  }
  if (old) setenv("XDG_CACHE_HOME", saved.c_str(), 1);
}

TEST(CudaCodegen, CompileErrorQuotesTheOffendingLine) {
  NvrtcCompiler compiler{std::filesystem::path()};
  const NvrtcSource bad{"slfit_bad.cu", "#include \"slfit_law.cuh\"\n",
                        {{"slfit_law.cuh", "__device__ int ok() { return 1; }\nthis line is not C++;\n"}}};
  try {
    compiler.compile(bad, "sm_90");
    FAIL() << "compiled";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("slfit_law.cuh:2: this line is not C++;"), std::string::npos) << what;
    EXPECT_NE(what.find("log:"), std::string::npos) << what;
  }
}

TEST(CudaCodegen, GeneratedSourceHoldsNoUserText) {
  // Identifiers, the law's name and its formula text never reach the source, whatever they hold.
  const std::vector<std::string> hostile = {"evil\"); asm(\"trap;\"); //", "*/ #include </etc/passwd> /*",
                                            "zz_secret_variable", "__global__ void pwn()"};
  Law law = parse_law(test::custom_law_json("a * N^b / (D^c + 1e-10) + d", R"({"kind": "mse"})"), "hostile");
  law.name = hostile[0];
  law.formula = hostile[1];
  law.variables = {hostile[2], hostile[3]};
  law.columns = law.variables;
  for (std::size_t k = 0; k < law.params.size(); ++k) law.params[k].name = hostile[k % hostile.size()] + "_p";
  const GeneratedLaw gen = generate_cuda_law(*compile_law(law), law.objective);
  for (const std::string& text : hostile) EXPECT_EQ(gen.source.find(text), std::string::npos) << text;
  for (const char* piece : {"evil", "passwd", "zz_secret", "pwn", "asm", "#include"})
    EXPECT_EQ(gen.source.find(piece), std::string::npos) << piece;
  // Only generated tokens: identifiers are the prelude's, CUDA's math functions and p/s/c/t names.
  EXPECT_EQ(gen.source.find('"'), std::string::npos);
  EXPECT_NO_THROW(NvrtcCompiler{std::filesystem::path()}.compile(test::law_probe_source(gen), "sm_90"));
}

TEST(CudaCodegen, LawsThatDifferOnlyInTheirNumbersShareOneSource) {
  // A leaderboard's variants of one formula: numbers in the param stage (a * 3e9), in the point
  // stage (D^c / 2e9, mixed) and in the data stage (N / 1e9). The source is the same, so one
  // NVRTC compile (one cache entry) serves them all; the numbers travel in `constants`.
  auto variant = [](const char* s1, const char* s2, const char* s3) {
    const std::string formula = std::string("d + (a * ") + s1 + " / (N / " + s2 + " * D^c / " + s3 + "))^b";
    const Law law = parse_law(test::custom_law_json(formula, R"({"kind": "mse"})"), "variant");
    return generate_cuda_law(*compile_law(law), law.objective);
  };
  const GeneratedLaw one = variant("3e9", "1e9", "2e9");
  const GeneratedLaw two = variant("7.5e8", "4e9", "0.125");
  EXPECT_EQ(one.source, two.source);
  EXPECT_EQ(nvrtc_cache_key(test::law_probe_source(one), "sm_90"), nvrtc_cache_key(test::law_probe_source(two), "sm_90"));
  EXPECT_NE(one.constants, two.constants);
  EXPECT_EQ(one.constants.size(), 2u) << one.source;  // 3e9 and 2e9; N / 1e9 is computed on the host
  for (const char* number : {"3e9", "0x1.65a0bcp+31", "2e9", "0x1.dcd65p+30"})
    EXPECT_EQ(one.source.find(number), std::string::npos) << number;
}

TEST(CudaCodegen, VariantsOfOneFormulaShareALaunchRun) {
  // cuda_launch_runs (no device needed): a leaderboard's variants of one formula run as one
  // launch, each problem with its own numbers; another structure, objective or seed does not.
  auto law_of = [](const std::string& formula, const std::string& objective) {
    return parse_law(test::custom_law_json(formula, objective), "variant");
  };
  const std::string mse = R"({"kind": "mse"})";
  std::vector<Law> laws = {law_of("d + a * (N / 1e9)^b * D^c / 3", mse), law_of("d + a * (N / 4e9)^b * D^c / 7", mse),
                           law_of("d + a * N^b + D", mse), law_of("d + a * (N / 2e9)^b * D^c / 5", mse),
                           law_of("d + a * (N / 1e9)^b * D^c / 3", R"({"kind": "huber", "delta": 0.01})")};
  std::vector<std::shared_ptr<const CompiledLaw>> compiled;
  for (const Law& law : laws) compiled.push_back(compile_law(law));
  const GroupData group = test::custom_group(12);
  std::vector<Problem> problems;
  for (std::size_t k = 0; k < laws.size(); ++k)
    problems.push_back(test::make_problem(laws[k], compiled[k], group, FitOptions{}, k));
  problems.push_back(problems[1]);
  problems.back().options.seed = 7;
  const std::vector<std::vector<std::size_t>> runs = cuda_launch_runs(problems);
  const std::vector<std::vector<std::size_t>> expected = {{0, 1, 3}, {2}, {4}, {5}};
  EXPECT_EQ(runs, expected);
}

TEST(CudaCodegen, PowFromLogKeepsTheFallbackBase) {
  // x^e with data-only x reads log x and, for the fallback, x itself: both columns are uploaded.
  const Law law = parse_law(test::custom_law_json("a * N^b + d", R"({"kind": "mse"})"), "pow");
  const auto compiled = compile_law(law);
  const GeneratedLaw gen = generate_cuda_law(*compiled, law.objective);
  ASSERT_EQ(gen.columns.size(), 2u);
  EXPECT_TRUE(gen.columns[0].spec.log);
  EXPECT_FALSE(gen.columns[1].spec.log);
  EXPECT_NE(gen.source.find("pow_from_log(c0, c1, s.s"), std::string::npos) << gen.source;
}

}  // namespace
}  // namespace slfit
