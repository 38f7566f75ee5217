#pragma once
// Which backend fits a batch: the CPU (fit_batch), or the GPU (host/cuda/cuda_backend.hpp) when
// slfit was built with CUDA and a usable device is visible.

#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "slfit/fit.hpp"

namespace slfit {

enum class Backend { Auto, Cpu, Cuda };

// "auto", "cpu" or "cuda"; anything else is an InputError naming --backend.
Backend parse_backend(const std::string& text);

// Whether this binary holds the CUDA backend (SLFIT_CUDA at build time).
bool cuda_backend_built();

// Fits the batch on the chosen backend and returns the name of the one used ("cpu", "cuda") in
// `used`. Auto takes the GPU when one is usable and the pipeline is de, else the CPU, and writes
// one line to `note` saying which and why. Cuda when the GPU cannot be used throws
// std::runtime_error saying why (not built in, no driver, no device, too old); with a pipeline
// other than de it is an InputError.
std::vector<FitResult> fit_batch_with_backend(Backend backend, std::span<const Problem> problems,
                                              const BatchOptions& batch, std::string& used, std::ostream& note);

}  // namespace slfit
