#pragma once
// The whole of slfit's library surface in one include. A program (the CLI, a Python extension,
// an MPI driver) needs nothing from host/: what each header offers is said at its top.
//
//   Data and laws    input_file.hpp (a file read whole), dataset.hpp (groups of rows), csv.hpp
//                    (reading them), law.hpp, expr.hpp, law_functions.hpp, law_io.hpp (formulas,
//                    law files, built-in laws, bounds), objective.hpp (loss terms)
//   Fitting          options.hpp, result.hpp, fit.hpp (problems, fit_batch), backend.hpp (CPU or
//                    device, chosen once), de_runner.hpp (the device seam), uncertainty.hpp
//                    (standard errors, correlations, AIC and BIC at a fitted point), ranks.hpp
//                    (one command as the ranks of an MPI job)
//   Commands         bootstrap.hpp, resample.hpp, bootstrap_summary.hpp, intervals.hpp,
//                    bootstrap_checkpoint.hpp, rescore.hpp, manifest.hpp, metrics.hpp, surface.hpp,
//                    profile.hpp (profiles and their intervals)
//   Output           fit_json.hpp, atomic_file.hpp, text.hpp (split, join, shortest numbers)
//   Random numbers   philox.hpp, resample_draw.hpp (host and device code, marked as
//                    host_device.hpp says)
//   Errors           error.hpp (InputError: the user's input is wrong; OptionError: an option)

#include "slfit/atomic_file.hpp"
#include "slfit/backend.hpp"
#include "slfit/bootstrap.hpp"
#include "slfit/bootstrap_checkpoint.hpp"
#include "slfit/bootstrap_summary.hpp"
#include "slfit/cpu_simd.hpp"
#include "slfit/csv.hpp"
#include "slfit/dataset.hpp"
#include "slfit/de_runner.hpp"
#include "slfit/error.hpp"
#include "slfit/expr.hpp"
#include "slfit/fit.hpp"
#include "slfit/fit_json.hpp"
#include "slfit/host_device.hpp"
#include "slfit/input_file.hpp"
#include "slfit/intervals.hpp"
#include "slfit/law.hpp"
#include "slfit/law_functions.hpp"
#include "slfit/law_io.hpp"
#include "slfit/manifest.hpp"
#include "slfit/metrics.hpp"
#include "slfit/objective.hpp"
#include "slfit/options.hpp"
#include "slfit/philox.hpp"
#include "slfit/profile.hpp"
#include "slfit/ranks.hpp"
#include "slfit/resample.hpp"
#include "slfit/resample_draw.hpp"
#include "slfit/rescore.hpp"
#include "slfit/result.hpp"
#include "slfit/surface.hpp"
#include "slfit/text.hpp"
#include "slfit/uncertainty.hpp"
