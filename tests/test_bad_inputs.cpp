// The catalogue of bad inputs (tests/bad_inputs/catalogue.json, described in its README.md): each
// entry is run through the slfit binary and must end with its exit code (2 for every error) and
// its message, never with a signal, and must leave no output or temporary file behind. The few
// accepted inputs (a BOM and CRLF) must succeed and write the expected output.

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace slfit {
namespace {

namespace fs = std::filesystem;

const fs::path kCatalogueDir = fs::path(SLFIT_SOURCE_DIR) / "tests" / "bad_inputs";

struct Entry {
  std::string name;
  std::string command;               // as catalogued: OUT stands for the output file
  int exit_code = 0;
  std::vector<std::string> stderr_has;
  std::vector<std::string> output_has;  // in the output file; an error without any leaves no file
};

std::vector<Entry> catalogue() {
  const nlohmann::json index = nlohmann::json::parse(test::read_text(kCatalogueDir / "catalogue.json"));
  std::vector<Entry> entries;
  for (const auto& item : index.at("entries")) {
    entries.push_back({item.at("name"), item.at("command"), item.at("exit"),
                       item.at("stderr").get<std::vector<std::string>>(),
                       item.value("output", std::vector<std::string>{})});
  }
  return entries;
}

std::string with_output(std::string command, const fs::path& out) {
  const std::size_t at = command.find(" OUT");
  if (at != std::string::npos) command.replace(at + 1, 3, "'" + out.string() + "'");
  return command;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  return names;
}

TEST(BadInputs, EveryCatalogueEntryEndsAsCatalogued) {
  const std::vector<Entry> entries = catalogue();
  ASSERT_FALSE(entries.empty());
  for (const Entry& entry : entries) {
    SCOPED_TRACE(entry.name + ": slfit " + entry.command);
    test::ScratchDir dir("bad_input_" + entry.name);
    const fs::path out = dir.path() / "out.json";
    const test::CommandResult r = test::run_slfit(with_output(entry.command, out));
    EXPECT_EQ(r.exit_code, entry.exit_code) << "(-1: killed by a signal)\n" << r.err;
    for (const std::string& text : entry.stderr_has) EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
    if (entry.exit_code == 0 || !entry.output_has.empty()) {
      // Successes, and rescore --strict, which fails after writing its complete table.
      EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"out.json"});
      const std::string output = test::read_text(out);
      for (const std::string& text : entry.output_has) EXPECT_NE(output.find(text), std::string::npos) << output;
    } else {
      EXPECT_TRUE(names_in(dir.path()).empty()) << "an output or temporary file was left behind";
    }
  }
}

// Every input file in the directory is used by some entry, so the catalogue and its files agree.
TEST(BadInputs, EveryFileIsCatalogued) {
  std::set<std::string> used;
  for (const Entry& entry : catalogue()) {
    for (const std::string& name : names_in(kCatalogueDir)) {
      if (entry.command.find("tests/bad_inputs/" + name) != std::string::npos) used.insert(name);
    }
  }
  for (const std::string& name : names_in(kCatalogueDir)) {
    if (name == "README.md" || name == "catalogue.json") continue;
    EXPECT_TRUE(used.count(name)) << name << " is not used by any catalogue entry";
  }
}

}  // namespace
}  // namespace slfit
