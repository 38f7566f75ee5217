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

// An option outside its domain, named by its place in FitOptions (slfit/options.hpp), which is
// also its key in a manifest entry: "de.popsize", "refine.gtol". what() is the field and the
// requirement ("de.popsize must be at least 1"); a front end that spells options differently
// (the CLI's --popsize) says it in its own words from field() and requirement().
class OptionError : public InputError {
 public:
  OptionError(std::string field, std::string requirement)
      : InputError(field + " " + requirement), field_(std::move(field)), requirement_(std::move(requirement)) {}
  const std::string& field() const { return field_; }
  const std::string& requirement() const { return requirement_; }

 private:
  std::string field_, requirement_;
};

}  // namespace slfit
