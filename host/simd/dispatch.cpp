// The table of SIMD kernels in use (simd/kernels.hpp), and slfit/cpu_simd.hpp's report and choice
// of it.
#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "simd/kernels.hpp"
#include "slfit/cpu_simd.hpp"
#include "slfit/error.hpp"

#if SLFIT_SIMD_TABLES

namespace slfit::simd {
namespace {

// The tables this CPU can run, best first.
std::vector<const Kernels*> supported_tables() {
  std::vector<const Kernels*> tables;
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) tables.push_back(&kAvx512);
  if (__builtin_cpu_supports("avx2")) tables.push_back(&kAvx2);
  if (__builtin_cpu_supports("avx")) tables.push_back(&kAvx);
  if (__builtin_cpu_supports("sse4.1")) tables.push_back(&kSse4);
  tables.push_back(&kSse2);
#else  // arm64: Advanced SIMD is part of the architecture
  tables.push_back(&kNeon);
#endif
  return tables;
}

std::string supported_names() {
  std::string names;
  for (const Kernels* table : supported_tables()) names += (names.empty() ? "" : ", ") + std::string(table->name);
  return names;
}

const Kernels* table_named(const std::string& name) {
  for (const Kernels* table : supported_tables())
    if (name == table->name) return table;
  throw InputError("instruction set '" + name + "' is not one this CPU runs (it runs: " + supported_names() + ")");
}

// The table in use: SLFIT_SIMD's, else the best, decided on first use.
std::atomic<const Kernels*>& active_table() {
  static std::atomic<const Kernels*> table = [] {
    const char* requested = std::getenv("SLFIT_SIMD");
    if (!requested || !*requested) return supported_tables().front();
    try {
      return table_named(requested);
    } catch (const InputError& e) {
      throw InputError(std::string("SLFIT_SIMD: ") + e.what());
    }
  }();
  return table;
}

}  // namespace

const Kernels& kernels() { return *active_table().load(std::memory_order_relaxed); }

}  // namespace slfit::simd

namespace slfit {

std::string cpu_instruction_set() { return simd::kernels().name; }

std::vector<std::string> supported_cpu_instruction_sets() {
  std::vector<std::string> names;
  for (const simd::Kernels* table : simd::supported_tables()) names.emplace_back(table->name);
  return names;
}

void use_cpu_instruction_set(const std::string& name) { simd::active_table().store(simd::table_named(name)); }

}  // namespace slfit

#else  // no table for this CPU: SLEEF's portable C is all there is, and SLFIT_SIMD may name it only.

namespace slfit {
namespace {
void check_portable(const std::string& name, const std::string& source) {
  if (name != "portable")
    throw InputError(source + "instruction set '" + name + "' is not one this CPU runs (it runs: portable)");
}
}  // namespace

std::string cpu_instruction_set() {
  const char* requested = std::getenv("SLFIT_SIMD");
  if (requested && *requested) check_portable(requested, "SLFIT_SIMD: ");
  return "portable";
}
std::vector<std::string> supported_cpu_instruction_sets() { return {"portable"}; }
void use_cpu_instruction_set(const std::string& name) { check_portable(name, ""); }

}  // namespace slfit

#endif
