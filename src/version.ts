/** The package's name and version, as written in records and reports ("jacobian-esd 0.1.0"). */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  try {
    // src/version.ts and dist/version.js both sit one level below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    return `${pkg.name} ${pkg.version}`;
  } catch {
    return 'jacobian-esd (version unknown)';
  }
}
