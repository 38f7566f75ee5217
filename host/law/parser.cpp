// The formula language: a lexer and a recursive-descent parser producing the shared AST.
//
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/') unary)*
//   unary   := ('-' | '+') unary | power
//   power   := primary (('^' | '**') unary)?  right-associative; binds tighter than unary minus
//                                            ('**' is Python's spelling of '^')
//   primary := number | name | name '(' [sum (',' sum)*] ')' | '(' sum ')'
//
// Nodes are appended as they are completed, so operands always precede their operator and the
// root comes last. Nothing is folded: the AST says exactly what the text says.

#include "law/parser.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <utility>

#include "slfit/error.hpp"
#include "slfit/law_io.hpp"
#include "slfit/text.hpp"

namespace slfit {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_identifier_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_identifier_char(char c) { return is_identifier_start(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_printable(char c) { return c >= 0x20 && c < 0x7f; }

struct FunctionEntry {
  std::string name;
  Op op;
};

const std::vector<FunctionEntry>& function_table() {
  static const std::vector<FunctionEntry> table = [] {
    std::vector<FunctionEntry> entries;
#define SLFIT_ENTRY(op, name, value, adjoint, cuda, array) entries.push_back({name, Op::op});
    SLFIT_LAW_FUNCTIONS(SLFIT_ENTRY)
#undef SLFIT_ENTRY
    // pow(a, b) is another spelling of a^b, so Op::Pow has no function name of its own.
    entries.push_back({"pow", Op::Pow});
    for (Op op : {Op::Min, Op::Max}) entries.push_back({function_name(op), op});
    return entries;
  }();
  return table;
}

// The text being parsed and the prefix of its messages.
struct Source {
  std::string_view text;
  const std::string& context;

  // "<context>: <what> at character <n> <note>", then the text with a caret under character n.
  [[noreturn]] void error(const std::string& what, int position, const std::string& note = "") const {
    std::string shown(text);
    // Control characters (a formula split across lines) would misplace the caret.
    std::replace_if(shown.begin(), shown.end(), [](char c) { return c >= 0 && c < 0x20; }, ' ');
    std::string message = context.empty() ? "" : context + ": ";
    message += what + " at character " + std::to_string(position + 1);
    if (!note.empty()) message += " " + note;
    message += "\n" + shown + "\n" + std::string(static_cast<std::size_t>(position), ' ') + "^";
    throw InputError(message);
  }
};

enum class TokenKind { Number, Name, Symbol, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;
  int position = 0;
  double value = 0.0;  // Number only
};

std::string in_quotes(std::string_view text) {
  std::string out(1, '\'');
  out.append(text).push_back('\'');
  return out;
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::Number: return "number " + in_quotes(token.text);
    case TokenKind::Name: return "name " + in_quotes(token.text);
    case TokenKind::Symbol: return in_quotes(token.text);
    case TokenKind::End: break;
  }
  return "the end of the expression";
}

class Lexer {
 public:
  explicit Lexer(const Source& source) : source_(source) {}

  Token next() {
    const std::string_view text = source_.text;
    while (pos_ < text.size() && is_space(text[pos_])) ++pos_;
    if (pos_ == text.size()) return {TokenKind::End, {}, position()};
    const char c = text[pos_];
    if (is_digit(c) || (c == '.' && pos_ + 1 < text.size() && is_digit(text[pos_ + 1]))) return number();
    if (is_identifier_start(c)) return name();
    if (c == '*' && pos_ + 1 < text.size() && text[pos_ + 1] == '*') return take(TokenKind::Symbol, pos_ + 2);
    if (std::string_view("+-*/^(),").find(c) != std::string_view::npos) return take(TokenKind::Symbol, pos_ + 1);
    source_.error(unexpected_character(c), position());
  }

 private:
  static std::string unexpected_character(char c) {
    if (is_printable(c)) return std::string("unexpected character '") + c + "'";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(c));
    return std::string("unexpected byte ") + hex;
  }

  // digits ['.' digits] | '.' digits, then an optional exponent: e[+-]digits
  Token number() {
    const std::string_view text = source_.text;
    std::size_t end = pos_;
    auto skip_digits = [&] { while (end < text.size() && is_digit(text[end])) ++end; };
    skip_digits();
    if (end < text.size() && text[end] == '.') {
      ++end;
      skip_digits();
    }
    if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
      ++end;
      if (end < text.size() && (text[end] == '+' || text[end] == '-')) ++end;
      const std::size_t digits = end;
      skip_digits();
      if (end == digits) {
        source_.error("malformed number " + in_quotes(text.substr(pos_, end - pos_)), position());
      }
    }
    Token token = take(TokenKind::Number, end);
    const auto [ptr, ec] = std::from_chars(token.text.data(), token.text.data() + token.text.size(), token.value);
    if (ec != std::errc() || ptr != token.text.data() + token.text.size()) {
      source_.error("number " + in_quotes(token.text) + " is out of range", token.position);
    }
    return token;
  }

  Token name() {
    std::size_t end = pos_ + 1;
    while (end < source_.text.size() && is_identifier_char(source_.text[end])) ++end;
    return take(TokenKind::Name, end);
  }

  Token take(TokenKind kind, std::size_t end) {
    Token token{kind, source_.text.substr(pos_, end - pos_), position()};
    pos_ = end;
    return token;
  }

  int position() const { return static_cast<int>(pos_); }

  const Source& source_;
  std::size_t pos_ = 0;
};

class Parser {
 public:
  Parser(const Source& source, const std::vector<std::string>& vars, const std::vector<std::string>& params)
      : source_(source), vars_(vars), params_(params), lexer_(source), current_(lexer_.next()) {}

  Expr parse() {
    if (current_.kind == TokenKind::End) source_.error("empty expression", current_.position);
    parse_sum();
    if (at(')')) source_.error("unmatched ')'", current_.position);
    if (current_.kind != TokenKind::End) {
      source_.error("expected an operator, found " + describe(current_), current_.position);
    }
    return std::move(expr_);
  }

 private:
  int parse_sum() {
    int lhs = parse_product();
    while (at('+') || at('-')) {
      const Token op = take();
      lhs = add_node(op.text == "+" ? Op::Add : Op::Sub, op.position, lhs, parse_product());
    }
    return lhs;
  }

  int parse_product() {
    int lhs = parse_unary();
    while (at('*') || at('/')) {
      const Token op = take();
      lhs = add_node(op.text == "*" ? Op::Mul : Op::Div, op.position, lhs, parse_unary());
    }
    return lhs;
  }

  // Every recursive path (parentheses, arguments, signs, exponents) passes through here, so
  // this is where nesting is counted.
  int parse_unary() {
    if (++depth_ > detail::kMaxNesting) {
      source_.error("expression nested too deeply (more than " + std::to_string(detail::kMaxNesting) +
                        " levels)",
                    current_.position);
    }
    int node;
    if (at('-')) {
      const Token sign = take();
      node = add_node(Op::Neg, sign.position, parse_unary());
    } else if (at('+')) {
      take();
      node = parse_unary();  // unary plus is the identity: no node
    } else {
      node = parse_power();
    }
    --depth_;
    return node;
  }

  int parse_power() {
    const int base = parse_primary();
    if (!at('^') && !(current_.kind == TokenKind::Symbol && current_.text == "**")) return base;
    const Token op = take();
    return add_node(Op::Pow, op.position, base, parse_unary());
  }

  int parse_primary() {
    const Token token = current_;
    switch (token.kind) {
      case TokenKind::Number:
        take();
        return add_node(Node{Op::Const, token.value, -1, -1, -1, token.position});
      case TokenKind::Name:
        take();
        return at('(') ? parse_call(token) : parse_name(token);
      case TokenKind::Symbol:
        if (at('(')) {
          take();
          const int inner = parse_sum();
          close(token, "an operator or ')'");
          return inner;
        }
        break;
      case TokenKind::End:
        break;
    }
    source_.error("expected a number, a name or '(', found " + describe(token), token.position);
  }

  int parse_call(const Token& name) {
    const auto op = detail::function_op(name.text);
    if (!op) {
      const std::optional<std::string> nearest = nearest_name(name.text, detail::function_names());
      source_.error("unknown function " + in_quotes(name.text), name.position,
                    "(" + (nearest ? "did you mean " + in_quotes(*nearest) + "? " : std::string()) +
                        "functions: " + join(detail::function_names(), ", ") + ")");
    }
    const Token open = take();
    std::vector<int> args;
    if (!at(')')) {
      args.push_back(parse_sum());
      while (at(',')) {
        take();
        args.push_back(parse_sum());
      }
    }
    close(open, "an operator, ',' or ')'");
    const int expected = arity(*op);
    if (static_cast<int>(args.size()) != expected) {
      source_.error("function " + in_quotes(name.text) + " takes " + std::to_string(expected) +
                        (expected == 1 ? " argument" : " arguments") + ", not " + std::to_string(args.size()),
                    name.position);
    }
    return add_node(*op, name.position, args[0], expected == 2 ? args[1] : -1);
  }

  int parse_name(const Token& name) {
    const std::string text(name.text);
    if (const int i = index_of(vars_, text); i >= 0) return add_node(Node{Op::Var, 0.0, i, -1, -1, name.position});
    if (const int i = index_of(params_, text); i >= 0) {
      return add_node(Node{Op::Param, 0.0, i, -1, -1, name.position});
    }
    if (detail::function_op(text)) {
      source_.error("function " + in_quotes(text) + " needs its arguments in parentheses", name.position);
    }
    // Formulas have parameters; bound expressions have none, and their names are less obvious.
    std::vector<std::string> names = vars_;
    names.insert(names.end(), params_.begin(), params_.end());
    const std::optional<std::string> nearest = nearest_name(text, names);
    const std::string guess = nearest ? "; did you mean " + in_quotes(*nearest) + "?" : "";
    const std::string note = !params_.empty() ? "(not an input or a parameter" + guess + ")"
                             : vars_.empty()  ? "(no names are defined here)"
                                              : "(names available: " + join(vars_, ", ") + guess + ")";
    source_.error("unknown identifier " + in_quotes(text), name.position, note);
  }

  // Consumes the ')' matching `open`.
  void close(const Token& open, const std::string& expected) {
    if (at(')')) {
      take();
      return;
    }
    if (current_.kind == TokenKind::End) source_.error("'(' is never closed", open.position);
    source_.error("expected " + expected + ", found " + describe(current_), current_.position);
  }

  static int index_of(const std::vector<std::string>& names, const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
  }

  bool at(char symbol) const {
    return current_.kind == TokenKind::Symbol && current_.text == std::string_view(&symbol, 1);
  }

  Token take() { return std::exchange(current_, lexer_.next()); }

  int add_node(Op op, int position, int lhs, int rhs = -1) {
    return add_node(Node{op, 0.0, -1, lhs, rhs, position});
  }

  int add_node(const Node& node) {
    expr_.nodes.push_back(node);
    return static_cast<int>(expr_.nodes.size()) - 1;
  }

  const Source& source_;
  const std::vector<std::string>& vars_;
  const std::vector<std::string>& params_;
  Lexer lexer_;
  Token current_;
  int depth_ = 0;
  Expr expr_;
};

}  // namespace

namespace detail {

bool is_identifier(std::string_view text) {
  return !text.empty() && is_identifier_start(text[0]) &&
         std::all_of(text.begin() + 1, text.end(), is_identifier_char);
}

std::optional<Op> function_op(std::string_view name) {
  for (const auto& entry : function_table()) {
    if (entry.name == name) return entry.op;
  }
  return std::nullopt;
}

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : function_table()) out.push_back(entry.name);
    return out;
  }();
  return names;
}

std::vector<std::string> formula_names(std::string_view text, const std::string& context) {
  const Source source{text, context};
  Lexer lexer(source);
  std::vector<std::string> names;
  Token token = lexer.next();
  while (token.kind != TokenKind::End) {
    const Token after = lexer.next();
    const bool call = after.kind == TokenKind::Symbol && after.text == "(" && function_op(token.text);
    if (token.kind == TokenKind::Name && !call && std::find(names.begin(), names.end(), token.text) == names.end())
      names.emplace_back(token.text);
    token = after;
  }
  return names;
}

}  // namespace detail

Expr parse_expression(std::string_view text, const std::vector<std::string>& vars,
                      const std::vector<std::string>& params, const std::string& context) {
  const Source source{text, context};
  return Parser(source, vars, params).parse();
}

}  // namespace slfit
