// Dense kernels of the native linalg backend (issue 6). Row-major double precision throughout.
// Algorithms (paraphrased from the textbook descriptions, no code copied):
//   GEMM: packed, register-blocked (Goto & van de Geijn, ACM TOMS 34(3), 2008; BLIS micro-kernel
//         layout, Van Zee & van de Geijn, ACM TOMS 41(3), 2015).
//   LU:   blocked right-looking Gaussian elimination with partial pivoting (Golub & Van Loan, Matrix
//         Computations, 4th ed., 3.4.2 and 3.4.4), trailing update by GEMM.
//   Symmetric eigenvalues: blocked Householder tridiagonalisation (Dongarra, Hammarling & Sorensen,
//         J. Comput. Appl. Math. 27, 1989) + implicit-shift QL (GVL 8.3; Bowdler,
//         Martin, Reinsch & Wilkinson, Numer. Math. 11 (1968)).
//   Singular values: blocked Householder (Golub-Kahan) bidiagonalisation (GVL 5.4.8 / 8.6.1 in the
//         blocked form of Dongarra, Hammarling & Sorensen 1989, the scheme of LAPACK's dgebrd), then
//         the singular values of the bidiagonal B as the non-negative eigenvalues of the 2n x 2n
//         Golub-Kahan tridiagonal [[0, B^T], [B, 0]] permuted to tridiagonal form (GVL 8.6.1).
//   Nonsymmetric eigenvalues: blocked Householder Hessenberg reduction (GVL 7.4.2 with the compact
//         WY form of GVL 5.1.7; the scheme of LAPACK's dgehrd) + Francis double-shift QR (GVL 7.5;
//         Martin, Peters & Wilkinson, Numer. Math. 14 (1970) "hqr").
// Threads: the blocked reductions split their GEMM updates and their matrix-vector products over a
// persistent worker pool; every split leaves each output entry's arithmetic unchanged, so results
// are bit-identical for any thread count.
#pragma once
#include <cstddef>

namespace jesd {

// C[m x n] = A[m x k] * op(B); op(B) = B (k x n) or, if transB, B^T with B stored n x k.
void gemm(const double* A, const double* B, double* C, size_t m, size_t k, size_t n, bool transB, int threads);
// y = A x, A m x n; from about 256k entries the rows are split over `threads` threads (y does not
// depend on the thread count).
void matvec(const double* A, const double* x, double* y, size_t m, size_t n, int threads);
// Solve A x = b (A n x n, not modified) by blocked LU; the trailing updates use `threads` threads
// (x does not depend on the thread count). Returns 0 on success, 1 if numerically singular
// (a pivot <= n * eps * max|a_ij|), 2 on non-finite input.
int lu_solve(const double* A, const double* b, double* x, size_t n, int threads);
// Eigenvalues of the symmetric A (lower triangle read), ascending into w; the blocked reduction's
// trailing updates use `threads` threads (w does not depend on the thread count). 0 ok, 1 no convergence.
int sym_eigenvalues(const double* A, double* w, size_t n, int threads);
// Singular values of A (m x n), descending into s (min(m, n) values); the blocked bidiagonalisation
// uses `threads` threads (s does not depend on the thread count). 0 ok, 1 no convergence.
int singular_values(const double* A, double* s, size_t m, size_t n, int threads);
// Eigenvalues of the general A (n x n) into (re, im); conjugate pairs adjacent, positive im first.
// The blocked Hessenberg reduction and the QR sweeps use `threads` threads (the result does not
// depend on the thread count). 0 ok, 1 no convergence.
int eigenvalues(const double* A, double* re, double* im, size_t n, int threads);

}  // namespace jesd
