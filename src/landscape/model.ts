/**
 * One-hidden-layer networks with a ReLU-like activation (theory/09-landscape.md section 9.1):
 * f(x) = sum_i h_i rho(w_i . x), w_i in R^d, h_i in R^k, rho(z) = alpha+ z (z >= 0), alpha- z (z < 0)
 * (9.1), squared loss L = (1 / (N k)) sum_n ||f(x_n) - y_n||^2 (9.2). No explicit biases: a bias is a
 * constant input coordinate. The data sets of arXiv 2402.05626 (Wu, Simsek, Ged) are built in.
 */
import { InvalidSpecError, requireFinite, requireInteger } from '../errors.ts';
import { STREAM, stream } from '../random/rng.ts';
import { getDataset } from '../training/data.ts';
import { matrix, type Matrix } from '../types.ts';

export interface ShallowNet {
  /** Input dimension d, output dimension k, width r. */
  d: number;
  k: number;
  r: number;
  /** Input weights, r x d row-major: row i is w_i. */
  W: Float64Array;
  /** Output weights, r x k row-major: row i is h_i (the paper's h_{ji} is H[i k + j]). */
  H: Float64Array;
  /** Slopes of rho: alpha+ for z >= 0, alpha- for z < 0 (ReLU is (1, 0)). */
  alphaPos: number;
  alphaNeg: number;
}

export interface LandscapeData {
  name: string;
  /** N x d inputs (rows x_n). */
  X: Matrix;
  /** N x k targets (rows y_n). */
  Y: Matrix;
  /** Defaults of the paper's notebook for this set (width, init scale, lr, steps), when built in. */
  defaults: { width: number; initScale: number; lr: number; steps: number } | null;
}

const rows = (a: number[][]): Matrix => {
  const m = matrix(a.length, a[0]!.length);
  a.forEach((r, i) => r.forEach((v, j) => (m.data[i * r.length + j] = v)));
  return m;
};

/**
 * The three data sets of the authors' notebooks (related setups in docs/landscape.md): 5 points
 * x in R with input (x, 1); 7 points in R^3; 4 points in R^2 with 2-D targets.
 */
export const BUILTIN_DATA: Record<string, () => LandscapeData> = {
  'wu-5point': () => ({
    name: 'wu-5point',
    X: rows([-1, -0.6, -0.1, 0.3, 0.7].map((x) => [x, 1])),
    Y: rows([0.28, -0.1, 0.03, 0.23, -0.22].map((y) => [y])),
    defaults: { width: 50, initScale: 50 ** -3, lr: 1e-3, steps: 600_000 },
  }),
  'wu-7point': () => ({
    name: 'wu-7point',
    X: rows([[-0.3, -0.75, -0.5], [-0.2, -0.2, 0.4], [-0.6, 1, -1], [-0.4, 0.4, 0.3], [0.6, -0.1, -0.7], [0.4, -0.9, 0.3], [0.2, 0.2, -0.5]]),
    Y: rows([-0.5, 0.1, -0.6, 0.3, 0.8, -0.3, -0.1].map((y) => [y])),
    defaults: { width: 50, initScale: 50 ** -6.5, lr: 1e-3, steps: 800_000 },
  }),
  'wu-2d': () => ({
    name: 'wu-2d',
    X: rows([[-0.3, 0.5], [1, 1], [-0.6, -1], [0.4, -0.4]]),
    Y: rows([[0.6, -0.5], [0.5, -1], [-0.4, 0.6], [0.8, 0.2]]),
    defaults: { width: 50, initScale: 50 ** -6.5, lr: 2e-3, steps: 300_000 },
  }),
};

export const BUILTIN_NAMES = Object.keys(BUILTIN_DATA);

/**
 * A built-in data set by name, or a JSON file {"inputs": rows, "targets": rows} / CSV read by the
 * training stage's loader; every failure is an InvalidSpecError naming `flag`.
 */
export function loadLandscapeData(spec: string, flag = '--data'): LandscapeData {
  const builtin = BUILTIN_DATA[spec];
  if (builtin) return builtin();
  let ds;
  try {
    ds = getDataset('file', { file: spec });
  } catch (e) {
    const msg = (e as Error).message;
    throw new InvalidSpecError(flag, `${spec === '' ? 'empty' : `not one of ${BUILTIN_NAMES.join('|')} and not a readable data file`}: ${msg}`);
  }
  if (ds.targets === null) throw new InvalidSpecError(flag, `${spec}: needs {"inputs": rows, "targets": rows} (supervised pairs)`);
  return validateData({ name: spec, X: ds.inputs, Y: ds.targets, defaults: null }, flag);
}

export function validateData(data: LandscapeData, flag = '--data'): LandscapeData {
  const { X, Y } = data;
  if (X.rows < 1 || X.cols < 1 || X.data.length !== X.rows * X.cols) throw new InvalidSpecError(flag, 'inputs must be a non-empty N x d matrix');
  if (Y.rows !== X.rows) throw new InvalidSpecError(flag, `${X.rows} inputs but ${Y.rows} targets`);
  if (Y.cols < 1 || Y.data.length !== Y.rows * Y.cols) throw new InvalidSpecError(flag, 'targets must be a non-empty N x k matrix');
  for (const [m, what] of [[X, 'inputs'], [Y, 'targets']] as const) {
    for (let i = 0; i < m.data.length; i++) {
      if (!Number.isFinite(m.data[i]!)) throw new InvalidSpecError(flag, `${what} row ${Math.floor(i / m.cols)} column ${i % m.cols} is not finite`);
    }
  }
  let nonzero = false;
  for (let i = 0; i < X.data.length; i++) if (X.data[i] !== 0) nonzero = true;
  if (!nonzero) throw new InvalidSpecError(flag, 'every input is zero');
  return data;
}

export function validateSlopes(alphaPos: number, alphaNeg: number): void {
  requireFinite('--alpha-pos', alphaPos);
  requireFinite('--alpha-neg', alphaNeg);
  if (alphaPos === alphaNeg) throw new InvalidSpecError('--alpha-neg', `must differ from --alpha-pos (${alphaPos}); equal slopes make the network linear`);
}

/** rho (9.1). */
export function rho(z: number, alphaPos: number, alphaNeg: number): number {
  return z >= 0 ? alphaPos * z : alphaNeg * z;
}

/**
 * Initial network as in the authors' notebooks: every input and output weight is scale * g,
 * g ~ N(0, 1), W from stream(seed, LANDSCAPE_INIT, 0) row-major, H from stream(seed, LANDSCAPE_INIT, 1).
 */
export function initShallowNet(a: { d: number; k: number; r: number; scale: number; seed: number; alphaPos?: number; alphaNeg?: number }): ShallowNet {
  requireInteger('--width', a.r, 1, 100_000);
  requireFinite('--init-scale', a.scale);
  if (!(a.scale >= 0)) throw new InvalidSpecError('--init-scale', `must be >= 0, got ${a.scale}`);
  requireInteger('--seed', a.seed, 0);
  const alphaPos = a.alphaPos ?? 1;
  const alphaNeg = a.alphaNeg ?? 0;
  validateSlopes(alphaPos, alphaNeg);
  const W = new Float64Array(a.r * a.d);
  const H = new Float64Array(a.r * a.k);
  const gw = stream(a.seed, STREAM.LANDSCAPE_INIT, 0);
  for (let i = 0; i < W.length; i++) W[i] = a.scale * gw.normal();
  const gh = stream(a.seed, STREAM.LANDSCAPE_INIT, 1);
  for (let i = 0; i < H.length; i++) H[i] = a.scale * gh.normal();
  return { d: a.d, k: a.k, r: a.r, W, H, alphaPos, alphaNeg };
}

export function cloneShallow(net: ShallowNet): ShallowNet {
  return { ...net, W: Float64Array.from(net.W), H: Float64Array.from(net.H) };
}

/** Residuals e_n = f(x_n) - y_n (N x k, row-major) and the loss (9.2). */
export function residuals(net: ShallowNet, data: LandscapeData): { E: Float64Array; loss: number } {
  const { X, Y } = data;
  const N = X.rows, d = net.d, k = net.k;
  const E = new Float64Array(N * k);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < net.r; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += net.W[i * d + j]! * X.data[n * d + j]!;
      const a = rho(z, net.alphaPos, net.alphaNeg);
      if (a !== 0) for (let q = 0; q < k; q++) E[n * k + q] = E[n * k + q]! + net.H[i * k + q]! * a;
    }
  }
  let s = 0;
  for (let n = 0; n < N; n++) {
    for (let q = 0; q < k; q++) {
      const e = E[n * k + q]! - Y.data[n * k + q]!;
      E[n * k + q] = e;
      s += e * e;
    }
  }
  return { E, loss: s / (N * k) };
}

export function shallowLoss(net: ShallowNet, data: LandscapeData): number {
  return residuals(net, data).loss;
}

/**
 * Gradient of (9.2) (9.3): dL/dh_i = c sum_n e_n rho(w_i . x_n), dL/dw_i = c sum_n (h_i . e_n) rho'(w_i . x_n) x_n,
 * c = 2 / (N k). At a kink (w_i . x_n = 0) rho' is taken as alpha-, as autograd frameworks do for
 * ReLU (relu'(0) = 0); the one-sided derivatives there are src/landscape/stationarity.ts's job.
 */
export function shallowGradient(net: ShallowNet, data: LandscapeData): { loss: number; gW: Float64Array; gH: Float64Array } {
  const { E, loss } = residuals(net, data);
  const { X } = data;
  const N = X.rows, d = net.d, k = net.k;
  const c = 2 / (N * k);
  const gW = new Float64Array(net.r * d);
  const gH = new Float64Array(net.r * k);
  for (let i = 0; i < net.r; i++) {
    for (let n = 0; n < N; n++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += net.W[i * d + j]! * X.data[n * d + j]!;
      const a = rho(z, net.alphaPos, net.alphaNeg);
      const slope = z > 0 ? net.alphaPos : net.alphaNeg;
      let he = 0;
      for (let q = 0; q < k; q++) {
        gH[i * k + q] = gH[i * k + q]! + c * E[n * k + q]! * a;
        he += net.H[i * k + q]! * E[n * k + q]!;
      }
      const s = c * he * slope;
      if (s !== 0) for (let j = 0; j < d; j++) gW[i * d + j] = gW[i * d + j]! + s * X.data[n * d + j]!;
    }
  }
  return { loss, gW, gH };
}
