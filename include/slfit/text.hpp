#pragma once
// Splitting option text into fields ("a=1,b=2" at ',', "LO:HI:N" at ':'): every field kept, empty
// ones included, so that a caller can report exactly which one is malformed.

#include <string>
#include <vector>

namespace slfit {

inline std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace slfit
