// SIGINT and SIGTERM during a long fit: slfit exits with 130 or 143 and leaves neither an output
// file nor a temporary behind; an output file that existed before keeps its contents.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.hpp"

namespace slfit {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Many groups and a DE that cannot meet a zero tolerance: minutes of work on one thread.
std::string long_running_data() {
  std::ostringstream csv;
  csv << "group,num_params,parallel_size,loss\n";
  for (int g = 0; g < 200; ++g) {
    for (int i = 0; i < 6; ++i) {
      const double n = 5e8 * (i + 1), p = 1 << (i % 3);
      csv << "g" << g << ',' << n << ',' << p << ',' << 1.5 + 100.0 / (n * 1e-7 + g) + 0.01 * i << '\n';
    }
  }
  return csv.str();
}

pid_t start_slfit(const std::vector<std::string>& args) {
  std::vector<char*> argv{const_cast<char*>(SLFIT_BINARY)};
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  if (posix_spawn(&pid, SLFIT_BINARY, &quiet, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&quiet);
  return pid;
}

// True once the process catches `signal_number` (SigCgt in /proc/<pid>/status): from then on a
// signal reaches slfit's handler rather than the default action.
bool catches(pid_t pid, int signal_number) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (!line.starts_with("SigCgt:")) continue;
    const unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
    return (mask >> (signal_number - 1)) & 1;
  }
  return false;
}

// The wait status, or kills the process and fails the test when it does not end in time.
int wait_for_exit(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "slfit did not end within " << limit.count() << " s of the signal";
      return status;
    }
    std::this_thread::sleep_for(10ms);
  }
  return status;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void interrupt_long_fit(int signal_number, bool output_exists_before) {
  test::ScratchDir dir("interrupt_" + std::to_string(signal_number));
  const fs::path data = dir.file("data.csv", long_running_data());
  const fs::path out = dir.path() / "out.json";
  if (output_exists_before) dir.file("out.json", "previous results\n");
  const pid_t pid = start_slfit({"fit", "--data", data.string(), "--law", "parallel_power", "--group", "group",
                                 "--maxiter", "1000000", "--tol", "0", "--atol", "0", "--threads", "1",
                                 "--out", out.string()});
  ASSERT_GT(pid, 0);
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (!catches(pid, signal_number) && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(300ms);  // well into the fit
  ASSERT_EQ(::kill(pid, signal_number), 0);
  const int status = wait_for_exit(pid, 60s);

  ASSERT_TRUE(WIFEXITED(status)) << "ended by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 128 + signal_number);
  if (output_exists_before) {
    EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"data.csv", "out.json"}));
    EXPECT_EQ(test::read_text(out), "previous results\n");
  } else {
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"data.csv"});
  }
}

TEST(Interrupts, SigintLeavesNoOutputFile) { interrupt_long_fit(SIGINT, false); }

TEST(Interrupts, SigtermKeepsThePreviousOutputFile) { interrupt_long_fit(SIGTERM, true); }

}  // namespace
}  // namespace slfit
