#include "slfit/bootstrap_checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "slfit/error.hpp"
#include "slfit/ranks.hpp"

namespace slfit {
namespace {

constexpr int kFormatVersion = 1;

std::string system_error_text(const std::string& path, const std::string& action) {
  return "checkpoint '" + path + "': cannot " + action + ": " + std::strerror(errno);
}

std::string number_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

FitStatus status_from_text(const std::string& text, bool& ok) {
  for (FitStatus s : {FitStatus::Converged, FitStatus::MaxIter, FitStatus::NoFiniteValue})
    if (text == to_string(s)) return s;
  ok = false;
  return FitStatus::Converged;
}

// Reads "R|J group index status objective params..."; false when the line is not one.
bool parse_record(const std::string& line, std::size_t num_params, TaskFit& fit) {
  std::istringstream in(line);
  std::string kind, status, number;
  std::uint32_t group = 0, index = 0;
  if (!(in >> kind >> group >> index >> status)) return false;
  if (kind != "R" && kind != "J") return false;
  fit.task = {group, kind == "R" ? FitKind::Replicate : FitKind::Jackknife, index};
  bool ok = true;
  fit.status = status_from_text(status, ok);
  std::vector<double> numbers;
  while (in >> number) {
    // strtod reads what %.17g writes, "nan" and "inf" included.
    char* end = nullptr;
    const double v = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return false;
    numbers.push_back(v);
  }
  if (!ok || numbers.size() != num_params + 1) return false;
  fit.objective = numbers[0];
  fit.params.assign(numbers.begin() + 1, numbers.end());
  return true;
}

// "resamples: 2000 in the checkpoint, 1000 now; seed: ..." for every argument that differs.
std::string describe_differences(const nlohmann::ordered_json& stored, const nlohmann::ordered_json& now) {
  std::string out;
  const auto add = [&out](const std::string& key, const std::string& was, const std::string& is) {
    if (!out.empty()) out += "; ";
    out += key + ": " + was + " in the checkpoint, " + is + " now";
  };
  for (const auto& [key, value] : now.items()) {
    if (!stored.contains(key)) add(key, "absent", value.dump());
    else if (stored[key] != value) add(key, stored[key].dump(), value.dump());
  }
  for (const auto& [key, value] : stored.items())
    if (!now.contains(key)) add(key, value.dump(), "absent");
  return out;
}

}  // namespace

BootstrapCheckpoint::BootstrapCheckpoint(std::string path, const nlohmann::ordered_json& arguments,
                                         std::size_t num_params,
                                         const std::function<bool(const BootstrapTask&)>& known_task)
    : path_(std::move(path)) {
  const nlohmann::ordered_json header = {{"slfit_bootstrap_checkpoint", kFormatVersion}, {"arguments", arguments}};
  // In an MPI job rank 0 alone touches the file, and every rank reads the records it held. The
  // first byte says whether the file was created ('N') or held the rest ('E').
  const std::string held = on_output_rank([&]() -> std::string {
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
      if (fd_ < 0) throw std::runtime_error(system_error_text(path_, "create it"));
      append_text(header.dump() + "\n");
      return "N";
    }
    std::stringstream buffer;
    buffer << 'E' << in.rdbuf();
    return buffer.str();
  });
  if (held == "N") return;
  const std::string text = held.substr(1);
  // Only complete lines count: a kill during a write can leave a partial last line.
  const std::size_t complete = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  const std::string where = "checkpoint '" + path_ + "'";
  if (complete == 0)
    throw InputError(where + " has no complete header line; it is not a slfit bootstrap checkpoint (remove it to start afresh)");

  std::size_t line_start = 0, line_number = 0;
  std::set<std::tuple<std::uint32_t, char, std::uint32_t>> seen;
  while (line_start < complete) {
    const std::size_t end = text.find('\n', line_start);
    const std::string line = text.substr(line_start, end - line_start);
    line_start = end + 1;
    ++line_number;
    if (line_number == 1) {
      const nlohmann::ordered_json stored = nlohmann::ordered_json::parse(line, nullptr, false);
      if (stored.is_discarded() || !stored.is_object() || !stored.contains("slfit_bootstrap_checkpoint"))
        throw InputError(where + " is not a slfit bootstrap checkpoint (its first line is not the header)");
      if (stored["slfit_bootstrap_checkpoint"] != kFormatVersion)
        throw InputError(where + " has format version " + stored["slfit_bootstrap_checkpoint"].dump() + ", this slfit writes " +
                         std::to_string(kFormatVersion));
      if (stored["arguments"] != arguments)
        throw InputError(where + " was written by a bootstrap with different arguments (" +
                         describe_differences(stored["arguments"], arguments) +
                         "); rerun with the original arguments, or remove the file to start afresh");
      continue;
    }
    TaskFit fit;
    if (!parse_record(line, num_params, fit) || !known_task(fit.task))
      throw InputError(where + ":" + std::to_string(line_number) + ": not a fit record of this bootstrap: '" + line + "'");
    if (seen.insert({fit.task.group, static_cast<char>(fit.task.kind), fit.task.index}).second)
      finished_.push_back(std::move(fit));
  }
  (void)on_output_rank([&] {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(system_error_text(path_, "open it for appending"));
    if (complete < text.size() && ::ftruncate(fd_, static_cast<off_t>(complete)) != 0)
      throw std::runtime_error(system_error_text(path_, "drop its partial last line"));
    return std::string();
  });
}

BootstrapCheckpoint::~BootstrapCheckpoint() {
  if (fd_ >= 0) ::close(fd_);
}

void BootstrapCheckpoint::append(std::span<const TaskFit> fits) {
  if (!is_output_rank()) return;
  std::string text;
  for (const TaskFit& fit : fits) {
    text += static_cast<char>(fit.task.kind);
    text += ' ' + std::to_string(fit.task.group) + ' ' + std::to_string(fit.task.index) + ' ' + to_string(fit.status) +
            ' ' + number_text(fit.objective);
    for (double p : fit.params) text += ' ' + number_text(p);
    text += '\n';
  }
  append_text(text);
}

void BootstrapCheckpoint::append_text(const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(system_error_text(path_, "append to it"));
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace slfit
