#pragma once
// The three outputs of `slfit rescore` (README.md, "slfit rescore"): the scores table as CSV and
// as markdown, and the JSON with every entry's fitted parameters per group. Entries appear in
// the order given by `order` (the ranking); rank is the 1-based position in it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "slfit/rescore.hpp"

namespace slfit::cli {

// What the run was, for the markdown heading and the JSON header.
struct RescoreRun {
  std::string manifest;
  std::uint64_t seed = 0;
  int restarts = 1;
  Pipeline pipeline = Pipeline::De;
  Separable separable = Separable::Auto;
  Updating updating = Updating::Deferred;
  std::string backend;
  double seconds = 0.0;
};

// Header `rank,id,task,law,r2,nmse,nmae,train_objective,status,error,seconds`.
std::string scores_csv(const std::vector<EntryScore>& scores, const std::vector<std::size_t>& order);

// The same table without the timing column, so that it is identical between runs.
std::string scores_markdown(const std::vector<EntryScore>& scores, const std::vector<std::size_t>& order,
                            const RescoreRun& run);

std::string scores_json(const std::vector<EntryScore>& scores, const std::vector<std::size_t>& order,
                        const RescoreRun& run);


}  // namespace slfit::cli
