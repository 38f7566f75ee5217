// libFuzzer harness for the law-file reader and its formula parser (read_law in fuzz_targets.hpp).

#include <cstddef>
#include <cstdint>

#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  slfit::fuzz::read_law({reinterpret_cast<const char*>(data), size});
  return 0;
}
