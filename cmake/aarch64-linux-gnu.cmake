# CMake toolchain file: slfit for arm64 (aarch64) Linux with Debian's cross compiler
# (g++-aarch64-linux-gnu), its libraries taken from SLFIT_ARM64_SYSROOT only (Debian's arm64
# packages unpacked there; scripts/test-arm64.sh makes it), its programs run by qemu-user. Used by
# scripts/test-arm64.sh:
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DSLFIT_ARM64_SYSROOT=$PWD/build-arm64/sysroot ...
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# GCC notes every std::pair passed by value that GCC 10.1 changed the ABI of (-Wpsabi): no code
# here links objects built before it.
set(CMAKE_CXX_FLAGS_INIT -Wno-psabi)

if(NOT SLFIT_ARM64_SYSROOT)
  message(FATAL_ERROR "cmake/aarch64-linux-gnu.cmake: set SLFIT_ARM64_SYSROOT to the unpacked arm64 packages "
                      "(scripts/test-arm64.sh makes it)")
endif()
# try_compile projects see the variable too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SLFIT_ARM64_SYSROOT)

# Headers, libraries and CMake packages from the arm64 tree alone, never the build machine's
# x86-64 ones; programs (ninja, python3) from the build machine.
set(CMAKE_FIND_ROOT_PATH ${SLFIT_ARM64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Test discovery (gtest_discover_tests) and ctest run the arm64 programs through qemu-user, with
# the cross compiler's C and C++ libraries and the sysroot's shared ones (SLEEF).
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu -E
                                  LD_LIBRARY_PATH=${SLFIT_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu)
