/**
 * From a compiled product law to a spectrum: density on a grid (warm-started along the grid),
 * runtime invariants (mass, first two moments), CDF, quantiles, E[ln lambda]
 * (theory/03-free-multiplicative.md sections 3.3-3.5).
 */
import { InvalidSpecError, NonConvergenceError, requireFinite } from '../errors.ts';
import { gaussLegendre } from '../numerics/quadrature.ts';
import type { LawReport } from './lawReport.ts';
import { productEdges, productLaw, solveAtLog, type Atom, type FactorPower, type PointCertificate, type PointState, type ProductLaw } from './multiplicative.ts';

export interface GridSolution {
  x: number[];
  density: number[];
  certificates: PointCertificate[];
  failedAt: number[];
}

/** Density at each x > 0 (any order); failed points are listed, never given a number. */
export function densityOnGrid(law: ProductLaw, edges: [number, number], xs: readonly number[], onStep?: ProgressStep): GridSolution {
  xs.forEach((x, i) => {
    requireFinite(`at[${i}]`, x);
    if (!(x > 0)) throw new InvalidSpecError('at', `points must be > 0 for a law on [0, inf) (the density at 0 is singular; atoms are reported separately), got ${x}`);
  });
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  const density = new Array<number>(xs.length).fill(0);
  const certificates = new Array<PointCertificate>(xs.length);
  const failedAt: number[] = [];
  let warm: PointState | null = null;
  const [lo, hi] = edges;
  let steps = 0;
  for (const i of order) {
    const x = xs[i]!;
    if (onStep && ++steps % 256 === 0) onStep(steps, xs.length);
    if (x > hi * (1 + 1e-12) || (lo > 0 && x < lo * (1 - 1e-12))) {
      // Outside the support of the continuous part: density 0 (theory/03-free-multiplicative.md (3.11)).
      density[i] = 0;
      certificates[i] = { converged: true, iterations: 0, residual: 0, step: 0, kantorovich: 0, eps: 0 };
      continue;
    }
    const r = solveAtLog(law, Math.log(x), hi, warm);
    certificates[i] = r.cert;
    if (!r.cert.converged || r.state === null) { failedAt.push(x); density[i] = NaN; warm = null; continue; }
    density[i] = r.density;
    warm = r.state;
  }
  return { x: [...xs], density, certificates, failedAt };
}

/** A quadrature table of the continuous part: nodes x_i, weights omega_i (dx), density rho_i. */
export interface SpectralTable {
  edges: [number, number];
  atoms: Atom[];
  nodes: Float64Array;
  weights: Float64Array;
  density: Float64Array;
  /** log x_i (exact even where x_i underflows). */
  logNodes: Float64Array;
  /** Mass of node i, omega_i rho_i, computed as omega_i' (x rho)_i near 0 so that it stays finite where x_i underflows. */
  nodeMass: Float64Array;
  mass: number;
  moment1: number;
  moment2: number;
  /** Estimated mass beyond the last panel near 0 (tail extrapolation). */
  tailMass: number;
  failedNodes: number;
}

/**
 * Integrate the density (theory/03-free-multiplicative.md (3.13)-(3.15)):
 * - gap at 0 (lo > 0): x = mid - half cos(theta), Gauss-Legendre panels in theta (square-root edges);
 * - lo = 0: [c, hi] with x = hi - (hi - c) v^2, and [0, c] with x = c e^{-t}, rho dx = x rho dt,
 *   panels in t until the integrand's tail (extrapolated exponentially) is below 1e-12.
 */
export function spectralTable(law: ProductLaw, edges: [number, number]): SpectralTable {
  const [lo, hi] = edges;
  const gl = gaussLegendre(8);
  const nodes: number[] = [], w: number[] = [], logNodes: number[] = [];
  const push = (logx: number, weight: number) => { logNodes.push(logx); nodes.push(Math.exp(logx)); w.push(weight); };
  // Panels in u in [0, 1] mapped to x (theory (3.13)-(3.14)); adaptive bisection until a panel and
  // its halves agree to 1e-11 in mass (interior gaps give square-root kinks inside the range).
  const c = 0.5 * hi;
  const mapU = lo > 0
    ? (u: number) => { const mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo), th = Math.PI * u; return { logx: Math.log(mid + half * Math.cos(th)), jac: Math.PI * half * Math.sin(th) }; }
    : (u: number) => ({ logx: Math.log(hi - (hi - c) * u * u), jac: 2 * (hi - c) * u });
  const dens: number[] = [];
  let warm: PointState | null = null;
  let failedNodes = 0;
  type UNode = { logx: number; weight: number; d: number };
  const panelAt = (ua: number, wu: number): { nodes: UNode[]; sum: number } | null => {
    const out: UNode[] = [];
    let sum = 0;
    for (let k = 0; k < gl.nodes.length; k++) {
      const u = ua + 0.5 * wu * (1 + gl.nodes[k]!);
      const { logx, jac } = mapU(u);
      const r = solveAtLog(law, logx, hi, warm);
      if (!r.cert.converged || r.state === null) { failedNodes++; warm = null; return null; }
      warm = r.state;
      const weight = 0.5 * wu * gl.weights[k]! * jac;
      sum += weight * r.density;
      out.push({ logx, weight, d: r.density });
    }
    return { nodes: out, sum };
  };
  const refine = (ua: number, wu: number, whole: { nodes: UNode[]; sum: number } | null, depth: number): UNode[] => {
    if (whole === null) return [];
    const l = panelAt(ua, wu / 2), r = panelAt(ua + wu / 2, wu / 2);
    if (l === null || r === null) return whole.nodes;
    if (Math.abs(l.sum + r.sum - whole.sum) <= 1e-11 || depth >= 6) return [...l.nodes, ...r.nodes];
    return [...refine(ua, wu / 2, l, depth + 1), ...refine(ua + wu / 2, wu / 2, r, depth + 1)];
  };
  const panels = 24;
  for (let p = 0; p < panels; p++) {
    for (const nd of refine(p / panels, 1 / panels, panelAt(p / panels, 1 / panels), 0)) { push(nd.logx, nd.weight); dens.push(nd.d); }
  }
  let mass = 0, m1 = 0, m2 = 0;
  for (let i = 0; i < nodes.length; i++) { const f = dens[i]! * w[i]!; mass += f; m1 += f * nodes[i]!; m2 += f * nodes[i]! * nodes[i]!; }
  let tailMass = 0;
  const tNodes: number[] = [], tW: number[] = [], tDens: number[] = [], tLog: number[] = [], tMass: number[] = [];
  if (lo === 0) {
    // [0, c] in t = log(c/x): integrand g(t) = x rho(x) = -Im(s)/pi.
    const logc = Math.log(0.5 * hi);
    let t0 = 0, width = 1;
    let gPrev = NaN;
    let gMax = 0;
    let smallSince = -1;
    interface Node { x: number; logx: number; g: number; dens: number; wt: number }
    // tMass: omega rho dx = wt g dt, finite even where x = e^{logx} underflows to 0 (3.14).
    const evalPanel = (ta: number, w: number): { nodes: Node[]; sum: number } | null => {
      const out: Node[] = [];
      let sum = 0;
      for (let k = 0; k < gl.nodes.length; k++) {
        const t = ta + 0.5 * w * (1 + gl.nodes[k]!);
        const logx = logc - t;
        const r = solveAtLog(law, logx, hi, warm);
        if (!r.cert.converged || r.state === null) { failedNodes++; warm = null; return null; }
        warm = r.state;
        const g = -r.state.s.im / Math.PI; // = x rho(x) on the real axis
        const wt = 0.5 * w * gl.weights[k]!;
        sum += wt * g;
        out.push({ x: Math.exp(logx), logx, g, dens: r.density, wt });
      }
      return { nodes: out, sum };
    };
    // Adaptive bisection of a panel: accept when the panel and its two halves agree to 1e-11
    // (discrete D^2 laws give the density sharp multi-scale features; theory (3.14)).
    const adaptive = (ta: number, w: number, whole: { nodes: Node[]; sum: number } | null, depth: number): Node[] | null => {
      if (whole === null) return null;
      const left = evalPanel(ta, w / 2);
      const right = evalPanel(ta + w / 2, w / 2);
      if (left === null || right === null) return whole.nodes;
      if (Math.abs(left.sum + right.sum - whole.sum) <= 1e-11 || depth >= 6) return [...left.nodes, ...right.nodes];
      const l = adaptive(ta, w / 2, left, depth + 1);
      const r = adaptive(ta + w / 2, w / 2, right, depth + 1);
      return l && r ? [...l, ...r] : null;
    };
    for (let panel = 0; panel < 2000; panel++) {
      let panelMass = 0;
      let gEnd = 0;
      const nodesP = adaptive(t0, width, evalPanel(t0, width), 0);
      for (const nd of nodesP ?? []) {
        panelMass += nd.wt * nd.g;
        m1 += nd.wt * nd.g * nd.x; m2 += nd.wt * nd.g * nd.x * nd.x;
        tNodes.push(nd.x); tW.push(nd.wt * nd.x); tDens.push(nd.dens); tLog.push(nd.logx); tMass.push(nd.wt * nd.g);
        gEnd = nd.g;
        gMax = Math.max(gMax, nd.g);
      }
      mass += panelMass;
      t0 += width;
      // A gap in the support (g = 0 on a stretch) must not end the integral: stop once g has stayed
      // below 1e-13 of its peak over a stretch of 30 in t (a factor e^30 in x); the exponential tail
      // estimate beyond the last panel is added to the mass.
      if (gEnd <= 1e-13 * gMax) { if (smallSince < 0) smallSince = t0 - width; } else smallSince = -1;
      if (smallSince >= 0 && t0 - smallSince >= 30) { tailMass = 0; break; }
      if (panel > 0 && gEnd > 0 && gPrev > gEnd) {
        const lambda = Math.log(gPrev / gEnd) / width;
        tailMass = gEnd / lambda;
        // The moment integrands g x, g x^2 decay like e^{-(lambda+2)t}: keep panels short while they matter;
        // panels of width <= 4 for t < 100 resolve the multi-scale structure from small atoms of D^2.
        width = Math.exp(-2 * t0) > 1e-17 ? Math.min(1, 2 / lambda) : Math.min(t0 < 100 ? 4 : 16, Math.max(1, 2 / lambda));
      } else {
        tailMass = 0;
        width = Math.exp(-2 * t0) > 1e-17 ? 1 : t0 < 100 ? 4 : 16;
      }
      gPrev = gEnd;
    }
    mass += tailMass;
  }
  const all = [...nodes.map((x, i) => ({ x, w: w[i]!, d: dens[i]!, l: logNodes[i]!, m: w[i]! * dens[i]! })), ...tNodes.map((x, i) => ({ x, w: tW[i]!, d: tDens[i]!, l: tLog[i]!, m: tMass[i]! }))];
  all.sort((a, b) => a.l - b.l);
  return {
    edges, atoms: law.atoms,
    nodes: Float64Array.from(all.map((a) => a.x)), weights: Float64Array.from(all.map((a) => a.w)),
    density: Float64Array.from(all.map((a) => a.d)), logNodes: Float64Array.from(all.map((a) => a.l)),
    nodeMass: Float64Array.from(all.map((a) => a.m)),
    mass, moment1: m1, moment2: m2, tailMass, failedNodes,
  };
}

/**
 * CDF at x from the table (theory/03-free-multiplicative.md (3.16)): atoms at <= x plus the
 * continuous mass, with node i carrying half its quadrature mass on each side of x_i and linear
 * interpolation in between (error of order the mass of one quadrature cell).
 */
export function cdfFromTable(table: SpectralTable, x: number): number {
  let F = 0;
  for (const a of table.atoms) if (a.at <= x) F += a.mass;
  const n = table.nodes.length;
  if (n === 0) return Math.min(1, F);
  let cum = (table as SpectralTable & { cumulative?: Float64Array }).cumulative;
  if (!cum) {
    cum = new Float64Array(n);
    let acc = table.tailMass;
    for (let i = 0; i < n; i++) { const m = table.nodeMass[i]!; cum[i] = acc + 0.5 * m; acc += m; }
    (table as SpectralTable & { cumulative?: Float64Array }).cumulative = cum;
  }
  const nodes = table.nodes;
  if (x <= table.edges[0]) return Math.min(1, F);
  if (x <= nodes[0]!) return Math.min(1, F + (x <= 0 ? 0 : cum[0]! * Math.min(1, x / nodes[0]!)));
  if (x >= nodes[n - 1]!) {
    const last = cum[n - 1]! + 0.5 * table.nodeMass[n - 1]!;
    const hi = table.edges[1];
    const frac = x >= hi ? 1 : (x - nodes[n - 1]!) / (hi - nodes[n - 1]!);
    return Math.min(1, F + cum[n - 1]! + frac * (last - cum[n - 1]!));
  }
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (nodes[mid]! <= x) lo = mid; else hi = mid; }
  const t = nodes[hi]! > nodes[lo]! ? (x - nodes[lo]!) / (nodes[hi]! - nodes[lo]!) : 1;
  return Math.min(1, F + cum[lo]! + t * (cum[hi]! - cum[lo]!));
}

/** E[ln lambda] over the continuous part (with atoms at x > 0); -Infinity if an atom sits at 0. */
export function expectedLogFromTable(table: SpectralTable): number {
  let v = 0;
  for (const a of table.atoms) v += a.at > 0 ? a.mass * Math.log(a.at) : -Infinity;
  for (let i = 0; i < table.nodes.length; i++) v += table.nodeMass[i]! * table.logNodes[i]!;
  return v;
}

export interface ConvolutionOptions {
  /** Number of moments to report (default 4). */
  moments?: number;
  /** Skip the invariant quadrature (mass, moments) — faster, diagnostics then omit them. */
  skipInvariants?: boolean;
  /** Progress of a long grid: called with (points done, points) every 256 points. */
  onStep?: ProgressStep;
}

/** A progress callback of a long solve: `done` steps of `total`. */
export type ProgressStep = (done: number, total: number) => void;

/**
 * The free multiplicative convolution of `factors` evaluated at `at` as a LawReport
 * (theory/03-free-multiplicative.md). Throws NonConvergenceError if any point failed.
 */
export function freeMultiplicativeConvolution(factors: FactorPower[], at: readonly number[], opts: ConvolutionOptions = {}): { report: LawReport; law: ProductLaw; table: SpectralTable | null } {
  const law = productLaw(factors);
  const edges = productEdges(law);
  const grid = densityOnGrid(law, edges, at, opts.onStep);
  const nMoments = opts.moments ?? 4;
  const moments = Array.from(law.moments.slice(0, nMoments));
  let maxResidual = 0, iterations = 0, maxEps = 0;
  for (const c of grid.certificates) { if (c.converged) { maxResidual = Math.max(maxResidual, c.residual); maxEps = Math.max(maxEps, c.eps); } iterations += c.iterations; }
  const diagnostics: LawReport['diagnostics'] = { converged: grid.failedAt.length === 0, maxResidual, iterations, maxEpsUsed: maxEps };
  let table: SpectralTable | null = null;
  if (!opts.skipInvariants) {
    table = spectralTable(law, edges);
    const atomMass = law.atoms.reduce((a, b) => a + b.mass, 0);
    const atomM1 = law.atoms.reduce((a, b) => a + b.mass * b.at, 0);
    const atomM2 = law.atoms.reduce((a, b) => a + b.mass * b.at * b.at, 0);
    diagnostics.totalMass = table.mass + atomMass;
    diagnostics.massError = Math.abs(table.mass + atomMass - 1);
    diagnostics.firstMoment = table.moment1 + atomM1;
    diagnostics.firstMomentError = Math.abs(table.moment1 + atomM1 - law.moments[0]!);
    diagnostics.secondMomentError = Math.abs(table.moment2 + atomM2 - law.moments[1]!);
    diagnostics.quadratureNodes = table.nodes.length;
    diagnostics.quadratureFailures = table.failedNodes;
  }
  if (grid.failedAt.length > 0) {
    diagnostics.failedAt = grid.failedAt;
    throw new NonConvergenceError(`solve did not converge at x = ${grid.failedAt.slice(0, 5).join(', ')}${grid.failedAt.length > 5 ? ', ...' : ''}`, diagnostics);
  }
  const report: LawReport = { x: grid.x, density: grid.density, atoms: law.atoms.map((a) => ({ at: a.at, mass: a.mass })), edges, moments, diagnostics };
  return { report, law, table };
}
