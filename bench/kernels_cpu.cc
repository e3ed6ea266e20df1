// CPU-time timing of the native kernels without Node (process CPU time, so less sensitive to a
// loaded machine than wall time; single-thread runs only mean anything that way). Build and run:
//   g++ -std=c++17 -O3 -fno-math-errno -march=native -pthread bench/kernels_cpu.cc native/kernels.cc -o /tmp/kcpu
//   /tmp/kcpu sym 1000 1 5      (kernel lu|sym|svd|eig|gemm, N, threads, repetitions)
// Prints the best wall and the best process CPU time over the repetitions.
#include "../native/kernels.h"
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>
#include <cstring>
#include <ctime>
static double cpu_ms(){timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID,&t); return t.tv_sec*1e3+t.tv_nsec/1e6;}
int main(int argc, char** argv) {
  const char* k = argv[1]; size_t n = atoi(argv[2]); int th = atoi(argv[3]); int reps = argc > 4 ? atoi(argv[4]) : 5;
  std::mt19937_64 g(1); std::normal_distribution<double> nd;
  std::vector<double> a(n*n), s(n*n), b(n), x(n), w(n), im(n);
  for (auto& v : a) v = nd(g);
  for (size_t i=0;i<n;i++) for (size_t j=0;j<n;j++) s[i*n+j]=0.5*(a[i*n+j]+a[j*n+i]);
  for (auto& v : b) v = nd(g);
  double best = 1e9, bestc = 1e9;
  for (int r = 0; r < reps; r++) {
    auto t0 = std::chrono::steady_clock::now(); double c0 = cpu_ms();
    if (!strcmp(k,"lu")) jesd::lu_solve(a.data(), b.data(), x.data(), n, th);
    else if (!strcmp(k,"sym")) jesd::sym_eigenvalues(s.data(), w.data(), n, th);
    else if (!strcmp(k,"svd")) jesd::singular_values(a.data(), w.data(), n, n, th);
    else if (!strcmp(k,"eig")) jesd::eigenvalues(a.data(), w.data(), im.data(), n, th);
    else if (!strcmp(k,"gemm")) { std::vector<double> c(n*n); jesd::gemm(a.data(), s.data(), c.data(), n, n, n, false, th); }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (ms < best) best = ms; double cm = cpu_ms() - c0; if (cm < bestc) bestc = cm;
  }
  printf("%s n=%zu threads=%d best wall %.2f ms, cpu %.2f ms\n", k, n, th, best, bestc);
}
