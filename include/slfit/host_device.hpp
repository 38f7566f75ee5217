#pragma once
// SLFIT_HOST_DEVICE marks a function that host and device code both compile: the headers written
// once for both backends (slfit/philox.hpp, optim/de_steps.hpp, law/loss_terms.hpp) use it, so
// that the CPU and the CUDA kernels run the same code. NVRTC and nvcc define __CUDACC_RTC__ or
// __CUDACC__; a host compiler defines neither.

#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define SLFIT_HOST_DEVICE __host__ __device__
#else
#define SLFIT_HOST_DEVICE
#endif
