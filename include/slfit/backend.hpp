#pragma once
// Which backend fits a batch: the CPU (fit_batch), or a device runner (slfit/de_runner.hpp: the
// GPU, when slfit was built with CUDA and a usable device is visible). A command chooses once
// (choose_backend, which tells the user which and why) and then fits any number of batches on
// the choice (fit_batch_on), so that a command that fits in chunks says it once and opens the
// device once.

#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "slfit/de_runner.hpp"
#include "slfit/fit.hpp"

namespace slfit {

enum class Backend { Auto, Cpu, Cuda };

// "auto", "cpu" or "cuda"; anything else is an InputError naming --backend.
Backend parse_backend(const std::string& text);

// "auto", "cpu" or "cuda".
const char* to_string(Backend backend);

// A resolved backend: the CPU, or Cuda with the runner that drives the device. Copies share the
// runner.
struct BackendChoice {
  Backend backend = Backend::Cpu;
  std::shared_ptr<DeRunner> runner;  // set exactly when backend is Cuda
};

// Resolves a requested backend for batches of the given pipeline. Auto takes the GPU when one is
// usable and the pipeline is de, else the CPU, and writes one short line to `note` saying which
// ("slfit: backend cpu (no usable GPU)"); with `explain` the line gives the full reason (the
// runtime's error text). Cuda when the GPU cannot be used throws std::runtime_error saying why
// (not built in, no driver, no device, too old); with a pipeline other than de it is an
// InputError. Cpu writes nothing.
BackendChoice choose_backend(Backend requested, Pipeline pipeline, std::ostream& note, bool explain = false);

// Fits the batch on a chosen backend. On Cuda the problems whose pipeline is de run their DE on
// the device (fit_batch_on_runner), over every parameter or, under --separable auto, over those
// not solved exactly, with deferred or immediate updating; the others (a leaderboard entry that
// asks for the seed pipeline, bootstrap's local refits, a law linear in every parameter, which
// needs no search) run on the host, as on Cpu: every result is the CPU backend's.
std::vector<FitResult> fit_batch_on(const BackendChoice& chosen, std::span<const Problem> problems,
                                    const BatchOptions& batch);

// choose_backend for the batch (de when any problem runs de), then fit_batch_on; `used` gets
// the chosen backend's name.
std::vector<FitResult> fit_batch_with_backend(Backend requested, std::span<const Problem> problems,
                                              const BatchOptions& batch, std::string& used, std::ostream& note,
                                              bool explain = false);

}  // namespace slfit
