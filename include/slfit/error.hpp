#pragma once
// slfit reports bad input by throwing InputError; the CLI turns it into a message on stderr
// and exit code 2. The message already names the file and place (line, column, character).

#include <stdexcept>
#include <string>

namespace slfit {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace slfit
