#pragma once
// The lexical rules of the law language, shared by the parser (host/law/parser.cpp), the
// printer (host/law/expr.cpp) and the law-file reader, so that what one writes the others read.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/expr.hpp"

namespace slfit::detail {

// Deeper nesting (parentheses, unary signs, exponents) is rejected rather than risking the
// recursive-descent parser's stack on pathological input.
inline constexpr int kMaxNesting = 200;

// [A-Za-z_][A-Za-z0-9_]*
bool is_identifier(std::string_view text);

// The operator a function name denotes ("pow" denotes Op::Pow), if it is one.
std::optional<Op> function_op(std::string_view name);

// The names a formula uses, in order of first appearance, function calls left out: its inputs
// and parameters. Lexical errors are InputErrors prefixed by `context`.
std::vector<std::string> formula_names(std::string_view text, const std::string& context);

// Every function name, in a stable order, for messages.
const std::vector<std::string>& function_names();

}  // namespace slfit::detail
