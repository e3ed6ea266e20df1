// Theory and code one hop apart: every equation number "(k.n)" that a source file cites must exist
// in theory/*.md (as a \tag{k.n} or a "(k.n)" written there), and every theory page names the code
// that implements it ("Code:" lines), each named file existing.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const theoryDir = join(root, 'theory');
const theory = readdirSync(theoryDir).filter((f) => f.endsWith('.md')).map((f) => ({ f, text: readFileSync(join(theoryDir, f), 'utf8') }));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : []);
}

describe('theory <-> code', () => {
  it('every equation number cited in src/ exists in theory/', () => {
    const defined = new Set<string>();
    for (const { text } of theory) {
      for (const m of text.matchAll(/\\tag\{(\d+\.\d+[a-z]?)\}/g)) defined.add(m[1]!);
      for (const m of text.matchAll(/\((\d+\.\d+[a-z]?)\)/g)) defined.add(m[1]!);
    }
    const missing: string[] = [];
    for (const file of sourceFiles(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      // Chapter numbers start at 1, so "(0.5)" (a quantile level) is not an equation citation.
      for (const m of text.matchAll(/\(([1-9]\d*\.\d+[a-z]?)\)/g)) {
        if (!defined.has(m[1]!)) missing.push(`${file.slice(root.length)} cites (${m[1]})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every theory page names its code, and every named source file exists', () => {
    const bad: string[] = [];
    for (const { f, text } of theory) {
      if (!/Code:/.test(text)) bad.push(`${f}: no "Code:" line`);
      for (const m of text.matchAll(/`(src\/[\w./-]+\.(?:ts|mjs))`/g)) {
        if (!existsSync(join(root, m[1]!))) bad.push(`${f} names ${m[1]} (missing)`);
      }
    }
    expect(bad).toEqual([]);
  });
});
