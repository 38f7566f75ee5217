#include "cuda/nvrtc_compiler.hpp"

#include <nvrtc.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "cuda/cuda_include_dir.hpp"
#include "slfit/atomic_file.hpp"
#include "slfit/error.hpp"

namespace slfit {
namespace {

// NVRTC has no C++ standard library; slfit/philox.hpp only needs the fixed-width integers.
constexpr const char* kCstdint =
    "#pragma once\n"
    "namespace std {\n"
    "typedef unsigned char uint8_t;\n"
    "typedef unsigned int uint32_t;\n"
    "typedef unsigned long long uint64_t;\n"
    "}\n";

void check(nvrtcResult result, const char* call) {
  if (result != NVRTC_SUCCESS)
    throw std::runtime_error(std::string("NVRTC: ") + call + " failed: " + nvrtcGetErrorString(result));
}

// --fmad=false: a*b+c rounds twice, as on the host, so energies match the CPU backend's. The
// toolkit's include directories are not among them: they depend on where the toolkit lives, which
// neither the CUBIN nor the cache key does.
std::vector<std::string> compile_options(const std::string& arch, bool relocatable) {
  std::vector<std::string> options{"--gpu-architecture=" + arch, "--std=c++17", "--fmad=false"};
  if (relocatable) options.push_back("--relocatable-device-code=true");
  if (const int cap = device_register_cap(); cap > 0) {
    options.push_back("--maxrregcount=" + std::to_string(cap));
    options.push_back("-DSLFIT_REGISTER_CAP=" + std::to_string(cap));  // the DE kernel's (de_kernel.cuh)
  }
  return options;
}

// The headers `source` includes but does not carry (nor kCstdint), which only the toolkit's
// include directory can supply. Every #include line counts, even one a condition skips: at worst
// the toolkit is looked for when it was not needed.
std::vector<std::string> headers_from_toolkit(const NvrtcSource& source) {
  std::vector<std::string> carried{"cstdint"};
  for (const auto& header : source.headers) carried.push_back(header.first);
  const std::regex include(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  std::vector<std::string> out;
  auto scan = [&](const std::string& text) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (line.find("include") == std::string::npos || !std::regex_search(line, m, include)) continue;
      if (std::find(carried.begin(), carried.end(), m[1]) == carried.end() &&
          std::find(out.begin(), out.end(), m[1]) == out.end())
        out.push_back(m[1]);
    }
  };
  scan(source.text);
  for (const auto& header : source.headers) scan(header.second);
  return out;
}

// -I options for the toolkit's headers when `source` needs them (CUB, libcu++: under include/cccl
// since CUDA 13); throws, naming every directory tried, when it needs them and there are none.
std::vector<std::string> include_options(const NvrtcSource& source) {
  const std::vector<std::string> needed = headers_from_toolkit(source);
  if (needed.empty()) return {};
  const IncludeDirSearch toolkit =
      find_cuda_include_dir(cuda_include_candidates(SLFIT_CUDA_INCLUDE_DIR, loaded_nvrtc_directory()));
  if (toolkit.dir.empty())
    throw std::runtime_error("NVRTC: " + source.name + " includes <" + needed.front() + ">, but " + toolkit.error);
  std::vector<std::string> options{"-I" + toolkit.dir.string()};
  std::error_code ec;
  if (const auto cccl = toolkit.dir / "cccl"; std::filesystem::is_directory(cccl, ec))
    options.push_back("-I" + cccl.string());
  return options;
}

std::string nvrtc_version() {
  int major = 0, minor = 0;
  check(nvrtcVersion(&major, &minor), "nvrtcVersion");
  return std::to_string(major) + "." + std::to_string(minor);
}

// FNV-1a over 128 bits: good enough to key a cache (entries are also checked for their key).
class Fnv128 {
 public:
  void add(const std::string& text) {
    const std::string framed = std::to_string(text.size()) + ":" + text;  // unambiguous concatenation
    for (unsigned char c : framed) {
      hash_ ^= c;
      hash_ *= kPrime;
    }
  }
  std::string hex() const {
    char out[33];
    std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(hash_ >> 64),
                  static_cast<unsigned long long>(hash_));
    return out;
  }

 private:
  static constexpr unsigned __int128 kPrime = (static_cast<unsigned __int128>(1) << 88) + 0x13b;
  unsigned __int128 hash_ = (static_cast<unsigned __int128>(0x6c62272e07bb0142ULL) << 64) | 0x62b821756295c58dULL;
};

// The source lines an NVRTC log points at ("name(line): error ..."), quoted for the message.
std::string offending_lines(const std::string& log, const NvrtcSource& source) {
  auto text_of = [&](const std::string& name) -> const std::string* {
    if (name == source.name) return &source.text;
    for (const auto& [header, text] : source.headers)
      if (header == name) return &text;
    return nullptr;
  };
  std::ostringstream out;
  const std::regex location(R"(([A-Za-z0-9_./]+)\((\d+)\): (error|catastrophic error))");
  int quoted = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), location); it != std::sregex_iterator() && quoted < 5;
       ++it, ++quoted) {
    const std::string* text = text_of((*it)[1]);
    if (!text) continue;
    std::istringstream lines(*text);
    std::string line;
    for (long k = std::stol((*it)[2]); k > 0 && std::getline(lines, line); --k) {
    }
    out << "  " << (*it)[1] << ":" << (*it)[2] << ": " << line << "\n";
  }
  return out.str();
}

std::string cache_header(const std::string& key, std::size_t size) {
  return "slfit-cubin\n" + key + "\n" + std::to_string(size) + "\n";
}

bool read_cache(const std::filesystem::path& file, const std::string& key, std::string& image) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  const std::string contents{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::istringstream head(contents);
  std::string magic, stored_key, size_text;
  if (!std::getline(head, magic) || !std::getline(head, stored_key) || !std::getline(head, size_text)) return false;
  if (magic != "slfit-cubin" || stored_key != key) return false;
  const std::size_t size = std::strtoull(size_text.c_str(), nullptr, 10);
  const std::size_t offset = cache_header(key, size).size();
  if (size == 0 || contents.size() != offset + size) return false;
  image = contents.substr(offset);
  return true;
}

}  // namespace

std::filesystem::path default_cache_directory() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "slfit";
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".cache" / "slfit";
  return {};
}

int parse_register_cap(const char* text) {
  if (!text || !*text) return kDefaultRegisterCap;
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || errno != 0 || (value != 0 && (value < 24 || value > 255)))
    throw InputError(std::string("SLFIT_CUDA_MAX_REGISTERS: '") + text +
                     "' is not 0 (no cap) or a register count from 24 to 255");
  return static_cast<int>(value);
}

int device_register_cap() {
  static const int cap = parse_register_cap(std::getenv("SLFIT_CUDA_MAX_REGISTERS"));
  return cap;
}

std::string nvrtc_cache_key(const NvrtcSource& source, const std::string& arch) {
  Fnv128 hash;
  hash.add(SLFIT_VERSION);
  hash.add(arch);
  for (const std::string& option : compile_options(arch, source.relocatable)) hash.add(option);
  hash.add(nvrtc_version());
  hash.add(source.name);
  hash.add(source.text);
  for (const auto& [name, text] : source.headers) {
    hash.add(name);
    hash.add(text);
  }
  return hash.hex();
}

std::vector<std::string> nvrtc_supported_architectures() {
  int count = 0;
  check(nvrtcGetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
  std::vector<int> archs(count);
  check(nvrtcGetSupportedArchs(archs.data()), "nvrtcGetSupportedArchs");
  std::vector<std::string> out;
  for (int a : archs) out.push_back("sm_" + std::to_string(a));
  return out;
}

NvrtcCompiler::NvrtcCompiler(std::filesystem::path cache_directory) : cache_(std::move(cache_directory)) {}

Cubin NvrtcCompiler::compile(const NvrtcSource& source, const std::string& arch) const {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  Cubin out;
  out.key = nvrtc_cache_key(source, arch);
  const std::filesystem::path file = cache_.empty() ? std::filesystem::path() : cache_ / (out.key + ".cubin");
  if (!file.empty() && read_cache(file, out.key, out.image)) {
    out.from_cache = true;
    out.seconds = elapsed();
    return out;
  }

  std::vector<std::string> options = compile_options(arch, source.relocatable);
  for (std::string& o : include_options(source)) options.push_back(std::move(o));
  std::vector<const char*> header_texts{kCstdint}, header_names{"cstdint"};
  for (const auto& [name, text] : source.headers) {
    header_names.push_back(name.c_str());
    header_texts.push_back(text.c_str());
  }
  nvrtcProgram program = nullptr;
  check(nvrtcCreateProgram(&program, source.text.c_str(), source.name.c_str(), static_cast<int>(header_texts.size()),
                           header_texts.data(), header_names.data()),
        "nvrtcCreateProgram");
  const std::unique_ptr<nvrtcProgram, void (*)(nvrtcProgram*)> guard(&program,
                                                                      [](nvrtcProgram* p) { nvrtcDestroyProgram(p); });
  std::vector<const char*> option_ptrs;
  for (const std::string& o : options) option_ptrs.push_back(o.c_str());
  const nvrtcResult compiled = nvrtcCompileProgram(program, static_cast<int>(option_ptrs.size()), option_ptrs.data());
  std::size_t log_size = 0;
  check(nvrtcGetProgramLogSize(program, &log_size), "nvrtcGetProgramLogSize");
  std::string log(log_size, '\0');
  if (log_size > 0) check(nvrtcGetProgramLog(program, log.data()), "nvrtcGetProgramLog");
  if (compiled != NVRTC_SUCCESS) {
    throw std::runtime_error("NVRTC: compiling " + source.name + " for " + arch + " failed (" +
                             nvrtcGetErrorString(compiled) + ")\n" + offending_lines(log, source) + "log:\n" + log);
  }
  std::size_t size = 0;
  check(nvrtcGetCUBINSize(program, &size), "nvrtcGetCUBINSize");
  out.image.resize(size);
  check(nvrtcGetCUBIN(program, out.image.data()), "nvrtcGetCUBIN");

  if (!file.empty()) {
    // The cache only saves time: a directory or file that cannot be written is skipped.
    std::error_code ec;
    std::filesystem::create_directories(cache_, ec);
    try {
      if (!ec) write_file_atomically(file.string(), cache_header(out.key, out.image.size()) + out.image);
    } catch (const std::runtime_error&) {
    }
  }
  out.seconds = elapsed();
  return out;
}

}  // namespace slfit
