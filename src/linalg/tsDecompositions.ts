/**
 * TypeScript versions of the native decompositions (native/kernels.cc; same algorithms, same
 * references): Householder tridiagonalisation + implicit QL (symmetric eigenvalues), Golub-Kahan
 * bidiagonalisation + QL on the Golub-Kahan tridiagonal (singular values), Householder Hessenberg
 * + Francis double-shift QR (eigenvalues). Golub & Van Loan, Matrix Computations, 4th ed.,
 * 5.4.2, 7.4-7.5, 8.3, 8.6.1; Bowdler, Martin, Reinsch & Wilkinson, Numer. Math. 11 (1968);
 * Martin, Peters & Wilkinson, Numer. Math. 14 (1970). Working on Float64Array directly they run
 * several times faster than ml-matrix's array-of-rows versions. Each returns null when the
 * iteration does not converge (the backend turns that into NonConvergenceError).
 */

/**
 * Householder vector of x = src[off + i*inc], i < len: fills v (v[0] = x0 - alpha, scaled) and
 * returns [tau, alpha] with (I - tau v v^T) x = alpha e1; tau = 0 when no reflection is needed.
 */
function householder(src: Float64Array, off: number, len: number, inc: number, v: Float64Array): [number, number] {
  let scale = 0;
  for (let i = 0; i < len; i++) scale = Math.max(scale, Math.abs(src[off + i * inc]!));
  if (scale === 0) {
    v.fill(0, 0, len);
    return [0, 0];
  }
  let ss = 0;
  for (let i = 0; i < len; i++) {
    const t = src[off + i * inc]! / scale;
    v[i] = t;
    ss += t * t;
  }
  const x0 = v[0]!;
  const sigma = ss - x0 * x0;
  if (sigma === 0) return [0, src[off]!];
  const nrm = Math.sqrt(ss);
  const a = x0 >= 0 ? -nrm : nrm;
  v[0] = x0 - a;
  return [2 / (v[0]! * v[0]! + sigma), a * scale];
}

/** Implicit-shift QL on the symmetric tridiagonal (d, e[i] couples i, i+1); eigenvalues into d. */
export function tridiagonalQl(d: Float64Array, e: Float64Array): boolean {
  const n = d.length;
  if (n === 0) return true;
  e[n - 1] = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]!), Math.abs(e[i]!));
  if (scale === 0) return true;
  for (let i = 0; i < n; i++) {
    d[i] /= scale;
    e[i] /= scale;
  }
  const eps = Number.EPSILON;
  const ABSOLUTE_AFTER = 30;
  // Deflation relative to the neighbours OR below eps ||T|| (same test and reason as native/kernels.cc
  // tridiagonal_ql_scaled: noise-level eigenvalues of the zero-diagonal Golub-Kahan tridiagonal
  // converged only linearly under the purely relative test, past the 60-sweep cap).
  let tnorm = 0;
  for (let i = 0; i < n; i++) tnorm = Math.max(tnorm, Math.abs(d[i]!) + Math.abs(e[i]!));
  const floor = eps * tnorm;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m + 1 < n; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        // Absolute test only after ABSOLUTE_AFTER sweeps (see native/kernels.cc): from the start it
        // floors tiny singular values that the relative test resolves accurately.
        if (Math.abs(e[m]!) <= eps * dd || (iter >= ABSOLUTE_AFTER && Math.abs(e[m]!) <= floor)) break;
      }
      if (m === l) break;
      if (++iter > 60) return false;
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let underflow = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.sqrt(f * f + g * g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1]! -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (underflow) continue;
      d[l]! -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  for (let i = 0; i < n; i++) d[i] *= scale;
  return true;
}

/** Eigenvalues of the symmetric n x n matrix (lower triangle read), ascending; null on failure. */
export function symmetricEigenvaluesTs(src: Float64Array, n: number): Float64Array | null {
  const A = Float64Array.from(src);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    const m = n - k - 1;
    d[k] = A[k * n + k]!;
    const [tau, alpha] = householder(A, (k + 1) * n + k, m, n, v);
    e[k] = alpha;
    if (tau === 0) continue;
    p.fill(0, 0, m);
    const base = (k + 1) * n + k + 1;
    for (let i = 0; i < m; i++) {
      const ro = base + i * n;
      const vi = v[i]!;
      let s = 0;
      for (let j = 0; j < i; j++) {
        const a = A[ro + j]!;
        s += a * v[j]!;
        p[j] += a * vi;
      }
      p[i] += s + A[ro + i]! * vi;
    }
    let pv = 0;
    for (let i = 0; i < m; i++) {
      p[i] *= tau;
      pv += p[i]! * v[i]!;
    }
    const K = 0.5 * tau * pv;
    for (let i = 0; i < m; i++) w[i] = p[i]! - K * v[i]!;
    for (let i = 0; i < m; i++) {
      const ro = base + i * n;
      const vi = v[i]!;
      const wi = w[i]!;
      for (let j = 0; j <= i; j++) A[ro + j] -= vi * w[j]! + wi * v[j]!;
    }
  }
  if (n >= 2) {
    d[n - 2] = A[(n - 2) * n + n - 2]!;
    e[n - 2] = A[(n - 1) * n + n - 2]!;
  }
  if (n >= 1) d[n - 1] = A[(n - 1) * n + n - 1]!;
  if (!tridiagonalQl(d, e)) return null;
  return d.sort();
}

/** Singular values of the m0 x n0 matrix, descending; null on failure. */
export function singularValuesTs(src: Float64Array, m0: number, n0: number): Float64Array | null {
  const tr = m0 < n0;
  const m = tr ? n0 : m0;
  const n = tr ? m0 : n0;
  if (n === 0) return new Float64Array(0);
  let A: Float64Array;
  if (!tr) A = Float64Array.from(src);
  else {
    A = new Float64Array(m * n);
    for (let i = 0; i < m0; i++) for (let j = 0; j < n0; j++) A[j * n + i] = src[i * n0 + j]!;
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const v = new Float64Array(m);
  const u = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const len = m - k;
    const [tau, alpha] = householder(A, k * n + k, len, n, v);
    d[k] = alpha;
    if (k + 1 >= n) break;
    const nc = n - k - 1;
    const c0 = k * n + k + 1;
    if (tau !== 0) {
      w.fill(0, 0, nc);
      for (let i = 0; i < len; i++) {
        const vi = v[i]!;
        const ro = c0 + i * n;
        for (let j = 0; j < nc; j++) w[j] += vi * A[ro + j]!;
      }
      const f = tau * v[0]!;
      for (let j = 0; j < nc; j++) A[c0 + j] -= f * w[j]!;
    }
    let tau2 = 0;
    if (k + 2 === n) e[k] = A[c0]!;
    else {
      const [t2, a2] = householder(A, c0, nc, 1, u);
      tau2 = t2;
      e[k] = a2;
    }
    for (let i = 1; i < len; i++) {
      const ro = c0 + i * n;
      if (tau !== 0) {
        const f = tau * v[i]!;
        for (let j = 0; j < nc; j++) A[ro + j] -= f * w[j]!;
      }
      if (tau2 !== 0) {
        let s = 0;
        for (let j = 0; j < nc; j++) s += A[ro + j]! * u[j]!;
        const f = tau2 * s;
        for (let j = 0; j < nc; j++) A[ro + j] -= f * u[j]!;
      }
    }
  }
  const td = new Float64Array(2 * n);
  const te = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    te[2 * i] = d[i]!;
    if (i + 1 < n) te[2 * i + 1] = e[i]!;
  }
  if (!tridiagonalQl(td, te)) return null;
  td.sort().reverse();
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = Math.abs(td[i]!);
  return s.sort().reverse();
}

/** Eigenvalues of the general n x n matrix; null on failure. */
export function eigenvaluesTs(src: Float64Array, n: number): { re: Float64Array; im: Float64Array } | null {
  const a = Float64Array.from(src);
  // Scale by a power of two (exact) to max |a_ij| in [0.5, 1), as native/kernels.cc eigenvalues():
  // entries near 1e-180 made the shift products underflow.
  let amax = 0;
  for (let i = 0; i < a.length; i++) amax = Math.max(amax, Math.abs(a[i]!));
  if (amax === 0) return { re: new Float64Array(n), im: new Float64Array(n) };
  const ex = Math.floor(Math.log2(amax)) + 1;
  // Two factors, each a normal power of two, so the full range 1e-323 .. 1e308 is covered.
  const ex1 = Math.trunc(ex / 2);
  const down1 = 2 ** -ex1;
  const down2 = 2 ** -(ex - ex1);
  for (let i = 0; i < a.length; i++) a[i] = a[i]! * down1 * down2;
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    const len = n - k - 1;
    const [tau] = householder(a, (k + 1) * n + k, len, n, v);
    if (tau === 0) continue;
    const nc = n - k;
    w.fill(0, 0, nc);
    for (let i = 0; i < len; i++) {
      const ro = (k + 1 + i) * n + k;
      const vi = v[i]!;
      for (let j = 0; j < nc; j++) w[j] += vi * a[ro + j]!;
    }
    for (let i = 0; i < len; i++) {
      const ro = (k + 1 + i) * n + k;
      const f = tau * v[i]!;
      for (let j = 0; j < nc; j++) a[ro + j] -= f * w[j]!;
    }
    for (let i = 0; i < n; i++) {
      const ro = i * n + k + 1;
      let s = 0;
      for (let j = 0; j < len; j++) s += a[ro + j]! * v[j]!;
      const f = tau * s;
      for (let j = 0; j < len; j++) a[ro + j] -= f * v[j]!;
    }
    for (let i = 1; i < len; i++) a[(k + 1 + i) * n + k] = 0;
  }
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  if (!hessenbergQr(a, n, wr, wi)) return null;
  const up1 = 2 ** ex1;
  const up2 = 2 ** (ex - ex1);
  for (let i = 0; i < n; i++) {
    wr[i] = wr[i]! * up1 * up2;
    wi[i] = wi[i]! * up1 * up2;
    if (!Number.isFinite(wr[i]!) || !Number.isFinite(wi[i]!)) return null;
  }
  return { re: wr, im: wi };
}

/** Francis double-shift QR on the upper Hessenberg a (n x n, modified); eigenvalues into wr, wi. */
function hessenbergQr(a: Float64Array, n: number, wr: Float64Array, wi: Float64Array): boolean {
  const at = (i: number, j: number) => a[i * n + j]!;
  let anorm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(at(i, j));
  // Subdiagonals below eps anorm or DBL_MIN n / eps are negligible (native/kernels.cc hessenberg_qr).
  const floor = Math.max(2.2250738585072014e-308 * (n / Number.EPSILON), Number.EPSILON * anorm);
  let nn = n - 1;
  let t = 0;
  while (nn >= 0) {
    let its = 0;
    let l: number;
    do {
      for (l = nn; l >= 1; l--) {
        let s = Math.abs(at(l - 1, l - 1)) + Math.abs(at(l, l));
        if (s === 0) s = anorm;
        if (Math.abs(at(l, l - 1)) + s === s || Math.abs(at(l, l - 1)) <= floor) {
          a[l * n + l - 1] = 0;
          break;
        }
      }
      let x = at(nn, nn);
      if (l === nn) {
        wr[nn] = x + t;
        wi[nn] = 0;
        nn--;
      } else {
        let y = at(nn - 1, nn - 1);
        let w = at(nn, nn - 1) * at(nn - 1, nn);
        if (l === nn - 1) {
          const p = 0.5 * (y - x);
          const q = p * p + w;
          let z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + (p >= 0 ? z : -z);
            wr[nn - 1] = wr[nn] = x + z;
            if (z !== 0) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = z;
            wi[nn] = -z;
          }
          nn -= 2;
        } else {
          if (its >= 60) return false;
          if (its > 0 && its % 10 === 0) {
            t += x;
            for (let i = 0; i <= nn; i++) a[i * n + i] -= x;
            const s = Math.abs(at(nn, nn - 1)) + Math.abs(at(nn - 1, nn - 2));
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          let m: number;
          let p = 0;
          let q = 0;
          let r = 0;
          let z = 0;
          for (m = nn - 2; m >= l; m--) {
            z = at(m, m);
            r = x - z;
            let s = y - z;
            p = (r * s - w) / at(m + 1, m) + at(m, m + 1);
            q = at(m + 1, m + 1) - z - r - s;
            r = at(m + 2, m + 1);
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(at(m, m - 1)) * (Math.abs(q) + Math.abs(r));
            const vv = Math.abs(p) * (Math.abs(at(m - 1, m - 1)) + Math.abs(z) + Math.abs(at(m + 1, m + 1)));
            if (u + vv === vv) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i * n + i - 2] = 0;
            if (i !== m + 2) a[i * n + i - 3] = 0;
          }
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = at(k, k - 1);
              q = at(k + 1, k - 1);
              r = 0;
              if (k !== nn - 1) r = at(k + 2, k - 1);
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            let s = Math.sqrt(p * p + q * q + r * r);
            if (p < 0) s = -s;
            if (s !== 0) {
              if (k === m) {
                if (l !== m) a[k * n + k - 1] = -at(k, k - 1);
              } else a[k * n + k - 1] = -s * x;
              p += s;
              x = p / s;
              y = q / s;
              z = r / s;
              q /= p;
              r /= p;
              for (let j = k; j <= nn; j++) {
                p = at(k, j) + q * at(k + 1, j);
                if (k !== nn - 1) {
                  p += r * at(k + 2, j);
                  a[(k + 2) * n + j] -= p * z;
                }
                a[(k + 1) * n + j] -= p * y;
                a[k * n + j] -= p * x;
              }
              const mmin = nn < k + 3 ? nn : k + 3;
              for (let i = l; i <= mmin; i++) {
                p = x * at(i, k) + y * at(i, k + 1);
                if (k !== nn - 1) {
                  p += z * at(i, k + 2);
                  a[i * n + k + 2] -= p * r;
                }
                a[i * n + k + 1] -= p * q;
                a[i * n + k] -= p;
              }
            }
          }
        }
      }
    } while (l < nn - 1);
  }
  return true;
}
