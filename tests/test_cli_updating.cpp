// `--updating deferred|immediate` end to end: the outputs record it, and immediate updating (one
// trial at a time, scipy's default) reaches the optima deferred updating reaches.

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace slfit::test {
namespace {

using json = nlohmann::json;

json fit_json(const std::string& args) {
  const CommandResult r = run_slfit("fit --backend cpu --quiet " + args);
  EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
  return json::parse(r.out);
}

TEST(CliUpdating, ImmediateUpdatingReachesTheOptimaAndTheOutputSaysSo) {
  for (const std::string separable : {"auto", "off"}) {
    const std::string args = "--data examples/parscale/train.csv --group group --law parallel_power --separable " + separable;
    const json deferred = fit_json(args);
    const json immediate = fit_json(args + " --updating immediate");
    EXPECT_EQ(deferred["updating"], "deferred");
    EXPECT_EQ(immediate["updating"], "immediate");
    for (std::size_t g = 0; g < deferred["fits"].size(); ++g) {
      const json& d = deferred["fits"][g];
      const json& i = immediate["fits"][g];
      EXPECT_NEAR(i["objective"].get<double>(), d["objective"].get<double>(), 1e-9 * d["objective"].get<double>())
          << separable << " " << d["group"];
      EXPECT_NE(i["de"]["generations"], d["de"]["generations"]) << separable;  // a different search
    }
  }
}

TEST(CliUpdating, AnUnknownSettingIsAnErrorNamingTheFlag) {
  const CommandResult r = run_slfit("fit --data examples/parscale/train.csv --law parallel_power --updating later");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--updating: 'later' is not one of: deferred, immediate"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace slfit::test
