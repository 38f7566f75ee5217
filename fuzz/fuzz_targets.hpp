#pragma once
// The entry points the libFuzzer harnesses (fuzz/*_fuzzer.cpp) and the regression test
// (tests/test_fuzz_regressions.cpp) feed inputs through, so that a crash found by fuzzing is
// replayed by exactly the code that found it.
//
// Each entry point hands one input to a reader. Bad input must end in slfit::InputError, which is
// expected and swallowed; anything else (another exception, a crash, a sanitizer report, a broken
// invariant) is a finding.

#include <string_view>
#include <vector>

namespace slfit::fuzz {

// A data CSV, read with the columns of the built-in ParScale laws, with and without groups.
void read_csv(std::string_view input);

// A JSON law file; a law that reads is then printed and re-parsed (the printed formula must
// parse to the same tree), its bounds resolved and its objective evaluated on a small group.
void read_law(std::string_view input);

// A rescore manifest (read from a temporary file, as read_manifest takes a path); for every
// well-formed entry, its built-in or inline law is loaded with its overrides and its fit options
// are validated. Law files named by entries are not read: opening arbitrary paths is not parsing.
void read_manifest(std::string_view input);

struct Target {
  const char* name;   // the directory name under fuzz/corpus/ and fuzz/regressions/
  void (*run)(std::string_view input);
};

// Every entry point, for the regression test.
const std::vector<Target>& targets();

}  // namespace slfit::fuzz
