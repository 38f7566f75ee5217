#pragma once
// What every command that fits one law to one data file reads (fit, bootstrap, surface): the
// options --data, --law, --group, --map and --target, and the law and data set they make.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "slfit/csv.hpp"
#include "slfit/dataset.hpp"
#include "slfit/law.hpp"

namespace slfit::cli {

struct DataArgs {
  std::string data, law, group, target, weights, sigma;
  std::vector<std::string> maps;  // VAR=COL
  std::string delimiter = "auto";
  std::string missing = "error";
  std::vector<std::string> fixes;  // NAME=VALUE, from add_fix_option
};

// Adds the nine options (with --weights, --sigma, --delimiter and --missing) to `options`; `data_help` and
// `group_help` say what this command does with the file and its groups.
void add_data_options(boost::program_options::options_description& options, DataArgs& a, const char* data_help,
                      const char* group_help);

// --delimiter and --missing alone, for a command that reads data without fitting (predict).
void add_csv_format_options(boost::program_options::options_description& options, DataArgs& a);

// --fix NAME=VALUE (repeatable) for the commands that fit (fit, bootstrap): the parameter is
// held at VALUE while the others are fitted.
void add_fix_option(boost::program_options::options_description& options, DataArgs& a);

// A --fix NAME=VALUE item read: the parameter's index in the law, its value, and the item as
// written ("--fix NAME=VALUE", for messages).
struct FixedParameter {
  std::size_t param = 0;
  double value = 0.0;
  std::string option;
};

// The --fix items against `law`: each NAME a parameter (parameter_index), each VALUE a finite
// number, no parameter twice; InputError naming the item otherwise. fit and bootstrap hold them
// in the law (load_mapped_law); surface holds them off its grid.
std::vector<FixedParameter> parse_fixed_parameters(const std::vector<std::string>& items, const Law& law);

// The law named by --law, its inputs read from the columns --map names, its target from
// --target, and the parameters --fix names held at their values.
std::shared_ptr<const Law> load_mapped_law(const DataArgs& a);

// --data with the law's columns, split by --group; every group needs at least `min_rows` rows.
// Rows left out for a missing value are said on stderr, per group.
std::shared_ptr<const Dataset> read_data(const DataArgs& a, const Law& law, std::size_t min_rows);

// Lists on stderr, per group, the rows read_dataset dropped for a missing value (--missing drop).
void say_dropped_rows(const Dataset& data);

// --delimiter and --missing as read_dataset takes them.
CsvOptions csv_options(const DataArgs& a);

}  // namespace slfit::cli
