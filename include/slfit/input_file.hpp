#pragma once
// Reading an input file whole (data, law files, manifests), with one set of messages: every
// reader names the path and says whether it could not be opened or not be read.

#include <string>

namespace slfit {

// The file's bytes. InputError "PATH: cannot open: REASON" (no such file, no permission, a
// directory) or "PATH: cannot read: REASON". In an MPI job (slfit/ranks.hpp) rank 0 reads it and
// every rank gets the same bytes or the same error: a collective call.
std::string read_input_file(const std::string& path);

}  // namespace slfit
