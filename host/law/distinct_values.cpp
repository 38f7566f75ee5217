#include "law/distinct_values.hpp"

#include <bit>
#include <limits>
#include <stdexcept>

namespace slfit {

DistinctValues distinct_values(std::span<const double> column) {
  if (column.size() > std::numeric_limits<std::uint32_t>::max() / 2)
    throw std::length_error("slfit: a data column of more than 2^31 rows");
  DistinctValues distinct;
  distinct.index.reserve(column.size());
  int log2_size = 4;
  while ((std::size_t{1} << log2_size) < 2 * column.size()) ++log2_size;
  const std::size_t mask = (std::size_t{1} << log2_size) - 1;
  std::vector<std::uint32_t> slots(mask + 1, 0);  // an entry + 1; 0: empty
  for (const double x : column) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    // Fibonacci hashing: the product's top bits mix every bit of the value's.
    std::size_t slot = static_cast<std::size_t>((bits * 0x9E3779B97F4A7C15ull) >> (64 - log2_size));
    while (slots[slot] != 0 && std::bit_cast<std::uint64_t>(distinct.values[slots[slot] - 1]) != bits)
      slot = (slot + 1) & mask;
    if (slots[slot] == 0) {
      distinct.values.push_back(x);
      slots[slot] = static_cast<std::uint32_t>(distinct.values.size());
    }
    distinct.index.push_back(slots[slot] - 1);
  }
  return distinct;
}

}  // namespace slfit
