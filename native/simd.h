// SIMD vectors through GCC/Clang vector extensions, shared by the kernels (kernels.cc) and the
// heavy-tailed population sweep (heavy.cc): the compiler maps them to AVX-512, AVX2 or SSE2
// registers depending on the target flags chosen at build time (binding.gyp).
#pragma once

namespace jesd {

#if defined(__AVX512F__)
constexpr int VL = 8;
#elif defined(__AVX__)
constexpr int VL = 4;
#else
constexpr int VL = 2;
#endif
typedef double vd __attribute__((vector_size(VL * 8)));
typedef double vdu __attribute__((vector_size(VL * 8), aligned(8)));  // unaligned access

static inline vd loadu(const double* p) { return *reinterpret_cast<const vdu*>(p); }
static inline void storeu(double* p, vd v) { *reinterpret_cast<vdu*>(p) = v; }
// Broadcast by element writes: `vd{} + x` compiled to a scalar add (0 + x is not x for x = -0)
// before the broadcast, one extra instruction per row of the GEMM micro-kernel.
static inline vd splat(double x) {
  vd r;
  for (int i = 0; i < VL; i++) r[i] = x;
  return r;
}
static inline double hsum(vd v) {
  double s = 0;
  for (int i = 0; i < VL; i++) s += v[i];
  return s;
}

}  // namespace jesd
