// The folders of src/ form a pipeline (docs/design.md section 3): no two folders import each
// other, directly or through others. A root module (errors.ts, types.ts, index.ts, ...) counts as
// its own node, so the top-level barrel src/index.ts does not tie every folder together.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** Node of a file: its top folder under src/, or the file name for a root module. */
function nodeOf(file: string): string {
  const rel = relative(src, file).split(sep);
  return rel.length > 1 ? rel[0]! : `./${rel[0]}`;
}

function folderGraph(): Map<string, Map<string, string>> {
  const g = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const a = nodeOf(file), b = nodeOf(normalize(join(dirname(file), m[1]!)));
      if (a === b) continue;
      if (!g.has(a)) g.set(a, new Map());
      if (!g.get(a)!.has(b)) g.get(a)!.set(b, `${relative(src, file)} imports ${m[1]}`);
    }
  }
  return g;
}

describe('architecture', () => {
  it('no import cycle between folders of src/', () => {
    const g = folderGraph();
    const cycles: string[] = [];
    // Depth-first search for a path back to the start, from every node.
    for (const start of g.keys()) {
      const seen = new Set<string>();
      const walk = (node: string, path: string[]): void => {
        for (const [next, why] of g.get(node) ?? []) {
          if (next === start) { cycles.push([...path, `${why}`].join(' -> ')); continue; }
          if (seen.has(next)) continue;
          seen.add(next);
          walk(next, [...path, why]);
        }
      };
      walk(start, []);
    }
    expect(cycles).toEqual([]);
  });

  it('the scan sees the imports: cli imports report, report does not import cli', () => {
    // The graph of the real tree has edges: a sanity check that the scan sees imports at all.
    const g = folderGraph();
    expect(g.get('cli')?.has('report')).toBe(true);
    expect(g.get('report')?.has('cli') ?? false).toBe(false);
  });
});
