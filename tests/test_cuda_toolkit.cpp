// Finding the CUDA toolkit at run time, without a device: the include directory NVRTC needs for
// headers a source does not carry ($CUDA_HOME, $CUDA_PATH, the build's, beside libnvrtc,
// /usr/local/cuda), the error that names every directory tried, and a cache key that does not
// depend on where the toolkit is.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>

#include "cuda/cuda_include_dir.hpp"
#include "cuda/nvrtc_compiler.hpp"

namespace slfit {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("slfit-toolkit-test-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  // Writes `text` to `relative`, creating its directories; returns the file's path.
  fs::path file(const fs::path& relative, const std::string& text = "") const {
    fs::create_directories((path_ / relative).parent_path());
    std::ofstream(path_ / relative) << text;
    return path_ / relative;
  }

 private:
  fs::path path_;
};

// Sets (or, with nullopt, unsets) an environment variable for the scope, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(CudaToolkit, IncludeDirIsTheFirstCandidateHoldingCudaRuntimeH) {
  TempDir t;
  t.file("empty/include/vector_types.h");
  t.file("first/include/cuda_runtime.h");
  t.file("second/include/cuda_runtime.h");
  const std::vector<IncludeCandidate> candidates = {{"$CUDA_HOME (not set)", {}},
                                                    {"$CUDA_PATH", t.path() / "missing/include"},
                                                    {"the build's toolkit", t.path() / "empty/include"},
                                                    {"beside libnvrtc", t.path() / "first/include"},
                                                    {"the default toolkit", t.path() / "second/include"}};
  const IncludeDirSearch found = find_cuda_include_dir(candidates);
  EXPECT_EQ(found.dir, t.path() / "first/include");
  EXPECT_TRUE(found.error.empty());
}

TEST(CudaToolkit, NoIncludeDirNamesEveryCandidateAndWhy) {
  TempDir t;
  t.file("empty/include/vector_types.h");
  t.file("file_not_dir");
  const IncludeDirSearch none = find_cuda_include_dir({{"$CUDA_HOME (not set)", {}},
                                                       {"$CUDA_PATH", t.path() / "missing/include"},
                                                       {"the build's toolkit", t.path() / "empty/include"},
                                                       {"beside libnvrtc", t.path() / "file_not_dir"}});
  EXPECT_TRUE(none.dir.empty());
  const std::string& e = none.error;
  EXPECT_NE(e.find("no CUDA toolkit include directory (one holding cuda_runtime.h)"), std::string::npos) << e;
  EXPECT_NE(e.find("set CUDA_HOME"), std::string::npos) << e;
  EXPECT_NE(e.find("\n  $CUDA_HOME (not set): names no directory"), std::string::npos) << e;
  EXPECT_NE(e.find("\n  $CUDA_PATH: " + (t.path() / "missing/include").string() + ": no such directory"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("\n  the build's toolkit: " + (t.path() / "empty/include").string() + ": no cuda_runtime.h in it"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("\n  beside libnvrtc: " + (t.path() / "file_not_dir").string() + ": no such directory"),
            std::string::npos)
      << e;
}

TEST(CudaToolkit, CandidatesAreTheEnvironmentTheBuildLibnvrtcThenTheDefault) {
  {
    ScopedEnv home("CUDA_HOME", "/opt/home-cuda"), path("CUDA_PATH", "/opt/path-cuda");
    const std::vector<IncludeCandidate> c = cuda_include_candidates("/build/cuda/include", "/opt/cuda/lib64");
    std::vector<fs::path> dirs;
    for (const IncludeCandidate& x : c) dirs.push_back(x.dir);
    const std::vector<fs::path> expected = {"/opt/home-cuda/include", "/opt/path-cuda/include",
                                            "/build/cuda/include",    "/opt/cuda/include",
                                            "/opt/include",           "/usr/local/cuda/include"};
    EXPECT_EQ(dirs, expected);
    EXPECT_EQ(c[0].origin, "$CUDA_HOME");
    EXPECT_EQ(c[1].origin, "$CUDA_PATH");
  }
  ScopedEnv home("CUDA_HOME", std::nullopt), path("CUDA_PATH", "");
  const std::vector<IncludeCandidate> c = cuda_include_candidates("/build/cuda/include", "");
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0].origin, "$CUDA_HOME (not set)");
  EXPECT_TRUE(c[0].dir.empty());
  EXPECT_EQ(c[1].origin, "$CUDA_PATH (not set)");
  EXPECT_EQ(c[3].origin, "beside libnvrtc (its location is unknown)");
  EXPECT_TRUE(c[3].dir.empty());
}

TEST(CudaToolkit, LibnvrtcThroughALinkFindsTheIncludeBesideItsRealDirectory) {
  // The standard layout: lib64 -> targets/x86_64-linux/lib, headers in targets/x86_64-linux/include.
  TempDir t;
  t.file("cuda/targets/x86_64-linux/include/cuda_runtime.h");
  t.file("cuda/targets/x86_64-linux/lib/libnvrtc.so.13");
  fs::create_directory_symlink("targets/x86_64-linux/lib", t.path() / "cuda/lib64");
  ScopedEnv home("CUDA_HOME", std::nullopt), path("CUDA_PATH", std::nullopt);
  const IncludeDirSearch found =
      find_cuda_include_dir(cuda_include_candidates(t.path() / "gone/include", t.path() / "cuda/lib64"));
  EXPECT_EQ(fs::canonical(found.dir), fs::canonical(t.path() / "cuda/targets/x86_64-linux/include")) << found.error;
}

TEST(CudaToolkit, TheLoadedLibnvrtcIsFoundAndItsToolkitHasHeaders) {
  const fs::path dir = loaded_nvrtc_directory();
  ASSERT_FALSE(dir.empty());
  bool has_nvrtc = false;
  for (const auto& entry : fs::directory_iterator(dir))
    has_nvrtc = has_nvrtc || entry.path().filename().string().rfind("libnvrtc.so", 0) == 0;
  EXPECT_TRUE(has_nvrtc) << dir;
  ScopedEnv home("CUDA_HOME", std::nullopt), path("CUDA_PATH", std::nullopt);
  // Without the build's path either: the toolkit is found from libnvrtc alone.
  const IncludeDirSearch found = find_cuda_include_dir(cuda_include_candidates("", dir));
  EXPECT_FALSE(found.dir.empty()) << found.error;
}

// A source that includes a header it does not carry: only the toolkit's directory has it.
NvrtcSource toolkit_header_source() {
  return {"slfit_toolkit_probe.cu",
          "#include <slfit_toolkit_marker.h>\n"
          "extern \"C\" __global__ void probe(int* out) { *out = slfit_toolkit_marker(); }\n",
          {}};
}

// A fake toolkit: cuda_runtime.h (what marks the directory) and the probe's header.
fs::path fake_toolkit(const TempDir& t, const std::string& name, int marker) {
  t.file(name + "/include/cuda_runtime.h", "#pragma once\n");
  t.file(name + "/include/slfit_toolkit_marker.h",
         "#pragma once\n__device__ int slfit_toolkit_marker() { return " + std::to_string(marker) + "; }\n");
  return t.path() / name;
}

TEST(CudaToolkit, CudaHomeSuppliesTheHeadersASourceDoesNotCarry) {
  TempDir t;
  ScopedEnv home("CUDA_HOME", fake_toolkit(t, "toolkit", 7).string());
  Cubin cubin;
  ASSERT_NO_THROW(cubin = NvrtcCompiler(fs::path()).compile(toolkit_header_source(), "sm_90"));
  EXPECT_GT(cubin.image.size(), 0u);
}

TEST(CudaToolkit, CacheKeyDoesNotDependOnWhereTheToolkitIs) {
  // A cache filled with the toolkit in one place serves the same NVRTC with it in another.
  TempDir t;
  const fs::path cache = t.path() / "cache";
  const NvrtcSource source = toolkit_header_source();
  Cubin first;
  std::string key_here;
  {
    ScopedEnv home("CUDA_HOME", fake_toolkit(t, "here", 1).string());
    key_here = nvrtc_cache_key(source, "sm_90");
    first = NvrtcCompiler(cache).compile(source, "sm_90");
    EXPECT_FALSE(first.from_cache);
  }
  ScopedEnv home("CUDA_HOME", fake_toolkit(t, "there", 1).string());
  EXPECT_EQ(nvrtc_cache_key(source, "sm_90"), key_here);
  const Cubin second = NvrtcCompiler(cache).compile(source, "sm_90");
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(second.image, first.image);
  // A pre-warmed entry is read even where no toolkit has the header at all.
  ScopedEnv nowhere("CUDA_HOME", (t.path() / "nowhere").string());
  EXPECT_TRUE(NvrtcCompiler(cache).compile(source, "sm_90").from_cache);
}

}  // namespace
}  // namespace slfit
