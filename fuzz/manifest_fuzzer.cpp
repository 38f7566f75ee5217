// libFuzzer harness for the rescore manifest reader (read_manifest in fuzz_targets.hpp).

#include <cstddef>
#include <cstdint>

#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  slfit::fuzz::read_manifest({reinterpret_cast<const char*>(data), size});
  return 0;
}
