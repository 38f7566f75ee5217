#pragma once
// Reading the data CSV into a Dataset: a header row, then one row per observation (RFC 4180
// quoting, LF or CRLF, an optional UTF-8 BOM, blank lines ignored). Only the selected columns
// are parsed. Every problem is an InputError starting "<path>:<line>:" (or "<path>:" where no
// single line is at fault).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/dataset.hpp"

namespace slfit {

// Reads `path` and splits its rows into groups by the `columns.group` column (one group "all"
// without one), keeping groups in order of first appearance. Throws InputError when the file
// cannot be read, is malformed, lacks a selected column, holds a value in a selected numeric
// column that is not a finite number, or has a group with fewer than `min_rows_per_group` rows.

// A missing value in a column a law reads: an empty field, or NA, N/A, NaN, null or None in
// any letter case.
enum class MissingValues {
  Error,  // an InputError naming the file, line and column
  Drop,   // the row is left out; its line goes to its group's dropped_lines (as lmfit's nan_policy='omit')
};

struct CsvOptions {
  // Fields are separated by `delimiter`; 0 detects it from the header line: a comma when it has
  // one, else a tab, else a semicolon (as spreadsheets export CSV where the comma is the decimal
  // mark), else a comma. Spaces around a field are ignored, and tabs too unless they delimit.
  char delimiter = 0;
  MissingValues missing = MissingValues::Error;
};

Dataset read_dataset(const std::string& path, const ColumnSelection& columns, std::size_t min_rows_per_group,
                     const CsvOptions& options = {});

// The same for CSV text already in memory; `path` names it in messages.
Dataset parse_dataset(std::string_view text, const std::string& path, const ColumnSelection& columns,
                      std::size_t min_rows_per_group, const CsvOptions& options = {});

// A CSV file's fields as text, in file order, for files that are not a law's data (a bootstrap's
// replicates, the header of a file some of whose columns are optional). The same checks as
// parse_dataset: UTF-8, unique column names, every row as long as the header.
struct CsvTable {
  std::string source;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;  // 1-based line of each row
  char delimiter = ',';
};
CsvTable parse_csv_table(std::string_view text, const std::string& path, char delimiter = 0);

// The delimiter parse_dataset detects from the text's header line.
char detect_delimiter(std::string_view text);

}  // namespace slfit
