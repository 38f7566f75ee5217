#include "cli/data_options.hpp"

#include "cli/parse_util.hpp"
#include "slfit/error.hpp"
#include "slfit/csv.hpp"
#include "slfit/law_io.hpp"

namespace po = boost::program_options;

namespace slfit::cli {

void add_data_options(po::options_description& options, DataArgs& a, const char* data_help,
                      const char* group_help) {
  options.add_options()
    ("data", po::value(&a.data)->required(), data_help)
    ("law", po::value(&a.law)->required(), "a built-in law (see 'slfit laws') or a JSON law file")
    ("group", po::value(&a.group), group_help)
    ("map", po::value(&a.maps)->composing(), "VAR=COL: read the law's input VAR from column COL (repeatable)")
    ("target", po::value(&a.target), "column holding the observed values (default: the law's target)")
    ("delimiter", po::value(&a.delimiter)->default_value(a.delimiter),
     "field separator of the CSV files: auto (the header's first of comma, tab, semicolon), comma, tab, "
     "semicolon, or any one character");
}

std::shared_ptr<const Law> load_mapped_law(const DataArgs& a) {
  Law law = load_law(a.law);
  override_columns(law, parse_assignments(a.maps, "--map"), a.target);
  return std::make_shared<const Law>(std::move(law));
}

std::shared_ptr<const Dataset> read_data(const DataArgs& a, const Law& law, std::size_t min_rows) {
  return std::make_shared<const Dataset>(
      read_dataset(a.data, ColumnSelection{law.columns, law.target, a.group}, min_rows, delimiter_of(a)));
}

char delimiter_of(const DataArgs& a) {
  const std::string& d = a.delimiter;
  if (d == "auto") return 0;
  if (d == "comma") return ',';
  if (d == "tab" || d == "\\t") return '\t';
  if (d == "semicolon") return ';';
  if (d.size() == 1 && d[0] != '"' && d[0] != '\n' && d[0] != '\r') return d[0];
  throw InputError("--delimiter: '" + d + "' is not auto, comma, tab, semicolon or one character other than a quote");
}

}  // namespace slfit::cli
