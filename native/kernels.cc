// See kernels.h for the algorithms and references.
#include "kernels.h"
#include "simd.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>
#include <vector>

namespace jesd {

// Dot product with 4 independent vector accumulators (a reduction the compiler may not reorder).
static double dot(const double* a, const double* b, size_t n) {
  vd s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0);
  size_t i = 0;
  for (; i + 4 * VL <= n; i += 4 * VL) {
    s0 += loadu(a + i) * loadu(b + i);
    s1 += loadu(a + i + VL) * loadu(b + i + VL);
    s2 += loadu(a + i + 2 * VL) * loadu(b + i + 2 * VL);
    s3 += loadu(a + i + 3 * VL) * loadu(b + i + 3 * VL);
  }
  for (; i + VL <= n; i += VL) s0 += loadu(a + i) * loadu(b + i);
  double s = hsum((s0 + s1) + (s2 + s3));
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

// y += alpha x
static inline void axpy(double alpha, const double* x, double* y, size_t n) {
  const vd va = splat(alpha);
  size_t i = 0;
  for (; i + VL <= n; i += VL) storeu(y + i, loadu(y + i) + va * loadu(x + i));
  for (; i < n; i++) y[i] += alpha * x[i];
}

// One row of a symmetric matrix-vector product on the lower triangle: returns row . v (over len)
// and adds vi * row to p (over len), reading the row once.
static inline double dot_axpy(const double* __restrict row, const double* __restrict v, double vi, double* __restrict p, size_t len) {
  const vd va = splat(vi);
  vd s0 = splat(0), s1 = splat(0);
  size_t i = 0;
  for (; i + 2 * VL <= len; i += 2 * VL) {
    const vd r0 = loadu(row + i), r1 = loadu(row + i + VL);
    s0 += r0 * loadu(v + i);
    s1 += r1 * loadu(v + i + VL);
    storeu(p + i, loadu(p + i) + va * r0);
    storeu(p + i + VL, loadu(p + i + VL) + va * r1);
  }
  for (; i + VL <= len; i += VL) {
    const vd r0 = loadu(row + i);
    s0 += r0 * loadu(v + i);
    storeu(p + i, loadu(p + i) + va * r0);
  }
  double s = hsum(s0 + s1);
  for (; i < len; i++) {
    s += row[i] * v[i];
    p[i] += vi * row[i];
  }
  return s;
}

// Two rows a, b at once (shared loads of v and p): returns a . v and b . v over len in sa, sb, and
// adds va a + vb b to p over len.
static inline void dot2_axpy2(const double* __restrict a, const double* __restrict b, const double* __restrict v, double va,
                              double vb, double* __restrict p, size_t len, double& sa, double& sb) {
  const vd xa = splat(va), xb = splat(vb);
  vd s0 = splat(0), s1 = splat(0);
  size_t i = 0;
  for (; i + VL <= len; i += VL) {
    const vd ra = loadu(a + i), rb = loadu(b + i), vv = loadu(v + i);
    s0 += ra * vv;
    s1 += rb * vv;
    storeu(p + i, loadu(p + i) + xa * ra + xb * rb);
  }
  double ta = hsum(s0), tb = hsum(s1);
  for (; i < len; i++) {
    ta += a[i] * v[i];
    tb += b[i] * v[i];
    p[i] += va * a[i] + vb * b[i];
  }
  sa = ta;
  sb = tb;
}

// ---------------------------------------------------------------------------------------------
// Persistent worker threads. The blocked reductions split two matrix-vector products per column
// over the threads (one synchronisation each, up to 2n per call), so starting a std::thread per
// split (tens of microseconds) would cost more than the work at moderate n. A job is a number of
// parts (more parts than threads); the calling thread and the workers claim parts one at a time
// from an atomic counter, so a worker that is descheduled on a busy machine only delays the parts
// it has claimed (with a fixed part per thread, the caller waited for it, and 2 threads were
// measured slower than 1 under load). Workers spin briefly after a job (the next split of the
// same reduction follows within microseconds) and then sleep on a condition variable. One job at
// a time: a caller that finds the pool busy (another Node worker thread inside a kernel) runs all
// parts itself. Every split below gives each output entry the same arithmetic whichever thread
// runs which part, so results do not depend on the thread count or on the scheduling.
class Pool {
 public:
  // Runs f(0..parts-1) on the calling thread and up to threads - 1 workers.
  void run(int threads, int parts, const std::function<void(int)>& f) {
    if (threads <= 1 || parts <= 1) {
      for (int i = 0; i < parts; i++) f(i);
      return;
    }
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) {
      for (int i = 0; i < parts; i++) f(i);
      return;
    }
    ensure(threads - 1);
    job_ = &f;
    parts_ = parts;
    done_.store(0, std::memory_order_relaxed);
    const uint64_t g = (state_.load(std::memory_order_relaxed) >> 32) + 1;
    {
      std::lock_guard<std::mutex> lk(mu_);
      state_.store(g << 32, std::memory_order_release);  // generation g, next part 0
    }
    cv_.notify_all();
    for (int i; (i = claim(g)) >= 0;) {
      f(i);
      done_.fetch_add(1, std::memory_order_release);
    }
    for (unsigned spins = 0; done_.load(std::memory_order_acquire) != parts; spins++)
      if (spins > 1024) std::this_thread::yield();
  }

 private:
  // Next unclaimed part of generation g, or -1. A successful claim means generation g is not
  // finished, so job_ and parts_ (written before g was published) are still g's.
  int claim(uint64_t g) {
    uint64_t s = state_.load(std::memory_order_acquire);
    for (;;) {
      if ((s >> 32) != g || int(s & 0xffffffffu) >= parts_) return -1;
      if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) return int(s & 0xffffffffu);
    }
  }
  void ensure(int n) {
    while (int(workers_.size()) < n) {
      const uint64_t seen = state_.load(std::memory_order_acquire) >> 32;  // before the job that follows
      workers_.emplace_back([this, seen] { loop(seen); });
      workers_.back().detach();
    }
  }
  void loop(uint64_t seen) {
    for (;;) {
      uint64_t g;
      // spin up to ~200 microseconds (the serial part between two splits of a reduction is
      // usually far shorter; a sleep and wake-up costs 5-50 microseconds), then sleep
      auto start = std::chrono::steady_clock::now();
      for (unsigned spins = 1; (g = state_.load(std::memory_order_acquire) >> 32) == seen; spins++) {
        if (spins > 64) std::this_thread::yield();  // give the core away if something else is runnable
        if (spins % 64 == 0 && std::chrono::steady_clock::now() - start > std::chrono::microseconds(200)) {
          std::unique_lock<std::mutex> lk(mu_);
          cv_.wait(lk, [&] { return (state_.load(std::memory_order_acquire) >> 32) != seen; });
        }
      }
      seen = g;
      const std::function<void(int)>* job = job_;
      for (int i; (i = claim(g)) >= 0;) {
        (*job)(i);
        done_.fetch_add(1, std::memory_order_release);
      }
    }
  }
  std::mutex busy_, mu_;
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> state_{0};  // generation << 32 | next part
  std::atomic<int> done_{0};
  const std::function<void(int)>* job_ = nullptr;
  int parts_ = 0;
};

// Never destroyed: detached workers may still wait on its condition variable at process exit.
static Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

// Part `p` of `parts` of [0, len), boundaries at multiples of 8 (so each part's vector loops and
// scalar tails cover the same entries whatever the split).
static inline size_t split_at(size_t len, size_t p, size_t parts) {
  if (p >= parts) return len;
  return std::min(len, (len * p / parts) / 8 * 8);
}

// y[c] = sum_r v[r] A[r, c] over rows [0, rows), columns [0, cols) (row stride lda), rows taken
// four at a time in a fixed order; the columns are split over `threads` parts.
static void atv_cols(const double* A, size_t lda, size_t rows, size_t cols, const double* v, double* y, size_t c0, size_t c1) {
  const size_t len = c1 - c0;
  std::fill(y + c0, y + c1, 0.0);
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const double* a0 = A + r * lda + c0;
    const double *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
    const vd x0 = splat(v[r]), x1 = splat(v[r + 1]), x2 = splat(v[r + 2]), x3 = splat(v[r + 3]);
    double* yy = y + c0;
    size_t j = 0;
    for (; j + VL <= len; j += VL) {
      vd acc = loadu(yy + j);
      acc += x0 * loadu(a0 + j);
      acc += x1 * loadu(a1 + j);
      acc += x2 * loadu(a2 + j);
      acc += x3 * loadu(a3 + j);
      storeu(yy + j, acc);
    }
    for (; j < len; j++) {
      double acc = yy[j];
      acc += v[r] * a0[j];
      acc += v[r + 1] * a1[j];
      acc += v[r + 2] * a2[j];
      acc += v[r + 3] * a3[j];
      yy[j] = acc;
    }
  }
  for (; r < rows; r++) axpy(v[r], A + r * lda + c0, y + c0, len);
}

// Threads pay off for a product over about 64k entries or more (~a 256 x 256 block).
constexpr double PAR_MIN_ENTRIES = 65536;
// Parts of a split job per thread (claimed dynamically, see Pool).
constexpr size_t PARTS_PER_THREAD = 4;

static void atv(const double* A, size_t lda, size_t rows, size_t cols, const double* v, double* y, int threads) {
  const size_t t = double(rows) * double(cols) < PAR_MIN_ENTRIES || cols < 64 ? 1 : size_t(std::max(threads, 1));
  if (t == 1) {
    atv_cols(A, lda, rows, cols, v, y, 0, cols);
    return;
  }
  const size_t parts = PARTS_PER_THREAD * t;
  pool().run(int(t), int(parts), [&](int p) { atv_cols(A, lda, rows, cols, v, y, split_at(cols, p, parts), split_at(cols, p + 1, parts)); });
}

// x[r] = A[r, 0..cols) . u for rows [0, rows), rows split over `threads` parts.
static void av(const double* A, size_t lda, size_t rows, size_t cols, const double* u, double* x, int threads) {
  const size_t t = double(rows) * double(cols) < PAR_MIN_ENTRIES || rows < 64 ? 1 : size_t(std::max(threads, 1));
  // rows in groups of four from row 0 (one load of u per four rows); part boundaries are multiples
  // of 8, so the grouping does not depend on the split
  auto part = [&](size_t r0, size_t r1) {
    size_t r = r0;
    for (; r + 4 <= r1; r += 4) {
      const double* a0 = A + r * lda;
      const double *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
      vd s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0);
      vd q0 = splat(0), q1 = splat(0), q2 = splat(0), q3 = splat(0);
      size_t j = 0;
      for (; j + 2 * VL <= cols; j += 2 * VL) {
        const vd ua = loadu(u + j), ub = loadu(u + j + VL);
        s0 += loadu(a0 + j) * ua;
        s1 += loadu(a1 + j) * ua;
        s2 += loadu(a2 + j) * ua;
        s3 += loadu(a3 + j) * ua;
        q0 += loadu(a0 + j + VL) * ub;
        q1 += loadu(a1 + j + VL) * ub;
        q2 += loadu(a2 + j + VL) * ub;
        q3 += loadu(a3 + j + VL) * ub;
      }
      double t0 = hsum(s0 + q0), t1 = hsum(s1 + q1), t2 = hsum(s2 + q2), t3 = hsum(s3 + q3);
      for (; j < cols; j++) {
        t0 += a0[j] * u[j];
        t1 += a1[j] * u[j];
        t2 += a2[j] * u[j];
        t3 += a3[j] * u[j];
      }
      x[r] = t0, x[r + 1] = t1, x[r + 2] = t2, x[r + 3] = t3;
    }
    for (; r < r1; r++) x[r] = dot(A + r * lda, u, cols);
  };
  if (t == 1) {
    part(0, rows);
    return;
  }
  const size_t parts = PARTS_PER_THREAD * t;
  pool().run(int(t), int(parts), [&](int p) { part(split_at(rows, p, parts), split_at(rows, p + 1, parts)); });
}

// ---------------------------------------------------------------------------------------------
// GEMM
// Micro-tile MR x NR = MR x NV vectors: NV*MR accumulators + NV + 1 live registers must fit the register
// file (32 vector registers with AVX-512, 16 otherwise).
// AVX-512: 8 x 3 vectors (24 accumulators, 11 loads per 24 FMAs; measured 25% faster than 12 x 2
// at N = 400). Otherwise 6 x 2 vectors (12 accumulators within 16 registers).
#if defined(__AVX512F__)
constexpr int MR = 8;
constexpr int NV = 3;
#else
constexpr int MR = 6;
constexpr int NV = 2;
#endif
constexpr int NR = NV * VL;
constexpr size_t KC = 256;
constexpr size_t MC = 96;   // multiple of MR; MC*KC*8 = 192 KiB of packed A (L2)
constexpr size_t NC = 2048;  // packed B panel KC*NC*8 <= 4 MiB (L2/L3)

static double* aligned_alloc_doubles(size_t n) {
  void* p = nullptr;
  if (posix_memalign(&p, 64, std::max<size_t>(n, 1) * sizeof(double)) != 0) return nullptr;
  return static_cast<double*>(p);
}

// Pack A[i0.., p0..] (mc x kc, row stride lda) into MR-row micro-panels: panel r, column p, row i
// at buf[r*kc*MR + p*MR + i]; rows past mc are zero.
static void pack_a(const double* A, size_t lda, size_t mc, size_t kc, double* buf) {
  for (size_t r = 0; r < mc; r += MR) {
    const size_t rows = std::min<size_t>(MR, mc - r);
    double* dst = buf + r * kc;
    for (size_t p = 0; p < kc; p++) {
      for (size_t i = 0; i < rows; i++) dst[p * MR + i] = A[(r + i) * lda + p];
      for (size_t i = rows; i < MR; i++) dst[p * MR + i] = 0;
    }
  }
}

// Pack op(B)[p0.., j0..] (kc x nc) into NR-column micro-panels: panel c, row p, col j at
// buf[c*kc*NR + p*NR + j]; columns past nc are zero. transB: op(B)(p, j) = B[j*ldb + p].
static void pack_b(const double* B, size_t ldb, size_t kc, size_t nc, bool transB, double* buf) {
  for (size_t c = 0; c < nc; c += NR) {
    const size_t cols = std::min<size_t>(NR, nc - c);
    double* dst = buf + c * kc;
    if (!transB) {
      for (size_t p = 0; p < kc; p++) {
        const double* src = B + p * ldb + c;
        for (size_t j = 0; j < cols; j++) dst[p * NR + j] = src[j];
        for (size_t j = cols; j < NR; j++) dst[p * NR + j] = 0;
      }
    } else {
      for (size_t j = 0; j < cols; j++) {
        const double* src = B + (c + j) * ldb;
        for (size_t p = 0; p < kc; p++) dst[p * NR + j] = src[p];
      }
      for (size_t j = cols; j < NR; j++)
        for (size_t p = 0; p < kc; p++) dst[p * NR + j] = 0;
    }
  }
}

// C[MR x NR] (=, += or -=) Apanel * Bpanel over kc. The MR x NV
// vector accumulators stay in registers (fully unrolled loops over compile-time bounds).
// mode: OVERWRITE C = AB, ADD C += AB, SUBTRACT C -= AB.
enum Mode { OVERWRITE = 0, ADD = 1, SUBTRACT = 2 };
static inline void micro_kernel(size_t kc, const double* __restrict a, const double* __restrict b, double* C, size_t ldc,
                                size_t rows, size_t cols, Mode mode) {
  vd acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[i][v] = splat(0);
  for (size_t p = 0; p < kc; p++) {
    vd bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) bv[v] = *reinterpret_cast<const vd*>(b + v * VL);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      const vd ai = splat(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[i][v] += ai * bv[v];
    }
    a += MR;
    b += NR;
  }
  if (rows == MR && cols == NR) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      double* ci = C + i * ldc;
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++)
        storeu(ci + v * VL, mode == OVERWRITE ? acc[i][v] : mode == ADD ? loadu(ci + v * VL) + acc[i][v] : loadu(ci + v * VL) - acc[i][v]);
    }
    return;
  }
  alignas(64) double tmp[MR * NR];
  for (int i = 0; i < MR; i++)
    for (int v = 0; v < NV; v++) *reinterpret_cast<vd*>(tmp + i * NR + v * VL) = acc[i][v];
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++)
      C[i * ldc + j] = mode == OVERWRITE ? tmp[i * NR + j] : mode == ADD ? C[i * ldc + j] + tmp[i * NR + j] : C[i * ldc + j] - tmp[i * NR + j];
}

// Rows [m0, m1) of C (row strides lda, ldb, ldc). subtract: C -= A op(B), else C = A op(B).
static void gemm_rows(const double* A, size_t lda, const double* B, size_t ldb, double* C, size_t ldc, size_t m0, size_t m1,
                      size_t k, size_t n, bool transB, bool subtract) {
  if (k == 0) {
    if (!subtract)
      for (size_t i = m0; i < m1; i++) std::memset(C + i * ldc, 0, n * sizeof(double));
    return;
  }
  // Packing buffers are kept per thread and reused: fresh ~400 KiB allocations come from mmap
  // and cost page faults on every call (measurable at N = 100).
  struct Buffers {
    double* a = nullptr;
    double* b = nullptr;
    size_t bsize = 0;
    ~Buffers() {
      free(a);
      free(b);
    }
  };
  thread_local Buffers buf;
  if (buf.a == nullptr) buf.a = aligned_alloc_doubles(MC * KC);
  const size_t need = KC * (std::min(NC, n) + NR);
  if (buf.bsize < need) {
    free(buf.b);
    buf.b = aligned_alloc_doubles(need);
    buf.bsize = need;
  }
  double* apack = buf.a;
  double* bpack = buf.b;
  for (size_t jc = 0; jc < n; jc += NC) {
    const size_t nc = std::min(NC, n - jc);
    for (size_t pc = 0; pc < k; pc += KC) {
      const size_t kc = std::min(KC, k - pc);
      const Mode mode = subtract ? SUBTRACT : pc == 0 ? OVERWRITE : ADD;
      const double* bsrc = transB ? B + jc * ldb + pc : B + pc * ldb + jc;
      pack_b(bsrc, ldb, kc, nc, transB, bpack);
      for (size_t ic = m0; ic < m1; ic += MC) {
        const size_t mc = std::min(MC, m1 - ic);
        pack_a(A + ic * lda + pc, lda, mc, kc, apack);
        for (size_t jr = 0; jr < nc; jr += NR) {
          const size_t cols = std::min<size_t>(NR, nc - jr);
          for (size_t ir = 0; ir < mc; ir += MR) {
            const size_t rows = std::min<size_t>(MR, mc - ir);
            micro_kernel(kc, apack + ir * kc, bpack + jr * kc, C + (ic + ir) * ldc + jc + jr, ldc, rows, cols, mode);
          }
        }
      }
    }
  }
}

// C = A op(B) or C -= A op(B), with row strides; rows split over `threads` threads in multiples of
// MR. Every entry of C is the same sequence of operations whatever the split (each entry's sum
// runs over k in the same KC blocks in the same order), so the result does not depend on the
// thread count.
static void gemm_strided(const double* A, size_t lda, const double* B, size_t ldb, double* C, size_t ldc, size_t m, size_t k,
                         size_t n, bool transB, bool subtract, int threads) {
  const double work = double(m) * double(n) * double(k);
  if (threads < 1) threads = 1;
  // Threads only pay off above ~2 MFLOP. Rows are split in multiples of MR; when C is short and
  // wide (m < n / 4, e.g. the nb x n products of the blocked Hessenberg reduction) the columns
  // are split instead, in multiples of NR, so that each thread packs only its part of op(B).
  const bool byCols = 4 * m < n;
  const size_t maxParts = std::max<size_t>(1, byCols ? n / (2 * NR) : m / (2 * MR));
  const size_t t = work < 1e6 ? 1 : std::min<size_t>(size_t(threads), maxParts);
  if (t == 1) {
    gemm_rows(A, lda, B, ldb, C, ldc, 0, m, k, n, transB, subtract);
    return;
  }
  // one part per thread: each part packs its own copy of the shared operand, and two parts per
  // thread were measured 5-7% slower at N = 400 and 1000 on an idle machine (a worker that starts
  // late still finds its part claimed by the caller)
  const size_t parts = t;
  if (byCols) {
    size_t chunk = (n + parts - 1) / parts;
    chunk = (chunk + NR - 1) / NR * NR;
    pool().run(int(t), int(parts), [&](int i) {
      const size_t j0 = std::min(n, i * chunk), j1 = std::min(n, (i + 1) * chunk);
      if (j0 < j1) gemm_rows(A, lda, transB ? B + j0 * ldb : B + j0, ldb, C + j0, ldc, 0, m, k, j1 - j0, transB, subtract);
    });
    return;
  }
  size_t chunk = (m + parts - 1) / parts;
  chunk = (chunk + MR - 1) / MR * MR;
  pool().run(int(t), int(parts), [&](int i) {
    const size_t m0 = std::min(m, i * chunk), m1 = std::min(m, (i + 1) * chunk);
    if (m0 < m1) gemm_rows(A, lda, B, ldb, C, ldc, m0, m1, k, n, transB, subtract);
  });
}

void gemm(const double* A, const double* B, double* C, size_t m, size_t k, size_t n, bool transB, int threads) {
  gemm_strided(A, k, B, transB ? k : n, C, n, m, k, n, transB, false, threads);
}

void matvec(const double* A, const double* x, double* y, size_t m, size_t n, int threads) {
  // rows split over the threads (parts claimed dynamically); each y[i] is the same dot product
  const size_t t = double(m) * double(n) < 4 * PAR_MIN_ENTRIES || m < 64 ? 1 : size_t(std::max(threads, 1));
  const size_t parts = PARTS_PER_THREAD * t;
  pool().run(int(t), int(parts), [&](int p) {
    for (size_t i = split_at(m, size_t(p), parts), i1 = split_at(m, size_t(p) + 1, parts); i < i1; i++) y[i] = dot(A + i * n, x, n);
  });
}

// ---------------------------------------------------------------------------------------------
// LU with partial pivoting, blocked right-looking form (GVL Algorithm 3.4.2 with the partial
// pivoting of 3.4.4): for each panel of LU_NB columns, (1) factor the panel A[k0.., k0..k0+nb)
// unblocked, swapping whole rows; (2) U12 = L11^{-1} A12 (unit lower triangular solve along rows);
// (3) A22 -= L21 U12 by GEMM, the O(n^3) part, with its rows split over the threads. The panel and
// the solve are serial, and the GEMM's result does not depend on its split, so x does not depend
// on the thread count.
constexpr size_t LU_NB = 32;

// Unblocked elimination of columns [c0, c1) on rows [c0, n) (only columns < c1 are updated).
// Returns false when a pivot is <= thresh.
static bool lu_panel(double* A, size_t n, size_t c0, size_t c1, double thresh, size_t* piv) {
  for (size_t c = c0; c < c1; c++) {
    size_t p = c;
    double best = std::fabs(A[c * n + c]);
    for (size_t i = c + 1; i < n; i++) {
      const double v = std::fabs(A[i * n + c]);
      if (v > best) best = v, p = i;
    }
    if (best <= thresh) return false;
    piv[c] = p;
    if (p != c) std::swap_ranges(A + c * n, A + (c + 1) * n, A + p * n);
    const double inv = 1.0 / A[c * n + c];
    const double* rc = A + c * n;
    for (size_t i = c + 1; i < n; i++) {
      double* ri = A + i * n;
      const double l = ri[c] * inv;
      ri[c] = l;
      if (l != 0 && c + 1 < c1) axpy(-l, rc + c + 1, ri + c + 1, c1 - c - 1);
    }
  }
  return true;
}

int lu_solve(const double* Ain, const double* b, double* x, size_t n, int threads) {
  std::vector<double> A(Ain, Ain + n * n);
  std::vector<double> y(b, b + n);
  double amax = 0;
  for (size_t i = 0; i < n * n; i++) {
    if (!std::isfinite(A[i])) return 2;
    amax = std::max(amax, std::fabs(A[i]));
  }
  for (size_t i = 0; i < n; i++)
    if (!std::isfinite(y[i])) return 2;
  const double thresh = double(n) * std::numeric_limits<double>::epsilon() * amax;
  if (amax == 0) return 1;
  double* a = A.data();
  std::vector<size_t> piv(n);
  for (size_t k0 = 0; k0 < n; k0 += LU_NB) {
    const size_t k1 = std::min(n, k0 + LU_NB);
    if (!lu_panel(a, n, k0, k1, thresh, piv.data())) return 1;
    if (k1 == n) break;
    const size_t rest = n - k1;
    // U12 = L11^{-1} A12: row i of the block row minus L[i, j] times row j, j < i.
    for (size_t i = k0 + 1; i < k1; i++) {
      double* ri = a + i * n + k1;
      for (size_t j = k0; j < i; j++) {
        const double l = a[i * n + j];
        if (l != 0) axpy(-l, a + j * n + k1, ri, rest);
      }
    }
    // A22 -= L21 U12
    gemm_strided(a + k1 * n + k0, n, a + k0 * n + k1, n, a + k1 * n + k1, n, rest, k1 - k0, rest, false, true, threads);
  }
  for (size_t k = 0; k < n; k++)
    if (piv[k] != k) std::swap(y[k], y[piv[k]]);
  // L y' = P b (unit lower), then U x = y'.
  for (size_t i = 1; i < n; i++) y[i] -= dot(a + i * n, y.data(), i);
  for (size_t ii = n; ii-- > 0;) {
    const double s = y[ii] - dot(&a[ii * n + ii + 1], &y[ii + 1], n - ii - 1);
    y[ii] = s / a[ii * n + ii];
  }
  for (size_t i = 0; i < n; i++) {
    if (!std::isfinite(y[i])) return 1;
    x[i] = y[i];
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Householder vector for x (length len, stride incx): on return x[0] = beta-scaled... we return
// alpha (the value that replaces x[0]) and leave v in `v` with v[0] = 1 implicit in tau form:
// H = I - tau v v^T, H x = alpha e1. Returns tau (0 if no reflection is needed).
static double householder(const double* x, size_t len, size_t incx, double* v, double& alpha) {
  double scale = 0;
  for (size_t i = 0; i < len; i++) scale = std::max(scale, std::fabs(x[i * incx]));
  if (scale == 0) {
    alpha = 0;
    for (size_t i = 0; i < len; i++) v[i] = 0;
    return 0;
  }
  double ss = 0;
  for (size_t i = 0; i < len; i++) {
    v[i] = x[i * incx] / scale;
    ss += v[i] * v[i];
  }
  const double x0 = v[0];
  const double sigma = ss - x0 * x0;
  if (sigma == 0) {
    alpha = x[0];
    return 0;  // already a multiple of e1
  }
  const double nrm = std::sqrt(ss);
  const double a = x0 >= 0 ? -nrm : nrm;  // alpha = -sign(x0) ||x||: no cancellation in v0
  v[0] = x0 - a;
  // tau = 2 / (v^T v), v^T v = (x0 - a)^2 + sigma
  const double vtv = v[0] * v[0] + sigma;
  alpha = a * scale;
  return 2.0 / vtv;
}

// Implicit-shift QL on the symmetric tridiagonal (d diagonal, e[i] couples i and i+1; e[n-1]
// unused). Eigenvalues overwrite d (unsorted). GVL 8.3.5 / Bowdler et al. 1968.
static int tridiagonal_ql_scaled(double* d, double* e, size_t n);

// Scales T to max entry 1 first, so that sqrt(f*f + g*g) cannot overflow and replaces the much
// slower std::hypot in the inner loop (an underflow to r = 0 takes the standard deflation branch).
static int tridiagonal_ql(double* d, double* e, size_t n) {
  if (n == 0) return 0;
  e[n - 1] = 0;
  double scale = 0;
  for (size_t i = 0; i < n; i++) scale = std::max(scale, std::max(std::fabs(d[i]), std::fabs(e[i])));
  if (scale == 0) return 0;
  const double inv = 1.0 / scale;
  for (size_t i = 0; i < n; i++) {
    d[i] *= inv;
    e[i] *= inv;
  }
  const int rc = tridiagonal_ql_scaled(d, e, n);
  for (size_t i = 0; i < n; i++) d[i] *= scale;
  return rc;
}

// Deflation: e[m] is negligible if it is small relative to its diagonal neighbours OR below
// eps ||T|| (tnorm = max_i |d_i| + |e_i|, EISPACK tql1's test). The absolute branch matters for the
// Golub-Kahan tridiagonal (zero diagonal) of deep/heavy-tailed Jacobians: eigenvalues far below
// eps ||T|| are rounding noise, and the purely relative test made them converge only linearly
// (measured: 69 to 158 sweeps for one eigenvalue of a 400 x 400 tanh L = 50 Jacobian, over the
// cap of 60). Setting such an e[m] to zero perturbs the eigenvalues by <= eps ||T|| (Weyl), the
// normwise accuracy the Householder reduction already has.
static const int ABSOLUTE_AFTER = 30;
static int tridiagonal_ql_scaled(double* d, double* e, size_t n) {
  const double eps = std::numeric_limits<double>::epsilon();
  double tnorm = 0;
  for (size_t i = 0; i < n; i++) tnorm = std::max(tnorm, std::fabs(d[i]) + std::fabs(e[i]));
  const double floor = eps * tnorm;
  for (size_t l = 0; l < n; l++) {
    int iter = 0;
    for (;;) {
      size_t m = l;
      for (; m + 1 < n; m++) {
        const double dd = std::fabs(d[m]) + std::fabs(d[m + 1]);
        // The absolute test only after ABSOLUTE_AFTER sweeps on this eigenvalue: with it from the
        // start, tiny singular values of deep Jacobians (which the relative test resolves to high
        // relative accuracy when it converges) were floored at eps ||T||, and the sampled ESD of a
        // sigmoid L = 10 network lost its lower tail (Kolmogorov distance 0.054 vs 0.035 with the
        // relative test; test/jacobian-light.test.ts).
        if (std::fabs(e[m]) <= eps * dd || (iter >= ABSOLUTE_AFTER && std::fabs(e[m]) <= floor)) break;
      }
      if (m == l) break;
      if (++iter > 60) return 1;
      // Wilkinson-type shift from the leading 2x2 block.
      double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
      double r = std::hypot(g, 1.0);  // g may be huge (tiny e[l]): keep hypot here, once per sweep
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      double s = 1, c = 1, p = 0;
      bool underflow = false;
      for (size_t i = m; i-- > l;) {
        double f = s * e[i];
        const double b = c * e[i];
        r = std::sqrt(f * f + g * g);
        e[i + 1] = r;
        if (r == 0) {
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2.0 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return 0;
}

// Blocked Householder tridiagonalisation (GVL 8.3.1 in the blocked form of Dongarra, Hammarling &
// Sorensen, J. Comput. Appl. Math. 27 (1989), the scheme of LAPACK's dsytrd/dlatrd): the reflectors
// of a panel of TRD_NB columns are applied to the trailing matrix as one rank-2nb update
// A22 -= V W^T + W V^T (GEMM on the lower triangle, block rows over the threads), instead of nb
// rank-2 updates that each stream the whole trailing matrix through memory. Inside the panel each
// column is brought up to date, and the symmetric product S v of each reflector is corrected for
// the panel's pending update: p = tau (S v - V (W^T v) - W (V^T v)).
constexpr size_t TRD_NB = 32;
constexpr size_t TRD_MIN = 96;   // trailing sizes <= this are reduced unblocked
constexpr size_t TRD_RB = 96;    // block rows of the trailing update (multiple of MR = 6 and 8)

// A[k1.., k1..] -= X Y^T on the lower triangle (block rows of TRD_RB, each to its diagonal block's
// right edge). X, Y: rest x kk, row stride ldx. Block rows are the parts of a pool job; each
// entry's arithmetic does not depend on which thread runs its block row.
static void lower_update(const double* X, const double* Y, size_t ldx, double* C, size_t ldc, size_t rest, size_t kk, int threads) {
  std::vector<size_t> starts;
  for (size_t r0 = 0; r0 < rest; r0 += TRD_RB) starts.push_back(r0);
  const size_t nb = starts.size();
  auto run = [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; b++) {
      const size_t r0 = starts[b], r1 = std::min(rest, r0 + TRD_RB);
      gemm_rows(X, ldx, Y, ldx, C, ldc, r0, r1, kk, r1, true, true);
    }
  };
  const size_t t = std::min<size_t>(size_t(std::max(threads, 1)), nb);
  if (t <= 1 || double(rest) * double(rest) * double(kk) < 2e6) {
    run(0, nb);
    return;
  }
  // one part per block row, the largest (last) first, claimed dynamically
  pool().run(int(t), int(nb), [&](int i) { run(nb - 1 - size_t(i), nb - size_t(i)); });
}

// Rows [i0, i1) of p += S v on the stored lower triangle of S (m x m, row stride lds): row i adds
// S[i, 0..i] . v to p[i] and v[i] S[i, 0..i) to p[0..i); rows are taken in pairs from i0 (one pass
// over v and p for both).
static void sym_rows(const double* S, size_t lds, size_t i0, size_t i1, const double* v, double* p) {
  size_t i = i0;
  for (; i + 1 < i1; i += 2) {
    const double* ra = S + i * lds;
    const double* rb = ra + lds;
    double sa, sb;
    dot2_axpy2(ra, rb, v, v[i], v[i + 1], p, i, sa, sb);
    p[i] += sa + ra[i] * v[i] + rb[i] * v[i + 1];
    p[i + 1] += sb + rb[i] * v[i] + rb[i + 1] * v[i + 1];
  }
  if (i < i1) {
    const double* row = S + i * lds;
    p[i] += dot_axpy(row, v, v[i], p, i) + row[i] * v[i];
  }
}

// p = S v for the symmetric S given by its lower triangle (m x m). From m >= SYMV_SPLIT_MIN the
// rows form SYMV_PARTS fixed blocks of about equal area (boundaries depend only on m), each
// accumulating into its own vector `part` (SYMV_PARTS x m), summed in block order; the blocks are
// shared among the threads, so p does not depend on the thread count.
constexpr size_t SYMV_PARTS = 4;
constexpr size_t SYMV_SPLIT_MIN = 256;
static void sym_product(const double* S, size_t lds, size_t m, const double* v, double* p, double* part, int threads) {
  if (m < SYMV_SPLIT_MIN) {
    std::fill(p, p + m, 0.0);
    sym_rows(S, lds, 0, m, v, p);
    return;
  }
  size_t cut[SYMV_PARTS + 1];
  for (size_t b = 0; b <= SYMV_PARTS; b++) cut[b] = std::min(m, size_t(double(m) * std::sqrt(double(b) / SYMV_PARTS)) / 2 * 2);
  cut[SYMV_PARTS] = m;
  auto block = [&](size_t b) {
    double* pb = part + b * m;
    std::fill(pb, pb + cut[b + 1], 0.0);
    sym_rows(S, lds, cut[b], cut[b + 1], v, pb);
  };
  pool().run(std::max(threads, 1), int(SYMV_PARTS), [&](int b) { block(size_t(b)); });
  for (size_t j = 0; j < m; j++) {
    double sum = 0;
    for (size_t b = 0; b < SYMV_PARTS; b++)
      if (j < cut[b + 1]) sum += part[b * m + j];
    p[j] = sum;
  }
}

int sym_eigenvalues(const double* Ain, double* w, size_t n, int threads) {
  if (n == 0) return 0;
  std::vector<double> A(Ain, Ain + n * n);
  for (double v : A)
    if (!std::isfinite(v)) return 1;
  std::vector<double> d(n), e(n, 0.0), v(n), p(n), wv(n);
  size_t k = 0;
  if (n > TRD_MIN + TRD_NB) {
    const size_t nb = TRD_NB, ld = 2 * nb;
    // Row r of VW holds (V(r, 0..nb), W(r, 0..nb)), row r of WV holds (W(r, ..), V(r, ..)), so that
    // V W^T + W V^T = VW WV^T; rows <= the reflector's column are zero.
    std::vector<double> VW(n * ld), WV(n * ld), t1(ld), part(SYMV_PARTS * n);
    for (; n - k > TRD_MIN + nb; k += nb) {
      const size_t k0 = k;
      std::fill(VW.begin() + k0 * ld, VW.end(), 0.0);
      std::fill(WV.begin() + k0 * ld, WV.end(), 0.0);
      for (size_t j = 0; j < nb; j++) {
        const size_t c = k0 + j, m = n - c - 1;
        // column c (rows c..n-1) with the panel's pending update applied
        if (j > 0)
          for (size_t r = c; r < n; r++) {
            A[r * n + c] -= dot(&VW[r * ld], &WV[c * ld], ld);
          }
        d[c] = A[c * n + c];
        double alpha;
        const double tau = householder(&A[(c + 1) * n + c], m, n, v.data(), alpha);
        e[c] = alpha;
        if (tau == 0) continue;  // V and W columns stay zero
        // p = S v on the stored lower triangle of S = A[c+1.., c+1..]
        sym_product(&A[(c + 1) * n + c + 1], n, m, v.data(), p.data(), part.data(), threads);
        // p -= V (W^T v) + W (V^T v) = VW (WV^T v) over the panel's previous columns (the columns
        // j.. of VW and WV are still zero, so full-length rows give the same sums)
        if (j > 0) {
          std::fill(t1.begin(), t1.end(), 0.0);
          for (size_t i = 0; i < m; i++) axpy(v[i], &WV[(c + 1 + i) * ld], t1.data(), ld);
          for (size_t i = 0; i < m; i++) p[i] -= dot(&VW[(c + 1 + i) * ld], t1.data(), ld);
        }
        for (size_t i = 0; i < m; i++) p[i] *= tau;
        const double K = 0.5 * tau * dot(p.data(), v.data(), m);
        for (size_t i = 0; i < m; i++) {
          const double wi = p[i] - K * v[i];
          const size_t r = c + 1 + i;
          VW[r * ld + j] = v[i];
          VW[r * ld + nb + j] = wi;
          WV[r * ld + j] = wi;
          WV[r * ld + nb + j] = v[i];
        }
      }
      const size_t k1 = k0 + nb, rest = n - k1;
      lower_update(&VW[k1 * ld], &WV[k1 * ld], ld, &A[k1 * n + k1], n, rest, ld, threads);
    }
  }
  // Householder tridiagonalisation on the lower triangle (GVL Algorithm 8.3.1), unblocked.
  for (; k + 2 < n; k++) {
    const size_t m = n - k - 1;  // trailing size
    d[k] = A[k * n + k];
    double alpha;
    const double tau = householder(&A[(k + 1) * n + k], m, n, v.data(), alpha);
    e[k] = alpha;
    if (tau == 0) continue;
    // p = tau * S v using the lower triangle of S = A[k+1.., k+1..].
    std::fill(p.begin(), p.begin() + m, 0.0);
    for (size_t i = 0; i < m; i++) {
      const double* row = &A[(k + 1 + i) * n + k + 1];
      const double s = dot(row, v.data(), i) + row[i] * v[i];
      axpy(v[i], row, p.data(), i);
      p[i] += s;
    }
    for (size_t i = 0; i < m; i++) p[i] *= tau;
    // w = p - (tau/2)(p^T v) v;  S -= v w^T + w v^T (lower triangle).
    const double K = 0.5 * tau * dot(p.data(), v.data(), m);
    for (size_t i = 0; i < m; i++) wv[i] = p[i] - K * v[i];
    for (size_t i = 0; i < m; i++) {
      double* row = &A[(k + 1 + i) * n + k + 1];
      axpy(-v[i], wv.data(), row, i + 1);
      axpy(-wv[i], v.data(), row, i + 1);
    }
  }
  if (n >= 2) {
    d[n - 2] = A[(n - 2) * n + n - 2];
    e[n - 2] = A[(n - 1) * n + n - 2];
  }
  d[n - 1] = A[(n - 1) * n + n - 1];
  if (tridiagonal_ql(d.data(), e.data(), n) != 0) return 1;
  std::sort(d.begin(), d.end());
  std::copy(d.begin(), d.end(), w);
  return 0;
}

// Blocked Golub-Kahan bidiagonalisation (the scheme of LAPACK's dgebrd/dlabrd; Dongarra, Hammarling
// & Sorensen 1989): a panel of BRD_NB columns and rows is reduced while the trailing matrix is left
// untouched, its pending update kept as A <- A - L R with L = [V X] (m x 2nb: left reflectors,
// then X) and R = [Y^T; U] (2nb x n: Y^T, then the right reflectors), so that the trailing matrix
// receives one GEMM update A22 -= V Y^T + X U^T per panel. Step i (column c = k0 + i):
//   1. column c brought up to date, A(c.., c) -= L(c.., :) R(:, c); left reflector (v, tauq) -> d[c];
//   2. y = tauq (A(c.., c+1..)^T v - R(:, c+1..)^T (L(c.., :)^T v)) -> V column i = v, Y row i = y;
//   3. row c brought up to date, A(c, c+1..) -= L(c, :) R(:, c+1..); right reflector (u, taup) -> e[c];
//   4. x = taup (A(c+1.., c+1..) u - L(c+1.., :) (R(:, c+1..) u)) -> X column i = x, U row i = u.
// The two products with the trailing matrix (A^T v, A u) are the level-2 half of the flops; they
// are split over the threads (columns, resp. rows), as is the GEMM. Returns the number of columns
// reduced (d, e filled up to it); the caller reduces the rest unblocked.
constexpr size_t BRD_NB = 32;
constexpr size_t BRD_MIN = 64;  // trailing sizes <= this are reduced unblocked

static size_t bidiagonalise_blocked(double* A, size_t m, size_t n, double* d, double* e, int threads) {
  const size_t nb = BRD_NB, ld = 2 * nb;
  std::vector<double> L(m * ld), R(ld * n), v(m), x(m), y(n), t(ld), sv(ld), coef(ld);
  size_t k0 = 0;
  for (; n - k0 > BRD_MIN + nb; k0 += nb) {
    std::fill(L.begin() + k0 * ld, L.end(), 0.0);
    for (size_t j = 0; j < ld; j++) std::fill(R.begin() + j * n + k0, R.begin() + (j + 1) * n, 0.0);
    for (size_t i = 0; i < nb; i++) {
      const size_t c = k0 + i, len = m - c, nc = n - c - 1;
      // 1. column c, rows c.., with the pending update; left reflector
      if (i > 0) {
        for (size_t j = 0; j < ld; j++) coef[j] = R[j * n + c];
        for (size_t r = c; r < m; r++) A[r * n + c] -= dot(&L[r * ld], coef.data(), ld);
      }
      double alpha;
      const double tauq = householder(&A[c * n + c], len, n, v.data(), alpha);
      d[c] = alpha;
      // 2. y = tauq A_cur(c.., c+1..)^T v
      if (tauq != 0) {
        for (size_t r = 0; r < len; r++) L[(c + r) * ld + i] = v[r];
        atv(&A[c * n + c + 1], n, len, nc, v.data(), y.data(), threads);
        std::fill(t.begin(), t.end(), 0.0);
        for (size_t r = 0; r < len; r++) axpy(v[r], &L[(c + r) * ld], t.data(), ld);
        t[i] = 0;  // L column i is v itself; R row i is still zero
        for (size_t j = 0; j < ld; j++)
          if (t[j] != 0) axpy(-t[j], &R[j * n + c + 1], y.data(), nc);
        double* yrow = &R[i * n + c + 1];
        for (size_t q = 0; q < nc; q++) yrow[q] = tauq * y[q];
      }
      // 3. row c, columns c+1.., with the pending update (now including V column i, Y row i)
      double* rowc = &A[c * n + c + 1];
      for (size_t j = 0; j < ld; j++) {
        const double l = L[c * ld + j];
        if (l != 0) axpy(-l, &R[j * n + c + 1], rowc, nc);
      }
      double taup = 0;
      if (nc == 1) {
        e[c] = rowc[0];
      } else {
        taup = householder(rowc, nc, 1, &R[(nb + i) * n + c + 1], alpha);  // U row i = u
        e[c] = alpha;
      }
      // 4. x = taup (A(c+1.., c+1..) u - L(c+1.., :) (R(:, c+1..) u)); R row nb+i (u) and L column
      // nb+i (x) are included in the sums with zero coefficients... so exclude them explicitly.
      if (taup != 0) {
        const double* urow = &R[(nb + i) * n + c + 1];
        const size_t rows = len - 1;
        av(&A[(c + 1) * n + c + 1], n, rows, nc, urow, x.data(), threads);
        for (size_t j = 0; j < ld; j++) sv[j] = j == nb + i ? 0.0 : dot(&R[j * n + c + 1], urow, nc);
        for (size_t r = 0; r < rows; r++) {
          const double xr = taup * (x[r] - dot(&L[(c + 1 + r) * ld], sv.data(), ld));
          L[(c + 1 + r) * ld + nb + i] = xr;
        }
      } else {
        std::fill(R.begin() + (nb + i) * n + c + 1, R.begin() + (nb + i + 1) * n, 0.0);
      }
    }
    // trailing update A22 -= L(k1.., :) R(:, k1..)
    const size_t k1 = k0 + nb;
    gemm_strided(&L[k1 * ld], ld, &R[k1], n, &A[k1 * n + k1], n, m - k1, ld, n - k1, false, true, threads);
  }
  return k0;
}

int singular_values(const double* Ain, double* s, size_t m0, size_t n0, int threads) {
  // Work on an m x n matrix with m >= n (transpose if needed: same singular values).
  const bool tr = m0 < n0;
  const size_t m = tr ? n0 : m0, n = tr ? m0 : n0;
  if (n == 0) return 0;
  std::vector<double> A(m * n);
  if (!tr) {
    std::copy(Ain, Ain + m * n, A.begin());
  } else {
    for (size_t i = 0; i < m0; i++)
      for (size_t j = 0; j < n0; j++) A[j * n + i] = Ain[i * n0 + j];
  }
  for (double v : A)
    if (!std::isfinite(v)) return 1;
  std::vector<double> d(n), e(n, 0.0), v(m), w(n);
  std::vector<double> u(n);
  size_t k = 0;
  if (n > BRD_MIN + BRD_NB) k = bidiagonalise_blocked(A.data(), m, n, d.data(), e.data(), threads);
  // Golub-Kahan bidiagonalisation to upper bidiagonal (d, e) (GVL Algorithm 5.4.2), unblocked, for
  // the last columns. The right reflector of step k depends only on row k after the left update, so
  // rows k+1.. receive the left and the right update in one visit.
  for (; k < n; k++) {
    double alpha;
    const size_t len = m - k;
    const double tau = householder(&A[k * n + k], len, n, v.data(), alpha);  // zeroes A[k+1.., k]
    d[k] = alpha;
    if (k + 1 >= n) break;
    const size_t nc = n - k - 1;
    if (tau != 0) {
      std::fill(w.begin(), w.begin() + nc, 0.0);
      for (size_t i = 0; i < len; i++) axpy(v[i], &A[(k + i) * n + k + 1], w.data(), nc);  // w = v^T A_sub
      axpy(-tau * v[0], w.data(), &A[k * n + k + 1], nc);                                   // row k
    }
    double tau2 = 0;
    if (k + 2 == n) {
      e[k] = A[k * n + k + 1];
    } else {
      tau2 = householder(&A[k * n + k + 1], nc, 1, u.data(), alpha);  // zeroes A[k, k+2..]
      e[k] = alpha;
    }
    for (size_t i = 1; i < len; i++) {
      double* row = &A[(k + i) * n + k + 1];
      if (tau != 0) axpy(-tau * v[i], w.data(), row, nc);
      if (tau2 != 0) {
        const double sc = dot(row, u.data(), nc);
        axpy(-tau2 * sc, u.data(), row, nc);
      }
    }
  }
  // Singular values of B = eigenvalues >= 0 of the Golub-Kahan tridiagonal with zero diagonal and
  // off-diagonal (d0, e0, d1, e1, ..., d_{n-1}) (GVL 8.6.1): its eigenvalues are +-sigma_i.
  const size_t N2 = 2 * n;
  std::vector<double> td(N2, 0.0), te(N2, 0.0);
  for (size_t i = 0; i < n; i++) {
    te[2 * i] = d[i];
    if (i + 1 < n) te[2 * i + 1] = e[i];
  }
  if (tridiagonal_ql(td.data(), te.data(), N2) != 0) return 1;
  std::sort(td.begin(), td.end(), [](double a, double b) { return a > b; });
  for (size_t i = 0; i < n; i++) s[i] = std::fabs(td[i]);
  std::sort(s, s + n, [](double a, double b) { return a > b; });
  return 0;
}

// Francis double-shift QR on the upper Hessenberg H (row-major n x n, modified), eigenvalues only.
// Deflation when a subdiagonal is negligible relative to its diagonal neighbours; exceptional
// shifts at iterations 10, 20, ... (Wilkinson's ad hoc shift).
// The caller scales H to max |h_ij| ~ 1 (eigenvalues()), so the shift products (r s - w, h h)
// cannot underflow for entries near 1e-180 (raw Cauchy sigmoid Jacobians at saturated fixed points
// failed that way). A subdiagonal below eps ||H||_1-ish (anorm) or smlnum = DBL_MIN n / eps (LAPACK
// dlahqr's underflow guard) is also negligible: with rows spanning 1 .. 1e-256 the relative test
// alone kept blocks whose shift products underflow to 0, and the iteration stalled. Zeroing such a
// subdiagonal is a backward error <= eps ||H||, within the normwise stability of the reduction.
// Column transformation of one double-shift step k on one row: (row[k], row[k+1], row[k+2]) times
// the reflector given by x, y, z, q, r (three columns unless `three` is false: the last step).
static inline void column_op(double* row, long k, double x, double y, double z, double q, double r, bool three) {
  double p = x * row[k] + y * row[k + 1];
  if (three) {
    p += z * row[k + 2];
    row[k + 2] -= p * r;
  }
  row[k + 1] -= p * q;
  row[k] -= p;
}

static int hessenberg_qr(double* a, size_t n, double* wr, double* wi, int threads) {
  auto A = [a, n](long i, long j) -> double& { return a[size_t(i) * n + size_t(j)]; };
  std::vector<double> cx(n), cy(n), cz(n), cq(n), cr(n);
  std::vector<char> cvalid(n);
  double anorm = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = (i > 0 ? i - 1 : 0); j < n; j++) anorm += std::fabs(A(i, j));
  const double smlnum = std::numeric_limits<double>::min() * (double(n) / std::numeric_limits<double>::epsilon());
  const double floor = std::max(smlnum, std::numeric_limits<double>::epsilon() * anorm);
  long nn = long(n) - 1;
  double t = 0;
  while (nn >= 0) {
    int its = 0;
    long l;
    do {
      for (l = nn; l >= 1; l--) {
        double s = std::fabs(A(l - 1, l - 1)) + std::fabs(A(l, l));
        if (s == 0) s = anorm;
        if (std::fabs(A(l, l - 1)) + s == s || std::fabs(A(l, l - 1)) <= floor) {
          A(l, l - 1) = 0;
          break;
        }
      }
      double x = A(nn, nn);
      if (l == nn) {  // one root found
        wr[nn] = x + t;
        wi[nn] = 0;
        nn--;
      } else {
        double y = A(nn - 1, nn - 1);
        double w = A(nn, nn - 1) * A(nn - 1, nn);
        if (l == nn - 1) {  // two roots from the trailing 2x2
          double p = 0.5 * (y - x);
          double q = p * p + w;
          double z = std::sqrt(std::fabs(q));
          x += t;
          if (q >= 0) {
            z = p + (p >= 0 ? z : -z);
            wr[nn - 1] = wr[nn] = x + z;
            if (z != 0) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = z;
            wi[nn] = -z;
          }
          nn -= 2;
        } else {
          if (its >= 60) return 1;
          if (its > 0 && its % 10 == 0) {  // exceptional shift
            t += x;
            for (long i = 0; i <= nn; i++) A(i, i) -= x;
            const double s = std::fabs(A(nn, nn - 1)) + std::fabs(A(nn - 1, nn - 2));
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          long m;
          double p = 0, q = 0, r = 0, z;
          for (m = nn - 2; m >= l; m--) {
            z = A(m, m);
            r = x - z;
            double s = y - z;
            p = (r * s - w) / A(m + 1, m) + A(m, m + 1);
            q = A(m + 1, m + 1) - z - r - s;
            r = A(m + 2, m + 1);
            s = std::fabs(p) + std::fabs(q) + std::fabs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m == l) break;
            const double u = std::fabs(A(m, m - 1)) * (std::fabs(q) + std::fabs(r));
            const double v = std::fabs(p) * (std::fabs(A(m - 1, m - 1)) + std::fabs(z) + std::fabs(A(m + 1, m + 1)));
            if (u + v == v) break;
          }
          for (long i = m + 2; i <= nn; i++) {
            A(i, i - 2) = 0;
            if (i != m + 2) A(i, i - 3) = 0;
          }
          for (long k = m; k <= nn - 1; k++) {
            if (k != m) {
              p = A(k, k - 1);
              q = A(k + 1, k - 1);
              r = 0;
              if (k != nn - 1) r = A(k + 2, k - 1);
              x = std::fabs(p) + std::fabs(q) + std::fabs(r);
              if (x != 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            double s = std::sqrt(p * p + q * q + r * r);
            if (p < 0) s = -s;
            if (s != 0) {
              if (k == m) {
                if (l != m) A(k, k - 1) = -A(k, k - 1);
              } else {
                A(k, k - 1) = -s * x;
              }
              p += s;
              x = p / s;
              y = q / s;
              z = r / s;
              q /= p;
              r /= p;
              for (long j = k; j <= nn; j++) {  // row transformation
                p = A(k, j) + q * A(k + 1, j);
                if (k != nn - 1) {
                  p += r * A(k + 2, j);
                  A(k + 2, j) -= p * z;
                }
                A(k + 1, j) -= p * y;
                A(k, j) -= p * x;
              }
              // column transformation, now only on the rows k+1.. that later steps read; rows
              // l..k are deferred to the end of the sweep
              const long mmin = nn < k + 3 ? nn : k + 3;
              for (long i = std::max(l, k + 1); i <= mmin; i++) column_op(&A(i, 0), k, x, y, z, q, r, k != nn - 1);
              cx[k] = x, cy[k] = y, cz[k] = z, cq[k] = q, cr[k] = r;
              cvalid[k] = 1;
            } else {
              cvalid[k] = 0;
            }
          }
          // Deferred column transformations: rows l..k of step k are touched by no other operation
          // of the sweep (row transformations of later steps act on rows > k), so each row takes
          // its steps in order, one contiguous pass, with the same arithmetic per entry as applying
          // them step by step (a column at a time, stride n, was half the time of the QR at n = 1000).
          // Eight rows at a time: within one row the steps form a dependency chain (step k+1 reads
          // what step k wrote), so independent rows are interleaved. The rows are independent, so
          // large sweeps split them over the threads (each row's arithmetic does not depend on it).
          constexpr long G = 8;
          auto rows = [&](long r0, long r1) {
            for (long i0 = r0; i0 < r1; i0 += G) {
              const long g = std::min(G, r1 - i0);
              for (long k = std::max(i0, m); k <= nn - 1; k++) {
                if (!cvalid[k]) continue;
                const double x = cx[k], y = cy[k], z = cz[k], q = cq[k], r = cr[k];
                const bool three = k != nn - 1;
                const long top = std::min(g, k - i0 + 1);  // rows i0 .. i0+top-1 have i <= k
#pragma GCC unroll 8
                for (long j = 0; j < G; j++)
                  if (j < top) column_op(&A(i0 + j, 0), k, x, y, z, q, r, three);
              }
            }
          };
          const long span = nn - l;
          if (threads < 2 || span < 256) {
            rows(l, nn);
          } else {
            // four parts of about equal work (row i has about nn - i steps): part j ends at
            // l + span (1 - sqrt(1 - (j+1)/4)), in whole groups of G rows
            long cut[5];
            cut[0] = l;
            for (int j = 1; j < 4; j++) cut[j] = std::min(nn, l + (long(double(span) * (1.0 - std::sqrt(1.0 - j / 4.0))) / G) * G);
            cut[4] = nn;
            pool().run(threads, 4, [&](int j) { rows(cut[j], cut[j + 1]); });
          }
        }
      }
    } while (l < nn - 1);
  }
  return 0;
}

// Blocked Householder reduction to upper Hessenberg form (the scheme of LAPACK's dgehrd/dlahr2;
// Dongarra, Hammarling & Sorensen 1989; GVL 7.4 and 5.1.7 for the compact WY form). The HRD_NB
// reflectors of a panel form Q = H_0 ... H_{nb-1} = I - V T V^T (T upper triangular). With A0 the
// matrix at the start of the panel, each panel column c = k0 + i is formed as
//   b = (I - V T^T V^T)(A0(:, c) - Y V(c, :)^T),   Y = A0 V T (all n rows),
// reduced by a reflector (v, tau), and then Y gains the column tau (A0(:, c+1..) v - Y (V^T v)) (the
// product with A0's trailing columns is the level-2 part, its rows split over the threads) and T
// the column (-tau T V^T v; tau). After the panel, A <- Q^T A Q on the trailing columns is two
// GEMM updates: A(:, k1..) -= Y V(k1.., :)^T, then A(k0+1.., k1..) -= V (T^T (V^T A(k0+1.., k1..))).
// Returns the number of columns reduced; the caller reduces the rest unblocked.
constexpr size_t HRD_NB = 32;
constexpr size_t HRD_MIN = 64;  // trailing sizes <= this are reduced unblocked

static size_t hessenberg_blocked(double* A, size_t n, int threads) {
  const size_t nb = HRD_NB;
  std::vector<double> V(n * nb), Vt(nb * n), Y(n * nb), T(nb * nb), W(nb * n), W2(nb * n), b(n), v(n), x(n), w(nb), z(nb);
  size_t k0 = 0;
  for (; n - k0 > HRD_MIN + nb; k0 += nb) {
    std::fill(V.begin(), V.end(), 0.0);
    std::fill(Vt.begin(), Vt.end(), 0.0);
    std::fill(Y.begin(), Y.end(), 0.0);
    std::fill(T.begin(), T.end(), 0.0);
    for (size_t i = 0; i < nb; i++) {
      const size_t c = k0 + i, len = n - c - 1;
      for (size_t r = 0; r < n; r++) b[r] = A[r * n + c];
      if (i > 0) {
        // right: b -= Y V(c, :)^T on every row
        const double* vc = &V[c * nb];
        for (size_t r = 0; r < n; r++) b[r] -= dot(&Y[r * nb], vc, i);
        // left on rows k0+1..: b -= V (T^T (V^T b))
        std::fill(w.begin(), w.end(), 0.0);
        for (size_t r = k0 + 1; r < n; r++) axpy(b[r], &V[r * nb], w.data(), i);
        for (size_t j = i; j-- > 0;) {
          double sum = 0;
          for (size_t l = 0; l <= j; l++) sum += T[l * nb + j] * w[l];
          w[j] = sum;
        }
        for (size_t r = k0 + 1; r < n; r++) b[r] -= dot(&V[r * nb], w.data(), i);
      }
      double alpha;
      const double tau = householder(&b[c + 1], len, 1, v.data(), alpha);
      for (size_t r = 0; r <= c; r++) A[r * n + c] = b[r];
      A[(c + 1) * n + c] = alpha;
      for (size_t r = c + 2; r < n; r++) A[r * n + c] = 0;
      if (tau == 0) continue;  // V, Y and T columns stay zero
      for (size_t r = 0; r < len; r++) V[(c + 1 + r) * nb + i] = Vt[i * n + c + 1 + r] = v[r];
      // z = V_i^T v; T(0..i, i) = -tau T_i z; T(i, i) = tau
      std::fill(z.begin(), z.end(), 0.0);
      for (size_t r = 0; r < len; r++) axpy(v[r], &V[(c + 1 + r) * nb], z.data(), i);
      for (size_t l = 0; l < i; l++) {
        double sum = 0;
        for (size_t j = l; j < i; j++) sum += T[l * nb + j] * z[j];
        T[l * nb + i] = -tau * sum;
      }
      T[i * nb + i] = tau;
      // Y(:, i) = tau (A0(:, c+1..) v - Y_i z)
      av(&A[c + 1], n, n, len, v.data(), x.data(), threads);
      for (size_t r = 0; r < n; r++) Y[r * nb + i] = tau * (x[r] - dot(&Y[r * nb], z.data(), i));
    }
    const size_t k1 = k0 + nb, nc = n - k1, rows = n - k0 - 1;
    // right: A(:, k1..) -= Y V(k1.., :)^T
    gemm_strided(Y.data(), nb, &V[k1 * nb], nb, &A[k1], n, n, nb, nc, true, true, threads);
    // left: W = V^T A(k0+1.., k1..) (nb x nc), W2 = T^T W, A(k0+1.., k1..) -= V W2
    gemm_strided(&Vt[k0 + 1], n, &A[(k0 + 1) * n + k1], n, W.data(), nc, nb, rows, nc, false, false, threads);
    for (size_t j = 0; j < nb; j++) {
      double* w2 = &W2[j * nc];
      std::fill(w2, w2 + nc, 0.0);
      for (size_t l = 0; l <= j; l++)
        if (T[l * nb + j] != 0) axpy(T[l * nb + j], &W[l * nc], w2, nc);
    }
    gemm_strided(&V[(k0 + 1) * nb], nb, W2.data(), nc, &A[(k0 + 1) * n + k1], n, rows, nb, nc, false, true, threads);
  }
  return k0;
}

int eigenvalues(const double* Ain, double* re, double* im, size_t n, int threads) {
  if (n == 0) return 0;
  std::vector<double> A(Ain, Ain + n * n);
  double amax = 0;
  for (double v : A) {
    if (!std::isfinite(v)) return 1;
    amax = std::max(amax, std::fabs(v));
  }
  if (amax == 0) {
    std::fill(re, re + n, 0.0);
    std::fill(im, im + n, 0.0);
    return 0;
  }
  // Scale by a power of two (exact) to max |a_ij| in [0.5, 1); eigenvalues scale back at the end.
  const int ex = std::ilogb(amax) + 1;
  for (double& v : A) v = std::scalbn(v, -ex);
  std::vector<double> v(n), w(n);
  size_t k = 0;
  if (n > HRD_MIN + HRD_NB) k = hessenberg_blocked(A.data(), n, threads);
  // Householder reduction to upper Hessenberg form (GVL Algorithm 7.4.2), unblocked, for the last
  // columns.
  for (; k + 2 < n; k++) {
    const size_t len = n - k - 1;
    double alpha;
    const double tau = householder(&A[(k + 1) * n + k], len, n, v.data(), alpha);
    if (tau == 0) continue;
    // Left: A[k+1.., k..] -= tau v (v^T A[k+1.., k..]).
    const size_t nc = n - k;
    std::fill(w.begin(), w.begin() + nc, 0.0);
    for (size_t i = 0; i < len; i++) axpy(v[i], &A[(k + 1 + i) * n + k], w.data(), nc);
    for (size_t i = 0; i < len; i++) axpy(-tau * v[i], w.data(), &A[(k + 1 + i) * n + k], nc);
    // Right: A[0.., k+1..] -= tau (A[0.., k+1..] v) v^T.
    for (size_t i = 0; i < n; i++) {
      double* row = &A[i * n + k + 1];
      const double sc = dot(row, v.data(), len);
      axpy(-tau * sc, v.data(), row, len);
    }
    for (size_t i = 1; i < len; i++) A[(k + 1 + i) * n + k] = 0;
  }
  const int rc = hessenberg_qr(A.data(), n, re, im, threads);
  for (size_t i = 0; i < n; i++) {
    re[i] = std::scalbn(re[i], ex);
    im[i] = std::scalbn(im[i], ex);
    if (rc == 0 && !(std::isfinite(re[i]) && std::isfinite(im[i]))) return 1;
  }
  return rc;
}

}  // namespace jesd
