#pragma once
// Text every part writes and reads the same way: option text split into fields, names joined
// for messages, and numbers in their shortest exact form.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slfit {

// Splitting option text into fields ("a=1,b=2" at ',', "LO:HI:N" at ':'): every field kept,
// empty ones included, so that a caller can report exactly which one is malformed.
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

// The items with `separator` between them: join({"a", "b"}, ", ") is "a, b".
inline std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

// The shortest decimal text that reads back as exactly `value` ("0.1", "1e-10", "inf", "nan"):
// how slfit writes numbers into CSV files and messages.
inline std::string shortest_number(double value) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc() ? std::string(text, end) : std::to_string(value);
}

// A number in a message: shortest_number, except that every NaN reads "nan" (its sign is an
// accident of the arithmetic that produced it).
inline std::string number_text(double value) { return std::isnan(value) ? "nan" : shortest_number(value); }

// The candidate `name` was most likely meant to be, for "did you mean" in messages: one that
// differs only in letter case, else the nearest by edit distance (insertions, deletions,
// substitutions) within a third of the name's length; nothing for names under three characters,
// where any other short name would be as near.
inline std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  const auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  for (const std::string& c : candidates)
    if (c != name && lower(c) == lower(name)) return c;
  if (name.size() < 3) return std::nullopt;
  const std::size_t limit = name.size() / 3;
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    std::vector<std::size_t> row(c.size() + 1);  // Wagner-Fischer, one row at a time
    for (std::size_t j = 0; j <= c.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= name.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        const std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (name[i - 1] == c[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    if (row[c.size()] < best_distance) {
      best_distance = row[c.size()];
      best = c;
    }
  }
  return best;
}

// " (did you mean 'x'?)" when nearest_name finds one, else "".
inline std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::optional<std::string> nearest = nearest_name(name, candidates);
  return nearest ? " (did you mean '" + *nearest + "'?)" : "";
}

// A finite number written as the whole of `text` ("0.5", "+2", "1e-3"), as options give them;
// nothing for anything else (empty, trailing characters, inf, nan, out of range).
inline std::optional<double> parse_finite_number(std::string_view text) {
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

}  // namespace slfit
