// Replays the fuzzers' seed corpora and every input a fuzzer once crashed on (fuzz/regressions/,
// kept after the fix) through the fuzzers' own entry points. Under the sanitizer build this is
// the fuzzers' check on each input; here it keeps fixed crashes fixed.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "fuzz_targets.hpp"

namespace slfit {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

TEST(FuzzRegressions, EveryCorpusAndRegressionInputIsHandled) {
  const fs::path root = fs::path(SLFIT_SOURCE_DIR) / "fuzz";
  for (const fuzz::Target& target : fuzz::targets()) {
    const std::vector<fs::path> corpus = files_in(root / "corpus" / target.name);
    EXPECT_FALSE(corpus.empty()) << "no seed corpus for fuzz target " << target.name;
    std::vector<fs::path> inputs = corpus;
    for (const fs::path& file : files_in(root / "regressions" / target.name)) inputs.push_back(file);
    for (const fs::path& input : inputs) {
      SCOPED_TRACE(input.string());
      EXPECT_NO_THROW(target.run(test::read_text(input)));
    }
  }
}

}  // namespace
}  // namespace slfit
