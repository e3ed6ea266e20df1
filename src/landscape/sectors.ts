/**
 * Activation sectors of the data and the sector matrices D_S (theory/09-landscape.md section 9.2).
 * The hyperplanes {u : u . x_n = 0} cut R^d into open cones (sectors); a sector is its sign vector
 * s_n = sgn(u . x_n). D_S = sum_n c_n(S) e_n x_n^T with c_n = alpha+ (s_n > 0) or alpha- (9.6).
 */
import { InvalidSpecError } from '../errors.ts';

export type Vec = Float64Array;

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const norm = (a: ArrayLike<number>): number => Math.sqrt(dot(a, a));

/** Orthonormal basis of span(vectors) by modified Gram-Schmidt with relative tolerance `tol`. */
export function orthonormalBasis(vectors: readonly Vec[], m: number, tol = 1e-10): Vec[] {
  const B: Vec[] = [];
  let scale = 0;
  for (const v of vectors) scale = Math.max(scale, norm(v));
  for (const v of vectors) {
    const u = Float64Array.from(v);
    for (let pass = 0; pass < 2; pass++) for (const b of B) { const p = dot(u, b); for (let j = 0; j < m; j++) u[j] = u[j]! - p * b[j]!; }
    const n = norm(u);
    if (n > tol * Math.max(scale, 1e-300)) { for (let j = 0; j < m; j++) u[j] = u[j]! / n; B.push(u); }
    if (B.length === m) break;
  }
  return B;
}

/** Orthonormal basis of the orthogonal complement of span(B) (B orthonormal) in R^m. */
function complement(B: readonly Vec[], m: number): Vec[] {
  const E: Vec[] = [];
  for (let j = 0; j < m; j++) { const e = new Float64Array(m); e[j] = 1; E.push(e); }
  return orthonormalBasis([...B, ...E], m).slice(B.length);
}

/** Interior directions, one per region, of the central arrangement {v : g . v = 0, g in G} in R^m (9.7). */
export function arrangementRegions(G: readonly Vec[], m: number, budget = { left: 200_000 }): Vec[] {
  const live = G.filter((g) => norm(g) > 0);
  if (m === 0) return [new Float64Array(0)];
  if (live.length === 0) { const v = new Float64Array(m); v[0] = 1; return [v]; }
  const B = orthonormalBasis(live, m);
  if (B.length < m) {
    // Only the components in span(G) matter: solve in those coordinates and lift.
    const r = B.length;
    const proj = live.map((g) => Float64Array.from(B, (b) => dot(g, b)));
    return arrangementRegions(proj, r, budget).map((vr) => {
      const v = new Float64Array(m);
      for (let a = 0; a < r; a++) for (let j = 0; j < m; j++) v[j] = v[j]! + vr[a]! * B[a]![j]!;
      return v;
    });
  }
  if (m === 1) return [Float64Array.of(1), Float64Array.of(-1)];
  if (m === 2) {
    // Boundary rays at angles of +-perp(g); one region between consecutive distinct angles.
    const ang: number[] = [];
    for (const g of live) {
      const a = Math.atan2(g[0]!, -g[1]!);
      for (const t of [a, a + Math.PI]) ang.push(((t % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI));
    }
    ang.sort((a, b) => a - b);
    const uniq: number[] = [];
    for (const a of ang) if (uniq.length === 0 || a - uniq[uniq.length - 1]! > 1e-12) uniq.push(a);
    if (uniq.length > 1 && uniq[0]! + 2 * Math.PI - uniq[uniq.length - 1]! <= 1e-12) uniq.pop();
    return uniq.map((a, i) => {
      const b = i + 1 < uniq.length ? uniq[i + 1]! : uniq[0]! + 2 * Math.PI;
      const mid = (a + b) / 2;
      return Float64Array.of(Math.cos(mid), Math.sin(mid));
    });
  }
  // m >= 3, G spans R^m: every region is a pointed cone with an extreme ray u (the common null
  // direction of m - 1 independent normals); the regions at u are those of the normals through u,
  // restricted to the complement of u, entered a short step from u.
  const out: Vec[] = [];
  const seen = new Set<string>();
  const idx = Array.from({ length: m - 1 }, (_, i) => i);
  const n = live.length;
  const gn = live.map(norm);
  for (;;) {
    if (--budget.left < 0) throw new InvalidSpecError('--data', `too many hyperplanes (${n}) in dimension ${m} to enumerate the sectors exactly`);
    const basis = orthonormalBasis(idx.map((i) => live[i]!), m);
    if (basis.length === m - 1) {
      const u0 = complement(basis, m)[0]!;
      for (const sgn of [1, -1]) {
        const u = u0.map((x) => sgn * x);
        const on: Vec[] = [], off: number[] = [];
        live.forEach((g, j) => (Math.abs(dot(g, u)) <= 1e-10 * gn[j]! ? on.push(g) : off.push(j)));
        const Q = complement([u], m);
        const local = arrangementRegions(on.map((g) => Float64Array.from(Q, (q) => dot(g, q))), m - 1, budget);
        for (const tl of local) {
          const t = new Float64Array(m);
          for (let a = 0; a < m - 1; a++) for (let j = 0; j < m; j++) t[j] = t[j]! + tl[a]! * Q[a]![j]!;
          let delta = 0.5;
          for (const j of off) delta = Math.min(delta, (0.5 * Math.abs(dot(live[j]!, u))) / (Math.abs(dot(live[j]!, t)) + 1e-300));
          const v = u.map((x, j) => x + delta * t[j]!);
          const key = live.map((g, j) => (dot(g, v) > 1e-13 * gn[j]! ? '+' : dot(g, v) < -1e-13 * gn[j]! ? '-' : '0')).join('');
          if (key.includes('0') || seen.has(key)) continue;
          seen.add(key);
          out.push(v.map((x) => x / norm(v)));
        }
      }
    }
    // Next (m-1)-subset in lexicographic order.
    let p = m - 2;
    while (p >= 0 && idx[p]! === n - (m - 1) + p) p--;
    if (p < 0) break;
    idx[p]!++;
    for (let q = p + 1; q < m - 1; q++) idx[q] = idx[q - 1]! + 1;
  }
  return out;
}

/** Row n of X as a vector. */
export function row(X: { cols: number; data: Float64Array }, n: number): Vec {
  return X.data.subarray(n * X.cols, (n + 1) * X.cols);
}

export interface Sector {
  /** s_n in {+1, -1} for every data point (points with x_n = 0 get +1: they never matter). */
  signs: Int8Array;
  /** A unit vector inside the sector. */
  interior: Vec;
}

export function signKey(signs: Int8Array): string {
  return Array.from(signs, (s) => (s > 0 ? '+' : '-')).join('');
}

/** All sectors of the data X (N x d) (9.7): exact enumeration of the central arrangement. */
export function dataSectors(X: { rows: number; cols: number; data: Float64Array }): Sector[] {
  const G = Array.from({ length: X.rows }, (_, n) => Float64Array.from(row(X, n)));
  return arrangementRegions(G, X.cols).map((v) => ({ signs: Int8Array.from(G, (g) => (dot(g, v) >= 0 ? 1 : -1)), interior: v }));
}

/** D_S = sum_n c_n(S) e_n x_n^T, k x d row-major (9.6). E is N x k residuals. */
export function sectorMatrix(X: { rows: number; cols: number; data: Float64Array }, E: Float64Array, k: number, signs: Int8Array, alphaPos: number, alphaNeg: number): Float64Array {
  const d = X.cols;
  const D = new Float64Array(k * d);
  for (let n = 0; n < X.rows; n++) {
    const c = signs[n]! > 0 ? alphaPos : alphaNeg;
    if (c === 0) continue;
    for (let q = 0; q < k; q++) {
      const e = c * E[n * k + q]!;
      for (let j = 0; j < d; j++) D[q * d + j] = D[q * d + j]! + e * X.data[n * d + j]!;
    }
  }
  return D;
}

/**
 * Non-negative least squares min_{lambda >= 0} ||A^T lambda - b|| (A: rows a_1..a_p in R^m) by the
 * Lawson-Hanson active-set method. Returns A^T lambda (the projection of b onto cone{a_j}).
 */
export function coneProjection(A: readonly Vec[], b: Vec): Vec {
  const p = A.length, m = b.length;
  const proj = new Float64Array(m);
  if (p === 0) return proj;
  const lambda = new Float64Array(p);
  const P = new Set<number>();
  const AtL = () => { proj.fill(0); for (let j = 0; j < p; j++) if (lambda[j]! !== 0) for (let t = 0; t < m; t++) proj[t] = proj[t]! + lambda[j]! * A[j]![t]!; };
  // Least squares restricted to the passive set: normal equations solved by Gaussian elimination with pivoting.
  const lsq = (set: number[]): Float64Array => {
    const s = set.length;
    const M = Array.from({ length: s }, (_, a) => { const r = new Float64Array(s + 1); for (let c = 0; c < s; c++) r[c] = dot(A[set[a]!]!, A[set[c]!]!); r[s] = dot(A[set[a]!]!, b); return r; });
    for (let c = 0; c < s; c++) {
      let piv = c;
      for (let r = c + 1; r < s; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
      [M[c], M[piv]] = [M[piv]!, M[c]!];
      const pv = M[c]![c]!;
      if (Math.abs(pv) < 1e-300) continue;
      for (let r = 0; r < s; r++) { if (r === c) continue; const f = M[r]![c]! / pv; if (f !== 0) for (let t = c; t <= s; t++) M[r]![t] = M[r]![t]! - f * M[c]![t]!; }
    }
    return Float64Array.from({ length: s }, (_, a) => (Math.abs(M[a]![a]!) < 1e-300 ? 0 : M[a]![s]! / M[a]![a]!));
  };
  const scale = Math.max(norm(b), ...A.map(norm));
  for (let outer = 0; outer < 10 * p + 10; outer++) {
    AtL();
    const r = b.map((x, t) => x - proj[t]!);
    let best = -1, bw = 1e-13 * scale * scale;
    for (let j = 0; j < p; j++) if (!P.has(j)) { const w = dot(A[j]!, r); if (w > bw) { bw = w; best = j; } }
    if (best < 0) break;
    P.add(best);
    for (let inner = 0; inner < 10 * p + 10; inner++) {
      const set = [...P];
      const z = lsq(set);
      if (z.every((x) => x > 0)) { set.forEach((j, a) => (lambda[j] = z[a]!)); break; }
      let alpha = 1;
      set.forEach((j, a) => { if (z[a]! <= 0) alpha = Math.min(alpha, lambda[j]! / (lambda[j]! - z[a]!)); });
      set.forEach((j, a) => { lambda[j] = lambda[j]! + alpha * (z[a]! - lambda[j]!); if (lambda[j]! <= 1e-15 * scale) { lambda[j] = 0; P.delete(j); } });
    }
  }
  AtL();
  return proj;
}

/**
 * min over unit v in the cone K = {v : g . v >= 0, g in G} of a . v (9.9): equals -dist(a, cone(G))
 * (Moreau decomposition; the dual cone of K is cone(G)), attained at v = (P a - a) / dist where P a
 * is the projection of a onto cone(G). Returns value 0 and v = null when a is in cone(G).
 */
export function minOverCone(a: Vec, G: readonly Vec[]): { value: number; v: Vec | null } {
  const pa = coneProjection(G, a);
  const diff = pa.map((x, t) => x - a[t]!);
  const dist = norm(diff);
  if (dist <= 1e-14 * Math.max(norm(a), 1e-300)) return { value: 0, v: null };
  return { value: -dist, v: diff.map((x) => x / dist) };
}

export { dot, norm };
