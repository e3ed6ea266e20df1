/**
 * Learning time-scales (src/timescales/flow.ts, theory/10-timescales.md): one eps of the t_1, t_2
 * table (sigma = phi = (0, 1, 1), m = 200 particles, t in [0, 1]).
 * 1. ROS2 with the rank-K Woodbury solve (the project's integrator) at the default rtol 1e-5: wall
 *    time, steps, t_1, t_2.
 * 2. Reference measured in the same run: scipy LSODA at rtol 1e-9 on the same ODE
 *    (test/fixtures/timescales_reference.py --time EPS), and the ratio of the two wall times; skipped
 *    with a note when python3/scipy are missing.
 * 3. odex (Gragg-Bulirsch-Stoer extrapolation, explicit) on the same ODE, capped at
 *    JESD_BENCH_ODEX_STEPS steps (default 5000): how far in t it got, and its evaluations. It is the
 *    record of why the project does not use odex here (docs/timescales.md).
 * 4. Strang splitting with the a-block solved exactly (an exponential integrator) and RK4 for s, fixed
 *    steps of 100 and 400 per decade (NumPy prototype bench/timescales_split.py): at 100 it
 *    overflows at eps = 1e-8 and is 14% off on t_2 at 1e-10; at 400 it is right to the grid spacing.
 * JESD_BENCH_TIMESCALES_EPS (default 1e-8) picks the eps.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { flowRhs, initialReadout, integrateFlow, residuals, risk, type FlowSpec } from '../src/timescales/flow.ts';

// odex ships its TypeScript source as its types, which does not pass this project's strict type
// check; it is loaded untyped, with the part of its interface used here declared below.
interface OdexSolver {
  relativeTolerance: number; absoluteTolerance: number; maxSteps: number; initialStepSize: number;
  solve(f: (x: number, y: number[]) => number[], x0: number, y0: number[], x1: number, out: (n: number, x0: number, x: number, y: number[]) => void): { outcome: number; nEval: number };
}
const odex = createRequire(import.meta.url)('odex') as { Solver: new (n: number) => OdexSolver; Outcome: { MaxStepsExceeded: number } };

const eps = Number(process.env.JESD_BENCH_TIMESCALES_EPS ?? 1e-8);
const spec: FlowSpec = { sigma: [0, 1, 1], phi: [0, 1, 1], particles: 200, init: 'quantiles' };
const fmtT = (t: number | null | undefined) => (t == null ? 'not reached' : t.toExponential(4));

const t0 = performance.now();
const run = integrateFlow(spec, { eps, samplesPerDecade: 20 });
const ours = (performance.now() - t0) / 1000;
console.log(`1. ROS2 + Woodbury, eps = ${eps}, m = 200, rtol 1e-5: ${ours.toFixed(2)} s, ${run.diagnostics.steps} steps (${run.diagnostics.rejected} rejected), t1 = ${fmtT(run.times[0]?.t)}, t2 = ${fmtT(run.times[1]?.t)}`);

const script = fileURLToPath(new URL('../test/fixtures/timescales_reference.py', import.meta.url));
const py = spawnSync(process.env.PYTHON ?? 'python3', [script, '--time', String(eps)], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
if (py.status === 0) {
  const ref = JSON.parse(py.stdout.trim().split('\n').pop()!) as { seconds: number; t1: number; t2: number; method: string };
  console.log(`2. ${ref.method}: ${ref.seconds.toFixed(2)} s, t1 = ${fmtT(ref.t1)}, t2 = ${fmtT(ref.t2)}`);
  console.log(`   time ratio ours / scipy = ${(ours / ref.seconds).toFixed(3)}; relative differences t1 ${Math.abs(run.times[0]!.t! / ref.t1 - 1).toExponential(2)}, t2 ${Math.abs(run.times[1]!.t! / ref.t2 - 1).toExponential(2)}`);
} else {
  console.log(`2. scipy reference skipped: ${(py.error?.message ?? py.stderr ?? '').trim().split('\n').pop()}`);
}

const m = spec.particles;
const cap = Number(process.env.JESD_BENCH_ODEX_STEPS ?? 5000);
const solver = new odex.Solver(2 * m);
solver.relativeTolerance = 1e-6;
solver.absoluteTolerance = 1e-12;
solver.maxSteps = cap;
solver.initialStepSize = 1e-12;
const yy = new Float64Array(2 * m), dy = new Float64Array(2 * m);
const y0 = new Array<number>(2 * m).fill(0);
initialReadout(spec).forEach((v, i) => (y0[i] = v));
const t1 = performance.now();
let reached = 0; // odex reports the requested end as xEnd even when it stops early: track the last accepted step
const res = solver.solve((_x: number, y: number[]) => { yy.set(y); flowRhs(spec, eps, yy, dy); return Array.from(dy); }, 0, y0, 1, (_n: number, _x0: number, x: number, y: number[]) => { reached = x; yy.set(y); });
const odexSec = (performance.now() - t1) / 1000;
console.log(`3. odex (explicit extrapolation), rtol 1e-6, ${cap} steps: ${odexSec.toFixed(2)} s, outcome ${res.outcome === odex.Outcome.MaxStepsExceeded ? 'max steps exceeded' : 'converged'}, reached t = ${reached.toExponential(3)} of 1 (R = ${risk(residuals(spec, yy)).toFixed(4)}), ${res.nEval} evaluations`);

const split = spawnSync(process.env.PYTHON ?? 'python3', [fileURLToPath(new URL('./timescales_split.py', import.meta.url)), String(eps), '100,400'], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
if (split.status === 0) {
  for (const line of split.stdout.trim().split('\n')) {
    const r = JSON.parse(line) as { perDecade: number; t1?: number | null; t2?: number | null; overflowAt?: number };
    console.log(`4. Strang splitting (exact a-block, RK4 for s), ${r.perDecade} fixed steps per decade: ${r.overflowAt !== undefined ? `overflow at t = ${r.overflowAt.toExponential(3)}` : `t1 = ${fmtT(r.t1)}, t2 = ${fmtT(r.t2)} (grid-quantised, ${(100 * (Math.pow(10, 1 / r.perDecade) - 1)).toFixed(1)}%)`}`);
  }
} else {
  console.log(`4. splitting prototype skipped: ${(split.error?.message ?? split.stderr ?? '').trim().split('\n').pop()}`);
}
