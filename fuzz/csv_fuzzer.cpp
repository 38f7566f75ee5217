// libFuzzer harness for the CSV reader (read_csv in fuzz_targets.hpp).

#include <cstddef>
#include <cstdint>

#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  slfit::fuzz::read_csv({reinterpret_cast<const char*>(data), size});
  return 0;
}
