// The installable package: `npm pack` (which builds dist/ through prepack/prepare), then install the
// tarball into an empty directory and use it as a user would: the library through a plain Node
// `import`, the command through `npx jesd`. Needs the npm registry for the dependencies (CI has it).
// The pack runs in a copy of the checkout (node_modules linked), so its build never replaces the
// dist/ that other test files running at the same time use through bin/jesd.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('npm package', () => {
  it('packs, installs into an empty directory, imports without tsx and runs `npx jesd --help`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jesd-pack-'));
    try {
      const env = { ...process.env, JESD_SKIP_NATIVE_BUILD: '1', npm_config_audit: 'false', npm_config_fund: 'false' };
      const copy = join(dir, 'checkout');
      for (const f of ['package.json', 'package-lock.json', 'README.md', 'binding.gyp', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'native', 'src', 'scripts']) {
        cpSync(join(root, f), join(copy, f), { recursive: true });
      }
      symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
      execFileSync('npm', ['pack', '--pack-destination', dir], { cwd: copy, env, stdio: 'pipe' });
      const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
      expect(tarball).toBeDefined();
      const app = join(dir, 'app');
      execFileSync('mkdir', [app]);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
      execFileSync('npm', ['install', '--no-save', join(dir, tarball!)], { cwd: app, env, stdio: 'pipe' });
      // tsx is a development dependency only: the installed package must not need it.
      expect(spawnSync(process.execPath, ['-e', "import('tsx')"], { cwd: app }).status).not.toBe(0);
      const lib = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', "import { sampleNetwork, validateSpec } from 'jacobian-esd'; console.log(typeof sampleNetwork, typeof validateSpec);"],
        { cwd: app, env, encoding: 'utf8' },
      );
      expect(lib.stderr).toBe('');
      expect(lib.stdout.trim()).toBe('function function');
      const help = spawnSync('npx', ['jesd', '--help'], { cwd: app, env, encoding: 'utf8' });
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^Usage: jesd/);
      const fp = spawnSync('npx', ['jesd', 'fixed-points', '--width', '3', '--depth', '2', '--starts', '20', '--json'], { cwd: app, env, encoding: 'utf8' });
      expect(fp.status).toBe(0);
      expect(JSON.parse(fp.stdout).fixedPoints.length).toBeGreaterThanOrEqual(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
