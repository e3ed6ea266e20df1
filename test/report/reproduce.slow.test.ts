/**
 * End-to-end checks of `jesd reproduce` at `--scale tiny` (docs/claims.md): the report and figures are
 * written; the report is the same (minus its Timings section) for 1 and 2 workers; a run killed
 * halfway and continued with --resume ends with the same report; verdicts match the tables.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripTimings, TIMINGS_START } from '../../src/report/markdown.ts';
import { renderSvg } from '../../src/plot/svg.ts';
import { protocolsVerdict, type ProtocolsSummary } from '../../src/report/claims/protocols.ts';
import { t1Verdict, t2Verdict, type T2Row } from '../../src/report/claims/training.ts';
import { a1Verdict, type A1Level } from '../../src/report/claims/restoration.ts';
import type { TrainSweepRow } from '../../src/trainsweep/sweep.ts';
import {
  basinVerdict, emergenceVerdict, esdVerdict, lightTailVerdict, nonMonotoneVerdict, theoryVerdict,
  type BasinSummary, type EsdComparison, type QRow, type TheoryCurve,
} from '../../src/report/verdicts.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const JESD = join(ROOT, 'bin/jesd');

function runJesd(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(JESD, args, { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** First differing line of two documents (null when equal): a readable failure message. */
function firstDifference(a: string, b: string): string | null {
  const x = a.split('\n'), y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}:\n- ${x[i]}\n+ ${y[i]}`;
  }
  return null;
}

const lineCount = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0);

describe('jesd reproduce --scale tiny', () => {
  const base = mkdtempSync(join(tmpdir(), 'jesd-reproduce-'));
  const dirA = join(base, 'w1');
  const dirB = join(base, 'w2');
  const dirC = join(base, 'killed');

  it('writes report, figures and JSON Lines; report is identical for 1 and 2 workers', () => {
    const a = runJesd(['reproduce', '--scale', 'tiny', '--out', dirA, '--workers', '1', '--seed', '7', '--quiet']);
    expect(a.stderr).not.toContain('internal error');
    expect(a.status).toBe(0);
    const b = runJesd(['reproduce', '--scale', 'tiny', '--out', dirB, '--workers', '2', '--seed', '7', '--quiet', '--json']);
    expect(b.status).toBe(0);
    const out = JSON.parse(b.stdout) as { files: string[]; verdicts: { id: string; verdict: string }[] };
    expect(out.verdicts.map((v) => v.id)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'T1', 'T2', 'A1', 'P1', 'P2']);
    const files = readdirSync(dirA);
    for (const f of ['report.md', 'light.jsonl', 'heavy.jsonl', 'esd.jsonl', 'basins.jsonl', 'theory.jsonl', 'summary.json', 'fig-light-q.svg', 'fig-light-q.png', 'fig-heavy-q.svg', 'fig-basins-slice1.svg']) {
      expect(files).toContain(f);
    }
    const repA = readFileSync(join(dirA, 'report.md'), 'utf8');
    const repB = readFileSync(join(dirB, 'report.md'), 'utf8');
    expect(repA).toContain(TIMINGS_START);
    expect(repA).toContain('--workers 1');
    expect(firstDifference(stripTimings(repA), stripTimings(repB))).toBeNull();
    expect(readFileSync(join(dirA, 'summary.json'), 'utf8')).toBe(readFileSync(join(dirB, 'summary.json'), 'utf8'));
  });

  it('verdicts in report.md match summary.json, and every figure the report embeds renders', () => {
    const rep = readFileSync(join(dirA, 'report.md'), 'utf8');
    const summary = JSON.parse(readFileSync(join(dirA, 'summary.json'), 'utf8')) as {
      verdicts: { id: string; verdict: string; evidence: string }[];
      light: QRow[]; heavy: QRow[]; theoryQ: TheoryCurve[]; esd: EsdComparison[]; basins: BasinSummary | null;
      kacRiceQ: { curves: TheoryCurve[] | null; reason: string | null };
      protocols: ProtocolsSummary;
      trained: { t1: TrainSweepRow[]; t2: T2Row[]; a1: { levels: A1Level[]; digits: number; finalLoss: number } };
    };
    // Every verdict follows from the tables by its rule: recompute them from summary.json.
    // C4 judges the Kac-Rice curves (the spectral link, theoryQ, is the old route, shown but not judged).
    const recomputed = [
      lightTailVerdict(summary.light), emergenceVerdict(summary.heavy), nonMonotoneVerdict(summary.heavy),
      theoryVerdict(summary.kacRiceQ.curves, summary.heavy, summary.kacRiceQ.reason ?? undefined),
      basinVerdict(summary.basins),
      t1Verdict(summary.trained.t1), t2Verdict(summary.trained.t2), a1Verdict(summary.trained.a1.levels, summary.trained.a1.digits, summary.trained.a1.finalLoss),
      esdVerdict(summary.esd),
      protocolsVerdict(summary.protocols.rows, summary.protocols.riseAndReturn),
    ];
    recomputed.forEach((v, i) => {
      expect(v.verdict).toBe(summary.verdicts[i]!.verdict);
      if (v.verdict !== 'not run') expect(v.evidence).toBe(summary.verdicts[i]!.evidence);
      expect(rep).toContain(summary.verdicts[i]!.evidence);
    });
    for (const v of summary.verdicts) expect(rep).toContain(`**${v.id}**`);
    for (const v of summary.verdicts) expect(rep).toMatch(new RegExp(`\\*\\*${v.id}\\*\\*[^\\n]*\\| \\*\\*${v.verdict}\\*\\* \\|`));
    // The light-tail verdict follows its rule from the table's numbers.
    const allOne = summary.light.every((r) => r.minQ === 1 && r.maxQ === 1);
    const c1 = summary.verdicts.find((v) => v.id === 'C1')!.verdict;
    if (allOne) expect(c1).toBe('reproduced');
    else expect(c1).not.toBe('reproduced');
    const embedded = [...rep.matchAll(/!\[[^\]]*\]\(([^)]+\.svg)\)/g)].map((m) => m[1]!);
    expect(embedded.length).toBeGreaterThanOrEqual(4);
    for (const f of embedded) {
      const img = renderSvg(readFileSync(join(dirA, f), 'utf8'), { width: 200 });
      // A rendered figure is not blank: some pixels are far from white.
      let dark = 0;
      for (let i = 0; i < img.pixels.length; i += 4) if (img.pixels[i]! + img.pixels[i + 1]! + img.pixels[i + 2]! < 400) dark++;
      expect(dark).toBeGreaterThan(100);
      expect(existsSync(join(dirA, f.replace(/\.svg$/, '.png')))).toBe(true);
    }
  });

  it('a run killed halfway and resumed gives the same report as an uninterrupted one', async () => {
    const child = spawn(JESD, ['reproduce', '--scale', 'tiny', '--out', dirC, '--workers', '1', '--seed', '7', '--quiet'], { cwd: ROOT, stdio: 'ignore' });
    const heavyFile = join(dirC, 'heavy.jsonl');
    // Kill once the heavy-tailed sweep has written its header and at least 3 records.
    const t0 = Date.now();
    while (lineCount(heavyFile) < 4 && Date.now() - t0 < 60_000 && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(lineCount(heavyFile)).toBeGreaterThanOrEqual(4);
    expect(existsSync(join(dirC, 'report.md'))).toBe(false); // it really stopped halfway
    const r = runJesd(['reproduce', '--scale', 'tiny', '--out', dirC, '--workers', '2', '--seed', '7', '--quiet', '--resume']);
    expect(r.status).toBe(0);
    const resumed = readFileSync(join(dirC, 'report.md'), 'utf8');
    expect(firstDifference(stripTimings(readFileSync(join(dirA, 'report.md'), 'utf8')), stripTimings(resumed))).toBeNull();
    // Resuming with another seed is refused (exit 2, names --resume).
    const bad = runJesd(['reproduce', '--scale', 'tiny', '--out', dirC, '--seed', '8', '--quiet', '--resume']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--resume');
  });

  it('bad flags exit 2 with a one-line message naming the flag', () => {
    const r = runJesd(['reproduce', '--scale', 'huge']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--scale');
    expect(r.stderr).toContain('quick|paper');
    const w = runJesd(['reproduce', '--workers', '0']);
    expect(w.status).toBe(2);
    expect(w.stderr).toContain('--workers');
  });
});
