// The plain loops with the library's own flags: glibc's scalar exp and log.
#include <cmath>

#include "plain_laws.hpp"
#include "plain_laws_body.inc"

slfit::bench::PlainLaws slfit::bench::scalar_plain_laws() { return {parallel_power, parscale, chinchilla}; }
