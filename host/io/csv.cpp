#include "slfit/csv.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "slfit/error.hpp"
#include "slfit/input_file.hpp"
#include "slfit/text.hpp"

namespace slfit {
namespace {

std::string at_line(const std::string& path, std::size_t line) {
  return path + ":" + std::to_string(line) + ": ";
}

std::string_view without_bom(std::string_view text) {
  constexpr std::string_view bom = "\xEF\xBB\xBF";
  if (text.starts_with(bom)) text.remove_prefix(bom.size());
  return text;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Splits CSV text into records in one pass, tracking physical line numbers (a quoted field may
// span lines) so that messages point at the line an editor shows.
class CsvReader {
 public:
  CsvReader(std::string_view text, const std::string& path, char delimiter)
      : text_(text), path_(path), delimiter_(delimiter), ends_(std::string{delimiter, '\n'}) {}

  // Reads the next record that is not a blank line into `fields`; false at the end of the text.
  bool next(std::vector<std::string>& fields) {
    skip_blank_lines();
    if (pos_ == text_.size()) return false;
    record_line_ = line_;
    fields.clear();
    while (true) {
      fields.push_back(read_field(fields.size() + 1));
      if (pos_ == text_.size()) return true;
      if (text_[pos_++] == '\n') {
        ++line_;
        return true;
      }
    }
  }

  // The 1-based line on which the record last read starts.
  std::size_t line() const { return record_line_; }

 private:
  void skip_blank_lines() {
    while (pos_ < text_.size()) {
      std::size_t end = pos_;
      while (end < text_.size() && (padding(text_[end]) || text_[end] == '\r')) ++end;
      if (end == text_.size()) {
        pos_ = end;
        return;
      }
      if (text_[end] != '\n') return;
      pos_ = end + 1;
      ++line_;
    }
  }

  // Spaces, and tabs unless they delimit, around a field.
  bool padding(char c) const { return is_space(c) && c != delimiter_; }

  // Reads one field and leaves pos_ on the delimiter or '\n' after it, or at the end of the text.
  std::string read_field(std::size_t field_number) {
    std::size_t start = pos_;
    while (start < text_.size() && padding(text_[start])) ++start;
    if (start < text_.size() && text_[start] == '"') {
      pos_ = start;
      return read_quoted(field_number);
    }
    return read_unquoted();
  }

  std::string read_unquoted() {
    const std::size_t start = pos_;
    pos_ = std::min(text_.find_first_of(ends_, pos_), text_.size());
    std::string_view field = text_.substr(start, pos_ - start);
    if (field.ends_with('\r') && (pos_ == text_.size() || text_[pos_] == '\n')) {
      field.remove_suffix(1);
    }
    return std::string(trim(field));
  }

  std::string read_quoted(std::size_t field_number) {
    const std::size_t opening_line = line_;
    std::string field;
    ++pos_;  // the opening quote
    while (true) {
      const std::size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        throw InputError(at_line(path_, opening_line) + "field " + std::to_string(field_number) +
                         ": quoted field is never closed");
      }
      const std::string_view chunk = text_.substr(pos_, quote - pos_);
      line_ += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
      field.append(chunk);
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {  // "" stands for one quote
        field.push_back('"');
        ++pos_;
      } else {
        break;
      }
    }
    expect_field_end(field_number);
    return field;
  }

  // After a closing quote only spaces may come before the next separator.
  void expect_field_end(std::size_t field_number) {
    while (pos_ < text_.size() && padding(text_[pos_])) ++pos_;
    const bool crlf = pos_ + 1 < text_.size() && text_[pos_] == '\r' && text_[pos_ + 1] == '\n';
    const bool final_cr = pos_ + 1 == text_.size() && text_[pos_] == '\r';
    if (crlf || final_cr) ++pos_;
    if (pos_ == text_.size() || text_[pos_] == delimiter_ || text_[pos_] == '\n') return;
    throw InputError(at_line(path_, line_) + "field " + std::to_string(field_number) +
                     ": unexpected character '" + text_[pos_] + "' after a closing quote");
  }

  std::string_view text_;
  const std::string& path_;
  char delimiter_;
  std::string ends_;  // what ends an unquoted field: the delimiter and '\n'
  std::size_t pos_ = 0;
  std::size_t line_ = 1;  // the line pos_ is on
  std::size_t record_line_ = 0;
};

// The position of each selected column in the header.
struct ColumnLayout {
  std::vector<std::size_t> inputs;
  std::vector<std::size_t> targets;  // one per output
  std::optional<std::size_t> group;
  std::optional<std::size_t> scale;
  ScaleKind scale_kind = ScaleKind::Weight;
};

std::string describe_column(const std::vector<std::string>& header, std::size_t index) {
  return "column '" + header[index] + "' (" + std::to_string(index + 1) + ")";
}

// The offset of the first byte of `text` that is not valid UTF-8 (an overlong form, a surrogate,
// a code point past U+10FFFF, a truncated sequence), or npos when all of it is.
std::size_t invalid_utf8_at(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) length = 1;
    else if (c >= 0xC2 && c <= 0xDF) length = 2;
    else if (c == 0xE0) length = 3, low = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) length = 3;
    else if (c == 0xED) length = 3, high = 0x9F;
    else if (c >= 0xEE && c <= 0xEF) length = 3;
    else if (c == 0xF0) length = 4, low = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) length = 4;
    else if (c == 0xF4) length = 4, high = 0x8F;
    else return i;
    if (i + length > text.size()) return i;
    if (length > 1 && (byte(i + 1) < low || byte(i + 1) > high)) return i;
    for (std::size_t k = 2; k < length; ++k)
      if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
    i += length;
  }
  return std::string_view::npos;
}

// Names and labels reach JSON output, which must be UTF-8: a byte that is not is bad input here,
// where its place is known, not a failure after all the fitting.
void require_utf8(std::string_view text, const std::string& where, const std::string& what) {
  const std::size_t at = invalid_utf8_at(text);
  if (at == std::string_view::npos) return;
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[at]));
  throw InputError(where + what + " is not valid UTF-8 (byte " + byte + " at character " + std::to_string(at + 1) +
                   "); save the file as UTF-8 (a spreadsheet's Latin-1 or Windows-1252 export is not)");
}

void check_unique_names(const std::vector<std::string>& header, const std::string& path,
                        std::size_t line) {
  std::unordered_map<std::string_view, std::size_t> first_index;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto [it, inserted] = first_index.emplace(header[i], i);
    if (!inserted) {
      throw InputError(at_line(path, line) + "column name '" + header[i] +
                       "' appears twice (columns " + std::to_string(it->second + 1) + " and " +
                       std::to_string(i + 1) + ")");
    }
  }
}

std::size_t find_column(const std::vector<std::string>& header, const std::string& name,
                        const std::string& path, std::size_t line) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  throw InputError(at_line(path, line) + "no column named '" + name + "'" + did_you_mean(name, header) +
                   " (columns: " + join(header, ", ") + ")");
}

ColumnLayout locate_columns(const std::vector<std::string>& header, const ColumnSelection& columns,
                            const std::string& path, std::size_t line) {
  ColumnLayout layout;
  for (const std::string& name : columns.inputs) {
    layout.inputs.push_back(find_column(header, name, path, line));
  }
  for (const std::string& name : columns.outputs.empty() ? std::vector{columns.target} : columns.outputs)
    layout.targets.push_back(find_column(header, name, path, line));
  if (!columns.group.empty()) layout.group = find_column(header, columns.group, path, line);
  if (!columns.scale.empty()) layout.scale = find_column(header, columns.scale, path, line);
  layout.scale_kind = columns.scale_kind;
  return layout;
}

// from_chars reports overflow and underflow alike as out of range. The two lie hundreds of
// orders of magnitude apart, so the sign of the number's decimal order of magnitude tells them
// apart. `number` is text from_chars accepted in full.
bool underflows(std::string_view number) {
  const std::size_t e = number.find_first_of("eE");
  long long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view digits = number.substr(e + 1);
    if (digits.starts_with('+')) digits.remove_prefix(1);
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), exponent);
    if (ec == std::errc::result_out_of_range) return digits.starts_with('-');
  }
  const std::string_view mantissa = number.substr(0, e);
  const std::size_t first_digit = mantissa.find_first_of("123456789");
  if (first_digit == std::string_view::npos) return true;
  const std::size_t point = std::min(mantissa.find('.'), mantissa.size());
  const long long order = first_digit < point ? static_cast<long long>(point - first_digit - 1)
                                              : -static_cast<long long>(first_digit - point);
  return exponent + order < 0;
}

enum class NumberStatus { Ok, Empty, NotANumber, NotFinite };

// Locale-independent (from_chars), so "1.5" means the same under every LC_NUMERIC. Accepts
// surrounding spaces and a leading '+'; tiny values that underflow become zero, as in Python.
NumberStatus parse_number(std::string_view text, double& value) {
  text = trim(text);
  if (text.empty()) return NumberStatus::Empty;
  std::string_view number = text;
  if (number.starts_with('+') && !number.substr(1).starts_with('-')) number.remove_prefix(1);
  const char* end = number.data() + number.size();
  const auto [ptr, ec] = std::from_chars(number.data(), end, value);
  if (ptr != end || ec == std::errc::invalid_argument) return NumberStatus::NotANumber;
  if (ec == std::errc::result_out_of_range) {
    if (!underflows(number)) return NumberStatus::NotFinite;
    value = number.starts_with('-') ? -0.0 : 0.0;
  }
  return std::isfinite(value) ? NumberStatus::Ok : NumberStatus::NotFinite;
}

// Splits rows into groups as they are read, keeping groups in order of first appearance.
class GroupCollector {
 public:
  GroupCollector(const std::vector<std::string>& header, const ColumnLayout& layout, const std::string& path,
                 MissingValues missing)
      : header_(header), layout_(layout), path_(path), missing_(missing) {}

  void add_row(const std::vector<std::string>& fields, std::size_t line) {
    GroupData& group = group_for(fields, line);
    if (missing_ == MissingValues::Drop && any_missing(fields)) {
      group.dropped_lines.push_back(line);
      return;
    }
    for (std::size_t k = 0; k < layout_.inputs.size(); ++k) {
      group.inputs[k].push_back(number_at(fields, layout_.inputs[k], line));
    }
    std::vector<std::vector<double>>& targets = targets_[static_cast<std::size_t>(&group - groups_.data())];
    for (std::size_t k = 0; k < layout_.targets.size(); ++k)
      targets[k].push_back(number_at(fields, layout_.targets[k], line));
    if (layout_.scale) group.residual_scale.push_back(scale_at(fields, *layout_.scale, line));
    group.lines.push_back(line);
  }

  // The groups, each with its targets (stacked, for a multi-output law: stack_outputs).
  std::vector<GroupData> take_groups() {
    for (std::size_t g = 0; g < groups_.size(); ++g) stack_outputs(groups_[g], targets_[g]);
    return std::move(groups_);
  }

 private:
  GroupData& group_for(const std::vector<std::string>& fields, std::size_t line) {
    static const std::string whole_file = "all";
    const std::string& label = layout_.group ? fields[*layout_.group] : whole_file;
    if (label.empty()) {
      throw InputError(at_line(path_, line) + describe_column(header_, *layout_.group) +
                       ": empty group label");
    }
    auto it = index_.find(label);
    if (it == index_.end()) {
      if (layout_.group) require_utf8(label, at_line(path_, line) + describe_column(header_, *layout_.group) + ": ",
                                      "the group label");
      it = index_.emplace(label, groups_.size()).first;
      GroupData group;
      group.name = label;
      group.inputs.resize(layout_.inputs.size());
      groups_.push_back(std::move(group));
      targets_.emplace_back(layout_.targets.size());
    }
    return groups_[it->second];
  }

  // Whether a column the law reads holds a missing value (see MissingValues).
  bool any_missing(const std::vector<std::string>& fields) const {
    const auto missing = [&](std::size_t column) {
      std::string value(trim(fields[column]));
      for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return value.empty() || value == "na" || value == "n/a" || value == "nan" || value == "null" || value == "none";
    };
    return (layout_.scale && missing(*layout_.scale)) ||
           std::any_of(layout_.targets.begin(), layout_.targets.end(), missing) ||
           std::any_of(layout_.inputs.begin(), layout_.inputs.end(), missing);
  }

  double number_at(const std::vector<std::string>& fields, std::size_t column,
                   std::size_t line) const {
    double value = 0.0;
    const NumberStatus status = parse_number(fields[column], value);
    if (status != NumberStatus::Ok) throw_bad_number(status, fields[column], column, line);
    return value;
  }

  // A weight (at least 0) as it is, a sigma (above 0) as its inverse.
  double scale_at(const std::vector<std::string>& fields, std::size_t column, std::size_t line) const {
    const double value = number_at(fields, column, line);
    const bool sigma = layout_.scale_kind == ScaleKind::Sigma;
    if (sigma ? value > 0 : value >= 0) return sigma ? 1.0 / value : value;
    throw InputError(at_line(path_, line) + describe_column(header_, column) + ": " + shortest_number(value) +
                     (sigma ? " is not a positive sigma" : " is a negative weight"));
  }

  [[noreturn]] void throw_bad_number(NumberStatus status, const std::string& text,
                                     std::size_t column, std::size_t line) const {
    const std::string where = at_line(path_, line) + describe_column(header_, column) + ": ";
    const std::string value(trim(text));
    switch (status) {
      case NumberStatus::Empty:
        throw InputError(where + "missing value (empty field)");
      case NumberStatus::NotFinite:
        throw InputError(where + value + " is not a finite number");
      default:
        throw InputError(where + "'" + value + "' is not a number");
    }
  }

  const std::vector<std::string>& header_;
  const ColumnLayout& layout_;
  const std::string& path_;
  MissingValues missing_;
  std::vector<GroupData> groups_;
  std::vector<std::vector<std::vector<double>>> targets_;  // per group: one column per output
  std::unordered_map<std::string, std::size_t> index_;
};

// "line 5", "lines 2-4" or "lines 2-4, 9": rows of a group need not be adjacent.
std::string describe_lines(const std::vector<std::size_t>& lines) {
  std::string text = lines.size() == 1 ? "line " : "lines ";
  for (std::size_t i = 0; i < lines.size();) {
    std::size_t j = i;
    while (j + 1 < lines.size() && lines[j + 1] == lines[j] + 1) ++j;
    if (i > 0) text += ", ";
    text += std::to_string(lines[i]);
    if (j > i) {
      text += '-';
      text += std::to_string(lines[j]);
    }
    i = j + 1;
  }
  return text;
}

void check_group_sizes(const Dataset& dataset, std::size_t min_rows_per_group) {
  for (const GroupData& group : dataset.groups) {
    if (group.rows() >= min_rows_per_group) continue;
    const std::string who =
        dataset.columns.group.empty() ? "the file" : "group '" + group.name + "'";
    const std::string rows = std::to_string(group.rows()) + (group.rows() == 1 ? " row" : " rows");
    throw InputError(dataset.source + ": " + who + " has " + rows + " (" +
                     describe_lines({group.lines.begin(), group.lines.begin() + static_cast<long>(group.rows())}) +
                     "), fewer than the " +
                     std::to_string(min_rows_per_group) + " the law's parameters need");
  }
}

// A reader past the header, which it has checked: UTF-8 (a UTF-16 file is named as such), names
// unique. next_row() also checks each row's field count.
class CheckedCsv {
 public:
  CheckedCsv(std::string_view text, const std::string& path, char delimiter_option)
      : path_(path), delimiter_(delimiter_option != 0 ? delimiter_option : detect_delimiter(text)),
        reader_(checked_text(text, path), path, delimiter_) {
    if (!reader_.next(header_)) throw InputError(path + ": file is empty (no header row)");
    header_line_ = reader_.line();
    for (std::size_t i = 0; i < header_.size(); ++i)
      require_utf8(header_[i], at_line(path, header_line_), "the name of column " + std::to_string(i + 1));
    check_unique_names(header_, path, header_line_);
  }

  const std::vector<std::string>& header() const { return header_; }
  std::size_t header_line() const { return header_line_; }
  char delimiter() const { return delimiter_; }
  std::size_t line() const { return reader_.line(); }

  bool next_row(std::vector<std::string>& fields) {
    if (!reader_.next(fields)) return false;
    if (fields.size() != header_.size())
      throw InputError(at_line(path_, reader_.line()) + "row has " + std::to_string(fields.size()) +
                       " fields, the header has " + std::to_string(header_.size()));
    return true;
  }

 private:
  static std::string_view checked_text(std::string_view text, const std::string& path) {
    if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF"))
      throw InputError(path + ": the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8");
    if (text.substr(0, text.find('\n')).find('\0') != std::string_view::npos)
      throw InputError(path + ":1: the header holds NUL bytes: is the file UTF-16? save it as UTF-8");
    return without_bom(text);
  }

  const std::string& path_;
  char delimiter_;
  CsvReader reader_;
  std::vector<std::string> header_;
  std::size_t header_line_ = 0;
};

}  // namespace

Dataset read_dataset(const std::string& path, const ColumnSelection& columns, std::size_t min_rows_per_group,
                     const CsvOptions& options) {
  return parse_dataset(read_input_file(path), path, columns, min_rows_per_group, options);
}

char detect_delimiter(std::string_view text) {
  text = without_bom(text);
  const std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return ',';
  const std::string_view header = text.substr(start, text.find('\n', start) - start);
  for (const char candidate : {',', '\t', ';'})
    if (header.find(candidate) != std::string_view::npos) return candidate;
  return ',';
}

CsvTable parse_csv_table(std::string_view text, const std::string& path, char delimiter) {
  CheckedCsv csv(text, path, delimiter);
  CsvTable table{path, csv.header(), {}, {}, csv.delimiter()};
  std::vector<std::string> fields;
  while (csv.next_row(fields)) {
    for (std::size_t i = 0; i < fields.size(); ++i)
      require_utf8(fields[i], at_line(path, csv.line()), describe_column(table.header, i));
    table.rows.push_back(fields);
    table.lines.push_back(csv.line());
  }
  return table;
}

Dataset parse_dataset(std::string_view text, const std::string& path, const ColumnSelection& columns,
                      std::size_t min_rows_per_group, const CsvOptions& options) {
  CheckedCsv csv(text, path, options.delimiter);
  const std::vector<std::string>& header = csv.header();
  const char delimiter = csv.delimiter();
  const ColumnLayout layout = locate_columns(header, columns, path, csv.header_line());

  GroupCollector collector(header, layout, path, options.missing);
  std::vector<std::string> fields;
  while (csv.next_row(fields)) collector.add_row(fields, csv.line());

  Dataset dataset{path, columns, collector.take_groups(), delimiter};
  if (dataset.groups.empty()) throw InputError(path + ": no data rows after the header");
  check_group_sizes(dataset, min_rows_per_group);
  return dataset;
}

}  // namespace slfit
