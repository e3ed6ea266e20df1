// N-API surface of the native linalg backend. Every function takes Float64Arrays plus sizes,
// writes into caller-allocated outputs, and returns a status integer (0 ok); the TypeScript side
// (src/linalg/native.ts) validates shapes and turns statuses into typed errors.
#include <node_api.h>

#include <cstdlib>
#include <vector>

#include "heavy.h"
#include "kernels.h"

namespace {

// The data and length of a typed array of element type `want` (false if v is anything else).
template <typename T>
bool get_typed(napi_env env, napi_value v, napi_typedarray_type want, T** data, size_t* len) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return false;
  napi_typedarray_type type;
  void* raw = nullptr;
  napi_value ab;
  size_t off = 0;
  if (napi_get_typedarray_info(env, v, &type, len, &raw, &ab, &off) != napi_ok) return false;
  if (type != want) return false;
  *data = static_cast<T*>(raw);
  return true;
}

bool get_f64(napi_env env, napi_value v, double** data, size_t* len) { return get_typed(env, v, napi_float64_array, data, len); }
bool get_i32(napi_env env, napi_value v, int32_t** data, size_t* len) { return get_typed(env, v, napi_int32_array, data, len); }

bool get_size(napi_env env, napi_value v, size_t* out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) || d > 9.0e15) return false;
  *out = static_cast<size_t>(d);
  return true;
}

// Leave the vector unit clean before returning to V8. Without this, calling singularValues left
// the CPU in a state where the following scalar JavaScript (Math.pow, Math.hypot, ...) ran 10x
// slower until some other kernel happened to clear it (measured; reported by the theory area).
// The cause is the AVX "dirty upper state": SSE-encoded code in V8 then pays a merge penalty on
// every instruction. vzeroupper clears ymm/zmm0-15; zmm16-31 (AVX-512 only) are zeroed explicitly.
inline void clean_vector_state() {
#if defined(__AVX512F__)
  asm volatile(
      "vpxord %%zmm16, %%zmm16, %%zmm16\n\tvpxord %%zmm17, %%zmm17, %%zmm17\n\t"
      "vpxord %%zmm18, %%zmm18, %%zmm18\n\tvpxord %%zmm19, %%zmm19, %%zmm19\n\t"
      "vpxord %%zmm20, %%zmm20, %%zmm20\n\tvpxord %%zmm21, %%zmm21, %%zmm21\n\t"
      "vpxord %%zmm22, %%zmm22, %%zmm22\n\tvpxord %%zmm23, %%zmm23, %%zmm23\n\t"
      "vpxord %%zmm24, %%zmm24, %%zmm24\n\tvpxord %%zmm25, %%zmm25, %%zmm25\n\t"
      "vpxord %%zmm26, %%zmm26, %%zmm26\n\tvpxord %%zmm27, %%zmm27, %%zmm27\n\t"
      "vpxord %%zmm28, %%zmm28, %%zmm28\n\tvpxord %%zmm29, %%zmm29, %%zmm29\n\t"
      "vpxord %%zmm30, %%zmm30, %%zmm30\n\tvpxord %%zmm31, %%zmm31, %%zmm31\n\t"
      "vzeroupper" ::: "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
      "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21",
      "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31");
#elif defined(__AVX__)
  asm volatile("vzeroupper" ::: "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
               "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
#endif
}

napi_value ret_int(napi_env env, int v) {
  clean_vector_state();
  napi_value r;
  napi_create_int32(env, v, &r);
  return r;
}

napi_value fail(napi_env env, const char* msg) {
  napi_throw_type_error(env, nullptr, msg);
  return nullptr;
}

int g_threads = 1;

template <size_t N>
bool args(napi_env env, napi_callback_info info, napi_value (&argv)[N]) {
  size_t argc = N;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  return argc == N;
}

// gemm(a, b, c, m, k, n, transB)
napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!args(env, info, argv)) return fail(env, "gemm: 7 arguments expected");
  double *a, *b, *c;
  size_t la, lb, lc, m, k, n;
  bool transB = false;
  if (!get_f64(env, argv[0], &a, &la) || !get_f64(env, argv[1], &b, &lb) || !get_f64(env, argv[2], &c, &lc) ||
      !get_size(env, argv[3], &m) || !get_size(env, argv[4], &k) || !get_size(env, argv[5], &n) ||
      napi_get_value_bool(env, argv[6], &transB) != napi_ok)
    return fail(env, "gemm: bad arguments");
  if (la < m * k || lb < k * n || lc < m * n) return fail(env, "gemm: array too short");
  jesd::gemm(a, b, c, m, k, n, transB, g_threads);
  return ret_int(env, 0);
}

// matvec(a, x, y, m, n)
napi_value Matvec(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, argv)) return fail(env, "matvec: 5 arguments expected");
  double *a, *x, *y;
  size_t la, lx, ly, m, n;
  if (!get_f64(env, argv[0], &a, &la) || !get_f64(env, argv[1], &x, &lx) || !get_f64(env, argv[2], &y, &ly) ||
      !get_size(env, argv[3], &m) || !get_size(env, argv[4], &n))
    return fail(env, "matvec: bad arguments");
  if (la < m * n || lx < n || ly < m) return fail(env, "matvec: array too short");
  jesd::matvec(a, x, y, m, n, g_threads);
  return ret_int(env, 0);
}

// luSolve(a, b, x, n)
napi_value LuSolve(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, argv)) return fail(env, "luSolve: 4 arguments expected");
  double *a, *b, *x;
  size_t la, lb, lx, n;
  if (!get_f64(env, argv[0], &a, &la) || !get_f64(env, argv[1], &b, &lb) || !get_f64(env, argv[2], &x, &lx) ||
      !get_size(env, argv[3], &n))
    return fail(env, "luSolve: bad arguments");
  if (la < n * n || lb < n || lx < n) return fail(env, "luSolve: array too short");
  return ret_int(env, jesd::lu_solve(a, b, x, n, g_threads));
}

// symEig(a, w, n)
napi_value SymEig(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, argv)) return fail(env, "symEig: 3 arguments expected");
  double *a, *w;
  size_t la, lw, n;
  if (!get_f64(env, argv[0], &a, &la) || !get_f64(env, argv[1], &w, &lw) || !get_size(env, argv[2], &n))
    return fail(env, "symEig: bad arguments");
  if (la < n * n || lw < n) return fail(env, "symEig: array too short");
  return ret_int(env, jesd::sym_eigenvalues(a, w, n, g_threads));
}

// svdValues(a, s, m, n)
napi_value SvdValues(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, argv)) return fail(env, "svdValues: 4 arguments expected");
  double *a, *s;
  size_t la, ls, m, n;
  if (!get_f64(env, argv[0], &a, &la) || !get_f64(env, argv[1], &s, &ls) || !get_size(env, argv[2], &m) ||
      !get_size(env, argv[3], &n))
    return fail(env, "svdValues: bad arguments");
  if (la < m * n || ls < (m < n ? m : n)) return fail(env, "svdValues: array too short");
  return ret_int(env, jesd::singular_values(a, s, m, n, g_threads));
}

// eig(a, re, im, n)
napi_value Eig(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, argv)) return fail(env, "eig: 4 arguments expected");
  double *a, *re, *im;
  size_t la, lr, li, n;
  if (!get_f64(env, argv[0], &a, &la) || !get_f64(env, argv[1], &re, &lr) || !get_f64(env, argv[2], &im, &li) ||
      !get_size(env, argv[3], &n))
    return fail(env, "eig: bad arguments");
  if (la < n * n || lr < n || li < n) return fail(env, "eig: array too short");
  return ret_int(env, jesd::eigenvalues(a, re, im, n, g_threads));
}

// Reads one flattened population from argv[0..12] = (params, d, children, childW2, parents,
// parentD2, parentF, tRe, tIm, sRe, sIm, uRe, uIm); params starts with [L, P, K, weightScale2,
// remainderSq]. Checks every length and every child / parent index (in [0, P)). Returns nullptr
// on success, else the reason.
const char* read_population(napi_env env, const napi_value* argv, jesd::PopulationArrays* a, double** params) {
  double *prm, *d, *cw, *pd2, *pf, *tr, *ti, *sr, *si, *ur, *ui;
  int32_t *ch, *pa;
  size_t lprm, ld, lch, lcw, lpa, lpd2, lpf, ltr, lti, lsr, lsi, lur, lui;
  if (!get_f64(env, argv[0], &prm, &lprm) || !get_f64(env, argv[1], &d, &ld) || !get_i32(env, argv[2], &ch, &lch) ||
      !get_f64(env, argv[3], &cw, &lcw) || !get_i32(env, argv[4], &pa, &lpa) || !get_f64(env, argv[5], &pd2, &lpd2) ||
      !get_f64(env, argv[6], &pf, &lpf) || !get_f64(env, argv[7], &tr, &ltr) || !get_f64(env, argv[8], &ti, &lti) ||
      !get_f64(env, argv[9], &sr, &lsr) || !get_f64(env, argv[10], &si, &lsi) || !get_f64(env, argv[11], &ur, &lur) ||
      !get_f64(env, argv[12], &ui, &lui) || lprm < 5)
    return "bad arguments";
  const double Ld = prm[0], Pd = prm[1], Kd = prm[2];
  if (!(Ld >= 1 && Pd >= 1 && Kd >= 0 && Ld < 1e6 && Pd < 1e8 && Kd < 1e6)) return "bad sizes";
  const size_t L = size_t(Ld), P = size_t(Pd), K = size_t(Kd);
  const size_t nm = (L + 1) * P, ne = (L + 1) * P * K, np = L * P * K;
  if (ld < nm || lch < ne || lcw < ne || lpa < np || lpd2 < np || lpf < np || ltr < nm || lti < nm || lsr < nm || lsi < nm ||
      lur < nm || lui < nm)
    return "array too short";
  for (size_t i = P * K; i < ne; i++)
    if (ch[i] < 0 || size_t(ch[i]) >= P) return "child index out of range";
  for (size_t i = 0; i < np; i++)
    if (pa[i] < 0 || size_t(pa[i]) >= P) return "parent index out of range";
  *a = jesd::PopulationArrays{L, P, K, prm[3], prm[4], d, ch, cw, pa, pd2, pf, tr, ti, sr, si, ur, ui};
  *params = prm;
  return nullptr;
}

// populationSweep(params, d, children, childW2, parents, parentD2, parentF, tRe, tIm, sRe, sIm, uRe, uIm, g):
// params = [L, P, K, weightScale2, remainderSq, zRe, zIm, damping, fresh (0/1)].
napi_value PopulationSweep(napi_env env, napi_callback_info info) {
  napi_value argv[14];
  if (!args(env, info, argv)) return fail(env, "populationSweep: 14 arguments expected");
  jesd::PopulationArrays a;
  double *prm, *g;
  size_t lg;
  const char* err = read_population(env, argv, &a, &prm);
  if (err != nullptr) return fail(env, err);
  if (!get_f64(env, argv[13], &g, &lg) || lg < 4) return fail(env, "populationSweep: g must be a Float64Array(4)");
  double* p9;
  size_t lprm;
  if (!get_f64(env, argv[0], &p9, &lprm) || lprm < 9) return fail(env, "populationSweep: params must hold 9 numbers");
  jesd::population_sweep(a, prm[5], prm[6], prm[7], prm[8] != 0, g);
  return ret_int(env, 0);
}

// populationRadius(options, populations, out): options = [threads, nz, then for each z: zRe, zIm,
// sweeps, fresh, damping, tolerance (<= 0: none)]; populations: array of the 13 arrays
// read_population takes; out: Float64Array(6 nz R) (see native/heavy.h population_radius).
napi_value PopulationRadius(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, argv)) return fail(env, "populationRadius: 3 arguments expected");
  double *opt, *out;
  size_t lopt, lout;
  uint32_t R = 0;
  bool isArr = false;
  if (!get_f64(env, argv[0], &opt, &lopt) || lopt < 2 || napi_is_array(env, argv[1], &isArr) != napi_ok || !isArr ||
      napi_get_array_length(env, argv[1], &R) != napi_ok || R == 0 || !get_f64(env, argv[2], &out, &lout))
    return fail(env, "populationRadius: bad arguments");
  if (!(opt[0] >= 1 && opt[0] <= 256 && opt[1] >= 1 && opt[1] <= 1e6)) return fail(env, "populationRadius: bad threads or path length");
  const size_t nz = size_t(opt[1]);
  if (lopt < 2 + 6 * nz || lout < 6 * nz * size_t(R)) return fail(env, "populationRadius: array too short");
  std::vector<jesd::RadiusOptions> path(nz);
  for (size_t j = 0; j < nz; j++) {
    const double* o = opt + 2 + 6 * j;
    if (!(o[2] >= 1 && o[2] <= 1e7)) return fail(env, "populationRadius: bad sweeps");
    path[j] = jesd::RadiusOptions{o[0], o[1], int(o[2]), o[3] != 0, o[4], o[5]};
  }
  std::vector<jesd::PopulationArrays> pops(R);
  for (uint32_t r = 0; r < R; r++) {
    napi_value item;
    uint32_t n = 0;
    bool arr = false;
    if (napi_get_element(env, argv[1], r, &item) != napi_ok || napi_is_array(env, item, &arr) != napi_ok || !arr ||
        napi_get_array_length(env, item, &n) != napi_ok || n != 13)
      return fail(env, "populationRadius: each population is an array of 13 typed arrays");
    napi_value parts[13];
    for (uint32_t i = 0; i < 13; i++)
      if (napi_get_element(env, item, i, &parts[i]) != napi_ok) return fail(env, "populationRadius: bad population");
    double* prm;
    const char* err = read_population(env, parts, &pops[r], &prm);
    if (err != nullptr) return fail(env, err);
  }
  jesd::population_radius(pops.data(), R, path.data(), nz, out, int(opt[0]));
  return ret_int(env, 0);
}

// setThreads(t): threads of GEMM and of the blocked LU, tridiagonal, bidiagonal and Hessenberg reductions (>= 1).
napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t t;
  if (!args(env, info, argv) || !get_size(env, argv[0], &t) || t < 1 || t > 256) return fail(env, "setThreads: 1..256");
  g_threads = int(t);
  return ret_int(env, g_threads);
}

napi_value Init(napi_env env, napi_value exports) {
  // One thread by default: Monte Carlo parallelism lives in the worker pool (one network per
  // worker), and nested GEMM threads on a busy machine were measured slower (docs/linalg-backends.md).
  g_threads = 1;
  const char* envT = std::getenv("JESD_NATIVE_THREADS");
  if (envT != nullptr && std::atoi(envT) >= 1) g_threads = std::atoi(envT);
  struct {
    const char* name;
    napi_callback cb;
  } fns[] = {{"gemm", Gemm}, {"matvec", Matvec}, {"luSolve", LuSolve}, {"symEig", SymEig},
             {"svdValues", SvdValues}, {"eig", Eig}, {"setThreads", SetThreads},
             {"populationSweep", PopulationSweep}, {"populationRadius", PopulationRadius}};
  for (auto& f : fns) {
    napi_value fn;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &fn);
    napi_set_named_property(env, exports, f.name, fn);
  }
  napi_value simd;
#if defined(__AVX512F__)
  napi_create_string_utf8(env, "avx512", NAPI_AUTO_LENGTH, &simd);
#elif defined(__AVX2__)
  napi_create_string_utf8(env, "avx2", NAPI_AUTO_LENGTH, &simd);
#elif defined(__AVX__)
  napi_create_string_utf8(env, "avx", NAPI_AUTO_LENGTH, &simd);
#else
  napi_create_string_utf8(env, "baseline", NAPI_AUTO_LENGTH, &simd);
#endif
  napi_set_named_property(env, exports, "simd", simd);
  napi_value th;
  napi_create_int32(env, g_threads, &th);
  napi_set_named_property(env, exports, "threads", th);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
