import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { generateCliDocs } from '../scripts/gen-cli-docs.ts';
import { buildProgram } from '../src/cli/main.ts';

describe('docs/cli.md', () => {
  it('is the current --help output of every command (regenerate: node --import tsx scripts/gen-cli-docs.ts)', () => {
    const onDisk = readFileSync(new URL('../docs/cli.md', import.meta.url), 'utf8');
    const fresh = generateCliDocs();
    if (onDisk !== fresh) {
      const a = onDisk.split('\n'), b = fresh.split('\n');
      const i = a.findIndex((line, k) => line !== b[k]);
      expect.fail(`docs/cli.md is out of date at line ${i + 1}:\n- ${a[i]}\n+ ${b[i]}\nRun: node --import tsx scripts/gen-cli-docs.ts`);
    }
  });

  it('documents every registered command, including reproduce and its flags', () => {
    const doc = generateCliDocs();
    for (const cmd of buildProgram().commands) expect(doc).toContain(`## jesd ${cmd.name()}`);
    const section = doc.slice(doc.indexOf('## jesd reproduce'));
    for (const flag of ['--scale', '--out', '--workers', '--seed', '--resume', '--json']) expect(section).toContain(flag);
    // Machine-specific defaults are not baked in.
    expect(doc).not.toMatch(/here \d+\)/);
  });
});
