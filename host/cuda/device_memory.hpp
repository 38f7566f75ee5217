#pragma once
// Device allocations freed with their owner. allocate() reports running out of memory instead of
// throwing, so that a caller can shrink its chunk and retry; any other failure throws.

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#include "cuda/cuda_check.hpp"

namespace slfit::cuda {

class DeviceMemory {
 public:
  DeviceMemory() = default;
  DeviceMemory(const DeviceMemory&) = delete;
  DeviceMemory& operator=(const DeviceMemory&) = delete;
  ~DeviceMemory() { release(); }

  // nullptr, with out_of_memory() set, when the device has too little free memory.
  template <class T>
  T* allocate(std::size_t count) {
    void* p = nullptr;
    const cudaError_t e = cudaMalloc(&p, std::max<std::size_t>(count, 1) * sizeof(T));
    if (e == cudaErrorMemoryAllocation) {
      cudaGetLastError();  // clear it: running out is an answer here, not a sticky failure
      out_of_memory_ = true;
      return nullptr;
    }
    check(e, "cudaMalloc");
    blocks_.push_back(p);
    return static_cast<T*>(p);
  }
  bool out_of_memory() const { return out_of_memory_; }
  void release() {
    for (void* p : blocks_) cudaFree(p);
    blocks_.clear();
    out_of_memory_ = false;
  }

 private:
  std::vector<void*> blocks_;
  bool out_of_memory_ = false;
};

template <class T>
void upload(T* device, const std::vector<T>& host, cudaStream_t stream) {
  check(cudaMemcpyAsync(device, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice, stream),
        "cudaMemcpyAsync (upload)");
}

template <class T>
void download(std::vector<T>& host, const T* device) {
  check(cudaMemcpy(host.data(), device, host.size() * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy (download)");
}

}  // namespace slfit::cuda
