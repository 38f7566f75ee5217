#pragma once
// Data sets: the numeric columns of one CSV file, split into the groups that are fitted
// independently.

#include <cstddef>
#include <string>
#include <vector>

namespace slfit {

// The rows of one group, column-major: inputs[k][i] is input k of row i.
struct GroupData {
  std::string name;                          // the group label; "all" when there is no group column
  std::vector<std::vector<double>> inputs;   // one column per law variable, in the law's order
  std::vector<double> target;
  std::vector<std::size_t> lines;            // 1-based source line of each row, for messages
  std::vector<std::size_t> dropped_lines;    // rows left out for a missing value (MissingValues::Drop)

  std::size_t size() const { return target.size(); }
};

// Which CSV columns feed a law: one column per law variable, the target, and an optional group.
struct ColumnSelection {
  std::vector<std::string> inputs;  // column names, in the law's variable order
  std::string target;
  std::string group;                // empty: the whole file is one group named "all"
};

struct Dataset {
  std::string source;               // the file the rows came from
  ColumnSelection columns;
  std::vector<GroupData> groups;    // in order of first appearance in the file
  char delimiter = ',';             // the one its file was read with (given or detected)
};

}  // namespace slfit
