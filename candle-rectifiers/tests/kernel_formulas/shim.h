// Host shim: lets g++ compile the device math headers (math.cuh, functions.cuh) so their
// formulas can be checked against rectifiers-core on a machine without a GPU. glibc's expf,
// erfcf, log1pf... stand in for CUDA's libdevice (both within a few ULP), so this checks the
// formulas and their tails, not libdevice.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
using std::isfinite;
using std::isnan;
#define __device__
#define __forceinline__ inline
#define __constant__ static
#define __global__
// CUDA's erfcxf (e^(x^2) erfc(x)); long double covers the range the kernels use (x < 29).
static inline float erfcxf(float x) {
    const long double lx = x;
    return (float)(expl(lx * lx) * erfcl(lx));
}
